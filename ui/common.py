"""Page scaffolding shared by every page: language and workspace pickers, translation, guard clauses."""

from __future__ import annotations

from typing import NoReturn

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.data.sample import sample_workspace
from core.data.workspace import SAMPLE_NAME, Workspace, list_workspaces, workspace_by_name
from core.errors import UserError
from core.i18n import LANGUAGES, t
from core.viz.format import needs_text
from ui import state
from ui.auth import visible_workspaces
from ui.cache import catalogued, load_table, workspace_support

HOME_PAGE = "pages/home.py"


def tr(key: str, **fmt) -> str:
    """`key` in the session's language."""
    return t(key, st.session_state.get(state.LANG, "en"), **fmt)


def error_text(exc: UserError) -> str:
    """A user error in the session's language: the file, column and rows it names, then its message
    (translated where the error has a key, core/i18n/errors.py)."""
    return exc.text(st.session_state.get(state.LANG, "en"))


def stop_with(exc: UserError) -> NoReturn:
    """A user error as a plain message in the page, which then stops (never a traceback)."""
    st.error(error_text(exc))
    st.stop()
    raise AssertionError("st.stop() returned")  # (it raises; this tells the type checker)


def current_workspace() -> Workspace:
    """The session's workspace; the sample one is generated on first use."""
    name = st.session_state.get(state.WORKSPACE) or SAMPLE_NAME
    if name == SAMPLE_NAME:
        with st.spinner(tr("common.preparing_sample")):
            return catalogued(sample_workspace())
    return catalogued(workspace_by_name(name))


def sidebar_controls() -> None:
    """Language and workspace pickers, drawn in the sidebar of every page."""
    with st.sidebar:
        langs = list(LANGUAGES)
        state.choice(st.selectbox, "🌐 " + tr("common.language"), langs, key=state.LANG, format_func=LANGUAGES.get)
        names = visible_workspaces(list_workspaces())  # a signed-in user's own (ui.auth)
        if SAMPLE_NAME not in names:
            names.insert(0, SAMPLE_NAME)
        current = st.session_state.get(state.WORKSPACE)
        if current and current not in names:
            names.append(current)
        shown = {n: tr("common.sample_workspace") if n == SAMPLE_NAME else n for n in names}  # this run's language
        state.choice(st.selectbox, tr("common.workspace"), names, key=state.WORKSPACE, format_func=shown.get)
    state.remember_choices()


def page_setup(title_key: str) -> Workspace:
    """Top of every page: session defaults, sidebar pickers, the title; returns the current workspace."""
    state.init_session_state()
    sidebar_controls()
    if title_key != "home.title":  # the analyst has moved on: the home page's reports go
        st.session_state[state.LAST_INGEST] = []
    st.title(tr(title_key))
    try:
        return current_workspace()
    except UserError as exc:
        st.error(error_text(exc))
        st.stop()


def view_support(ws: Workspace, view: str):
    """What `view` can show from this workspace (core.capabilities, the same answer as the home
    page's "unlocks" list)."""
    from dataclasses import replace

    support = workspace_support(ws)[view]
    lang = st.session_state.get(state.LANG, "en")  # what is missing, in words of the reader's language
    return replace(support, needs={p: needs_text(n, lang) for p, n in support.needs.items()})


def note_missing(support, parts: tuple[str, ...] | None = None) -> None:
    """One plain line per part the data cannot show, naming what it needs."""
    for part, needs in support.needs.items():
        if parts is None or part in parts:
            st.caption(tr("common.part_needs", part=tr(f"cap.{support.view}.{part}"), needs=needs))


def link_home() -> None:
    try:
        st.page_link(HOME_PAGE, label=tr("common.go_home"), icon="🏠")
    except StreamlitPageNotFoundError:  # a page run on its own (tests, `streamlit run pages/x.py`) has no router
        st.caption(tr("common.go_home"))


def unavailable(text: str) -> NoReturn:
    """The end of every "view unavailable" guard: one line saying why, a link home, and the page stops."""
    st.info(text)
    link_home()
    st.stop()
    raise AssertionError("st.stop() returned")  # (it raises; this tells the type checker)


def require_table(ws: Workspace, table: str) -> pd.DataFrame:
    """Guard clause: the table's cached DataFrame, or an explanation + link home and stop the page."""
    if not ws.has(table):
        unavailable(tr("common.missing_table", table=table))
    return load_table(ws, table)


def require_view(ws: Workspace, view: str, part: str = "", message: str = ""):
    """Guard clause: what `view` can show from this workspace (view_support), or, when it can show
    nothing, one line (the translation key `message`, else what `part` needs), a link home, and stop."""
    support = view_support(ws, view)
    if not support.available:
        unavailable(tr(message) if message else tr("common.view_needs", needs=support.needs[part]))
    return support


def held_upload(label: str, key: str, state_key: str, read) -> tuple[str, str, object] | None:
    """A file uploaded on this page as (file name, sha, parsed), parsed once by `read(raw, name)` and
    kept in the session under `state_key` (the uploader empties when the user leaves the page). A
    UserError from `read` is shown and stops the page. None until a file has been uploaded."""
    import hashlib

    st.caption(tr("journey.upload_line"))  # Streamlit's drop zone is English only: our line, in the reader's
    up = st.file_uploader(label, type=["csv", "txt", "tsv"], key=key)
    if up is not None:
        raw = up.getvalue()
        sha = hashlib.sha256(raw).hexdigest()[:16]
        held = st.session_state.get(state_key)
        if held is None or held[1] != sha:
            try:
                st.session_state[state_key] = (up.name, sha, read(raw, up.name))
            except UserError as exc:
                st.error(error_text(exc))
                st.stop()
    return st.session_state.get(state_key)


def filter_note(shown: int, total: int, what: str, names: tuple[str, ...] = state.ROW_FILTERS) -> None:
    """When an active filter of this workspace hides rows, one line saying so (“Showing 28 of 300
    posts: date range”) and a one-click reset. `what`: 'posts' or 'users'."""
    active = state.active_filters(names)
    if not active or shown >= total:
        return
    sep = "、" if st.session_state.get(state.LANG) == "zh" else ", "
    filters = sep.join(tr(f"journey.filter.{f}") for f in active)
    text = tr(f"journey.filtered.{what}", shown=f"{shown:,}", total=f"{total:,}", filters=filters)
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.info(text, icon="🔎")
    right.button(tr("journey.show_all"), key="filters_reset", on_click=state.reset_filters, args=(names,))
