"""The roles a column of per-variant summaries can play, as patterns over its stripped, lower-cased
header (English or Chinese). Read by `summary_input` (guessing the columns of a long table) and by
`wide` (the base names of control/treatment column pairs)."""

from __future__ import annotations

ROLE_PATTERNS = {
    "experiment": r"^(experiment|experiment_?id|exp|exp_?id|test|test_?id|experiment_?name|实验|实验id|实验名称)$",
    "metric": r"^(metric|metric_?name|kpi|指标|指标名称)$",
    "variant": r"^(variant|variation|version|group|arm|bucket|分组|组别|版本)$",
    "time": r"^(date|day|ts|time|timestamp|checkpoint|日期|时间)$",
    "count": r"^(count|n|users|units|visitors|sample_?size|exposures|样本量|用户数|人数)$",
    "mean": r"^(mean|avg|average|mean_value|均值|平均值)$",
    "sum": r"^(sum|total|sum_value|总和|合计)$",
    "variance": r"^(variance|var|方差)$",
    "sd": r"^(sd|std|stdev|std_?dev|standard_deviation|标准差)$",
    "sum_squares": r"^(sum_?squares|sum_?of_?squares|sum_?sq|ss|sumsq|平方和)$",
    "conversions": r"^(conversions?|converted|successes|clicks|转化|转化数)$",
}
