"""One escaping pass for every figure builder: user strings reach plotly as entities, never as tags."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import core.viz
from core.viz.safe import escape_figure, escape_text

EVIL = '<a href="https://example.com/evil">clickme</a>'
BOLD = "<b>x</b> & co"
TEMPLATE_KEYS = {"hovertemplate", "texttemplate", "template"}  # ours, not data


def _builders():
    for mod in pkgutil.iter_modules(core.viz.__path__):
        if mod.name == "safe":  # the pass itself
            continue
        module = importlib.import_module(f"core.viz.{mod.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                ret = inspect.signature(fn).return_annotation
                if ret in (go.Figure, "go.Figure"):
                    yield f"{module.__name__}.{name}", fn


def _strings(obj, key=""):
    """Every string in a figure's JSON form, except inside our own templates."""
    if key in TEMPLATE_KEYS:
        return
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, k)
    elif isinstance(obj, (list, tuple, np.ndarray)):
        for v in obj:
            yield from _strings(v, key)


def _assert_safe(fig: go.Figure) -> None:
    found = list(_strings(fig.to_plotly_json()))
    assert not [s for s in found if "<a" in s or "<b>" in s], "raw user HTML in the figure"
    assert any("&lt;a href=" in s for s in found), "the hostile string is missing (escaped) from the figure"


def test_every_builder_goes_through_the_escaping_pass():
    builders = dict(_builders())
    assert len(builders) >= 15  # graph, sentiment, cohorts, recommend, experiments
    missing = [n for n, fn in builders.items() if not getattr(fn, "__escapes_user_text__", False)]
    assert not missing, f"builders without @escaped_figure: {missing}"


def test_escape_text_is_entities_keeps_line_breaks_and_runs_once():
    assert escape_text(EVIL) == '&lt;a href="https://example.com/evil"&gt;clickme&lt;/a&gt;'
    assert escape_text(BOLD) == "&lt;b&gt;x&lt;/b&gt; &amp; co"
    assert escape_text("a<br>b") == "a<br>b"
    fig = go.Figure(go.Bar(x=[EVIL], y=[1], name=BOLD))
    escape_figure(fig)
    escape_figure(fig)  # a second pass must not double-escape
    assert fig.data[0].name == escape_text(BOLD) and fig.data[0].x == (escape_text(EVIL),)


def test_graph_builders_on_hostile_user_ids():
    from core.graph.build import graph_from_edges
    from core.graph.detect import detect_communities
    from core.graph.layout import user_network
    from core.viz.graph import network_figure

    g = graph_from_edges(pd.DataFrame({"src": [EVIL, BOLD, "c"], "dst": [BOLD, "c", EVIL]}))
    view = user_network(g, detect_communities(g))
    fig = network_figure(view, highlight=EVIL)
    _assert_safe(fig)
    highlight = next(t for t in fig.data if t.name == "highlight")
    assert highlight.text == (escape_text(EVIL),)


def test_sentiment_builders_on_hostile_community_and_labels():
    from core.viz.sentiment import confusion_figure, terms_figure, trend_figure

    periods = pd.date_range("2026-01-05", periods=4, freq="W-MON")
    trends = pd.DataFrame(
        {
            "community": [EVIL] * 4 + [BOLD] * 4,
            "period": list(periods) * 2,
            "mean_score": np.linspace(-0.5, 0.5, 8),
            "ci_low": -0.9,
            "ci_high": 0.9,
            "volume": 10,
            "share_negative": 0.3,
        }
    )
    shifts = pd.DataFrame({"community": [EVIL], "period": [periods[2]], "mean_score": [-0.5], "z": [-3.1]})
    fig = trend_figure(trends, shifts, {})
    _assert_safe(fig)
    assert {t.name for t in fig.data} >= {escape_text(EVIL), escape_text(BOLD)}
    _assert_safe(confusion_figure([[1, 2], [3, 4]], [EVIL, "ok"], {}))
    _assert_safe(terms_figure([(EVIL, 2.0), ("fine", 1.0)], {}))


def test_cohort_recommend_and_experiment_builders_on_hostile_names():
    from core.cohorts.survival import survival_curves
    from core.viz import cohorts, experiments, recommend

    rng = np.random.default_rng(0)
    groups = np.array([EVIL] * 20 + [BOLD] * 20)
    surv = survival_curves(rng.integers(1, 50, 40), rng.integers(0, 2, 40), groups)
    _assert_safe(cohorts.survival_figure(surv))
    _assert_safe(
        cohorts.risk_by_group_figure(pd.DataFrame({"group": [EVIL, "b"], "mean_risk": [0.2, 0.4], "users": [3, 4]}))
    )
    _assert_safe(
        cohorts.importance_figure(
            pd.DataFrame(
                {
                    "feature": [EVIL, "b"],
                    "contribution": [0.2, 0.1],
                    "permutation": [0.01, 0.02],
                    "attention": [0.5, 0.5],
                }
            )
        )
    )
    _assert_safe(recommend.attention_figure([EVIL, "item2"], [0.7, 0.3]))
    table = pd.DataFrame({"model": [EVIL], "protocol": ["full ranking"], "HR@10": [0.3], "NDCG@10": [0.2]})
    _assert_safe(recommend.metrics_figure(table))
    _assert_safe(
        recommend.popularity_bias_figure(
            {EVIL: {"coverage": 0.1, "mean_popularity_percentile": 0.5, "top10pct_share": 0.3}}
        )
    )
    seg = pd.DataFrame(
        {"segment_value": [EVIL, "b"], "variant": ["B", "B"], "relative_lift": [0.1, -0.1], "p_value_holm": [0.01, 0.5]}
    )
    fig = experiments.segment_heatmap(seg)
    _assert_safe(fig)
    assert "<br>" in fig.data[0].text[0][0]  # the builder's own line break survives the pass
    _assert_safe(
        experiments.variant_interval_figure(
            pd.DataFrame({"name": [EVIL, "A"], "mean": [0.1, 0.2], "ci_low": [0.0, 0.1], "ci_high": [0.2, 0.3]})
        )
    )
    lift = pd.DataFrame(
        {
            "variant": [EVIL] * 3,
            "day": [1, 2, 3],
            "lift": [0.1, 0.1, 0.1],
            "lift_ci_low": [0.0] * 3,
            "lift_ci_high": [0.2] * 3,
            "sequential_ci_low": [-0.1] * 3,
            "sequential_ci_high": [0.3] * 3,
            "relative_lift": [0.1, 0.1, 0.1],
            "relative_lift_ci_low": [0.0] * 3,
            "relative_lift_ci_high": [0.2] * 3,
            "sequential_relative_ci_low": [-0.1] * 3,
            "sequential_relative_ci_high": [0.3] * 3,
        }
    )
    _assert_safe(experiments.cumulative_lift_figure(lift))
    funnel = pd.DataFrame({"variant": [EVIL], "impressions": [100], "clicks": [10], "conversions": [1]})
    _assert_safe(experiments.funnel_figure(funnel))


@pytest.mark.parametrize("value", [EVIL, BOLD, "普通的名字", "a & b"])
def test_escaping_round_trips_to_the_same_text(value):
    """What plotly shows (entities decoded) is exactly the user's string."""
    import html

    assert html.unescape(escape_text(value)) == value
