"""The app's caches: loaders keyed on plain hashable values (workspace path, table, version sha; never
on DataFrames) and the bounded per-session memo (`session_memo`) the views keep their results in."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.data.workspace import Workspace


@st.cache_data(show_spinner=False, max_entries=32)
def _load(ws_path: str, table: str, sha: str, version: int) -> pd.DataFrame:
    return Workspace(ws_path).read(table)


def load_table(ws: Workspace, table: str) -> pd.DataFrame:
    """The current version of `table`, cached until a new version is ingested. Treat it as read-only."""
    info = ws.info(table)
    return _load(str(ws.path.resolve()), table, info.sha256, info.version)


def table_version_key(ws: Workspace, table: str) -> str:
    """A short key that changes whenever `table` gets a new version (for keying other caches)."""
    info = ws.info(table)
    return f"{ws.path.resolve()}::{table}::v{info.version}::{info.sha256[:16]}"


@st.cache_data(show_spinner=False, max_entries=64)
def _health(ws_path: str, table: str, sha: str, version: int):
    from core.data.health import table_health

    return table_health(Workspace(ws_path), table)


def load_health(ws: Workspace, table: str):
    info = ws.info(table)
    return _health(str(ws.path.resolve()), table, info.sha256, info.version)


@st.cache_data(show_spinner=False, max_entries=64)
def _columns(ws_path: str, table: str, sha: str, version: int) -> list[str]:
    from core.capabilities import table_columns

    return table_columns(Workspace(ws_path), table)


def workspace_columns(ws: Workspace) -> dict[str, list[str]]:
    """{table: columns holding at least one value}, cached on each table's version."""
    infos = ws.tables() if ws.db_path.exists() else []
    return {i.table: _columns(str(ws.path.resolve()), i.table, i.sha256, i.version) for i in infos}


def workspace_support(ws: Workspace):
    """core.capabilities.view_capabilities of the workspace (what each view can show)."""
    from core.capabilities import view_capabilities

    return view_capabilities(workspace_columns(ws))


# ---- the sentiment view: the lexicon's scores kept per posts version, on disk for every process ----
@st.cache_data(show_spinner=False, max_entries=8)
def _kept_scores(ws_path: str, table: str, sha: str, version: int) -> pd.DataFrame:
    from core.text.view import kept_scores

    return kept_scores(_load(ws_path, table, sha, version), sha)


def kept_sentiment_scores(ws: Workspace, table: str = "posts") -> pd.DataFrame:
    """core.text.view.kept_scores of the table's current version: scored once per version and kept on
    disk (<data>/cache/scores), so every session and server process reads them. Read-only."""
    info = ws.info(table)
    return _kept_scores(str(ws.path.resolve()), table, info.sha256, info.version)


# ---- the graph view: source, analysis and layout per (table versions, settings) -------------------
GRAPH_TABLES = ("edges", "posts", "interactions", "users", "ad_events")


def graph_tables(ws_path: str) -> dict[str, pd.DataFrame]:
    ws = Workspace(ws_path)
    return {t: load_table(ws, t) for t in GRAPH_TABLES if ws.has(t)}


@st.cache_data(show_spinner=False, max_entries=8)
def graph_source(ws_path: str, versions: tuple):
    """(graph source, its time span): small, so reruns need not copy the tables out of the cache."""
    from core.graph.analysis import graph_source as source_of
    from core.graph.analysis import time_span

    tables = graph_tables(ws_path)
    source = source_of(tables)
    return source, (time_span(tables, source) if source else None)


@st.cache_data(show_spinner=False, max_entries=8)
def graph_analysis(ws_path: str, versions: tuple, settings, _progress=None):
    from core.graph.analysis import analyse_communities

    return analyse_communities(graph_tables(ws_path), settings, progress=_progress)


@st.cache_data(show_spinner=False, max_entries=16)
def graph_view(ws_path: str, versions: tuple, settings, community: int | None):
    """The layout, computed once per (data, settings, drill-down)."""
    from core.graph.layout import MAX_DRAWN_NODES, community_network, user_network

    a = graph_analysis(ws_path, versions, settings)
    if community is None and a.graph.n_nodes > MAX_DRAWN_NODES:
        return community_network(a.graph, a.result, seed=settings.seed)
    return user_network(a.graph, a.result, a.influence, community=community, seed=settings.seed)


# ---- the recommendations view: sequences and the untrained baselines per interactions version ------
@st.cache_resource(show_spinner=False, max_entries=8)
def load_sequences(ws_path: str, version_key: str):
    """Per-member item sequences of the workspace's interactions (read-only; keyed on the version)."""
    from core.recommend.data import build_sequences

    return build_sequences(Workspace(ws_path).read("interactions"), source="interactions")


@st.cache_resource(show_spinner=False, max_entries=8)
def load_baselines(ws_path: str, version_key: str):
    """Popularity and item-kNN with their held-out HR/NDCG: no training, shown before SASRec exists."""
    from core.recommend.recommender import evaluate_baselines

    return evaluate_baselines(load_sequences(ws_path, version_key))


def session_memo(store: str, key: tuple, compute: Callable[[], Any], max_entries: int = 32) -> Any:
    """`compute()` once per session for `key`, kept in `st.session_state[store]` (the page's own
    store): the least recently used entry goes when there are more than `max_entries`, so a session
    that tries many settings does not keep every result. The one session memo of the app."""
    memo: OrderedDict = st.session_state.setdefault(store, OrderedDict())
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = compute()
    memo[key] = value
    while len(memo) > max_entries:
        memo.popitem(last=False)
    return value


# ---- the home page: summary, health cards and unlocks, per table versions -------------------------
def load_home(ws: Workspace):
    """core.data.view.home_view of the workspace (health figures cached per table version)."""
    from core.data.view import home_view

    infos = ws.tables() if ws.db_path.exists() else []
    return home_view(infos, {i.table: load_health(ws, i.table) for i in infos}, workspace_support(ws))


@st.cache_data(show_spinner=False, max_entries=8)
def graph_users(ws_path: str, versions: tuple, min_weight: float) -> int:
    """Users in the graph with no date window: what a date filter's "showing n of N users" counts from."""
    from core.graph.build import build_graph

    return build_graph(graph_tables(ws_path), min_weight=min_weight).n_nodes
