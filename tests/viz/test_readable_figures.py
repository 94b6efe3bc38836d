"""The shared layout rule (core/viz/readable.py): ids are categories on every axis, and neither a
title nor a legend sits in the band where Plotly's toolbar appears."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio

from core.viz.readable import LEGEND_ROW, TOOLBAR_BAND

OTTO = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "otto_sessions_sample" / "train.jsonl"


def _item_ids() -> list[str]:
    if OTTO.exists():  # the real ids the recommender explains with (1.4M-1.8M as numbers)
        events = json.loads(OTTO.read_text(encoding="utf-8").splitlines()[0])["events"]
        return list(dict.fromkeys(str(e["aid"]) for e in events))[:8]
    return ["1517085", "1563459", "1309446", "16246", "1781822"]


def test_item_ids_make_a_category_axis_in_the_figure_plotly_draws():
    from core.viz.recommend import attention_figure

    items = _item_ids()
    weights = np.linspace(1, 2, len(items)) / np.linspace(1, 2, len(items)).sum()
    fig = attention_figure(items, weights.tolist())
    spec = json.loads(pio.to_json(fig))  # what the browser gets
    assert spec["layout"]["yaxis"]["type"] == "category"
    assert spec["layout"]["autotypenumbers"] == "strict"  # any other text axis of digits too
    assert spec["data"][0]["y"] == items[::-1]  # each id its own bar, in order
    assert "%" in spec["layout"]["xaxis"]["tickformat"] and "~" in spec["layout"]["xaxis"]["tickformat"]


def test_titles_and_legends_stay_out_of_the_toolbar_band():
    from core.cohorts.survival import survival_curves
    from core.viz.cohorts import survival_figure
    from core.viz.recommend import metrics_figure
    from core.viz.sentiment import trend_figure

    table = pd.DataFrame(
        {
            "model": ["SASRec", "Popularity", "Item-kNN"],
            "protocol": "full ranking",
            "HR@10": [0.3, 0.1, 0.2],
            "NDCG@10": [0.2, 0.05, 0.1],
        }
    )
    metrics = metrics_figure(table, labels={"title": "Full ranking: every item is a candidate"})
    assert metrics.layout.margin.t >= TOOLBAR_BAND
    assert metrics.layout.title.xanchor == "left" and metrics.layout.title.x == 0

    rng = np.random.default_rng(0)
    groups = np.array(["2026-01 cohort"] * 30 + ["2026-02 cohort"] * 30 + ["2026-03 cohort"] * 30)
    surv = survival_figure(survival_curves(rng.integers(1, 50, 90), rng.integers(0, 2, 90), groups))
    assert surv.layout.legend.y >= 1 and surv.layout.legend.yanchor == "bottom"  # above the plot ...
    assert surv.layout.margin.t >= TOOLBAR_BAND + LEGEND_ROW  # ... and below the toolbar's band

    periods = pd.date_range("2026-01-05", periods=6, freq="W-MON")
    trends = pd.DataFrame(
        {
            "community": "c0",
            "period": periods,
            "volume": 40,
            "mean_score": np.linspace(0.1, 0.3, 6),
            "ci_low": 0.0,
            "ci_high": 0.4,
            "share_negative": 0.5,
            "neg_ci_low": 0.4,
            "neg_ci_high": 0.6,
            "sparse": False,
        }
    )
    shifts = pd.DataFrame(
        {"community": ["c0"], "period": [periods[3]], "direction": ["drop"], "mean_score": [0.2], "z": [-5.0]}
    )
    trend = trend_figure(trends, shifts, {"shift": "Shift"}, {}, lang="en", freq="week")
    assert any(t.name == "Shift" for t in trend.data)
    assert trend.layout.margin.t >= TOOLBAR_BAND + LEGEND_ROW
