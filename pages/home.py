"""Home: pick or create a workspace, upload CSVs, confirm their mapping, see data health and unlocked views."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.config import workspaces_dir
from core.data.ingest import FilePreview, ingest_file, preview_file
from core.data.mapping import suggest_mapping
from core.data.schemas import SCHEMAS, TABLE_NAMES
from core.data.workspace import SAMPLE_NAME, Workspace, open_workspace, validate_name
from core.errors import UserError
from ui import state
from ui.cache import load_health, workspace_support
from ui.common import page_setup, tr

VIEW_PAGES = {"community_graph": "pages/community_graph.py", "sentiment_trends": "pages/sentiment_trends.py",
              "ad_ab_results": "pages/ad_ab_results.py", "churn_cohorts": "pages/churn_cohorts.py",
              "recommendations": "pages/recommendations.py"}


def create_workspace(name_key: str) -> None:
    """Button callback (runs before the script, so it may set the sidebar picker's value)."""
    try:
        name = validate_name(st.session_state.get(name_key, ""))
        with Workspace(workspaces_dir() / name).writer():
            pass  # creates the DuckDB file and its catalog
        st.session_state[state.WORKSPACE] = name
    except UserError as exc:
        st.session_state["create_error"] = str(exc)


def save_upload(ws: Workspace, uploaded) -> tuple[str, str]:
    """Stream an uploaded file to the workspace's upload folder; returns (key, path)."""
    h = hashlib.sha256()
    folder = ws.path / ".uploads"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"incoming-{id(uploaded)}"
    uploaded.seek(0)
    with open(tmp, "wb") as out:
        for chunk in iter(lambda: uploaded.read(8 << 20), b""):
            h.update(chunk)
            out.write(chunk)
    key = h.hexdigest()[:16]
    path = folder / f"{key}.csv"
    tmp.replace(path)
    return key, str(path)


def mapping_editor(key: str, preview: FilePreview, table: str) -> dict:
    """Editable column -> field table; returns {column: field or None}."""
    if table == preview.table:
        suggested = preview.mapping
    else:
        suggested = suggest_mapping(preview.header, preview.sample_rows, table)
    example = [next((r[i] for r in preview.sample_rows if i < len(r) and r[i].strip()), "")[:60]
               for i in range(len(preview.header))]
    frame = pd.DataFrame({"column": preview.header, "example": example,
                          "field": [suggested.get(c) or "" for c in preview.header]})
    fields = [""] + [f.name for f in SCHEMAS[table].fields]
    edited = st.data_editor(
        frame, key=f"map_{key}_{table}", hide_index=True, width="stretch",
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(tr("home.col_column")),
            "example": st.column_config.TextColumn(tr("home.col_example")),
            "field": st.column_config.SelectboxColumn(tr("home.col_field"), options=fields,
                                                      help=tr("home.col_field_help")),
        })
    return {r["column"]: (r["field"] or None) for _, r in edited.iterrows()}


def pending_upload(ws: Workspace, key: str, item: dict) -> None:
    preview: FilePreview = item["preview"]
    with st.container(border=True):
        st.markdown(f"**{tr('home.file')}:** `{preview.name}`")
        st.caption(tr("home.detected", encoding=preview.encoding, delimiter=repr(preview.delimiter),
                      columns=len(preview.header))
                   + (" · " + tr("home.remembered") if preview.remembered else ""))
        table = st.selectbox(tr("home.table"), TABLE_NAMES, index=TABLE_NAMES.index(preview.table),
                             key=f"table_{key}")
        required = ", ".join(SCHEMAS[table].required) or "-"
        st.caption(tr("home.required", fields=required))
        mapping = mapping_editor(key, preview, table)
        skip = st.checkbox(tr("home.skip_bad"), key=f"skip_{key}")
        target = ws.name
        if ws.name == SAMPLE_NAME:  # the sample stays pristine: a user's data gets its own workspace
            target = st.text_input(tr("home.target_workspace"), value="my-data", key=f"target_{key}",
                                   help=tr("home.target_help"))
        c1, c2 = st.columns([1, 5])
        c1.button(tr("home.ingest"), key=f"ingest_{key}", type="primary", on_click=run_ingest,
                  args=(key, target, table, mapping, skip))
        if c2.button(tr("home.discard"), key=f"discard_{key}"):
            finish_upload(key)
            st.rerun()
        if st.session_state.get(f"ingest_error_{key}"):
            st.error(st.session_state.pop(f"ingest_error_{key}"))


