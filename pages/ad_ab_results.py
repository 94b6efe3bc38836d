"""Ad A/B results: which variant won, by how much, for whom, and whether the test is healthy.

Settings -> core.experiments.view.ab_view (one call: every number and frame drawn here) -> draw.
Data: the workspace's ad_events, a CSV of rows uploaded here, or a file of per-variant summaries
(drawn by ui/ab_summary.py).
"""

from __future__ import annotations

import streamlit as st

from core.capabilities import data_sources
from core.data.csvfile import read_csv_frame
from core.data.mapping import to_analyst_names
from core.errors import UserError
from core.experiments.view import ABSettings, BadSplit, ab_choices, ab_view
from core.viz import experiments as viz
from core.viz.format import localize_figure, number_kind
from ui import ab_panels as panels
from ui.ab_panels import pick
from ui.cache import load_table, shared_memo, table_version_key
from ui.common import held_upload, page_setup, stop_with, tr
from ui.present import named_csv, show_table, use_names
from ui.state import AB_UPLOAD, AB_VARIANT, sticky

UPLOAD_DF = AB_UPLOAD  # (name, sha, DataFrame) of the CSV uploaded on this page
MEMO = "ab_memo"

ws = page_setup("ab.title")
st.caption(tr("ab.intro"))

sources = data_sources("ad_ab_results", ws.has("ad_events"))  # kept per workspace: ad_events opens on them
fmt = panels.option_label("ab.source_")
source = sticky(
    st.radio, tr("ab.source"), sources, horizontal=True, key="ab_source", format_func=fmt, filter="source:ab"
)
names = use_names(ws, *(["ad_events"] if source == "workspace" else []))  # an upload keeps its own names
if source == "summary":  # per-variant summaries: their own view
    from ui.ab_summary import summary_view

    summary_view()
    st.stop()
if source == "upload":
    held = held_upload(
        tr("ab.upload"), "ab_uploader", UPLOAD_DF, lambda raw, name: read_csv_frame(raw, name, as_text=False)
    )
    if held is None:
        st.info(tr("ab.upload_hint"))
        st.stop()
    file_name, data_key, df = held
else:
    df = to_analyst_names(load_table(ws, "ad_events"), names)  # the analyst's 'retention_1', not 'converted'
    file_name, data_key = "ad_events", table_version_key(ws, "ad_events")
panels.reset_picks(data_key)  # another file: its own guesses, not the last file's picks
df, data_key = panels.community_rows(ws, df, data_key, names.get("user_id", "user_id"))  # ?community=
variant = st.session_state.get(AB_VARIANT)
choices = shared_memo(MEMO, ("choices", data_key, variant), lambda: ab_choices(df, variant))
if choices.summary:
    st.info(tr("ab.looks_like_summary"))


# ---- settings -----------------------------------------------------------------------------------
roles, columns = choices.roles, choices.columns
c1, c2, c3, c4 = st.columns(4)
variant_col = pick("ab.variant_column", columns, roles.variant, AB_VARIANT, where=c1)
control = pick("ab.control", choices.variants, choices.control, "ab_control", where=c2) if choices.variants else None
metrics = list(choices.metrics)
metric_name = pick("ab.metric", metrics, next(iter(metrics), None), "ab_metric", where=c3, fmt=panels.metric_label())
unit_col = pick("ab.unit_column", columns, roles.unit, "ab_unit", optional=True, where=c4)
c5, c6, c7, c8 = st.columns(4, vertical_alignment="bottom")  # the box level with the inputs
covariate = pick("ab.covariate", columns, roles.covariate, "ab_covariate", optional=True, where=c5)
time_col = pick("ab.time_column", columns, roles.time, "ab_time", optional=True, where=c6)
first_segment = choices.segments[0] if choices.segments else None
segment_col = pick("ab.segment_column", choices.segments, first_segment, "ab_segment", optional=True, where=c7)
lower, direction_source = panels.direction_box(choices, metric_name, where=c8)
randomised = panels.randomised_box(variant_col)
with st.expander(tr("ab.advanced")):
    a1, a2, a3 = st.columns(3)
    alpha = a1.select_slider(tr("ab.alpha"), [0.01, 0.05, 0.1], value=0.05, key="ab_alpha")
    tuning = a2.number_input(
        tr("ab.tuning"), min_value=100, value=5000, step=500, key="ab_tuning", help=tr("ab.tuning_help")
    )
    check_srm = a3.checkbox(tr("ab.check_srm"), value=True, key="ab_check_srm", help=tr("ab.check_srm_help"))
    split_text = st.text_input(tr("ab.split"), value="", key="ab_split", help=tr("ab.split_help"))

