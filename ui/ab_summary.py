"""The A/B page's view of an uploaded per-variant summary file (issue 16): columns guessed and
editable, a portfolio list when the file holds several experiments, and one experiment's detail
(results table, forest plot of relative lift, variant means, cumulative checkpoints).

Draws only: every number comes from core.experiments.summary; figures from core.viz.experiments.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.data.csvfile import read_csv_frame
from core.errors import UserError
from core.experiments import summary as sm
from core.experiments.analysis import parse_split, variant_names
from core.export import csv_bytes
from core.viz import experiments as viz
from ui.ab_panels import fmt_interval, fmt_num, fmt_pct, md_literal, power_panel, timeline_chart
from ui.cache import session_memo
from ui.common import held_upload, tr

UPLOAD = "ab_summary_upload"  # (file name, sha, DataFrame)
MEMO = "ab_summary_memo"
NONE = "—"
ROLES = (
    "experiment",
    "metric",
    "variant",
    "time",
    "count",
    "mean",
    "sum",
    "variance",
    "sd",
    "sum_squares",
    "conversions",
)


def _memo(key: tuple, compute):
    return session_memo(MEMO, key, compute, max_entries=16)


def _columns(df: pd.DataFrame, sha: str) -> sm.SummaryColumns | None:
    guess = _memo(("guess", sha), lambda: sm.guess_summary_columns(df))
    options = [NONE] + [str(c) for c in df.columns]
    picked = {}
    with st.expander(tr("ab.summary_columns"), expanded=False):
        grid = st.columns(4)
        for i, role in enumerate(ROLES):
            default = guess.get(role)
            value = grid[i % 4].selectbox(
                tr(f"ab.role.{role}"),
                options,
                index=options.index(default) if default in options else 0,
                key=f"ab_sum_{role}:{sha}",
            )
            picked[role] = None if value == NONE else value
    spread = [r for r in ("variance", "sd", "sum_squares") if picked[r]]
    for extra in spread[1:]:
        picked[extra] = None  # one spread column: the first picked
    if not (picked["variant"] and picked["count"] and (picked["mean"] or picked["sum"] or picked["conversions"])):
        return None
    return sm.SummaryColumns(**picked)


def summary_view(ws_key: str = "") -> None:
    """The whole summary view; stops the page when there is nothing to show yet."""
    held = held_upload(
        tr("ab.summary_upload"),
        "ab_summary_uploader",
        UPLOAD,
        lambda raw, name: read_csv_frame(raw, name, as_text=False),
    )
    if held is None:
        st.info(tr("ab.summary_hint"))
        st.stop()
    name, sha, df = held
    cols = _columns(df, sha)
    if cols is None:
        st.warning(tr("ab.summary_need"))
        st.stop()
    with st.expander(tr("ab.advanced")):
        a1, a2, a3, a4 = st.columns(4)
        alpha = a1.select_slider(tr("ab.alpha"), [0.01, 0.05, 0.1], value=0.05, key="ab_sum_alpha")
        tuning = a2.number_input(
            tr("ab.tuning"), min_value=100, value=5000, step=500, key="ab_sum_tuning", help=tr("ab.tuning_help")
        )
        target = a3.number_input(
            tr("ab.target"),
            value=0.02,
            min_value=0.001,
            max_value=1.0,
            format="%.3f",
            key="ab_sum_target",
            help=tr("ab.target_help"),
        )
        check_srm = a4.checkbox(tr("ab.check_srm"), value=True, key="ab_sum_check_srm", help=tr("ab.check_srm_help"))
        names = _memo(("variants", sha, cols.variant), lambda: variant_names(df[cols.variant]))
        control = st.selectbox(
            tr("ab.control"),
            [NONE] + names,
            key=f"ab_sum_control:{sha}",
            format_func=lambda v: tr("ab.control_auto") if v == NONE else v,
        )
        control = None if control == NONE else control
        split_text = st.text_input(tr("ab.split"), value="", key="ab_sum_split", help=tr("ab.split_help"))
    try:
        weights = parse_split(split_text)
    except ValueError:
        st.error(tr("ab.bad_split"))
        st.stop()
    spec = sm.SummarySpec(
        control=control,
        alpha=float(alpha),
        sequential_tuning=float(tuning),
        weights=weights,
        check_srm=check_srm,
        source=name,
    )
    try:
        table = _memo(("table", sha, cols), lambda: sm.read_summary(df, cols, name))
        port = _memo(("portfolio", sha, cols, spec, target), lambda: sm.portfolio_table(table, spec, target))
    except UserError as exc:
        st.error(str(exc))
        st.stop()
    st.caption(tr("ab.summary_unit_only"))
    experiments = list(dict.fromkeys(port["experiment"]))
    chosen = experiments[0]
    if len(experiments) > 1:
        chosen = _portfolio(port, experiments, "checkpoint" in table)
    _detail(table, spec, chosen, target, sha, cols)


def _portfolio(port: pd.DataFrame, experiments: list[str], checkpoints: bool) -> str:
    st.subheader(tr("ab.portfolio_title", k=len(experiments)))
    srm = port.loc[port["srm_mismatch"], "experiment"].nunique()
    if srm:
        st.warning(tr("ab.srm_some", k=srm))
    f1, f2 = st.columns([2, 1])
    decisions = list(sm.DECISIONS)
    shown_decisions = f1.multiselect(
        tr("ab.filter_decision"),
        decisions,
        default=decisions,
        key="ab_sum_decisions",
        format_func=lambda d: tr(f"ab.decision.{d}"),
    )
    text = f2.text_input(tr("ab.filter_text"), value="", key="ab_sum_find").strip().lower()
    view = port[port["decision"].isin(shown_decisions)]
    if text:
        hit = view["experiment"].str.lower().str.contains(text, regex=False) | view["metric"].str.lower().str.contains(
            text, regex=False
        )
        view = view[hit]
    view = view.reset_index(drop=True)
    shown = pd.DataFrame(
        {
            tr("ab.col.experiment"): view["experiment"],
            tr("ab.col.metric"): view["metric"],
            tr("ab.col.variant"): view["variant"],
            tr("ab.col.variants"): view["variants"],
            tr("ab.col.units"): view["units"],
            tr("ab.col.lift"): view["relative_lift"],
            tr("ab.col.lift_ci"): [
                fmt_interval(lo, hi) for lo, hi in zip(view["relative_lift_ci_low"], view["relative_lift_ci_high"])
            ],
            tr("ab.col.p"): view["p_value"],
            tr("ab.col.p_fdr"): view["p_value_fdr"],
            tr("ab.col.p_seq"): view["sequential_p_value"],
            tr("ab.col.decision"): [tr(f"ab.decision.{d}") for d in view["decision"]],
            tr("ab.col.srm"): ["⚠" if m else "" for m in view["srm_mismatch"]],
        }
    )
    if not checkpoints:  # the always-valid p-value matters where the test was peeked at
        shown = shown.drop(columns=[tr("ab.col.p_seq")])
    event = st.dataframe(
        shown,
        hide_index=True,
        key="ab_portfolio",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            tr("ab.col.lift"): st.column_config.NumberColumn(format="percent"),
            tr("ab.col.p"): st.column_config.NumberColumn(format="%.4f"),
            tr("ab.col.p_fdr"): st.column_config.NumberColumn(format="%.4f"),
            tr("ab.col.p_seq"): st.column_config.NumberColumn(format="%.4f"),
        },
    )
    st.caption(tr("ab.portfolio_note", k=len(port)))
    st.download_button(
        tr("common.download_csv"),
        csv_bytes(port),
        file_name="ab_portfolio.csv",
        mime="text/csv",
        key="ab_portfolio_csv",
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    picked = view["experiment"].iloc[rows[0]] if rows and rows[0] < len(view) else None
    if picked is not None and st.session_state.get("ab_sum_picked") != picked:
        st.session_state["ab_sum_picked"] = picked
        st.session_state["ab_sum_open"] = picked  # a clicked row opens that experiment
    return st.selectbox(tr("ab.open_experiment"), experiments, key="ab_sum_open")


def _detail(
    table: pd.DataFrame, spec: sm.SummarySpec, experiment: str, target: float, sha: str, cols: sm.SummaryColumns
) -> None:
    try:
        (exp,) = _memo(
            ("detail", sha, cols, spec, experiment), lambda: sm.analyze_summary(table, spec, experiments=[experiment])
        )
    except UserError as exc:
        st.error(str(exc))
        st.stop()
    metrics = [r.metric for r in exp.results]
    if experiment:
        st.subheader(tr("ab.detail_title", name=md_literal(experiment)))
    g1, g2 = st.columns(2)
    chosen = g1.multiselect(tr("ab.metrics_shown"), metrics, default=metrics, key=f"ab_sum_metrics:{experiment}")
    guardrails = g2.multiselect(tr("ab.guardrails"), metrics, default=[], key=f"ab_sum_guard:{experiment}")
    mt = sm.metrics_table(exp, tuple(guardrails), target)
    mt = mt[mt["metric"].isin(chosen or metrics)].reset_index(drop=True)
    for r in exp.results:
        if r.srm.mismatch:
            st.error(tr("ab.verdict_unhealthy", p=r.srm.p_value))
            break
    shown_notices = dict.fromkeys(
        tr(f"ab.warn.{n.code}", **{k: md_literal(v) if isinstance(v, str) else v for k, v in n.params.items()})
        for r in exp.results
        for n in r.notices
        if n.code != "srm"
    )
    for text in shown_notices:
        st.warning(text)
    decision_names = {d: tr(f"ab.decision.{d}") for d in sm.DECISIONS}
    shown = pd.DataFrame(
        {
            tr("ab.col.metric"): mt["metric"],
            tr("ab.col.variant"): mt["variant"],
            tr("ab.col.guardrail"): ["✓" if g else "" for g in mt["guardrail"]],
            tr("ab.col.n"): mt["n"],
            tr("ab.col.mean"): [fmt_num(x) for x in mt["mean"]],
            tr("ab.col.ci"): [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in zip(mt["ci_low"], mt["ci_high"])],
            tr("ab.col.lift"): [fmt_pct(x) for x in mt["relative_lift"]],
            tr("ab.col.lift_ci"): [
                fmt_interval(lo, hi) for lo, hi in zip(mt["relative_lift_ci_low"], mt["relative_lift_ci_high"])
            ],
            tr("ab.col.seq_ci"): [
                fmt_interval(lo, hi)
                for lo, hi in zip(mt["sequential_relative_ci_low"], mt["sequential_relative_ci_high"])
            ],
            tr("ab.col.p"): [fmt_num(x, "{:.4f}") for x in mt["p_value"]],
            tr("ab.col.p_holm"): [fmt_num(x, "{:.4f}") for x in mt["p_value_holm"]],
            tr("ab.col.prob"): [fmt_pct(x, signed=False) for x in mt["prob_beat_control"]],
            tr("ab.col.loss"): [fmt_num(x) for x in mt["expected_loss"]],
            tr("ab.col.mde"): [fmt_pct(x, signed=False) for x in mt["relative_mde"]],
            tr("ab.col.decision"): [decision_names.get(d, "") for d in mt["decision"]],
        }
    )
    if not exp.checkpoints:
        shown = shown.drop(columns=[tr("ab.col.seq_ci")])
    st.dataframe(shown, hide_index=True, key="ab_sum_metrics")
    st.download_button(
        tr("common.download_csv"),
        csv_bytes(mt),
        file_name=f"ab_{experiment or 'experiment'}.csv",
        mime="text/csv",
        key="ab_sum_csv",
    )
    st.plotly_chart(
        viz.forest_figure(
            mt,
            labels={
                "x": tr("ab.forest_x"),
                "sequential": tr("ab.forest_seq"),
                "guardrail": tr("ab.guardrail_mark"),
                **decision_names,
            },
        ),
        key="ab_forest",
    )
    st.plotly_chart(viz.metric_means_figure(mt, labels={"title": tr("ab.means_title")}), key="ab_means")
    with st.expander(tr("ab.tab.power")):
        pm = st.selectbox(tr("ab.metric"), metrics, key=f"ab_sum_pw_metric:{experiment}")
        power_panel(next(r for r in exp.results if r.metric == pm), spec.alpha, key=f"ab_sum_pw:{experiment}:{pm}")
    if not exp.checkpoints:
        return
    metric = st.selectbox(tr("ab.checkpoint_metric"), metrics, key=f"ab_sum_cp_metric:{experiment}")
    timeline = _memo(
        ("timeline", sha, cols, spec, experiment, metric), lambda: sm.checkpoint_lift(table, experiment, metric, spec)
    )
    timeline_chart(timeline, key="ab_checkpoints")
    for row in sm.first_decisions(timeline, spec.alpha).itertuples():
        if row.sequential_day is None:
            st.info(tr("ab.seq_never", variant=md_literal(row.variant)))
        else:
            st.success(
                tr(
                    "ab.seq_first",
                    variant=md_literal(row.variant),
                    day=_day(row.sequential_day),
                    fixed=_day(row.fixed_day) if row.fixed_day is not None else tr("ab.never"),
                )
            )
    st.caption(tr("ab.fixed_note"))


def _day(x) -> str:
    try:
        return pd.Timestamp(x).date().isoformat()
    except (TypeError, ValueError):
        return str(x)
