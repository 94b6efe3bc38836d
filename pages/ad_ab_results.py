"""Ad A/B results: which variant won, by how much, for whom, and whether the test is healthy.

Settings -> core.experiments -> core.viz.experiments -> draw. Data: the workspace's ad_events,
or a CSV uploaded here (kept in session state, so it survives reruns).
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import UserError
from core.experiments import analysis as ab
from core.experiments.columns import guess_roles, read_events_csv
from core.experiments.power import minimum_detectable_effect, power_for, sample_size
from core.export import csv_bytes
from core.viz import experiments as viz
from ui.cache import load_table, table_version_key
from ui.common import page_setup, tr

UPLOAD_DF = "ab_upload_df"      # (name, sha, DataFrame) of the CSV uploaded on this page
MEMO = "ab_memo"                # {(data key, settings): computed results}, per session
NONE = "—"

ws = page_setup("ab.title")
st.caption(tr("ab.intro"))

# ---- data source --------------------------------------------------------------------------------
sources = (["workspace"] if ws.has("ad_events") else []) + ["upload"]
source = st.radio(tr("ab.source"), sources, horizontal=True, key="ab_source",
                  format_func=lambda s: tr(f"ab.source_{s}"))
if source == "upload":
    up = st.file_uploader(tr("ab.upload"), type=["csv", "txt"], key="ab_uploader")
    if up is not None:
        raw = up.getvalue()
        sha = hashlib.sha256(raw).hexdigest()[:16]
        held = st.session_state.get(UPLOAD_DF)
        if held is None or held[1] != sha:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "upload.csv"
                path.write_bytes(raw)
                try:
                    st.session_state[UPLOAD_DF] = (up.name, sha, read_events_csv(path, up.name))
                except UserError as exc:
                    st.error(str(exc))
                    st.stop()
    if st.session_state.get(UPLOAD_DF) is None:
        st.info(tr("ab.upload_hint"))
        st.stop()
    file_name, data_key, df = st.session_state[UPLOAD_DF]
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
    segment_col = _pick("ab.segment_column", roles.segments, roles.segments[0] if roles.segments else None,
                        "ab_segment", optional=True)
with st.expander(tr("ab.advanced")):
    a1, a2, a3 = st.columns(3)
    alpha = a1.select_slider(tr("ab.alpha"), [0.01, 0.05, 0.1], value=0.05, key="ab_alpha")
    tuning = a2.number_input(tr("ab.tuning"), min_value=100, value=5000, step=500, key="ab_tuning",
                             help=tr("ab.tuning_help"))
    check_srm = a3.checkbox(tr("ab.check_srm"), value=True, key="ab_check_srm", help=tr("ab.check_srm_help"))
    split_text = st.text_input(tr("ab.split"), value="", key="ab_split", help=tr("ab.split_help"))

if metric_name is None or control is None:
    st.warning(tr("ab.no_metric"))
    st.stop()
metric = choices[metric_name]
try:
    weights = tuple(float(w) for w in split_text.replace("/", ",").split(",") if w.strip()) or None
except ValueError:
    st.error(tr("ab.bad_split"))
    st.stop()
exposure = roles.impressions if unit_col is None and roles.impressions and not roles.unit else None
spec = ab.ExperimentSpec(variant=variant_col, control=control, unit=unit_col,
                         covariate=covariate if covariate not in (metric.column, metric.denominator) else None,
                         time=time_col, weights=weights, alpha=float(alpha), sequential_tuning=float(tuning),
                         source=file_name, exposure=exposure, check_srm=check_srm)


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
    st.success(tr("ab.verdict_winner", variant=v.variant, lift=v.params["relative_lift"], p=v.params["p"],
                  prob=v.params["prob"]))
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
shown = pd.DataFrame({
    tr("ab.col.variant"): table["name"],
    tr("ab.col.n"): table["n"],
    tr("ab.col.mean"): table["mean"],
    tr("ab.col.ci"): [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in zip(table["ci_low"], table["ci_high"])],
    tr("ab.col.lift"): table["relative_lift"],
    tr("ab.col.lift_ci"): ["" if pd.isna(lo) else f"[{lo:+.2%}, {hi:+.2%}]"
                           for lo, hi in zip(table["relative_lift_ci_low"], table["relative_lift_ci_high"])],
    tr("ab.col.p"): table["p_value"],
    tr("ab.col.p_holm"): table["p_value_holm"],
    tr("ab.col.p_bh"): table["p_value_bh"],
    tr("ab.col.p_seq"): table["sequential_p_value"],
    tr("ab.col.prob"): table["prob_beat_control"],
    tr("ab.col.loss"): table["expected_loss"],
})
st.subheader(tr("ab.table_title", metric=result.metric))
st.dataframe(shown, hide_index=True, key="ab_table", column_config={
    tr("ab.col.lift"): st.column_config.NumberColumn(format="percent"),
    tr("ab.col.prob"): st.column_config.NumberColumn(format="percent"),
})
st.download_button(tr("common.download_csv"), csv_bytes(table),
                   file_name=f"ab_{result.metric}.csv", mime="text/csv")

tabs = st.tabs([tr("ab.tab.timeline"), tr("ab.tab.funnel"), tr("ab.tab.segments"), tr("ab.tab.power"),
                tr("ab.tab.model")])
with tabs[0]:
    timeline = report.timeline
    if timeline is None or timeline.empty:
        st.info(tr("ab.no_time"))
    else:
        st.plotly_chart(viz.cumulative_lift_figure(timeline, labels={
            "band": tr("ab.band"), "ci": tr("ab.ci95"), "lift": tr("ab.lift"), "x": tr("ab.day"),
            "y": tr("ab.lift_axis")}), key="ab_timeline")
        st.caption(tr("ab.band_note", tuning=int(tuning)))
with tabs[1]:
    ft = report.funnel
    if ft is None:
        st.info(tr("ab.no_funnel"))
    else:
        st.plotly_chart(viz.funnel_figure(ft, labels={s: tr(f"ab.stage.{s}") for s in
                                                      ("impressions", "clicks", "conversions")}), key="ab_funnel")
        st.dataframe(ft.rename(columns={c: tr(f"ab.stage.{c}") for c in ft.columns}), hide_index=True,
                     key="ab_funnel_table")
with tabs[2]:
    segs = report.segments
    if not segs:
        st.info(tr("ab.no_segments"))
    else:
        seg_table = ab.segment_table(segs)
        st.plotly_chart(viz.segment_heatmap(seg_table, labels={
            "colour": tr("ab.col.lift"), "x": tr("ab.col.variant"), "y": segment_col}), key="ab_heatmap")
        st.caption(tr("ab.segment_note", k=len(seg_table)))
with tabs[3]:
    control_row = result.variants[0]
    p1, p2, p3 = st.columns(3)
    is_prop = result.kind == "proportion"
    baseline = p1.number_input(tr("ab.baseline"), value=float(control_row.mean), format="%.4f", key="ab_pw_base")
    sd_default = math.sqrt(max(control_row.n, 2)) * (control_row.ci_high - control_row.ci_low) / (2 * 1.96)
    sd = None if is_prop else p1.number_input(tr("ab.sd"), value=float(sd_default), min_value=1e-9,
                                              key="ab_pw_sd")
    n_per = p2.number_input(tr("ab.n_per_variant"), min_value=10, value=int(max(control_row.n, 10)), key="ab_pw_n")
    target = p3.number_input(tr("ab.target_lift"), value=0.05, min_value=0.001, format="%.3f", key="ab_pw_target")
    try:
        mde = minimum_detectable_effect(n_per, baseline, sd, alpha=float(alpha))
        need = sample_size(target * baseline, baseline, sd, alpha=float(alpha))
        st.markdown(tr("ab.mde_line", n=n_per, mde=mde.mde, rel=mde.relative_mde))
        st.markdown(tr("ab.n_line", target=target, n=math.ceil(need.n_per_variant)))
        effects = np.linspace(0, 3 * mde.mde, 60)
        st.plotly_chart(viz.power_curve_figure(effects, [power_for(e, n_per, mde.sd, float(alpha)) for e in effects],
                                               n_per, labels={"x": tr("ab.effect_axis"), "y": tr("ab.power_axis"),
                                                              "title": tr("ab.power_title", n=n_per)}),
                        key="ab_power")
    except ValueError as exc:
        st.warning(tr("ab.power_error", reason=str(exc)))
with tabs[4]:
    st.caption(tr("ab.model_intro"))
    seg_features = [c for c in roles.segments if c in df.columns][:4]
    has_interactions = ws.has("interactions")
    if not st.toggle(tr("ab.show_model"), key="ab_show_model"):
        st.stop()  # the last thing on the page: nothing below is skipped
    outcome_col = metric.column if result.kind == "proportion" and not metric.denominator else roles.conversions
    if unit_col is None or not has_interactions or outcome_col is None:
        st.info(tr("ab.no_history"))
    else:
        from core.experiments.response import DINSettings, response_data, train_response_model

        try:
            rdata = response_data(df, load_table(ws, "interactions"), variant=variant_col, unit=unit_col,
                                  outcome=outcome_col, control=control, features=seg_features, time=time_col)
        except UserError as exc:
            st.warning(str(exc))
            rdata = None
        if rdata is None or not rdata.has_history:
            st.info(tr("ab.no_history"))
        else:
            from ui import training  # imports torch: only once there is something to train

            key = f"din:{data_key}:{variant_col}:{outcome_col}:{control}:{','.join(seg_features)}"
            response = training.training_panel(
                key, lambda progress, cancel: train_response_model(rdata, DINSettings(), progress, cancel),
                button_label=tr("ab.train_model"))
            if response is not None:
                st.dataframe(pd.DataFrame({
                    tr("ab.model"): [tr("ab.model_din"), tr("ab.model_logistic")],
                    tr("ab.qini"): [response.mean_qini["din"], response.mean_qini["logistic"]],
                    tr("ab.auc"): [response.auc["din"], response.auc["logistic"]],
                }), hide_index=True, key="ab_model_scores")
                better = response.mean_qini["din"] > response.mean_qini["logistic"]
                st.caption(tr("ab.model_better" if better else "ab.model_not_better",
                              n=response.n_users, share=response.history_share))
                best = response.segments.loc[response.segments["best"]]
                st.dataframe(best.rename(columns={"feature": tr("ab.segment_column"), "value": tr("ab.value"),
                                                  "variant": tr("ab.best_variant"),
                                                  "predicted": tr("ab.predicted_rate"),
                                                  "users": tr("ab.col.n")}).drop(columns=["best"]),
                             hide_index=True, key="ab_model_segments")
