"""Community graph: who the communities are and who holds them together.

Settings -> core.graph.analysis (cached on workspace table versions + settings) -> core.viz.graph.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.export import csv_bytes
from core.graph.analysis import GraphSettings
from core.graph.detect import METHODS
from core.graph.layout import MAX_DRAWN_NODES, neighbourhood
from core.viz.graph import community_label, community_sizes_figure, growth_figure, network_figure
from ui import state, training
from ui.cache import GRAPH_TABLES as TABLES
from ui.cache import graph_analysis as cached_analysis
from ui.cache import graph_source as cached_source
from ui.cache import graph_tables as _tables
from ui.cache import graph_view as cached_view
from ui.cache import load_table, table_version_key
from ui.common import link_home, page_setup, tr, view_support
from ui.resolution import page_analysis, picked_resolution, resolution_panel
from ui.state import sticky


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Column headers in the session's language and communities named as in the charts ('#3');
    the CSV downloads keep the raw names and numbers."""
    if "community" in frame.columns:
        frame = frame.assign(community=frame["community"].map(community_label))
    return frame.rename(columns={c: tr(f"graph.col.{c}") for c in frame.columns})


ws = page_setup("graph.title")
st.caption(tr("graph.intro"))
support = view_support(ws, "community_graph")
versions = tuple(table_version_key(ws, t) for t in TABLES if ws.has(t))
source, span = cached_source(str(ws.path), versions) if support.available else (None, None)
if source is None:
    st.info(tr("graph.no_source"))
    link_home()
    st.stop()

