"""The home page's upload panel and version list: Streamlit widgets and their callbacks only.

What the panel says comes from core.data.view as facts (`Note`s) and is rendered in the language of
the moment (`say`), so a report stays readable after the user switches language.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.data.audit import authors_by_table, trail
from core.data.ingest import ConfirmationNeeded, FilePreview, Reviewed, ingest_file
from core.data.mapping import suggest_mapping
from core.data.schemas import SCHEMAS, TABLE_NAMES
from core.data.uploads import discard_upload
from core.data.view import confirmation_notes, delimiter_kind, ingest_notes, version_rows
from core.data.workspace import SAMPLE_NAME, Workspace, workspace_by_name
from core.data.workspace import create_workspace as create_workspace_as
from core.errors import UserError
from core.i18n import encoding_name
from ui import state
from ui.auth import current_actor, may_change, visible_workspaces, who_text
from ui.cache import catalogued
from ui.common import error_text, tr
from ui.present import col_label, field_names
from ui.sources import source_picker


def say(notes) -> str:
    """Notes (translation key, arguments) as one text in the session's language."""
    return " ".join(tr(key, **args) for key, args in notes)


def create_workspace(name_key: str) -> None:
    """Button callback (runs before the script, so it may set the sidebar picker's value)."""
    try:
        name = create_workspace_as(st.session_state.get(name_key, ""), current_actor()).name
        st.session_state[state.WORKSPACE] = name
        st.session_state[name_key] = ""  # the box is empty again for the next one
    except UserError as exc:
        state.leave_error("create", error_text(exc))


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


NO_FIELD = "-"  # the grid's value for "no field: an extra attribute" (never empty: the grid draws that as 'None')


def mapping_editor(key: str, preview: FilePreview, table: str) -> dict:
    """Editable column -> field table; returns {column: field or None}."""
    suggested = (
        preview.mapping if table == preview.table else suggest_mapping(preview.header, preview.sample_rows, table)
    )
    example = [
        next((r[i] for r in preview.sample_rows if i < len(r) and r[i].strip()), "")[:60]
        for i in range(len(preview.header))
    ]
    frame = pd.DataFrame(
        {"column": preview.header, "example": example, "field": [suggested.get(c) or NO_FIELD for c in preview.header]}
    )

    fields = [NO_FIELD] + [f.name for f in SCHEMAS[table].fields]
    shown = {f: f"{f} · {col_label(f)}" if col_label(f) != f else f for f in fields[1:]}
    shown[NO_FIELD] = tr("home.field_none")  # labels in this run's language (an empty cell showed 'None')

    edited = st.data_editor(
        frame,
        key=f"map_{key}_{table}",
        hide_index=True,
        width="stretch",
        height=35 * (len(frame) + 1) + 3,  # every column in sight (the default stops at ten rows)
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(tr("home.col_column")),
            "example": st.column_config.TextColumn(tr("home.col_example")),
            "field": st.column_config.SelectboxColumn(
                tr("home.col_field"),
                options=fields,
                help=tr("home.col_field_help"),
                format_func=shown.get,
            ),
        },
    )
    return {r["column"]: (None if r["field"] in (NO_FIELD, "", None) else r["field"]) for _, r in edited.iterrows()}


def target_table_info(target: str, table: str):
    """The current version of `table` in the workspace an upload would go to, or None."""
    try:
        tws = workspace_by_name(target)
        if not visible_workspaces([tws.name]):  # another team's workspace: say nothing about it
            return None
        return tws.info(table) if tws.db_path.exists() and tws.has(table) else None
    except UserError:
        return None  # an invalid target name is reported when the user ingests


def pending_upload(ws: Workspace, key: str, item: dict) -> None:
    """One uploaded file waiting for its mapping to be confirmed."""
    preview: FilePreview = item["preview"]
    with st.container(border=True):
        st.markdown(f"**{tr('home.file')}:** `{preview.name}`")
        detected = tr(
            "home.detected",
            encoding=encoding_name(preview.encoding, st.session_state.get(state.LANG, "en")),
            delimiter=tr(f"home.delim.{delimiter_kind(preview.delimiter)}", char=repr(preview.delimiter)),
            columns=len(preview.header),
        )
        st.caption(detected + (" · " + tr("home.remembered") if preview.remembered else ""))
        table = state.choice(
            st.selectbox,
            tr("home.table"),
            TABLE_NAMES,
            index=TABLE_NAMES.index(preview.table),
            key=f"table_{key}",
            format_func={n: f"{n} · {tr(f'home.about.{n}')}" for n in TABLE_NAMES}.get,  # this run's language
        )
        st.caption(tr("home.required", fields=field_names(SCHEMAS[table].required) or "-"))
        preview = source_picker(ws, key, item, table)  # a workbook's sheet, a zip's file (ui.sources)
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
            mode = state.choice(
                st.radio, tr("home.mode"), list(labels), key=f"mode_{key}", horizontal=True, format_func=labels.get
            )
        review = item.get("confirm")
        c1, c2 = st.columns([1, 5])
        if review is None:
            c1.button(
                tr("home.ingest"),
                key=f"ingest_{key}",
                type="primary",
                on_click=run_ingest,
                args=(key, target, table, mapping, skip, mode),
            )
            c2.button(tr("home.discard"), key=f"discard_{key}", on_click=finish_upload, args=(key,))
        else:
            st.warning(say(confirmation_notes(review["check"])))
            c1.button(
                tr("home.confirm"),
                key=f"confirm_{key}",
                type="primary",
                on_click=run_ingest,
                args=(key, *review["args"]),
                kwargs={"reviewed": Reviewed(review["check"].current_version)},
            )
            c2.button(tr("home.cancel_ingest"), key=f"cancel_{key}", on_click=item.pop, args=("confirm", None))
        if error := state.take_error(f"ingest:{key}"):
            st.error(error)


