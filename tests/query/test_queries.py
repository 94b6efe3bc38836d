"""The shared SQL on DuckDB against the in-process code it stands in for (references computed here):
A/B sums vs numpy bincounts, retention vs `retention_matrix`, trends vs `sentiment_trends`, edges vs
`graph_from_replies` / `graph_from_co_interaction`. Spark's agreement with DuckDB: tests/spark."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.query import aggregates as A
from core.query.engine import DuckDBEngine


@pytest.fixture(scope="module")
def duck(sample_ws, scored_posts):
    eng = DuckDBEngine().register_workspace(sample_ws)
    eng.register("scored", scored_posts)
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def duck_edge(edge_tables):
    eng = DuckDBEngine()
    for name, path in edge_tables.items():
        eng.register(name, path)
    yield eng
    eng.close()


def _ab_reference(df, metric, covariate=None, by=()):
    rows = df[df[metric].notna() & (df[covariate].notna() if covariate else True)].copy()
    rows["y"] = rows[metric].astype(float)
    rows["yy"] = rows["y"] ** 2
    keys = ["variant", *by]
    rows[keys] = rows[keys].astype(object).where(rows[keys].notna(), None)
    agg = {"n": ("y", "size"), "sum_y": ("y", "sum"), "sum_yy": ("yy", "sum")}
    if covariate:
        rows["x"] = rows[covariate].astype(float)
        rows["xx"], rows["xy"] = rows["x"] ** 2, rows["x"] * rows["y"]
        agg.update(sum_x=("x", "sum"), sum_xx=("xx", "sum"), sum_xy=("xy", "sum"))
    out = rows.groupby(keys, dropna=False).agg(**agg).reset_index()
    return out.sort_values(keys, na_position="first", kind="mergesort").reset_index(drop=True)


@pytest.mark.parametrize(
    "metric,covariate,by", [("converted", None, ()), ("revenue", "pre_spend", ()), ("revenue", None, ("segment",))]
)
def test_ab_sums_match_pandas(duck, sample_ws, metric, covariate, by):
    got = A.ab_sums(duck, "ad_events", "variant", metric, covariate, by)
    want = _ab_reference(sample_ws.read("ad_events"), metric, covariate, by)
    assert got["variant"].tolist() == want["variant"].tolist()
    for c in want.columns.drop(["variant", *by]):
        np.testing.assert_allclose(got[c].to_numpy(float), want[c].to_numpy(float), rtol=1e-9)


def test_ab_result_equals_row_level_engine(duck, sample_ws):
    """Sums from SQL through the summary engine give the row-level engine's lift and p-value."""
    from core.experiments.analysis import ExperimentSpec, MetricSpec, analyze, prepare

    df = sample_ws.read("ad_events")
    got = A.ab_result(A.ab_sums(duck, "ad_events", "variant", "revenue"), "revenue", control="A")
    spec = ExperimentSpec(variant="variant", control="A")
    want = analyze(prepare(df, spec, [MetricSpec("revenue")]), MetricSpec("revenue"))
    g = {v.name: v for v in got.variants}
    for v in want.variants:
        assert g[v.name].n == v.n
        np.testing.assert_allclose(g[v.name].mean, v.mean, rtol=1e-9)
        if v.p_value is not None and not np.isnan(v.p_value):
            np.testing.assert_allclose(g[v.name].p_value, v.p_value, rtol=1e-6)


@pytest.mark.parametrize("period,kind", [("month", "classic"), ("week", "classic"), ("week", "unbounded")])
def test_retention_matches_retention_matrix(duck, sample_ws, period, kind):
    from core.cohorts.retention import retention_matrix

    act = sample_ws.read("interactions", ["user_id", "ts"]).dropna()
    want = retention_matrix(act, period=period, kind=kind)
    got = A.retention(duck, period=period, kind=kind)
    pd.testing.assert_series_equal(got.sizes, want.sizes, check_dtype=False)
    pd.testing.assert_frame_equal(got.counts, want.counts, check_dtype=False)
    pd.testing.assert_frame_equal(got.shares, want.shares, check_dtype=False, rtol=1e-12)


def test_trends_match_sentiment_trends(duck, scored_posts):
    from core.text.trends import sentiment_trends

    scored = pd.read_parquet(scored_posts)
    want = sentiment_trends(scored.dropna(subset=["ts"]), "week")
    got = A.sentiment_trends(duck, "scored", "week")
    assert got[["community", "period", "volume", "negatives"]].equals(
        want[["community", "period", "volume", "negatives"]]
    )
    for c in ("mean_score", "sd", "ci_low", "ci_high", "neg_ci_low", "neg_ci_high"):
        np.testing.assert_allclose(got[c], want[c], rtol=1e-9, atol=1e-12)


def _edge_list(g):
    names = g.nodes.astype(str)
    return sorted(zip(names[g.src], names[g.dst], g.weight.tolist()))


@pytest.mark.parametrize("name", ["sample", "edge"])
def test_reply_graph_matches_graph_from_replies(duck, duck_edge, sample_ws, edge_tables, name):
    from core.graph.build import graph_from_replies

    eng, posts = (
        (duck, sample_ws.read("posts")) if name == "sample" else (duck_edge, pd.read_parquet(edge_tables["posts"]))
    )
    want = graph_from_replies(posts)
    got = A.reply_graph(eng)
    assert _edge_list(got) == _edge_list(want) and len(_edge_list(want)) > 10
    assert sorted(got.nodes.astype(str)) == sorted(want.nodes.astype(str))


@pytest.mark.parametrize("name", ["sample", "edge"])
def test_co_interaction_matches_graph_builder(duck, duck_edge, sample_ws, edge_tables, name):
    from core.graph.build import graph_from_co_interaction

    eng, inter = (
        (duck, sample_ws.read("interactions"))
        if name == "sample"
        else (duck_edge, pd.read_parquet(edge_tables["interactions"]))
    )
    max_users = 200 if name == "sample" else 35  # the edge case's 'everyone' item is skipped
    want = graph_from_co_interaction(inter, min_shared=2, max_item_users=max_users)
    got = A.co_interaction_graph(eng, min_shared=2, max_item_users=max_users)
    assert _edge_list(got) == _edge_list(want) and len(_edge_list(want)) > 10
