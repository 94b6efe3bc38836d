"""Every shared query gives the same answer on Spark local[2] as on DuckDB (1e-9 after sorting), on
the sample workspace and on generated edge cases (NULLs, blank ids, empty groups, one variant,
Chinese community and variant names): A/B sums, retention of every cohort kind, trends, reply and
co-interaction edges and the graphs built from them (posters, first times, counts and notes). DuckDB's own agreement with the in-process code: tests/query."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cli.aggregate import ab_result
from core.cohorts.retention import retention_from_engine
from core.graph.build import co_interaction_graph, reply_graph
from core.query import aggregates as A
from core.query.engine import DuckDBEngine, SparkEngine
from core.text.trends import trends_from_engine


@pytest.fixture(scope="module")
def engines(spark, sample_ws, scored_posts, edge_tables):
    """{'sample': (duckdb, spark), 'edge': (duckdb, spark)} over the same Parquet files."""
    out = {}
    for name in ("sample", "edge"):
        pair = (DuckDBEngine(), SparkEngine(spark=spark))
        for eng in pair:
            if name == "sample":
                eng.register_workspace(sample_ws)
                eng.register("scored", scored_posts)
            else:
                for table, path in edge_tables.items():
                    eng.register(table, path)
        out[name] = pair
    yield out
    for duck, _ in out.values():
        duck.close()


def assert_same(a: pd.DataFrame, b: pd.DataFrame):
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) and len(a) > 0
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            np.testing.assert_allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-9, atol=1e-12, err_msg=c)
        elif pd.api.types.is_datetime64_any_dtype(x):
            assert (pd.to_datetime(x).to_numpy() == pd.to_datetime(y).to_numpy()).all(), c
        else:
            assert x.where(x.notna(), None).tolist() == y.where(y.notna(), None).tolist(), c


AB_CASES = {
    "sample": [
        ("ad_events", "converted", None, (), None),
        ("ad_events", "revenue", "pre_spend", (), None),
        ("ad_events", "revenue", None, ("segment", "region"), "ts"),
    ],
    "edge": [
        ("ad_events", "revenue", "pre", ("segment",), None),
        ("ad_events", "converted", None, (), "ts"),
        ("ad_one", "revenue", None, (), None),
    ],
}


@pytest.mark.parametrize("name,case", [(n, c) for n, cases in AB_CASES.items() for c in cases])
def test_ab_sums_agree(engines, name, case):
    table, metric, cov, by, day = case
    duck, spark = engines[name]
    a = A.ab_sums(duck, table, "variant", metric, cov, by, day)
    b = A.ab_sums(spark, table, "variant", metric, cov, by, day)
    assert_same(a, b)
    if name == "edge" and table == "ad_events":
        assert a["variant"].isna().any() and "对照" in set(a["variant"])


def test_ab_result_agrees(engines):
    duck, spark = engines["sample"]
    r = [ab_result(A.ab_sums(e, "ad_events", "variant", "converted"), "converted", control="A") for e in (duck, spark)]
    for x, y in zip(r[0].variants, r[1].variants):
        assert x.name == y.name and x.n == y.n
        np.testing.assert_allclose([x.mean, x.ci_low, x.ci_high], [y.mean, y.ci_low, y.ci_high], rtol=1e-9)


@pytest.mark.parametrize("name", ["sample", "edge"])
@pytest.mark.parametrize("basis,period,kind", [("first_activity", "month", "classic"), ("signup", "week", "unbounded")])
def test_retention_agrees(engines, name, basis, period, kind):
    """Every cohort option the churn page offers, over interactions + posts (signup: 12 periods at most).
    Classic and unbounded read the same query (cells and last periods), so the two cases cover both
    bases, both periods and both kinds."""
    duck, spark = engines[name]
    signup = basis == "signup"
    a, b = (
        retention_from_engine(
            e,
            period,
            kind,
            tables=("interactions", "posts"),
            cohorts="users" if signup else None,
            cohort_col="signup_at",
            max_periods=12 if signup else None,
        )
        for e in (duck, spark)
    )
    assert len(a.sizes) > 2
    pd.testing.assert_series_equal(a.sizes, b.sizes)
    pd.testing.assert_frame_equal(a.counts, b.counts)
    pd.testing.assert_frame_equal(a.shares, b.shares, rtol=1e-12)


@pytest.mark.parametrize("name", ["sample", "edge"])
@pytest.mark.parametrize("freq", ["day", "week", "month"])
def test_trends_agree(engines, name, freq):
    duck, spark = engines[name]
    a, b = (trends_from_engine(e, "scored", freq) for e in (duck, spark))
    assert_same(a, b)
    if name == "edge":
        assert {"数码", "旅行", "all"} <= set(a["community"].dropna())


def assert_same_graph(a, b):
    """Same nodes, edges, weights, first-seen times, counts and notes."""
    assert a.nodes.astype(str).tolist() == b.nodes.astype(str).tolist() and a.n_edges > 10
    assert (a.src.tolist(), a.dst.tolist()) == (b.src.tolist(), b.dst.tolist())
    np.testing.assert_allclose(a.weight, b.weight, rtol=1e-12)
    assert (a.first_seen is None) == (b.first_seen is None)
    if a.first_seen is not None:
        pd.testing.assert_index_equal(pd.DatetimeIndex(a.first_seen), pd.DatetimeIndex(b.first_seen))
        assert pd.notna(a.first_seen).any()
    assert a.summary() == b.summary()


@pytest.mark.parametrize("name", ["sample", "edge"])
def test_edges_and_graphs_agree(engines, name):
    duck, spark = engines[name]
    assert_same(A.reply_edges(duck), A.reply_edges(spark))
    most = 200 if name == "sample" else 35  # the edge case's 'everyone' item is skipped
    assert_same(A.co_interaction_edges(duck, max_item_users=most), A.co_interaction_edges(spark, max_item_users=most))
    assert_same_graph(reply_graph(duck), reply_graph(spark))
    a, b = (co_interaction_graph(e, max_item_users=most) for e in (duck, spark))
    assert_same_graph(a, b)
    assert name == "sample" or any("items with more than 35 users skipped" in n for n in a.notes)