def run_ingest(
    key: str, target: str, table: str, mapping: dict, skip: bool, mode: str, reviewed: Reviewed | None = None
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
        state.leave_error(f"ingest:{key}", tr("home.upload_gone", file=name))
        item.pop("confirm", None)
        return
    try:
        ws = workspace_by_name(target)
        report = ingest_file(
            ws,
            item["path"],
            table,
            mapping=mapping,
            skip_bad_rows=skip,
            source_name=name,
            mode=mode,
            ask_first=reviewed is None,
            reviewed=reviewed,
            allow_duplicate=reviewed is not None,  # confirmed: the analyst saw any repeats
            actor=current_actor(),
            read=item.get("read"),
        )
    except ConfirmationNeeded as need:
        item["confirm"] = {"check": need.check, "args": (target, table, mapping, skip, mode)}
        return
    except UserError as exc:
        item.pop("confirm", None)
        state.leave_error(f"ingest:{key}", error_text(exc))
        return
    state.say_later(ws.name, ingest_notes(report, file=name, workspace=ws.name))
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
        new = workspace_by_name(workspace).restore(table, version, actor=current_actor())
    except UserError as exc:
        state.leave_error("restore", error_text(exc))
        return
    state.say_later(workspace, [("home.restored", {"table": table, "version": version, "new": new})])


def messages(workspace: str) -> list:
    """The reports of this workspace's latest actions; those of any other workspace are dropped."""
    kept = [m for m in st.session_state[state.LAST_INGEST] if m["workspace"] == workspace]
    st.session_state[state.LAST_INGEST] = kept
    return [m["notes"] for m in kept]


def version_history(ws: Workspace, table: str) -> tuple[list, dict]:
    """`table`'s recorded versions and who made each, read from the workspace file once per change
    of it, for every table at once (two DuckDB opens for the home page, not two per table; the
    server's warm-up reads them for the first visitor's home page)."""
    cws = catalogued(ws)
    return cws.history(table), cws.as_of_file("authors", lambda: authors_by_table(trail(cws))).get(table, {})


def versions_section(ws: Workspace, infos) -> None:
    """Each table's recorded versions; kept earlier ones can be restored."""
    st.subheader(tr("home.versions"))
    st.caption(tr("home.versions_help"))
    if error := state.take_error("restore"):
        st.error(error)
    widths = [1, 2, 3, 3, 2, 2, 2]  # room for "By" without squeezing "Version"
    writable = may_change(ws.name)  # members see the versions but no Restore (core.access refuses too)
    lang = st.session_state.get(state.LANG, "en")
    for info in infos:
        history, authors = version_history(ws, info.table)
        rows = version_rows(history, info.version)
        of = "journey.versions_of_one" if len(rows) == 1 else "home.versions_of"
        with st.expander(tr(of, table=info.table, n=len(rows))):
            header = st.columns(widths)
            for col, k in zip(header, ("home.version", "home.rows", "home.source", "home.loaded")):
                col.caption(tr(k))
            header[6].caption(tr("auth.who"))
            for v in rows:
                c = st.columns(widths)
                c[0].text(f"v{v['version']}")
                c[1].text(v["rows"])
                c[2].text(v["source"])
                c[3].text(v["loaded"])
                c[4].text(say([v["action"]]) if v["action"] else "")
                c[6].text(who_text(authors[v["version"]], lang) if v["version"] in authors else "")
                if v["state"] == "current":
                    c[5].text(tr("home.current"))
                elif v["state"] == "kept" and writable:
                    c[5].button(
                        tr("home.restore"),
                        key=f"restore_{info.table}_{v['version']}",
                        on_click=restore_version,
                        args=(ws.name, info.table, v["version"]),
                    )
