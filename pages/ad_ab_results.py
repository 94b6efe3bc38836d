"""Ad A/B results: which variant won, by how much, for whom, and whether the test is healthy.

Settings -> core.experiments -> core.viz.experiments -> draw. Data: the workspace's ad_events,
a CSV of rows uploaded here (kept in session state, so it survives reruns), or a file of
per-variant summaries (drawn by ui/ab_summary.py: portfolio, results table, forest plot).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.data.csvfile import read_csv_frame
from core.errors import UserError
from core.experiments import analysis as ab
from core.experiments.columns import guess_roles
from core.experiments.summary import looks_like_summary
from core.export import csv_bytes
from core.viz import experiments as viz
from ui.ab_panels import fmt_interval, power_panel, response_panel, timeline_chart
from ui.cache import load_table, table_version_key
from ui.common import held_upload, page_setup, tr

UPLOAD_DF = "ab_upload_df"  # (name, sha, DataFrame) of the CSV uploaded on this page
MEMO = "ab_memo"  # {(data key, settings): computed results}, per session
NONE = "—"

ws = page_setup("ab.title")
st.caption(tr("ab.intro"))

# ---- data source --------------------------------------------------------------------------------
sources = (["workspace"] if ws.has("ad_events") else []) + ["upload", "summary"]
source = st.radio(
    tr("ab.source"), sources, horizontal=True, key="ab_source", format_func=lambda s: tr(f"ab.source_{s}")
)
if source == "summary":  # per-variant summaries: their own view (ui/ab_summary.py)
    from ui.ab_summary import summary_view

    summary_view()
    st.stop()
if source == "upload":
    if (
        held_upload(
            tr("ab.upload"), "ab_uploader", UPLOAD_DF, lambda raw, name: read_csv_frame(raw, name, as_text=False)
        )
        is None
    ):
        st.info(tr("ab.upload_hint"))
        st.stop()
    file_name, data_key, df = st.session_state[UPLOAD_DF]
    if looks_like_summary(df):
        st.info(tr("ab.looks_like_summary"))
else:
    df = load_table(ws, "ad_events")
    file_name, data_key = "ad_events", table_version_key(ws, "ad_events")

roles = guess_roles(df.head(5000))
columns = [str(c) for c in df.columns]


def _pick(label_key: str, options: list, default, key: str, optional: bool = False):
    opts = ([NONE] if optional else []) + options
    index = opts.index(default) if default in opts else 0
    value = st.selectbox(tr(label_key), opts, index=index, key=key)
    return None if value == NONE else value


# ---- settings -----------------------------------------------------------------------------------
c1, c2, c3, c4 = st.columns(4)
with c1:
    variant_col = _pick("ab.variant_column", columns, roles.variant, "ab_variant")
with c2:
    names = ab.variant_names(df[variant_col])
    control = _pick("ab.control", names, ab.default_control(names), "ab_control") if names else None
choices = {m.label: m for m in ab.metric_choices(roles, variant_col)}
with c3:
    metric_name = _pick("ab.metric", list(choices), next(iter(choices), None), "ab_metric")
with c4:
    unit_col = _pick("ab.unit_column", columns, roles.unit, "ab_unit", optional=True)
c5, c6, c7 = st.columns(3)
with c5:
    covariate = _pick("ab.covariate", columns, roles.covariate, "ab_covariate", optional=True)
with c6:
    time_col = _pick("ab.time_column", columns, roles.time, "ab_time", optional=True)
with c7:
    segment_col = _pick(
        "ab.segment_column", roles.segments, roles.segments[0] if roles.segments else None, "ab_segment", optional=True
    )
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
metric = choices[metric_name]
try:
    weights = ab.parse_split(split_text)
except ValueError:
    st.error(tr("ab.bad_split"))
    st.stop()
spec = ab.view_spec(
    roles, metric, variant_col, control, unit_col, covariate, time_col, weights, alpha, tuning, file_name, check_srm
)


# ---- analysis (memoised per session on the data version and the settings) ------------------------
memo = st.session_state.setdefault(MEMO, {})
memo_key = (data_key, repr(spec), repr(metric), segment_col)
if memo_key not in memo:
    try:
        with st.spinner(tr("ab.computing")):
            memo.clear()
            memo[memo_key] = ab.experiment_report(df, spec, metric, roles, segment_col)
    except UserError as exc:
        st.error(str(exc))
        st.stop()
report: ab.ExperimentReport = memo[memo_key]
result = report.result

# ---- verdict and health -------------------------------------------------------------------------
v = ab.verdict(result)
if v.status == "unhealthy":
    st.error(tr("ab.verdict_unhealthy", p=v.params["p"]))
elif v.status == "winner":
    st.success(
        tr(
            "ab.verdict_winner",
            variant=v.variant,
            lift=v.params["relative_lift"],
            p=v.params["p"],
            prob=v.params["prob"],
        )
    )
elif v.status == "control_wins":
    st.warning(tr("ab.verdict_control", variant=v.variant))
elif v.reason == "too_small":
    st.info(tr("ab.verdict_too_small", **v.params))
else:
    st.info(tr("ab.verdict_none"))
for n in result.notices:
    if n.code == "srm":
        continue  # already the verdict
    text = tr(f"ab.warn.{n.code}", **n.params)
    (st.caption if n.code == "srm_mild" else st.warning)(text)
if result.covariate and result.variance_reduction is not None:
    st.caption(tr("ab.cuped_note", covariate=result.covariate, reduction=result.variance_reduction))

# ---- variant table ------------------------------------------------------------------------------
table = result.table()
shown = pd.DataFrame(
    {
        tr("ab.col.variant"): table["name"],
        tr("ab.col.n"): table["n"],
        tr("ab.col.mean"): table["mean"],
        tr("ab.col.ci"): [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in zip(table["ci_low"], table["ci_high"])],
        tr("ab.col.lift"): table["relative_lift"],
        tr("ab.col.lift_ci"): [
            fmt_interval(lo, hi) for lo, hi in zip(table["relative_lift_ci_low"], table["relative_lift_ci_high"])
        ],
        tr("ab.col.p"): table["p_value"],
        tr("ab.col.p_holm"): table["p_value_holm"],
        tr("ab.col.p_bh"): table["p_value_bh"],
        tr("ab.col.p_seq"): table["sequential_p_value"],
        tr("ab.col.prob"): table["prob_beat_control"],
        tr("ab.col.loss"): table["expected_loss"],
    }
)
st.subheader(tr("ab.table_title", metric=result.metric))
st.dataframe(
    shown,
    hide_index=True,
    key="ab_table",
    column_config={
        tr("ab.col.lift"): st.column_config.NumberColumn(format="percent"),
        tr("ab.col.prob"): st.column_config.NumberColumn(format="percent"),
    },
)
st.download_button(tr("common.download_csv"), csv_bytes(table), file_name=f"ab_{result.metric}.csv", mime="text/csv")

tabs = st.tabs(
    [tr("ab.tab.timeline"), tr("ab.tab.funnel"), tr("ab.tab.segments"), tr("ab.tab.power"), tr("ab.tab.model")]
)
with tabs[0]:
    timeline = report.timeline
    if timeline is None or timeline.empty:
        st.info(tr("ab.no_time"))
    else:
        timeline_chart(timeline, key="ab_timeline")
        st.caption(tr("ab.band_note", tuning=int(tuning)))
with tabs[1]:
    ft = report.funnel
    if ft is None:
        st.info(tr("ab.no_funnel"))
    else:
        st.plotly_chart(
            viz.funnel_figure(ft, labels={s: tr(f"ab.stage.{s}") for s in ("impressions", "clicks", "conversions")}),
            key="ab_funnel",
        )
        st.dataframe(
            ft.rename(columns={c: tr(f"ab.stage.{c}") for c in ft.columns}), hide_index=True, key="ab_funnel_table"
        )
with tabs[2]:
    segs = report.segments
    if not segs:
        st.info(tr("ab.no_segments"))
    else:
        seg_table = ab.segment_table(segs)
        st.plotly_chart(
            viz.segment_heatmap(
                seg_table, labels={"colour": tr("ab.col.lift"), "x": tr("ab.col.variant"), "y": segment_col}
            ),
            key="ab_heatmap",
        )
        st.caption(tr("ab.segment_note", k=len(seg_table)))
with tabs[3]:
    power_panel(result, alpha)
with tabs[4]:
    response_panel(ws, df, roles, result, metric, variant_col, unit_col, control, time_col, data_key)
