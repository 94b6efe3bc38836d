"""The shared SQL on DuckDB against the in-process code it stands in for (references computed here):
A/B sums vs pandas groupby, retention (every cohort kind) vs a pandas reference, trends vs a pandas
groupby, reply and co-interaction graphs vs brute-force counts. (The app's in-process functions run
these same queries on DuckDB over frames.) Spark's agreement with DuckDB: tests/spark."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from core.cli.aggregate import ab_result
from core.cohorts.retention import retention_from_engine
from core.graph.build import co_interaction_graph, reply_graph
from core.query import aggregates as A
from core.query.engine import DuckDBEngine
from core.text.trends import trends_from_engine


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
    got = ab_result(A.ab_sums(duck, "ad_events", "variant", "revenue"), "revenue", control="A")
    spec = ExperimentSpec(variant="variant", control="A")
    want = analyze(prepare(df, spec, [MetricSpec("revenue")]), MetricSpec("revenue"))
    g = {v.name: v for v in got.variants}
    for v in want.variants:
        assert g[v.name].n == v.n
        np.testing.assert_allclose(g[v.name].mean, v.mean, rtol=1e-9)
        if v.p_value is not None and not np.isnan(v.p_value):
            np.testing.assert_allclose(g[v.name].p_value, v.p_value, rtol=1e-6)


def _activity(ws) -> pd.DataFrame:
    """interactions and posts as one log of (user_id, ts), rows with both."""
    parts = [ws.read(t, ["user_id", "ts"]) for t in ("interactions", "posts")]
    log = pd.concat(parts, ignore_index=True).dropna()
    return log[log["user_id"].astype(str).str.strip() != ""].assign(user_id=lambda d: d["user_id"].astype(str))


@pytest.mark.parametrize("basis", ["first_activity", "signup"])
@pytest.mark.parametrize("period,kind", [("month", "classic"), ("week", "unbounded")])
def test_retention_matches_pandas_reference(duck, sample_ws, basis, period, kind):
    from tests.cohorts.test_retention import retention_reference

    log = _activity(sample_ws)
    if basis == "signup":
        users = sample_ws.read("users", ["user_id", "signup_at"]).dropna()
        cohorts = pd.Series(pd.to_datetime(users["signup_at"]).to_numpy(), index=users["user_id"].astype(str))
    else:
        cohorts = log.groupby("user_id")["ts"].min()
    got = retention_from_engine(
        duck,
        period,
        kind,
        tables=("interactions", "posts"),
        cohorts="users" if basis == "signup" else None,
        cohort_col="signup_at",
        max_periods=20,
    )
    want = retention_reference(log, cohorts, period, kind, 20)
    cells = {key: int(v) for key, v in got.counts.stack().items() if v > 0}
    assert cells == want and len(want) > 20
    assert got.sizes.sum() == len(cohorts) and got.counts.shape[1] <= 20


def test_trends_match_pandas_reference(duck, scored_posts):
    from core.text.trends import period_start

    scored = pd.read_parquet(scored_posts).dropna(subset=["ts"])
    rows = pd.DataFrame(
        {
            "community": scored["community"].astype(object),
            "period": period_start(scored["ts"], "week"),
            "score": scored["score"],
            "neg": (scored["sentiment"] == "negative").astype(int),
        }
    )
    rows = pd.concat([rows, rows.assign(community="all")], ignore_index=True)
    want = (
        rows.groupby(["community", "period"])
        .agg(volume=("score", "size"), mean_score=("score", "mean"), sd=("score", "std"), negatives=("neg", "sum"))
        .reset_index()
    )
    got = trends_from_engine(duck, "scored", "week")
    assert got["community"].tolist() == want["community"].tolist()
    assert got["period"].tolist() == want["period"].tolist()
    assert got["volume"].tolist() == want["volume"].tolist() and got["negatives"].tolist() == want["negatives"].tolist()
    for c in ("mean_score", "sd"):
        np.testing.assert_allclose(got[c], want[c], rtol=1e-9, atol=1e-12)


def _edge_list(g):
    names = g.nodes.astype(str)
    return sorted(zip(names[g.src], names[g.dst], g.weight.tolist()))


def _clean(value):
    return None if value is None or pd.isna(value) or str(value).strip() == "" else str(value).strip()


@pytest.mark.parametrize("name", ["sample", "edge"])
def test_reply_graph_matches_reference(duck, duck_edge, sample_ws, edge_tables, name):
    """Replies counted one post at a time: the target is reply_to_user, else the parent post's author."""
    eng, posts = (
        (duck, sample_ws.read("posts")) if name == "sample" else (duck_edge, pd.read_parquet(edge_tables["posts"]))
    )
    author = {_clean(p): _clean(u) for p, u in zip(posts["post_id"], posts["user_id"])}
    pairs, loops, no_author = Counter(), 0, 0
    for row in posts.itertuples(index=False):
        u = _clean(row.user_id)
        v = _clean(getattr(row, "reply_to_user", None)) or author.get(_clean(getattr(row, "parent_id", None)))
        if v is None:
            continue
        if u is None:
            no_author += 1
        elif u == v:
            loops += 1
        else:
            pairs[(u, v)] += 1
    got = reply_graph(eng)
    assert _edge_list(got) == sorted((u, v, float(n)) for (u, v), n in pairs.items()) and len(pairs) > 10
    posters = {_clean(u) for u in posts["user_id"]} - {None}
    assert set(got.nodes.astype(str)) == posters | {v for _, v in pairs}
    assert (got.self_loops, got.dropped_rows) == (loops, no_author)
    assert name == "sample" or loops >= 1  # the edge case plants a self-reply


@pytest.mark.parametrize("name", ["sample", "edge"])
def test_co_interaction_graph_matches_brute_force(duck, duck_edge, sample_ws, edge_tables, name):
    eng, inter = (
        (duck, sample_ws.read("interactions"))
        if name == "sample"
        else (duck_edge, pd.read_parquet(edge_tables["interactions"]))
    )
    max_users = 200 if name == "sample" else 35  # the edge case's 'everyone' item is skipped
    rows = {(_clean(u), _clean(i)) for u, i in zip(inter["user_id"], inter["item_id"])}
    rows = {(u, i) for u, i in rows if u is not None and i is not None}
    users_of: dict = {}
    for u, i in rows:
        users_of.setdefault(i, set()).add(u)
    shared = Counter()
    for members in (m for m in users_of.values() if len(m) <= max_users):
        for a, b in combinations(sorted(members), 2):
            shared[(a, b)] += 1
    got = co_interaction_graph(eng, min_shared=2, max_item_users=max_users)
    want = sorted((a, b, float(n)) for (a, b), n in shared.items() if n >= 2)
    assert _edge_list(got) == want and len(want) > 10
    assert set(got.nodes.astype(str)) == {u for u, _ in rows}
    below = sum(1 for n in shared.values() if n < 2)
    assert f"pairs sharing fewer than 2 items dropped: {below}" in got.notes
    skipped = sum(1 for m in users_of.values() if len(m) > max_users)
    assert (name == "sample") or f"{skipped} items with more than {max_users} users skipped" in got.notes
