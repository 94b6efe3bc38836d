"""Home: pick or create a workspace, upload CSVs, confirm their mapping, see data health and unlocked views.

Settings -> core.data.view.home_view (via ui.cache) -> draw; the upload panel is ui.home.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.data.sources import UPLOAD_TYPES
from core.data.uploads import discard_upload, save_upload, sweep_at_start, sweep_uploads
from core.data.workspace import SAMPLE_NAME
from core.errors import UserError
from core.viz.format import needs_text
from ui import auth, state
from ui.cache import load_home
from ui.common import error_text, page_setup, tr
from ui.home import create_workspace, messages, pending_upload, say, session_alive, session_id, versions_section
from ui.prefetch import prefetch_charts
from ui.present import show_table
from ui.sources import database_source, first_preview

VIEW_PAGES = {
    "community_graph": "pages/community_graph.py",
    "sentiment_trends": "pages/sentiment_trends.py",
    "ad_ab_results": "pages/ad_ab_results.py",
    "churn_cohorts": "pages/churn_cohorts.py",
    "recommendations": "pages/recommendations.py",
}


def health_section(ws) -> None:
    st.header(tr("home.health"))
    infos = ws.tables() if ws.db_path.exists() else []
    if not infos:
        st.info(tr("home.no_tables"))
        return
    view = load_home(ws)
    show_table(view.summary, key="health_summary", pinned=("table",))
    for card in view.cards:
        with st.expander(tr("home.table_rows", table=card.table, rows=f"{card.rows:,}")):
            c = st.columns([1, 1, 2])
            c[0].metric(tr("home.rows"), f"{card.rows:,}")
            c[1].metric(tr("home.duplicates"), f"{card.duplicates:,}")
            if card.first is not None:
                c[2].metric(tr("home.date_range"), f"{card.first} → {card.last}")
            columns = card.columns.assign(type=card.columns["type"].map(lambda k: tr(f"home.type.{k}")))
            show_table(columns, key=f"health_columns_{card.table}", pinned=("column",))
            st.caption(tr("home.preview", n=len(card.preview)))
            show_table(card.preview, key=f"health_preview_{card.table}")
    versions_section(ws, infos)
    unlocks_section(view.unlocks)


def unlocks_section(unlocks) -> None:
    """What each view can show from this workspace: core.capabilities, the same answer the views use."""
    st.subheader(tr("home.unlocks"))
    lang = st.session_state.get(state.LANG, "en")
    for u in unlocks:
        label = ("✅ " if u.available else "⬜ ") + tr(f"nav.{u.view}")
        try:
            st.page_link(VIEW_PAGES[u.view], label=label, disabled=not u.available)
        except StreamlitPageNotFoundError:  # run outside the router (AppTest of this page alone)
            st.write(label)
        part = {p: tr(f"cap.{u.view}.{p}") for p in [*u.shown, *u.needs]}
        if u.available and u.needs:
            missing = "; ".join(f"{part[p]} ({needs_text(n, lang)})" for p, n in u.needs.items())
            st.caption(tr("home.unlocks_partial", shown=", ".join(part[p] for p in u.shown), missing=missing))
        elif not u.available:
            st.caption(tr("home.unlocks_needs", needs=needs_text(next(iter(u.needs.values())), lang)))


ws = page_setup("home.title")
st.caption(tr("home.intro"))
if not auth.configured():
    st.caption(tr("auth.local_mode"))

with st.expander(tr("home.new_workspace")):
    st.text_input(tr("home.workspace_name"), key="new_ws_name", placeholder="my-community")
    st.button(tr("home.create"), on_click=create_workspace, args=("new_ws_name",))
    if error := state.take_error("create"):
        st.error(error)

for notes in messages(ws.name):  # facts, in the language of the moment; this workspace's only
    st.success(say(notes))

if not auth.may_change(ws.name) and ws.name != SAMPLE_NAME:  # a member: no upload (core refuses too)
    st.info(tr("auth.read_only"))
    health_section(ws)
    st.stop()
st.header(tr("home.upload_header"))
st.markdown(f"**{tr('home.upload')}**")  # Streamlit's own drop-zone text cannot be translated: ours says it
st.caption(tr("home.upload_help"))
files = st.file_uploader(
    tr("home.upload"),
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key="uploader",
    label_visibility="collapsed",
)
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
            **first_preview(ws, upload.path, f.name),  # "preview", "read": a sheet, a zip's file (ui.sources)
            "workspace": ws.name,  # offered in this workspace only
        }
    except UserError as exc:
        discard_upload(upload.path)  # shown again on the next run while the file stays in the uploader
        st.error(error_text(exc))
for key, item in list(pending.items()):
    if item.get("workspace", ws.name) == ws.name:
        pending_upload(ws, key, item)
database_source(ws)

health_section(ws)
prefetch_charts()  # no chart here: the browser loads the views' chart code while the analyst reads
