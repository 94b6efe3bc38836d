"""Every session-state key in one place, with one initialiser (per browser session, never process-wide)."""

from __future__ import annotations

import os

import streamlit as st

LANG = "lang"  # "en" | "zh"
WORKSPACE = "workspace"  # workspace name (folder under data/workspaces) or path
PENDING_UPLOADS = "pending_uploads"  # {upload id: this session's saved upload + preview (+ a pending
#                                      confirmation)}, survives page switches; files in core.data.uploads
HANDLED_UPLOADS = "handled_uploads"  # uploader file ids already ingested or discarded (not shown again)
LAST_INGEST = "last_ingest"  # list of (file, report summary) of this session's successful ingests
GRAPH_RESOLUTION = "graph_resolution_pick"  # {workspace path: resolution picked on the profile}


def init_session_state() -> None:
    """Set defaults once per session; safe to call at the top of every page."""
    if LANG not in st.session_state:
        st.session_state[LANG] = os.environ.get("CE_LANG", "en")
    if WORKSPACE not in st.session_state:
        st.session_state[WORKSPACE] = default_workspace_name()
    st.session_state.setdefault(PENDING_UPLOADS, {})
    st.session_state.setdefault(LAST_INGEST, [])
    st.session_state.setdefault(HANDLED_UPLOADS, set())


def default_workspace_name() -> str:
    """$CE_WORKSPACE if set, else the most recently changed user workspace, else the sample."""
    from core.config import workspaces_dir
    from core.data.workspace import SAMPLE_NAME, list_workspaces

    env = os.environ.get("CE_WORKSPACE")
    if env:
        return env
    others = [w for w in list_workspaces() if w != SAMPLE_NAME]
    if not others:
        return SAMPLE_NAME
    return max(others, key=lambda w: (workspaces_dir() / w / "workspace.duckdb").stat().st_mtime)
