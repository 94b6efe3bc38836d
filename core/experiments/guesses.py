"""What column names suggest before anyone says: whether groups were assigned at random (variant,
arm ... yes; campaign, ad, channel ... no), which exposure count a count metric is a share of, and
which denominators are exposures (clicks may not exceed them)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.errors import InputError
from core.experiments.columns import metric_values

# variant columns: names of a randomised split, and of groups nobody randomised (en and zh)
RANDOMISED_NAMES = re.compile(
    r"^(variant|variation|version|group|arm|bucket|treatment|test_?group|experiment_?group|ab_?group|"
    r"实验组|分组|组别|版本|实验分组)$",
    re.I,
)
NOT_RANDOMISED_NAMES = re.compile(
    r"(campaign|ad_?set|adset|ad_?group|adgroup|creative|placement|channel|source|medium|publisher|"
    r"广告|计划|渠道|投放|来源|素材)|^(ad|ads|ad_?id|ad_?name)$",
    re.I,
)


def randomised_guess(column: str) -> bool:
    """Whether groups in `column` were presumably assigned at random: False for campaigns, ads,
    ad sets, channels (广告, 渠道 ...), which reach different people; True otherwise (variant,
    group, arm, bucket, 实验组 ... and unknown names: the analyst can say otherwise)."""
    name = str(column).strip()
    if RANDOMISED_NAMES.match(name):
        return True
    return NOT_RANDOMISED_NAMES.search(name) is None


DENOMINATOR_NAMES = re.compile(
    r"^(impressions?|imps?|exposures?|exposed|visits?|visitors?|views?|page_?views?|reach|sends?|sent|delivered|"
    r"recipients?|展示|曝光|访问|访客|浏览|送达)",
    re.I,
)


def guess_denominator(df: pd.DataFrame, metric: str, exclude: Sequence[str | None] = ()) -> str | None:
    """For rows without a unit column: the exposure count (impressions, exposures, visits ...) a
    count metric (whole numbers, some above 1: clicks per ad or per day) is a share of; None when
    the metric is not such a count or there is no such column. Impressions before visits."""
    if metric not in df.columns or DENOMINATOR_NAMES.match(str(metric).strip()):
        return None
    try:
        m, binary = metric_values(df[metric], metric)
    except InputError:
        return None
    ok = m[np.isfinite(m)]
    if binary or not len(ok) or (ok < 0).any() or (ok != np.floor(ok)).any() or not (ok > 1).any():
        return None
    hits = []
    for c in df.columns:
        name = str(c).strip()
        if c == metric or c in exclude or not DENOMINATOR_NAMES.match(name):
            continue
        d = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        if len(d) and (d >= 0).all() and (d == np.floor(d)).all():
            rank = 0 if re.match(r"^(impressions?|imps?|exposures?|exposed|展示|曝光)", name, re.I) else 1
            hits.append((rank, c))
    return min(hits, key=lambda t: t[0])[1] if hits else None


EXPOSURE_NAMES = re.compile(
    r"^(impressions?|imps?|views?|page_?views?|exposures?|exposed|reach|sends?|sent|delivered|recipients?|"
    r"users?|visitors?|visits?|sessions?|展示|曝光|访客|访问|浏览|用户)",
    re.I,
)