with st.sidebar:
    st.subheader(tr("graph.settings"))
    method = sticky(
        st.selectbox, tr("graph.algorithm"), METHODS, key="graph_method", format_func=lambda m: tr(f"graph.algo.{m}")
    )
    min_weight = sticky(st.number_input, tr("graph.min_weight"), 0.0, value=0.0, step=1.0, key="graph_min_weight")
    start = end = None
    if span is not None:
        picked = sticky(
            st.date_input,
            tr("graph.date_range"),
            value=(span[0].date(), span[1].date()),
            min_value=span[0].date(),
            max_value=span[1].date(),
            key="graph_dates",
            share=state.SHARED_DATES,
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start = pd.Timestamp(picked[0])
            end = pd.Timestamp(picked[1]) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
            if (start.date(), end.date()) == (span[0].date(), span[1].date()):
                start = end = None  # the full range: share the cache with the default view

settings = GraphSettings(
    method=method, resolution=picked_resolution(str(ws.path)), min_weight=float(min_weight), start=start, end=end
)
try:
    with st.spinner(tr("graph.computing")):
        analysis = page_analysis(ws, versions, settings, source, cached_analysis, _tables)
except UserError as exc:
    st.error(tr("graph.error", error=str(exc)))
    st.stop()
graph, result = analysis.graph, analysis.result

st.caption(tr("graph.source", source=tr(f"graph.source.{graph.source}")))
cols = st.columns(5)
cols[0].metric(tr("graph.nodes"), f"{graph.n_nodes:,}")
cols[1].metric(tr("graph.edges"), f"{graph.n_edges:,}")
cols[2].metric(tr("graph.communities"), f"{result.n_communities:,}")
cols[3].metric(tr("graph.modularity"), f"{result.modularity:.3f}")
cols[4].metric(tr("graph.stability"), "-" if result.stability is None else f"{result.stability:.3f}")
st.caption(tr("graph.report", loops=graph.self_loops, isolates=len(graph.isolates), below=graph.below_min_weight))
# resolution profile: chart + pick (a picked scale re-runs the analysis above, cached per scale)
resolution_panel(
    result.profile
    if settings.resolution == "auto"
    else page_analysis(
        ws, versions, replace(settings, resolution="auto"), source, cached_analysis, _tables
    ).result.profile,
    str(ws.path),
)

# --- network -----------------------------------------------------------------------------------
st.subheader(tr("graph.network"))
query = st.text_input(tr("graph.search"), key="graph_search", placeholder=tr("graph.search_help")).strip()
community = None
if graph.n_nodes > MAX_DRAWN_NODES:
    st.info(tr("graph.too_big", n=f"{graph.n_nodes:,}"))
    options = [None] + list(range(min(result.n_communities, 200)))
    community = st.selectbox(
        tr("graph.drill"),
        options,
        key="graph_drill",
        format_func=lambda c: (
            tr("graph.all_communities") if c is None else f"#{c} ({result.sizes[c]:,} {tr('graph.members')})"
        ),
    )
found = None
if query:
    try:
        found = neighbourhood(graph, result, query)
    except UserError:
        st.warning(tr("graph.user_missing", user=query))
    else:
        user_comm = int(result.membership[graph.index()[query]])
        st.success(
            tr("graph.user_community", user=query, community=user_comm, size=result.sizes[user_comm], n=len(found))
        )
        if graph.n_nodes > MAX_DRAWN_NODES:
            community = user_comm
view = cached_view(str(ws.path), versions, settings, community)
title = tr("graph.network_users") if view.level == "users" else tr("graph.network_communities")
if len(view.nodes):
    st.plotly_chart(
        network_figure(
            view,
            highlight=query or None,
            title=title,
            hover_community=tr("graph.community"),
            hover_size=tr("graph.members") if view.level == "communities" else tr("graph.ties"),
            other_label=tr("graph.other_communities"),
            legend_title=tr("graph.community"),
        ),
        key="graph_network",
        config={"scrollZoom": True},
    )
else:
    st.caption(tr("graph.nothing_to_draw"))
if view.isolates_hidden:
    st.caption(tr("graph.isolates_hidden", n=f"{view.isolates_hidden:,}"))
if view.level == "users" and len(view.nodes) < view.total_nodes:
    st.caption(tr("graph.truncated", shown=f"{len(view.nodes):,}", total=f"{view.total_nodes:,}"))
if found is not None:
    st.dataframe(labelled(found.head(50)), hide_index=True, width="stretch")

# --- tables ------------------------------------------------------------------------------------
st.subheader(tr("graph.profiles"))
st.dataframe(labelled(analysis.profiles), hide_index=True, width="stretch", key="graph_profiles")
st.download_button(
    tr("common.download_csv"),
    csv_bytes(analysis.profiles),
    "community_profiles.csv",
    "text/csv",
    key="graph_profiles_csv",
)
st.subheader(tr("graph.influencers"))
st.dataframe(labelled(analysis.influence.head(100)), hide_index=True, width="stretch", key="graph_influence")
st.download_button(
    tr("common.download_csv"), csv_bytes(analysis.influence), "influence.csv", "text/csv", key="graph_influence_csv"
)
left, right = st.columns(2)
left.plotly_chart(
    community_sizes_figure(
        result.sizes, title=tr("graph.sizes"), x_label=tr("graph.community"), y_label=tr("graph.members")
    ),
    key="graph_sizes",
)
if len(analysis.growth):
    right.plotly_chart(
        growth_figure(analysis.growth, title=tr("graph.growth"), y_label=tr("graph.members")), key="graph_growth"
    )
else:  # edges without times: no empty chart, one line saying why
    right.markdown(f"**{tr('graph.growth')}**")
    right.caption(tr("graph.no_growth"))

# --- attention model ---------------------------------------------------------------------------
with st.expander(tr("graph.gat")):
    st.caption(tr("graph.gat_help"))

    users = load_table(ws, "users") if ws.has("users") else None

    from core.graph.attention import place_users, placement_spec

    def train(progress, cancel):
        return place_users(graph, result, users, progress=progress, cancel=cancel)

    try:  # the job key is the GAT's cache key; a GAT already on disk loads without a click
        placement = training.model_panel(
            placement_spec(graph, result, users)[0], train, button_label=tr("common.train")
        )
    except UserError as exc:
        st.info(str(exc))
        placement = None
    if placement is not None:
        low = placement.low_degree
        moved = int((placement.community[low] != result.membership[low]).sum())
        st.caption(
            tr("graph.gat_metrics", acc=placement.metrics.get("val_accuracy") or 0.0, low=int(low.sum()), moved=moved)
        )
        frame = placement.to_frame()
        st.dataframe(
            labelled(frame[frame["low_degree"]].sort_values("confidence", ascending=False)),
            hide_index=True,
            width="stretch",
            key="graph_gat_table",
        )
