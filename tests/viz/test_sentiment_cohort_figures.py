"""What the sentiment and cohort figures show (issue 15): share negative beside the mean, the neutral
band, thin periods apart, Chinese date ticks on every subplot; retention percentages and cohort
sizes; one colour per cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.viz.cohorts import retention_heatmap, survival_figure
from core.viz.sentiment import trend_figure


def _trends() -> pd.DataFrame:
    periods = pd.date_range("2026-01-05", periods=6, freq="W-MON")
    volume = np.array([40, 2, 35, 50, 1, 44])
    return pd.DataFrame(
        {
            "community": "c0",
            "period": periods,
            "volume": volume,
            "mean_score": np.linspace(0.1, 0.3, 6),
            "ci_low": 0.0,
            "ci_high": 0.4,
            "share_negative": np.linspace(0.6, 0.7, 6),
            "neg_ci_low": 0.5,
            "neg_ci_high": 0.8,
            "sparse": volume < 5,
        }
    )


def test_trend_figure_rows_band_sparse_points_and_chinese_ticks():
    trends = _trends()
    labels = {"share_negative": "负面占比", "sparse": "帖子少于 5 条", "band": "中性区间"}
    bands = {"英文": (-0.05, 0.05), "中文": (-0.05, 0.05)}
    fig = trend_figure(trends, pd.DataFrame(), labels, bands, lang="zh", freq="month")
    assert fig.layout.yaxis2.title.text == "负面占比" and tuple(fig.layout.yaxis2.range) == (0, 1.02)
    lines = [t for t in fig.data if t.name == "c0" and t.mode == "lines+markers"]
    assert {tuple(t.y) for t in lines} == {
        tuple(trends.loc[~trends["sparse"], "mean_score"]),
        tuple(trends.loc[~trends["sparse"], "share_negative"]),
    }  # the lines skip the thin periods
    grey = [t for t in fig.data if t.name == "帖子少于 5 条"]
    assert len(grey) == 2 and all(len(t.x) == int(trends["sparse"].sum()) for t in grey)
    shapes = [s for s in fig.layout.shapes if s.y0 == -0.05 and s.y1 == 0.05]
    assert len(shapes) == 1  # one strip for a band two languages share, named by both
    assert any("英文, 中文" in a.text for a in fig.layout.annotations)
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        assert "月" in fig.layout[axis].tickformat, axis  # every subplot's dates in Chinese


def test_retention_heatmap_shows_percentages_and_cohort_sizes():
    from core.cohorts.retention import RetentionResult

    cohorts = pd.to_datetime(["2026-01-01", "2026-02-01"])
    counts = pd.DataFrame([[100, 40], [2500, np.nan]], index=cohorts, columns=[0, 1])
    sizes = pd.Series([100, 2500], index=cohorts)
    result = RetentionResult(counts, counts.div(sizes, axis=0), sizes, "month", "classic")
    fig = retention_heatmap(result)
    heat = fig.data[0]
    assert list(heat.y) == ["2026-01 · 100", "2026-02 · 2,500"]
    assert [list(r) for r in heat.text] == [["100%", "40%"], ["100%", ""]]  # blank where not observed


def test_thirteen_cohorts_get_thirteen_colours_and_the_legend_clears_the_axis():
    from core.cohorts.survival import survival_curves

    rng = np.random.default_rng(0)
    groups = np.repeat([f"2025-{m:02d}" for m in range(1, 14)], 20)
    surv = survival_curves(rng.integers(1, 90, len(groups)), rng.integers(0, 2, len(groups)), groups)
    fig = survival_figure(surv, ordered=True)
    colours = [t.line.color for t in fig.data if t.showlegend is not False]
    assert len(colours) == 13 and len(set(colours)) == 13
    unordered = survival_figure(surv, ordered=False)
    assert len({t.line.color for t in unordered.data if t.showlegend is not False}) == 13
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yanchor == "bottom"
