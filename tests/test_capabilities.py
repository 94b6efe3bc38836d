"""core.capabilities: what each view can show, from a real workspace's tables and columns."""

from __future__ import annotations

import pandas as pd

from core.capabilities import VIEWS, table_columns, view_capabilities, workspace_support
from core.graph.analysis import graph_source


def test_columns_with_values_come_from_duckdb(tmp_path):
    from core.data.ingest import ingest_file
    from core.data.workspace import Workspace

    ws = Workspace(tmp_path / "w")
    pd.DataFrame({"text": ["good", "bad"], "label": ["positive", "negative"], "ts": ["", ""]}).to_csv(
        tmp_path / "p.csv", index=False
    )
    ingest_file(
        ws, str(tmp_path / "p.csv"), "posts", mapping={"text": "text", "label": "label", "ts": "ts"}, skip_bad_rows=True
    )
    cols = table_columns(ws, "posts")
    stored = ws.read("posts")
    assert set(cols) == {c for c in stored.columns if stored[c].notna().any()}
    assert "ts" not in cols  # an all-empty time column unlocks no trend
    support = workspace_support(ws)
    assert list(support) == list(VIEWS)
    assert support["sentiment_trends"].shown == ["scoring", "drivers", "model_card", "labels"]
    assert support["sentiment_trends"].needs["trend"] == "posts.ts"
    assert not support["churn_cohorts"].available and not support["community_graph"].available


def test_parts_follow_the_columns():
    s = view_capabilities({"posts": ["post_id", "text"]})
    assert s["sentiment_trends"].available and not s["sentiment_trends"].can("trend")
    assert not any(s[v].available for v in VIEWS if v != "sentiment_trends")

    s = view_capabilities({"edges": ["src", "dst"], "posts": ["text", "label"]})
    g = s["community_graph"]
    assert g.available and not g.can("growth") and not g.can("sentiment")  # posts of nobody in the graph

    s = view_capabilities({"interactions": ["user_id", "ts"]})  # an event log without items
    assert s["churn_cohorts"].available and not s["recommendations"].available
    assert not s["community_graph"].available
    assert not s["churn_cohorts"].can("signup_cohorts")

    s = view_capabilities({"ad_events": ["variant", "impressions", "clicks"]})
    assert s["ad_ab_results"].available and not s["ad_ab_results"].needs


def test_graph_table_agrees_with_the_graph_builder():
    """The capability's choice of graph source is the builder's, on the same frames."""
    cases = [
        {"edges": pd.DataFrame({"src": ["a"], "dst": ["b"]})},
        {"posts": pd.DataFrame({"user_id": ["a", "b"], "reply_to_user": ["b", None], "text": ["x", "y"]})},
        {"interactions": pd.DataFrame({"user_id": ["a"], "item_id": ["i"], "ts": ["2026-01-01"]})},
        {"posts": pd.DataFrame({"text": ["x"], "label": ["1"]})},
    ]
    names = {"edges": "edges", "replies": "posts", "co_interaction": "interactions", None: None}
    for tables in cases:
        cols = {t: [c for c in df.columns if df[c].notna().any()] for t, df in tables.items()}
        from core.capabilities import graph_table

        assert graph_table(cols) == names[graph_source(tables)], tables
