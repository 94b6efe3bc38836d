"""The home page's other sources: the sheet and header row of a workbook, the file in a zip, and a
PostgreSQL database (address, password never shown again, query, a row limit the analyst sees).
Widgets and callbacks only; reading is core.data.sources."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.data.ingest import FilePreview, ingest_opened, preview_file
from core.data.schemas import TABLE_NAMES
from core.data.sources import ReadOptions
from core.data.sources.compressed import members
from core.data.sources.excel import fitting_sheet, pick_sheet, sheet_names
from core.data.sources.sql import open_query
from core.data.view import ingest_notes
from core.data.workspace import SAMPLE_NAME, Workspace, workspace_by_name
from core.errors import UserError
from ui import state
from ui.auth import current_actor
from ui.common import error_text, tr

KINDS = {"excel": "Excel", "parquet": "Parquet", "json": "JSON", "xml": "Stack Exchange XML", "csv": "CSV"}
DB_LIMIT = 1_000_000


def _is_zip(name: str) -> bool:
    return name.lower().endswith(".zip")


def first_preview(ws: Workspace, path: Path, name: str) -> dict:
    """{"preview", "read"} of a new upload: a workbook's first sheet that fits a table, a zip's first file."""
    read = ReadOptions()
    if _is_zip(name):
        read = ReadOptions(member=next(iter(members(path, name)), None))
    elif name.lower().endswith((".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")):
        for table in TABLE_NAMES:  # the first sheet that fits a table; the picker refines it per table
            sheet = fitting_sheet(path, name, table)
            if sheet is not None:
                read = ReadOptions(sheet=sheet)
                preview = preview_file(ws, path, name=name, read=read)
                return {"preview": preview, "read": read}
    return {"preview": preview_file(ws, path, name=name, read=read), "read": read}


def source_picker(ws: Workspace, key: str, item: dict, table: str) -> FilePreview:
    """The sheet / header row / zip member pickers of an upload; re-reads its preview when they change."""
    preview: FilePreview = item["preview"]
    path, name = Path(item["path"]), preview.name
    read: ReadOptions | None = None
    try:
        if preview.kind == "excel":
            sheets = sheet_names(path, name)
            default = item.setdefault("sheet_for", {}).get(table) or pick_sheet(path, name, table)
            item["sheet_for"][table] = default
            c1, c2 = st.columns([3, 1])
            sheet = c1.selectbox(
                tr("src.sheet"),
                sheets,
                index=sheets.index(default),
                key=f"sheet_{key}_{table}",
                help=tr("src.sheet_help"),
            )
            row = c2.number_input(tr("src.header_row"), min_value=0, max_value=10_000, value=0, key=f"hrow_{key}")
            read = ReadOptions(sheet=sheet, header_row=int(row) or None)
        elif _is_zip(name):
            files = members(path, name)
            current = item.get("read").member if item.get("read") else files[0]
            member = st.selectbox(
                tr("src.member"), files, index=files.index(current) if current in files else 0, key=f"member_{key}"
            )
            read = ReadOptions(member=member)
        if read is not None and read != item.get("read"):
            item["read"] = read
            item["preview"] = preview = preview_file(ws, path, name=name, table=table, read=read)
    except UserError as exc:
        st.error(error_text(exc))
    if preview.kind != "csv" or preview.detail:
        detail = f" · {preview.detail}" if preview.detail else ""
        st.caption(tr("src.read_as", kind=KINDS.get(preview.kind, preview.kind), detail=detail))
    return preview


def database_source(ws: Workspace) -> None:
    """Load the rows of a PostgreSQL query as a table (mapping suggested or remembered for its columns)."""
    with st.expander(tr("src.database")):
        st.caption(tr("src.db_help"))
        st.text_input(tr("src.db_url"), key=state.DB_URL, placeholder="postgresql://analyst@db.example.com:5432/shop")
        st.text_input(tr("src.db_password"), key=state.DB_PASSWORD, type="password")
        st.text_area(tr("src.db_query"), key=state.DB_QUERY, placeholder="SELECT user_id, ts, text FROM posts")
        c1, c2 = st.columns(2)
        table = c1.selectbox(tr("src.db_table"), TABLE_NAMES, key="db_table")
        limit = c2.number_input(tr("src.db_limit"), min_value=1, max_value=100_000_000, value=DB_LIMIT, key="db_limit")
        st.caption(tr("src.db_limit_note", limit=f"{int(limit):,}"))
        target = ws.name
        if ws.name == SAMPLE_NAME:
            target = st.text_input(tr("home.target_workspace"), value="my-data", key="db_target")
        st.button(tr("src.db_load"), key="db_load", on_click=_load, args=(target, table, int(limit)))
        if error := state.take_error("db"):
            st.error(error)


def _load(target: str, table: str, limit: int) -> None:
    """Button callback: query -> new version of `table`; the password is forgotten whatever happens."""

    password = st.session_state.get(state.DB_PASSWORD) or None
    st.session_state[state.DB_PASSWORD] = ""
    try:
        ws = workspace_by_name(target)
        url, query = st.session_state.get(state.DB_URL, ""), st.session_state.get(state.DB_QUERY, "")
        with open_query(url, query, password, limit) as src:
            report = ingest_opened(ws, src, table, None, False, src.detail, actor=current_actor())
    except UserError as exc:
        state.leave_error("db", error_text(exc))
        return
    state.say_later(ws.name, ingest_notes(report, file=report.source, workspace=ws.name))
    st.session_state[state.WORKSPACE] = ws.name