def run_ingest(key: str, target: str, table: str, mapping: dict, skip: bool) -> None:
    """Ingest button callback: runs before the script, so it may switch the sidebar's workspace."""
    item = st.session_state[state.PENDING_UPLOADS].get(key)
    if item is None:
        return
    try:
        ws = open_workspace(validate_name(target))
        report = ingest_file(ws, item["path"], table, mapping=mapping, skip_bad_rows=skip,
                             source_name=item["preview"].name)
    except UserError as exc:
        st.session_state[f"ingest_error_{key}"] = str(exc)
        return
    st.session_state[state.LAST_INGEST].append(
        tr("home.ingested", rows=f"{report.rows:,}", table=table, version=report.version,
           file=item["preview"].name, skipped=f"{report.skipped:,}", workspace=ws.name))
    st.session_state[state.WORKSPACE] = ws.name
    finish_upload(key)


def finish_upload(key: str) -> None:
    """Forget a pending upload (ingested or discarded) and its saved copy; never offer it again."""
    item = st.session_state[state.PENDING_UPLOADS].pop(key, None)
    if item:
        st.session_state[state.HANDLED_UPLOADS].add(item["file_id"])
        Path(item["path"]).unlink(missing_ok=True)


def health_section(ws: Workspace) -> None:
    st.header(tr("home.health"))
    infos = ws.tables() if ws.db_path.exists() else []
    if not infos:
        st.info(tr("home.no_tables"))
        return
    summary = pd.DataFrame([{tr("home.table"): i.table, tr("home.rows"): i.rows, tr("home.version"): i.version,
                             tr("home.source"): i.source, tr("home.loaded"): i.created_at} for i in infos])
    st.dataframe(summary, hide_index=True, width="stretch", key="health_summary")
    for info in infos:
        h = load_health(ws, info.table)
        with st.expander(f"{info.table} · {info.rows:,} {tr('home.rows').lower()}"):
            c = st.columns(3)
            c[0].metric(tr("home.rows"), f"{h.rows:,}")
            c[1].metric(tr("home.duplicates"), f"{h.duplicate_rows:,}")
            if h.time_min is not None:
                c[2].metric(tr("home.date_range"), f"{h.time_min:%Y-%m-%d} → {h.time_max:%Y-%m-%d}")
            st.dataframe(h.columns, hide_index=True, width="stretch")
            st.dataframe(h.preview, hide_index=True, width="stretch")

    unlocks_section(ws)


def unlocks_section(ws: Workspace) -> None:
    """What each view can show from this workspace: core.capabilities, the same answer the views use."""
    st.subheader(tr("home.unlocks"))
    for view, support in workspace_support(ws).items():
        label = ("✅ " if support.available else "⬜ ") + tr(f"nav.{view}")
        try:
            st.page_link(VIEW_PAGES[view], label=label, disabled=not support.available)
        except StreamlitPageNotFoundError:  # page not registered (not built yet, or run outside the router)
            st.write(label)
        shown = ", ".join(tr(f"cap.{view}.{p}") for p in support.shown)
        if support.available and support.needs:
            st.caption(tr("home.unlocks_partial", shown=shown,
                          missing="; ".join(f"{tr(f'cap.{view}.{p}')} ({n})" for p, n in support.needs.items())))
        elif not support.available:
            st.caption(tr("home.unlocks_needs", needs=next(iter(support.needs.values()))))


ws = page_setup("home.title")
st.caption(tr("home.intro"))

with st.expander(tr("home.new_workspace")):
    st.text_input(tr("home.workspace_name"), key="new_ws_name", placeholder="my-community")
    st.button(tr("home.create"), on_click=create_workspace, args=("new_ws_name",))
    if st.session_state.get("create_error"):
        st.error(st.session_state.pop("create_error"))

for msg in st.session_state[state.LAST_INGEST]:
    st.success(msg)

st.header(tr("home.upload_header"))
files = st.file_uploader(tr("home.upload"), type=["csv", "tsv", "txt"], accept_multiple_files=True,
                         key="uploader")
pending = st.session_state[state.PENDING_UPLOADS]
for f in files or []:
    if f.file_id in st.session_state[state.HANDLED_UPLOADS] or any(
            item["file_id"] == f.file_id for item in pending.values()):
        continue
    key, path = save_upload(ws, f)
    try:
        pending[key] = {"file_id": f.file_id, "path": path, "preview": preview_file(ws, path, name=f.name)}
    except UserError as exc:
        st.error(str(exc))
for key, item in list(pending.items()):
    pending_upload(ws, key, item)

health_section(ws)
