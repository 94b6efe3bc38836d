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
