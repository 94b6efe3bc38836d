"""The app's caches: loaders keyed on plain hashable values (workspace path, table, version sha; never
on DataFrames), the workspaces' catalogs (read once per change of their DuckDB file) and the bounded
memo shared by every session (`shared_memo`: one computation per data and settings, others wait)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from core.capabilities import view_capabilities
from core.data.health import filled_columns, kept_table_health
from core.data.view import home_view
from core.data.workspace import TableInfo, Workspace
from core.graph.analysis import analyse_communities, time_span
from core.graph.analysis import graph_source as source_of
from core.graph.build import build_graph
from core.graph.layout import MAX_DRAWN_NODES, community_network, user_network
from core.recommend.data import build_sequences
from core.shared_results import shared
from core.text.view import kept_scores

# ---- the catalog: which version of each table is current, read once per change of the DuckDB file ----
_catalogs: dict[tuple, tuple[tuple, Any, float]] = {}  # {(workspace file, what): (file stamp, value, read at)}
_catalogs_guard = threading.Lock()
CATALOG_FRESH_S = 5.0  # read again after this even with the same stamp (a file system with coarse times)


def _stamp(db: Path) -> tuple:
    """What changes whenever DuckDB writes the workspace: the file's and its WAL's stat."""
    out: list = []
    for p in (db, db.with_name(db.name + ".wal")):
        try:
            s = p.stat()
            out.append((s.st_mtime_ns, s.st_size, s.st_ino))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


class CataloguedWorkspace(Workspace):
    """A Workspace whose `tables()` (and so `has`, `info`, `read`'s check) opens DuckDB only when the
    workspace file changed since the last read, in any process (its stat changes with every DuckDB
    write), and at least every CATALOG_FRESH_S: a page run asks for the catalog a dozen times, and
    each DuckDB open costs tens of milliseconds under a per-process lock every session's run queues on."""

    def tables(self) -> list[TableInfo]:
        return list(self.as_of_file("tables", super().tables))

    def history(self, table: str) -> list[TableInfo]:
        every = self.as_of_file("history", lambda: Workspace._catalog(self, current_only=False))  # all tables
        return [i for i in every if i.table == table]

    def as_of_file(self, what: Hashable, read: Callable[[], Any]) -> Any:
        """`read()` (something read from the workspace file), read again only when the file changed."""
        key = (str(self.db_path), what)
        stamp = _stamp(self.db_path)
        held = _catalogs.get(key)
        if held is not None and held[0] == stamp and time.monotonic() - held[2] < CATALOG_FRESH_S:
            return held[1]
        read_at = time.monotonic()
        value = read()
        if _stamp(self.db_path) == stamp:  # no write while it was read: the stamp names this value
            with _catalogs_guard:
                _catalogs[key] = (stamp, value, read_at)
        return value


def catalogued(ws: Workspace | str) -> Workspace:
    """`ws` (or the workspace at a path) with its catalog cached (CataloguedWorkspace)."""
    return (
        ws if isinstance(ws, CataloguedWorkspace) else CataloguedWorkspace(ws.path if isinstance(ws, Workspace) else ws)
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _load(ws_path: str, table: str, sha: str, version: int) -> pd.DataFrame:
    return catalogued(ws_path).read(table)


def load_table(ws: Workspace, table: str) -> pd.DataFrame:
    """The current version of `table`, cached until a new version is ingested. Treat it as read-only."""
    info = ws.info(table)
    return _load(str(ws.path.resolve()), table, info.sha256, info.version)


def table_version_key(ws: Workspace, table: str) -> str:
    """A short key that changes whenever `table` gets a new version (for keying other caches)."""
    info = ws.info(table)
    return f"{ws.path.resolve()}::{table}::v{info.version}::{info.sha256[:16]}"


@st.cache_data(show_spinner=False, max_entries=64)
def _health(ws_path: str, table: str, sha: str, version: int, created_at: str, _info: TableInfo):

    return kept_table_health(catalogued(ws_path), _info)


def load_health(ws: Workspace, table: str):
    """The table's health figures: kept on disk per table version (a restart reads them), then in memory."""
    info = ws.info(table)
    return _health(str(ws.path.resolve()), table, info.sha256, info.version, info.created_at, info)


def workspace_columns(ws: Workspace) -> dict[str, list[str]]:
    """{table: columns holding at least one value}, from each table version's kept health figures
    (what `core.capabilities.table_columns` scans for: a column's nulls below the table's rows)."""
    infos = ws.tables() if ws.db_path.exists() else []
    return {i.table: filled_columns(load_health(ws, i.table)) for i in infos}


def workspace_support(ws: Workspace):
    """core.capabilities.view_capabilities of the workspace (what each view can show)."""

    return view_capabilities(workspace_columns(ws))


# ---- the sentiment view: the lexicon's scores kept per posts version, on disk for every process ----
@st.cache_data(show_spinner=False, max_entries=8)
def _kept_scores(ws_path: str, table: str, sha: str, version: int) -> pd.DataFrame:

    return kept_scores(_load(ws_path, table, sha, version), sha)


def kept_sentiment_scores(ws: Workspace, table: str = "posts") -> pd.DataFrame:
    """core.text.view.kept_scores of the table's current version: scored once per version and kept on
    disk (<data>/cache/scores), so every session and server process reads them. Read-only."""
    info = ws.info(table)
    return _kept_scores(str(ws.path.resolve()), table, info.sha256, info.version)


# ---- the graph view: source, analysis and layout per (table versions, settings) -------------------
GRAPH_TABLES = ("edges", "posts", "interactions", "users", "ad_events")


def graph_tables(ws_path: str) -> dict[str, pd.DataFrame]:
    ws = catalogued(ws_path)
    return {t: load_table(ws, t) for t in GRAPH_TABLES if ws.has(t)}


@st.cache_data(show_spinner=False, max_entries=8)
def graph_source(ws_path: str, versions: tuple):
    """(graph source, its time span): small, so reruns need not copy the tables out of the cache."""

    tables = graph_tables(ws_path)
    source = source_of(tables)
    return source, (time_span(tables, source) if source else None)


@st.cache_data(show_spinner=False, max_entries=8)
def graph_analysis(ws_path: str, versions: tuple, settings, _progress=None):

    return analyse_communities(graph_tables(ws_path), settings, progress=_progress)


@st.cache_data(show_spinner=False, max_entries=16)
def graph_view(ws_path: str, versions: tuple, settings, community: int | None):
    """The layout, computed once per (data, settings, drill-down)."""

    a = graph_analysis(ws_path, versions, settings)
    if community is None and a.graph.n_nodes > MAX_DRAWN_NODES:
        return community_network(a.graph, a.result, seed=settings.seed)
    return user_network(a.graph, a.result, a.influence, community=community, seed=settings.seed)


# ---- the recommendations view: sequences and the untrained baselines per interactions version ------
@st.cache_resource(show_spinner=False, max_entries=8)
def load_sequences(ws_path: str, version_key: str):
    """Per-member item sequences of the workspace's interactions (read-only; keyed on the version)."""

    return build_sequences(catalogued(ws_path).read("interactions"), source="interactions")


@st.cache_resource(show_spinner=False, max_entries=8)
def load_baselines(ws_path: str, version_key: str):
    """Popularity and item-kNN with their held-out HR/NDCG: no training, shown before SASRec exists."""
    from core.recommend.recommender import evaluate_baselines

    return evaluate_baselines(load_sequences(ws_path, version_key))


def shared_memo(store: str, key: tuple, compute: Callable[[], Any], max_entries: int = 32) -> Any:
    """`compute()` once per process for `key` in the page's store `store` (core.shared_results): every
    session gets the same result, and a session asking while another computes it waits for that
    computation instead of starting its own; the least recently used entry goes when there are more
    than `max_entries`. `key` holds everything the result depends on (data versions, settings, an
    upload's sha): nothing of the session. Results are shared: read-only. The one memo of the app."""
    return shared(store, key, compute, max_entries)


# ---- the home page: summary, health cards and unlocks, per table versions -------------------------
def load_home(ws: Workspace):
    """core.data.view.home_view of the workspace (health figures cached per table version)."""

    infos = ws.tables() if ws.db_path.exists() else []
    return home_view(infos, {i.table: load_health(ws, i.table) for i in infos}, workspace_support(ws))


@st.cache_data(show_spinner=False, max_entries=8)
def graph_users(ws_path: str, versions: tuple, min_weight: float) -> int:
    """Users in the graph with no date window: what a date filter's "showing n of N users" counts from."""

    return build_graph(graph_tables(ws_path), min_weight=min_weight).n_nodes
