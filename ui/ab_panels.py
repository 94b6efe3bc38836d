"""Panels of the A/B page drawn for unit rows and for summaries alike: the power calculator, the
response model, and the cell formats of its tables (blank, never 'None', where there is no value).
Numbers come from core.experiments; figures from core.viz.experiments."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.experiments import analysis as ab
from core.experiments.power import power_plan
from core.viz import experiments as viz
from ui.cache import load_table
from ui.common import tr


def md_literal(text) -> str:
    """A name from the file, shown literally inside markdown (no formatting, links or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def fmt_pct(x, signed: bool = True) -> str:
    return "" if x is None or pd.isna(x) else (f"{x:+.2%}" if signed else f"{x:.2%}")


def fmt_interval(lo, hi) -> str:
    return "" if lo is None or hi is None or pd.isna(lo) or pd.isna(hi) else f"[{lo:+.2%}, {hi:+.2%}]"


def fmt_num(x, fmt: str = "{:.4g}") -> str:
    return "" if x is None or pd.isna(x) else fmt.format(x)


def timeline_chart(timeline: pd.DataFrame, key: str) -> None:
    """The cumulative-lift chart (unit rows by day, or a summary file's checkpoints), labels translated."""
    labels = {
        "band": tr("ab.band"),
        "ci": tr("ab.ci95"),
        "lift": tr("ab.lift"),
        "x": tr("ab.day"),
        "y": tr("ab.lift_axis"),
    }
    st.plotly_chart(viz.cumulative_lift_figure(timeline, labels=labels), key=key)


def power_panel(result: ab.ExperimentResult, alpha: float, key: str = "ab_pw") -> None:
    """MDE at the current size, units needed for a target lift, and the power curve; the inputs
    start from the control's numbers and can be edited."""
    control_row = result.variants[0]
    p1, p2, p3 = st.columns(3)
    baseline = p1.number_input(tr("ab.baseline"), value=float(control_row.mean), format="%.4f", key=f"{key}_base")
    sd = (
        None
        if result.kind == "proportion"
        else p1.number_input(tr("ab.sd"), value=float(ab.per_unit_sd(control_row)), min_value=1e-9, key=f"{key}_sd")
    )
    n_per = p2.number_input(tr("ab.n_per_variant"), min_value=10, value=int(max(control_row.n, 10)), key=f"{key}_n")
    target = p3.number_input(tr("ab.target_lift"), value=0.05, min_value=0.001, format="%.3f", key=f"{key}_target")
    try:
        plan = power_plan(n_per, baseline, sd, target, alpha=float(alpha))
    except (ValueError, ZeroDivisionError) as exc:
        st.warning(tr("ab.power_error", reason=str(exc)))
        return
    st.markdown(tr("ab.mde_line", n=n_per, mde=plan.mde.mde, rel=plan.mde.relative_mde))
    st.markdown(tr("ab.n_line", target=target, n=plan.n_needed))
    st.plotly_chart(
        viz.power_curve_figure(
            plan.effects,
            plan.powers,
            n_per,
            labels={"x": tr("ab.effect_axis"), "y": tr("ab.power_axis"), "title": tr("ab.power_title", n=n_per)},
        ),
        key=f"{key}_curve",
    )


def response_panel(
    ws,
    df: pd.DataFrame,
    roles,
    result: ab.ExperimentResult,
    metric: ab.MetricSpec,
    variant_col: str,
    unit_col: str | None,
    control: str,
    time_col: str | None,
    data_key,
) -> None:
    """The DIN response model behind a toggle (it trains on the workspace's interactions)."""
    st.caption(tr("ab.model_intro"))
    seg_features = [c for c in roles.segments if c in df.columns][:4]
    if not st.toggle(tr("ab.show_model"), key="ab_show_model"):
        return
    outcome_col = ab.response_outcome(result, metric, roles)
    if unit_col is None or not ws.has("interactions") or outcome_col is None:
        st.info(tr("ab.no_history"))
        return
    from core.experiments.response import DINSettings, response_data, response_spec, train_response_model

    try:
        rdata = response_data(
            df,
            load_table(ws, "interactions"),
            variant=variant_col,
            unit=unit_col,
            outcome=outcome_col,
            control=control,
            features=seg_features,
            time=time_col,
        )
    except UserError as exc:
        st.warning(str(exc))
        rdata = None
    if rdata is None or not rdata.has_history:
        st.info(tr("ab.no_history"))
        return
    from ui import training  # imports torch: only once there is something to train

    response = training.model_panel(
        response_spec(rdata, DINSettings()),
        lambda progress, cancel: train_response_model(rdata, DINSettings(), progress, cancel),
        button_label=tr("ab.train_model"),
    )
    if response is None:
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr("ab.model"): [tr("ab.model_din"), tr("ab.model_logistic")],
                tr("ab.qini"): [response.mean_qini["din"], response.mean_qini["logistic"]],
                tr("ab.auc"): [response.auc["din"], response.auc["logistic"]],
            }
        ),
        hide_index=True,
        key="ab_model_scores",
    )
    better = response.mean_qini["din"] > response.mean_qini["logistic"]
    st.caption(
        tr("ab.model_better" if better else "ab.model_not_better", n=response.n_users, share=response.history_share)
    )
    best = response.segments.loc[response.segments["best"]]
    st.dataframe(
        best.rename(
            columns={
                "feature": tr("ab.segment_column"),
                "value": tr("ab.value"),
                "variant": tr("ab.best_variant"),
                "predicted": tr("ab.predicted_rate"),
                "users": tr("ab.col.n"),
            }
        ).drop(columns=["best"]),
        hide_index=True,
        key="ab_model_segments",
    )
