"""The A/B page's view of an uploaded per-variant summary file: columns guessed and editable, a
portfolio list when the file holds several experiments, and one experiment's detail (results
table, forest plot of relative lift, variant means, cumulative checkpoints).

Draws only: numbers and display frames come from core.experiments.summary and
core.experiments.view; figures from core.viz.experiments.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.data.csvfile import read_csv_frame
from core.errors import UserError
from core.experiments import summary as sm
from core.experiments import view as ev
from core.experiments.analysis import higher_is_better, parse_split, variant_names
from core.experiments.direction import ambiguous_metrics
from core.experiments.wide import long_frame
from core.export import csv_bytes
from core.viz import experiments as viz
from ui import state
from ui.ab_panels import md_literal, notice_text, option_label, p_text, power_panel, timeline_chart
from ui.cache import shared_memo
from ui.common import error_text, held_upload, tr
from ui.present import show_table
from ui.state import choice

UPLOAD = state.AB_SUMMARY_UPLOAD  # (file name, sha, DataFrame)
MEMO = "ab_summary_memo"
SHARES = {"prob_beat_control": "share", "relative_mde": "share"}
SHOWN = 500  # portfolio rows drawn; the filters find the others


def _memo(key: tuple, compute):
    return shared_memo(MEMO, key, compute, max_entries=16)


def _columns(df: pd.DataFrame, sha: str) -> sm.SummaryColumns | None:
    guess = _memo(("guess", sha), lambda: sm.guess_summary_columns(df))
    options = [None] + [str(c) for c in df.columns]
    with st.expander(tr("ab.summary_columns"), expanded=False):
        grid = st.columns(4)
        picked = {
            role: choice(
                grid[i % 4].selectbox,
                tr(f"ab.role.{role}"),
                options,
                index=options.index(guess.get(role)) if guess.get(role) in options else 0,
                key=f"ab_sum_{role}:{sha}",
                format_func=option_label(),
            )
            for i, role in enumerate(ev.SUMMARY_ROLES)
        }
    return ev.summary_columns(picked)


def summary_view() -> None:
    """The whole summary view; stops the page when there is nothing to show yet."""
    read = lambda raw, name: long_frame(read_csv_frame(raw, name, as_text=False))  # noqa: E731 (wide: its long form)
    held = held_upload(tr("ab.summary_upload"), "ab_summary_uploader", UPLOAD, read)
    if held is None:
        st.info(tr("ab.summary_hint"))
        st.stop()
    name, sha, df = held
    left_out = df.attrs.get("wide_left_out") or {}
    if left_out.get("rows"):  # a wide file's rows without variances (core.experiments.wide)
        st.warning(tr("src.wide_left_out", n=left_out["rows"], experiments=", ".join(left_out["experiments"]) or "-"))
    cols = _columns(df, sha)
    if cols is None:
        st.warning(tr("ab.summary_need"))
        st.stop()
    try:
        table = _memo(("table", sha, name, cols), lambda: sm.read_summary(df, cols, name))
    except UserError as exc:
        st.error(error_text(exc))
        st.stop()
    metrics = [str(m) for m in dict.fromkeys(table["metric"])]
    with st.expander(tr("ab.advanced")):
        a1, a2, a3, a4 = st.columns(4)
        alpha = a1.select_slider(tr("ab.alpha"), [0.01, 0.05, 0.1], value=0.05, key="ab_sum_alpha")
        tuning = a2.number_input(
            tr("ab.tuning"), min_value=100, value=5000, step=500, key="ab_sum_tuning", help=tr("ab.tuning_help")
        )
        target = a3.number_input(
            tr("ab.target"), 0.001, 1.0, 0.02, format="%.3f", key="ab_sum_target", help=tr("ab.target_help")
        )
        check_srm = a4.checkbox(tr("ab.check_srm"), value=True, key="ab_sum_check_srm", help=tr("ab.check_srm_help"))
        names = _memo(("variants", sha, cols.variant), lambda: variant_names(df[cols.variant]))
        control = choice(
            st.selectbox,
            tr("ab.control"),
            [None] + names,
            key=f"ab_sum_control:{sha}",
            format_func=option_label(none="ab.control_auto"),
        )
        split_text = st.text_input(tr("ab.split"), value="", key="ab_sum_split", help=tr("ab.split_help"))
        lower = st.multiselect(
            tr("ab.lower_metrics"),
            metrics,
            default=[m for m in metrics if not higher_is_better(m)],  # guessed from the names
            key=f"ab_sum_lower:{sha}",
            help=tr("ab.lower_metrics_help"),
            placeholder=tr("ab.choose"),
        )
    said = _directions_said(metrics, lower, sha)
    try:
        weights = parse_split(split_text)
    except ValueError:
        st.error(tr("ab.bad_split"))
        st.stop()
    spec = sm.SummarySpec(
        control,
        float(alpha),
        float(tuning),
        weights,
        check_srm,
        source=name,
        lower_is_better=tuple(m for m in lower if m in said),
        higher_is_better=tuple(m for m in metrics if m not in lower and m in said),
    )
    try:
        port = _memo(("portfolio", sha, cols, spec, target), lambda: sm.portfolio_table(table, spec, target))
    except UserError as exc:
        st.error(error_text(exc))
        st.stop()
    st.caption(tr("ab.summary_unit_only"))
    experiments = list(dict.fromkeys(port["experiment"]))
    chosen = experiments[0]
    if len(experiments) > 1:
        chosen = _portfolio(port, experiments, "checkpoint" in table)
    _detail(table, spec, chosen, target, sha, cols, port)


def _directions_said(metrics: list[str], lower: list[str], sha: str) -> set[str]:
    """The metrics whose direction the analyst has said (changed from the name's guess, or
    confirmed); a guess on an ambiguous name (cost_savings) is flagged until confirmed."""
    ok_key = f"{state.AB_SUM_DIR_OK}{sha}"
    unclear = ambiguous_metrics(metrics)
    changed = {m for m in metrics if (m in lower) == higher_is_better(m)}
    if unclear and not st.session_state.get(ok_key):
        st.warning(tr("ab.summary_direction_guessed", metrics=", ".join(md_literal(m) for m in unclear)))
        if st.button(tr("ab.direction_confirm"), key=f"ab_sum_dir_confirm:{sha}"):
            st.session_state[ok_key] = True
            st.rerun()
        return changed
    return changed | set(unclear)


def _decisions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(decision=[tr(f"ab.decision.{d}") if d else "" for d in frame["decision"]])


def _portfolio(port: pd.DataFrame, experiments: list[str], checkpoints: bool) -> str:
    st.subheader(tr("ab.portfolio_title", k=len(experiments)))
    srm = port.loc[port["srm_mismatch"], "experiment"].nunique()
    if srm:
        st.warning(tr("ab.srm_some", k=srm))
    f1, f2 = st.columns([2, 1])
    decisions = choice(
        f1.multiselect,
        tr("ab.filter_decision"),
        list(sm.DECISIONS),
        default=list(sm.DECISIONS),
        key="ab_sum_decisions",
        placeholder=tr("ab.choose"),
        format_func=option_label("ab.decision."),
    )
    view = ev.filter_portfolio(port, decisions, f2.text_input(tr("ab.filter_text"), value="", key="ab_sum_find"))
    shown = _decisions(ev.portfolio_frame(view, checkpoints))
    event = show_table(
        shown, key="ab_portfolio", pinned=("experiment", "variant"), selection=True, gaps_as_text=True, max_rows=SHOWN
    )
    st.caption(tr("ab.portfolio_note", k=len(port)))
    basis = "ab.decision_basis_sequential" if checkpoints else "ab.decision_basis_fdr"
    st.caption(tr(basis, alpha=port.attrs.get("alpha", 0.05)))
    if len(shown) > SHOWN:  # formatting every row of a large portfolio took seconds per rerun
        st.caption(tr("ab.portfolio_more", shown=SHOWN, k=len(shown)))
    st.download_button(
        tr("common.download_csv"), csv_bytes(port), file_name="ab_portfolio.csv", mime="text/csv", key="ab_pf_csv"
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    picked = view["experiment"].iloc[rows[0]] if rows and rows[0] < len(view) else None
    if picked is not None and st.session_state.get(state.AB_SUM_PICKED) != picked:
        st.session_state[state.AB_SUM_PICKED] = picked
        st.session_state[state.AB_SUM_OPEN] = picked  # a clicked row opens that experiment
    return st.selectbox(tr("ab.open_experiment"), experiments, key=state.AB_SUM_OPEN)


def _detail(table, spec: sm.SummarySpec, experiment: str, target: float, sha: str, cols, port=None) -> None:
    try:
        key = ("detail", sha, cols, spec, experiment)
        (exp,) = _memo(key, lambda: sm.analyze_summary(table, spec, experiments=[experiment]))
    except UserError as exc:
        st.error(error_text(exc))
        st.stop()
    metrics = [r.metric for r in exp.results]
    if experiment:
        st.subheader(tr("ab.detail_title", name=md_literal(experiment)))
    g1, g2 = st.columns(2)
    chosen = g1.multiselect(
        tr("ab.metrics_shown"),
        metrics,
        default=metrics,
        key=f"ab_sum_metrics:{experiment}",
        placeholder=tr("ab.choose"),
    )
    guardrails = g2.multiselect(
        tr("ab.guardrails"), metrics, default=[], key=f"ab_sum_guard:{experiment}", placeholder=tr("ab.choose")
    )
    mt = sm.metrics_table(exp, tuple(guardrails), target, portfolio=port)
    mt = mt[mt["metric"].isin(chosen or metrics)].reset_index(drop=True)
    srm = next((r.srm for r in exp.results if r.srm.mismatch), None)
    if srm is not None:
        st.error(tr("ab.verdict_unhealthy", p=p_text(srm.p_value)))
    for text in dict.fromkeys(notice_text(n) for r in exp.results for n in r.notices if n.code != "srm"):
        st.warning(text)
    frame = _decisions(ev.metrics_frame(mt, exp.checkpoints))
    show_table(frame, key="ab_sum_metrics", pinned=("metric", "variant"), kinds=SHARES, gaps_as_text=True)
    csv_name = f"ab_{experiment or 'experiment'}.csv"
    st.download_button(tr("common.download_csv"), csv_bytes(mt), file_name=csv_name, mime="text/csv", key="ab_sum_csv")
    decision_names = {d: tr(f"ab.decision.{d}") for d in sm.DECISIONS}
    labels = {"x": tr("ab.forest_x"), "sequential": tr("ab.forest_seq"), "guardrail": tr("ab.guardrail_mark")}
    st.plotly_chart(viz.forest_figure(mt, labels={**labels, **decision_names}), key="ab_forest")
    st.plotly_chart(viz.metric_means_figure(mt, labels={"title": tr("ab.means_title")}), key="ab_means")
    with st.expander(tr("ab.tab.power")):
        pm = st.selectbox(tr("ab.metric"), metrics, key=f"ab_sum_pw_metric:{experiment}")
        result = next(r for r in exp.results if r.metric == pm)
        power_panel(ev.power_defaults(result), spec.alpha, key=f"ab_sum_pw:{experiment}:{pm}")
    if not exp.checkpoints:
        return
    metric = st.selectbox(tr("ab.checkpoint_metric"), metrics, key=f"ab_sum_cp_metric:{experiment}")
    key = ("timeline", sha, cols, spec, experiment, metric)
    timeline = _memo(key, lambda: sm.checkpoint_lift(table, experiment, metric, spec))
    timeline_chart(timeline, metric, key="ab_checkpoints")
    for row in sm.first_decisions(timeline, spec.alpha).itertuples():
        variant = md_literal(row.variant)
        if row.sequential_day is None:
            st.info(tr("ab.seq_never", variant=variant))
        else:
            fixed = sm.checkpoint_text(row.fixed_day) if row.fixed_day is not None else tr("ab.never")
            st.success(tr("ab.seq_first", variant=variant, day=sm.checkpoint_text(row.sequential_day), fixed=fixed))
    st.caption(tr("ab.fixed_note"))