if metric_name is None or control is None:
    st.warning(tr("ab.no_metric"))
    st.stop()
settings = ABSettings(
    variant=variant_col,
    metric=metric_name,
    control=control,
    unit=unit_col,
    covariate=covariate,
    time=time_col,
    segment=segment_col,
    split=split_text,
    alpha=float(alpha),
    tuning=float(tuning),
    check_srm=check_srm,
    cap_percentile=float(st.session_state.get(panels.CAP_PCT, 99.0)) if st.session_state.get(panels.CAP) else None,
    source=file_name,
    higher_is_better=not lower,
    direction_source=direction_source,
    randomised=randomised,
)
try:
    with st.spinner(tr("ab.computing")):
        view = shared_memo(MEMO, ("view", data_key, settings), lambda: ab_view(df, settings, choices), max_entries=8)
except BadSplit:
    st.error(tr("ab.bad_split"))
    st.stop()
except UserError as exc:
    stop_with(exc)
result = view.result

# ---- verdict and health -------------------------------------------------------------------------
panels.show_verdict(view.verdict, variant_col)
for n in view.notices:
    (st.caption if n.code == "srm_mild" else st.warning)(panels.notice_text(n))
if result.covariate and result.variance_reduction is not None:
    st.caption(tr("ab.cuped_note", covariate=panels.md_literal(result.covariate), reduction=result.variance_reduction))
panels.outlier_panel(view.outliers, view.capped)

# ---- variant table ------------------------------------------------------------------------------
title = panels.md_literal(view.metric_title)
if view.capped is not None:
    st.subheader(tr("ab.table_title_capped", metric=title, pct=view.capped.percentile))
else:
    st.subheader(tr("ab.table_title", metric=title))
kinds = view.table_kinds | ({} if result.kind == "proportion" else {"mean": number_kind(result.metric)})
show_table(
    view.table, key="ab_table", pinned=("variant",), kinds=kinds, labels={"mean": view.metric_title}, gaps_as_text=True
)
if result.randomised:
    st.caption(tr("ab.relative_test_note"))
if view.sequential:
    st.caption(tr("ab.seq_note", time=panels.md_literal(settings.time)))
st.download_button(
    tr("common.download_csv"), named_csv(view.download), file_name=f"ab_{result.metric}.csv", mime="text/csv"
)

tabs = st.tabs(
    [tr("ab.tab.timeline"), tr("ab.tab.funnel"), tr("ab.tab.segments"), tr("ab.tab.power"), tr("ab.tab.model")]
)
with tabs[0]:
    if view.timeline is None or view.timeline.empty:
        st.info(tr("ab.no_time"))
    else:
        panels.timeline_chart(view.timeline, view.metric_title, key="ab_timeline")
        st.caption(tr("ab.band_note", tuning=int(tuning)))
with tabs[1]:
    if view.funnel is None:
        st.info(tr("ab.no_funnel"))
    else:
        fig = viz.funnel_figure(view.funnel, stages=view.funnel_steps)
        st.plotly_chart(localize_figure(fig, panels.lang()), key="ab_funnel")
        show_table(view.funnel, key="ab_funnel_table", pinned=("variant",), kinds=view.funnel_kinds, gaps_as_text=True)
with tabs[2]:
    if view.segments is None or view.segments.empty:
        st.info(tr("ab.no_segments"))
    else:
        labels = {"colour": tr("col.relative_lift"), "x": tr("col.variant"), "y": segment_col}
        st.plotly_chart(viz.segment_heatmap(view.segments, labels=labels), key="ab_heatmap")
        st.caption(tr("ab.segment_note", k=len(view.segments)))
with tabs[3]:
    panels.power_panel(view.power, alpha)
with tabs[4]:
    panels.response_panel(ws, df, view, settings, load_table)
