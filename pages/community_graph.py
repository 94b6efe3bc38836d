"""Community graph: who the communities are and who holds them together.

Settings -> core.graph.analysis (cached on workspace table versions + settings) -> core.graph.view -> draw.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.errors import UserError
from core.export import csv_bytes
from core.graph.analysis import GraphSettings
from core.graph.detect import METHODS
from core.graph.layout import MAX_DRAWN_NODES
from core.graph.significance import graph_significance, significance_sentence
from core.graph.view import column_kinds, date_window, drill_label, find_member, graph_page, placements
from ui import state, training
from ui.cache import GRAPH_TABLES as TABLES
from ui.cache import graph_analysis as cached_analysis
from ui.cache import graph_source as cached_source
from ui.cache import graph_tables as _tables
from ui.cache import graph_users, load_table, shared_memo, table_version_key
from ui.cache import graph_view as cached_view
from ui.common import error_text, filter_note, page_setup, require_view, tr, unavailable
from ui.graph_panels import community_focus, draw_network
from ui.present import show_table
from ui.resolution import page_analysis, picked_resolution, resolution_panel
from ui.state import sticky

ws = page_setup("graph.title")
lang = st.session_state[state.LANG]
st.caption(tr("graph.intro"))
require_view(ws, "community_graph", message="graph.no_source")
versions = tuple(table_version_key(ws, t) for t in TABLES if ws.has(t))
source, span = cached_source(str(ws.path), versions)
if source is None:
    unavailable(tr("graph.no_source"))

with st.sidebar:
    st.subheader(tr("graph.settings"))
    algos = {m: tr(f"graph.algo.{m}") for m in METHODS}  # labels in this run's language
    method = sticky(st.selectbox, tr("graph.algorithm"), list(algos), key="graph_method", format_func=algos.get)
    min_weight = sticky(st.number_input, tr("graph.min_weight"), 0.0, value=0.0, step=1.0, key="graph_min_weight")
    picked = None
    if span is not None:
        picked = sticky(
            st.date_input,
            tr("graph.date_range"),
            value=(span[0].date(), span[1].date()),
            min_value=span[0].date(),
            max_value=span[1].date(),
            key="graph_dates",
            filter=state.DATES,
        )
    start, end = date_window(span, picked)

settings = GraphSettings(
    method=method, resolution=picked_resolution(str(ws.path)), min_weight=float(min_weight), start=start, end=end
)
try:
    with st.spinner(tr("graph.computing")):
        analysis = page_analysis(ws, versions, settings, source, cached_analysis, _tables)
except UserError as exc:
    st.error(tr("graph.error", error=error_text(exc)))
    st.stop()
graph, result = analysis.graph, analysis.result
shown = graph_page(analysis, lang)
focus = community_focus(ws, versions, settings, analysis, lang)  # ?community=: the health view's drill-down

if start is not None or end is not None:  # a date window: say how many users it leaves out
    filter_note(graph.n_nodes, graph_users(str(ws.path), versions, float(min_weight)), "users", (state.DATES,))
st.caption(shown.source_note)
for col, (label, value) in zip(st.columns(len(shown.metrics)), shown.metrics):
    col.metric(label, value)
st.caption(shown.report_note)
sig = shared_memo("_graph_significance", (str(ws.path), versions, settings), lambda: graph_significance(graph))
st.caption(significance_sentence(sig, lang, graph.n_edges))  # communities only where they exist (vs rewirings)
# resolution profile: chart + pick (a picked scale re-runs the analysis above, cached per scale)
auto = analysis if settings.resolution == "auto" else None
if auto is None:
    auto = page_analysis(ws, versions, replace(settings, resolution="auto"), source, cached_analysis, _tables)
resolution_panel(auto.result.profile, str(ws.path))

# --- network -----------------------------------------------------------------------------------
st.subheader(tr("graph.network"))
query = st.text_input(tr("graph.search"), key="graph_search", placeholder=tr("graph.search_help")).strip()
community = None if focus is None else focus.main  # the detected community holding most of its members
if graph.n_nodes > MAX_DRAWN_NODES:
    st.info(tr("graph.too_big", n=f"{graph.n_nodes:,}"))
    options = [None] + list(range(min(result.n_communities, 200)))
    community = state.choice(
        st.selectbox,
        tr("graph.drill"),
        options,
        key=state.GRAPH_DRILL,
        format_func=lambda c: drill_label(result, c, lang),
    )
found = find_member(analysis, query, lang) if query else None
if query and found is None:
    st.warning(tr("graph.user_missing", user=query))
elif found is not None:
    st.success(found.message)
    if graph.n_nodes > MAX_DRAWN_NODES:
        community = found.community
view = cached_view(str(ws.path), versions, settings, community)
if len(view.nodes):  # with many communities, the community-level graph and a colour picker beside it
    draw_network(str(ws.path), versions, settings, view, result, lang, query or None)
else:
    st.caption(tr("graph.nothing_to_draw"))
if view.isolates_hidden:
    st.caption(tr("graph.isolates_hidden", n=f"{view.isolates_hidden:,}"))
if view.level == "users" and len(view.nodes) < view.total_nodes:
    st.caption(tr("graph.truncated", shown=f"{len(view.nodes):,}", total=f"{view.total_nodes:,}"))
if found is not None:
    show_table(found.neighbours, key="graph_found", pinned=("neighbour",), kinds=column_kinds(found.neighbours))

# --- tables ------------------------------------------------------------------------------------
st.subheader(tr("graph.profiles"))
profiles, influence = (shown.profiles, shown.influence) if focus is None else (focus.profiles, focus.influence)
show_table(profiles, key="graph_profiles", pinned=("community",), kinds=column_kinds(profiles))
st.download_button(
    tr("common.download_csv"), csv_bytes(analysis.profiles), "community_profiles.csv", "text/csv", key="graph_csv"
)
st.subheader(tr("graph.influencers"))
show_table(influence, key="graph_influence", pinned=("node",), kinds=column_kinds(influence))
st.download_button(
    tr("common.download_csv"), csv_bytes(analysis.influence), "influence.csv", "text/csv", key="graph_influence_csv"
)
left, right = st.columns(2)
left.plotly_chart(shown.sizes, key="graph_sizes")
if shown.growth is not None:
    right.plotly_chart(shown.growth, key="graph_growth")
else:  # edges without times: no empty chart, one line saying why
    right.markdown(f"**{tr('graph.growth')}**")
    right.caption(tr("graph.no_growth"))

# --- attention model ---------------------------------------------------------------------------
with st.expander(tr("graph.gat")):
    st.caption(tr("graph.gat_help"))
    users = load_table(ws, "users") if ws.has("users") else None

    from core.graph.attention import place_users, placement_spec

    def train(progress, cancel, budget):
        return place_users(graph, result, users, budget=budget, progress=progress, cancel=cancel)

    try:  # the job key is the GAT's cache key; a GAT already on disk loads without a click
        placement = training.model_panel(
            placement_spec(graph, result, users)[0], train, button_label=tr("common.train")
        )
    except UserError as exc:
        st.info(error_text(exc))
        placement = None
    if placement is not None:
        note, frame = placements(placement, result, lang)
        st.caption(note)
        show_table(frame, key="graph_gat_table", pinned=("node",), kinds=column_kinds(frame))
