"""Cached loaders keyed on plain hashable values (workspace path, table, version sha): never on DataFrames."""

from __future__ import annotations

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
