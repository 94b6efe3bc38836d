"""Home: pick or create a workspace, upload CSVs, confirm their mapping, see data health and unlocked views."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.config import workspaces_dir
from core.data.ingest import ConfirmationNeeded, FilePreview, IngestCheck, ingest_file, preview_file
from core.data.mapping import suggest_mapping
from core.data.schemas import SCHEMAS, TABLE_NAMES
from core.data.uploads import discard_upload, save_upload, sweep_at_start, sweep_uploads
from core.data.workspace import SAMPLE_NAME, Workspace, open_workspace, validate_name
from core.errors import UserError
from ui import state
from ui.cache import load_health, workspace_support
from ui.common import page_setup, tr

VIEW_PAGES = {
    "community_graph": "pages/community_graph.py",
    "sentiment_trends": "pages/sentiment_trends.py",
    "ad_ab_results": "pages/ad_ab_results.py",
    "churn_cohorts": "pages/churn_cohorts.py",
    "recommendations": "pages/recommendations.py",
}


def create_workspace(name_key: str) -> None:
    """Button callback (runs before the script, so it may set the sidebar picker's value)."""
    try:
        name = validate_name(st.session_state.get(name_key, ""))
        with Workspace(workspaces_dir() / name).writer():
            pass  # creates the DuckDB file and its catalog
        st.session_state[state.WORKSPACE] = name
    except UserError as exc:
        st.session_state["create_error"] = str(exc)


def session_id() -> str:
    """This browser session's id: its uploads live in a folder of their own."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def session_alive(sid: str) -> bool:
    """False only for a session the Streamlit runtime knows has closed (never for this one)."""
    from streamlit import runtime

    if sid == session_id() or not runtime.exists():
        return True
    return runtime.get_instance().is_active_session(sid)


def mapping_editor(key: str, preview: FilePreview, table: str) -> dict:
    """Editable column -> field table; returns {column: field or None}."""
    if table == preview.table:
        suggested = preview.mapping
    else:
        suggested = suggest_mapping(preview.header, preview.sample_rows, table)
    example = [
        next((r[i] for r in preview.sample_rows if i < len(r) and r[i].strip()), "")[:60]
        for i in range(len(preview.header))
    ]
    frame = pd.DataFrame(
        {"column": preview.header, "example": example, "field": [suggested.get(c) or "" for c in preview.header]}
    )
    fields = [""] + [f.name for f in SCHEMAS[table].fields]
    edited = st.data_editor(
        frame,
        key=f"map_{key}_{table}",
        hide_index=True,
        width="stretch",
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(tr("home.col_column")),
            "example": st.column_config.TextColumn(tr("home.col_example")),
            "field": st.column_config.SelectboxColumn(
                tr("home.col_field"), options=fields, help=tr("home.col_field_help")
            ),
        },
    )
    return {r["column"]: (r["field"] or None) for _, r in edited.iterrows()}


def target_table_info(target: str, table: str):
    """The current version of `table` in the workspace an upload would go to, or None."""
    try:
        tws = open_workspace(validate_name(target))
        return tws.info(table) if tws.db_path.exists() and tws.has(table) else None
    except UserError:
        return None  # an invalid target name is reported when the user ingests


def pending_upload(ws: Workspace, key: str, item: dict) -> None:
    preview: FilePreview = item["preview"]
    with st.container(border=True):
        st.markdown(f"**{tr('home.file')}:** `{preview.name}`")
        st.caption(
            tr(
                "home.detected",
                encoding=preview.encoding,
                delimiter=repr(preview.delimiter),
                columns=len(preview.header),
            )
            + (" · " + tr("home.remembered") if preview.remembered else "")
        )
        table = st.selectbox(tr("home.table"), TABLE_NAMES, index=TABLE_NAMES.index(preview.table), key=f"table_{key}")
        required = ", ".join(SCHEMAS[table].required) or "-"
        st.caption(tr("home.required", fields=required))
        mapping = mapping_editor(key, preview, table)
        skip = st.checkbox(tr("home.skip_bad"), key=f"skip_{key}")
        target = ws.name
        if ws.name == SAMPLE_NAME:  # the sample stays pristine: a user's data gets its own workspace
            target = st.text_input(
                tr("home.target_workspace"), value="my-data", key=f"target_{key}", help=tr("home.target_help")
            )
        mode = "replace"
        current = target_table_info(target, table)
        if current is not None:
            st.caption(tr("home.table_has", table=table, rows=f"{current.rows:,}", version=current.version))
            labels = {m: tr(f"home.mode_{m}") for m in ("replace", "append")}  # in this run's language
            mode = st.radio(tr("home.mode"), list(labels), key=f"mode_{key}", horizontal=True, format_func=labels.get)
        review = item.get("confirm")
        if review is None:
            c1, c2 = st.columns([1, 5])
            c1.button(
                tr("home.ingest"),
                key=f"ingest_{key}",
                type="primary",
                on_click=run_ingest,
                args=(key, target, table, mapping, skip, mode),
            )
            if c2.button(tr("home.discard"), key=f"discard_{key}"):
                finish_upload(key)
                st.rerun()
        else:
            check: IngestCheck = review["check"]
            st.warning(confirmation_text(check))
            c1, c2 = st.columns([1, 5])
            c1.button(
                tr("home.confirm"),
                key=f"confirm_{key}",
                type="primary",
                on_click=run_ingest,
                args=(key, *review["args"]),
                kwargs={"expected_version": check.current_version},
            )
            c2.button(tr("home.cancel_ingest"), key=f"cancel_{key}", on_click=item.pop, args=("confirm", None))
        if st.session_state.get(f"ingest_error_{key}"):
            st.error(st.session_state.pop(f"ingest_error_{key}"))


def confirmation_text(check: IngestCheck) -> str:
    """Rows before -> after of the table, and what was skipped, for the user to confirm."""
    if check.rows_before is None:
        text = tr("home.confirm_new", table=check.table, after=f"{check.rows_after:,}")
    else:
        text = tr(
            f"home.confirm_{check.mode}",
            table=check.table,
            before=f"{check.rows_before:,}",
            after=f"{check.rows_after:,}",
        )
    if check.skipped:
        text += " " + tr(
            "home.confirm_skipped", skipped=f"{check.skipped:,}", examples="; ".join(check.skipped_examples)
        )
    return text


def run_ingest(
    key: str, target: str, table: str, mapping: dict, skip: bool, mode: str, expected_version: int | None | bool = False
) -> None:
    """Ingest/Confirm button callback: runs before the script, so it may switch the sidebar's workspace.

    The first click asks for confirmation when the new version is risky (fewer rows, >1% skipped);
    Confirm runs the same ingest again, committing only if the table is still the version reviewed.
    """
    item = st.session_state[state.PENDING_UPLOADS].get(key)
    if item is None:
        return
    name = item["preview"].name
    if not Path(item["path"]).exists():  # swept (e.g. after a server restart): say so, by the user's name
        st.session_state[f"ingest_error_{key}"] = tr("home.upload_gone", file=name)
        item.pop("confirm", None)
        return
    try:
        ws = open_workspace(validate_name(target))
        report = ingest_file(
            ws,
            item["path"],
            table,
            mapping=mapping,
            skip_bad_rows=skip,
            source_name=name,
            mode=mode,
            require_confirmation=expected_version is False,
            expected_version=expected_version,
        )
    except ConfirmationNeeded as need:
        item["confirm"] = {"check": need.check, "args": (target, table, mapping, skip, mode)}
        return
    except UserError as exc:
        item.pop("confirm", None)
        st.session_state[f"ingest_error_{key}"] = str(exc)
        return
    args = dict(
        rows=f"{report.rows:,}",
        table=table,
        version=report.version,
        file=name,
        skipped=f"{report.skipped:,}",
        workspace=ws.name,
        before=f"{report.rows_before or 0:,}",
        added=f"{report.rows - (report.rows_before or 0):,}",
    )
    if report.mode == "append":
        msg = tr("home.appended", **args)
    elif report.rows_before is not None:
        msg = tr("home.replaced", **args)
    else:
        msg = tr("home.ingested", **args)
    if report.skipped_examples:
        msg += " " + tr("home.skipped_first", examples="; ".join(report.skipped_examples))
    st.session_state[state.LAST_INGEST].append(msg)
    st.session_state[state.WORKSPACE] = ws.name
    finish_upload(key)


def finish_upload(key: str) -> None:
    """Forget a pending upload (ingested or discarded) and its saved copy; never offer it again."""
    item = st.session_state[state.PENDING_UPLOADS].pop(key, None)
    if item:
        st.session_state[state.HANDLED_UPLOADS].add(item["file_id"])
        discard_upload(item["path"])


def restore_version(workspace: str, table: str, version: int) -> None:
    """Restore button callback: the kept version becomes current again (as a new, undoable version)."""
    try:
        new = open_workspace(workspace).restore(table, version)
    except UserError as exc:
        st.session_state["restore_error"] = str(exc)
        return
    st.session_state[state.LAST_INGEST].append(tr("home.restored", table=table, version=version, new=new))


def versions_section(ws: Workspace, infos) -> None:
    """Each table's recorded versions; kept earlier ones can be restored."""
    st.subheader(tr("home.versions"))
    st.caption(tr("home.versions_help"))
    if st.session_state.get("restore_error"):
        st.error(st.session_state.pop("restore_error"))
    for info in infos:
        with st.expander(tr("home.versions_of", table=info.table, n=len(ws.history(info.table)))):
            widths = [1, 2, 4, 3, 2, 2]
            head = st.columns(widths)
            for col, k in zip(head, ("home.version", "home.rows", "home.source", "home.loaded")):
                col.caption(tr(k))
            for v in reversed(ws.history(info.table)):
                c = st.columns(widths)
                c[0].text(f"v{v.version}")
                c[1].text(f"{v.rows:,}")
                c[2].text(v.source)
                c[3].text(v.created_at)
                c[4].text(
                    tr(f"home.action_{v.action.split(' ')[0]}", version=v.action.split(" v")[-1]) if v.action else ""
                )
                if v.version == info.version:
                    c[5].text(tr("home.current"))
                elif v.kept:
                    c[5].button(
                        tr("home.restore"),
                        key=f"restore_{info.table}_{v.version}",
                        on_click=restore_version,
                        args=(ws.name, info.table, v.version),
                    )


def health_section(ws: Workspace) -> None:
    st.header(tr("home.health"))
    infos = ws.tables() if ws.db_path.exists() else []
    if not infos:
        st.info(tr("home.no_tables"))
        return
    summary = pd.DataFrame(
        [
            {
                tr("home.table"): i.table,
                tr("home.rows"): i.rows,
                tr("home.version"): i.version,
                tr("home.source"): i.source,
                tr("home.loaded"): i.created_at,
            }
            for i in infos
        ]
    )
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
    versions_section(ws, infos)

    unlocks_section(ws)


def unlocks_section(ws: Workspace) -> None:
    """What each view can show from this workspace: core.capabilities, the same answer the views use."""
    st.subheader(tr("home.unlocks"))
    for view, support in workspace_support(ws).items():
        label = ("✅ " if support.available else "⬜ ") + tr(f"nav.{view}")
        try:
            st.page_link(VIEW_PAGES[view], label=label, disabled=not support.available)
        except StreamlitPageNotFoundError:  # run outside the router (AppTest of this page alone)
            st.write(label)
        shown = ", ".join(tr(f"cap.{view}.{p}") for p in support.shown)
        if support.available and support.needs:
            st.caption(
                tr(
                    "home.unlocks_partial",
                    shown=shown,
                    missing="; ".join(f"{tr(f'cap.{view}.{p}')} ({n})" for p, n in support.needs.items()),
                )
            )
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
files = st.file_uploader(tr("home.upload"), type=["csv", "tsv", "txt"], accept_multiple_files=True, key="uploader")
pending = st.session_state[state.PENDING_UPLOADS]
sweep_at_start(session_alive)  # once per process: uploads of dead servers, leftovers of killed ingests
for f in files or []:
    if f.file_id in st.session_state[state.HANDLED_UPLOADS] or any(
        item["file_id"] == f.file_id for item in pending.values()
    ):
        continue
    sweep_uploads(session_alive)  # uploads of sessions that have closed
    upload = save_upload(session_id(), f, f.name)  # a file of this session's own, outside every workspace
    key = upload.path.stem
    try:
        pending[key] = {
            "file_id": f.file_id,
            "path": str(upload.path),
            "preview": preview_file(ws, upload.path, name=f.name),
        }
    except UserError as exc:
        discard_upload(upload.path)  # shown again on the next run while the file stays in the uploader
        st.error(str(exc))
for key, item in list(pending.items()):
    pending_upload(ws, key, item)

health_section(ws)
