"""The community graph's network: the member graph, and beside it, when there are more communities
than colours read (email-Eu-core: 70), the community-level graph (one node per community, sized by
members, ties as weighted links) with a picker for which communities get colours in both."""

from __future__ import annotations

import streamlit as st

from core.graph.layout import community_network
from core.graph.view import drill_label, graph_focus, network
from ui import state
from ui.cache import graph_analysis, shared_memo
from ui.common import tr
from ui.focus import community_filter, focus_note
from ui.state import sticky

LEGEND_TOP = 10  # communities coloured by default (the largest); the rest are grey until picked
CONFIG = {"scrollZoom": True}


@st.cache_resource(show_spinner=False, max_entries=8)
def community_overview(ws_path: str, versions: tuple, settings):
    """One node per community of the page's analysis, computed once per (data, settings)."""
    a = graph_analysis(ws_path, versions, settings)
    return community_network(a.graph, a.result, seed=settings.seed)


def draw_network(ws_path: str, versions: tuple, settings, view, result, lang: str, highlight: str | None) -> None:
    """The member graph; with more than LEGEND_TOP communities also the community-level graph beside
    it and the colour picker (options are community numbers, stable across languages)."""
    if view.level != "users" or result.n_communities <= LEGEND_TOP:
        st.plotly_chart(network(view, lang, highlight=highlight), key="graph_network", config=CONFIG)
        return
    options = list(range(result.n_communities))  # numbered largest first
    coloured = sticky(
        st.multiselect,
        tr("graph.coloured"),
        options,
        default=options[:LEGEND_TOP],
        key="graph_coloured",
        format_func=lambda c: drill_label(result, c, lang),
        help=tr("graph.coloured_help"),
    )
    st.caption(tr("graph.overview_note", n=f"{result.n_communities:,}"))
    left, right = st.columns(2)
    members = network(view, lang, highlight=highlight, coloured=list(coloured))
    left.plotly_chart(members, key="graph_network", config=CONFIG)
    overview = community_overview(ws_path, versions, settings)
    right.plotly_chart(network(overview, lang, coloured=list(coloured)), key="graph_overview", config=CONFIG)


def community_focus(ws, versions: tuple, settings, analysis, lang: str):
    """The shared community filter (sidebar) on the graph: a core.graph.view.GraphFocus of the chosen
    communities' members, or None (no filter, or none of them in this graph: then a line says so).
    A new focus also opens the large-graph drill-down on the detected community holding most of them."""
    focus = community_filter(ws, "graph_communities", where=st.sidebar)
    if focus is None or focus.members is None:
        return None
    members, name = focus.members, focus.names
    key = (str(ws.path), versions, settings, focus.chosen, members, lang)
    found = shared_memo("_graph_focus", key, lambda: graph_focus(analysis, members, name, lang))
    focus_note(found.members, analysis.graph.n_nodes)
    st.caption(found.note)
    if found.main is None:
        return None
    kept = st.session_state.setdefault(state.KEPT, {})
    if kept.get("_graph_drill_focus") != (str(ws.path), focus.chosen):  # once per new focus; later picks win
        kept["_graph_drill_focus"] = (str(ws.path), focus.chosen)
        st.session_state[state.GRAPH_DRILL] = found.main
    return found
