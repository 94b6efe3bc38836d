"""Drawing helpers of the A/B view (unit rows and summaries alike): the verdict line, the cumulative
lift chart, the outlier warning with its capping controls, the power calculator and the response
model. Every number comes from core.experiments (core/experiments/view.py); figures from
core.viz.experiments; nothing here decides anything."""

from __future__ import annotations

import re

import streamlit as st

from core.errors import UserError
from core.experiments import analysis as ab
from core.experiments.direction import metric_direction
from core.experiments.outliers import HEAVY_RATIO, OutlierCheck
from core.experiments.power import power_plan
from core.experiments.view import PowerDefaults
from core.i18n import t
from core.viz import experiments as viz
from core.viz.experiments import p_text
from core.viz.format import fmt_count, fmt_number, fmt_share, fmt_signed_share, localize_figure
from ui import state
from ui.common import error_text, tr
from ui.focus import community_filter, focus_note
from ui.present import show_table

CAP, CAP_PCT = state.AB_CAP, state.AB_CAP_PCT  # the capping checkbox and percentile (read before they are drawn)


def md_literal(text) -> str:
    """A name from the file, shown literally inside markdown (no formatting, links or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def lang() -> str:
    return st.session_state.get(state.LANG, "en")


def option_label(prefix: str = "", none: str = "ab.not_used"):
    """A select's format_func: option ids are stable (they survive a language switch) and their
    labels are fixed in this run's language (`prefix + id` translated, or the id itself; None is
    `none`), so the function needs no session when Streamlit calls it later."""
    lang_now, none_text = lang(), tr(none)
    return lambda v: none_text if v is None else (t(f"{prefix}{v}", lang_now) if prefix else str(v))


def pick(label_key: str, options: list, default, key: str, optional: bool = False, where=st, fmt=None):
    """A selectbox of `options` (with None first when `optional`) starting at `default`."""
    opts = ([None] if optional else []) + options
    index = opts.index(default) if default in opts else 0
    return state.choice(where.selectbox, tr(label_key), opts, index=index, key=key, format_func=fmt or option_label())


def metric_label():
    """A metric select's format_func: the funnel ratios (CTR, CVR, CPA, ROAS) by their translated
    names, every other metric by its column name."""
    names = {m: tr(f"col.{m.lower()}") for m in ("CTR", "CVR", "CPA", "ROAS")}
    return lambda v: names.get(v, str(v))


def notice_text(n: ab.Notice) -> str:
    params = {k: md_literal(v) if isinstance(v, str) else v for k, v in n.params.items()}
    return tr(f"ab.warn.{n.code}", **params)


def reset_picks(data_key) -> None:
    """Another file: its own guesses, not the last file's picks (nor its confirmed directions)."""
    if st.session_state.get(state.AB_DATA) == data_key:
        return
    picks = [state.AB_VARIANT, "ab_control", "ab_metric", "ab_unit", "ab_covariate", "ab_time", "ab_segment"]
    mine = (state.AB_LOWER, state.AB_DIR_OK, state.AB_RANDOMISED)
    for key in picks + [k for k in st.session_state if str(k).startswith(mine)]:
        st.session_state.pop(key, None)
    st.session_state[state.AB_DATA] = data_key


def direction_box(choices, metric: str | None, where=st) -> tuple[bool, str]:
    """The lower-is-better box of `metric`: (ticked, where the direction came from). A name whose
    direction is ambiguous (cost_savings) reads '(guessed)' with a line saying why and a confirm
    button, until the analyst confirms or changes it."""
    ok_key = f"{state.AB_DIR_OK}{metric}"

    def confirm() -> None:
        st.session_state[ok_key] = True

    default = choices.lower(metric)
    guessed = choices.guessed(metric) and not st.session_state.get(ok_key)
    label = tr("ab.lower_better_guessed") if guessed else tr("ab.lower_better")
    lower = where.checkbox(label, default, f"{state.AB_LOWER}{metric}", tr("ab.lower_better_help"), on_change=confirm)
    if guessed:
        spec = choices.metrics[metric]
        d = metric_direction(spec.label)
        guess = tr("ab.direction_lower" if lower else "ab.direction_higher")
        words = {"metric": md_literal(metric), "word": md_literal(d.word), "other": md_literal(d.other)}
        st.warning(tr("ab.direction_guessed", guess=guess, **words))
        st.button(tr("ab.direction_confirm"), key=f"ab_dir_confirm:{metric}", on_click=confirm)
    said = st.session_state.get(ok_key) or lower != default
    source = "user" if said else (choices.metrics[metric].direction_source if metric in choices.metrics else "default")
    return lower, source


def randomised_box(variant_column: str, where=st) -> bool:
    """Whether the groups of `variant_column` were assigned at random: starts from its name
    (campaigns, ads, ad sets: no), the analyst says otherwise."""
    default = ab.randomised_guess(variant_column)
    key = f"{state.AB_RANDOMISED}{variant_column}"
    return where.checkbox(tr("ab.randomised"), default, key, tr("ab.randomised_help"))


def show_verdict(v: ab.Verdict, column: str = "") -> None:
    """The one-line decision: unhealthy, a winner, control wins, or why there is no winner yet; for
    groups nobody randomised the one-line caveat instead."""
    if v.status == "descriptive":
        st.info(tr("ab.descriptive_note", column=md_literal(column)))
    elif v.status == "unhealthy":
        st.error(tr("ab.verdict_unhealthy", p=p_text(v.params["p"])))
    elif v.status == "winner":
        p = v.params
        st.success(
            tr(
                "ab.verdict_winner",
                variant=md_literal(v.variant),
                lift=fmt_signed_share(p["relative_lift"]),
                p=p_text(p["p"]),
                prob=fmt_share(p["prob"]),
            )
        )
    elif v.status == "control_wins":
        st.warning(tr("ab.verdict_control", variant=md_literal(v.variant)))
    elif v.reason == "too_small":
        st.info(tr("ab.verdict_too_small", **{**v.params, "variant": md_literal(v.params["variant"])}))
    else:
        st.info(tr("ab.verdict_none"))


def timeline_chart(timeline, metric: str, key: str) -> None:
    """The cumulative relative-lift chart (unit rows by day, or a summary file's checkpoints)."""
    labels = {"band": tr("ab.band"), "ci": tr("ab.ci95"), "lift": tr("ab.lift"), "x": tr("ab.day")}
    fig = viz.cumulative_lift_figure(timeline, labels={**labels, "y": tr("ab.lift_axis")})
    st.plotly_chart(localize_figure(fig, lang()), key=key)
    st.caption(tr("ab.timeline_note", metric=md_literal(metric)))


def _amount(x: float) -> str:
    """A metric value: no decimals when it is whole (rounds, clicks), three otherwise."""
    return fmt_count(x) if float(x).is_integer() else fmt_number(x)


def outlier_panel(outliers: OutlierCheck | None, capped: OutlierCheck | None) -> None:
    """Warn about heavy outliers and offer capping at a percentile; say so when the analysis is capped."""
    check = capped or outliers
    if check is None:
        return
    column = md_literal(check.column)
    if outliers is not None and capped is None:
        st.warning(
            tr(
                "ab.outliers",
                column=column,
                max=_amount(check.max),
                ratio=HEAVY_RATIO,
                pct=check.percentile,
                cap=_amount(check.cap),
                n=fmt_count(check.n_above),
            )
        )
    c1, c2 = st.columns([3, 1])
    c1.checkbox(tr("ab.cap", column=check.column), key=CAP)
    c2.number_input(tr("ab.cap_pct"), min_value=50.0, max_value=99.99, value=99.0, step=0.5, key=CAP_PCT)
    if capped is not None:
        st.info(
            tr("ab.capped", column=column, cap=_amount(check.cap), pct=check.percentile, n=fmt_count(check.n_above))
        )


def power_panel(defaults: PowerDefaults, alpha: float, key: str = "ab_pw") -> None:
    """MDE at the current size, units needed for a target lift, and the power curve; the inputs
    start from the control's numbers and can be edited."""
    p1, p2, p3 = st.columns(3)
    baseline = p1.number_input(tr("ab.baseline"), value=defaults.baseline, format="%.4f", key=f"{key}_base")
    sd = None
    if defaults.sd is not None:
        sd = p1.number_input(tr("ab.sd"), value=defaults.sd, min_value=1e-9, key=f"{key}_sd")
    n_per = p2.number_input(tr("ab.n_per_variant"), min_value=10, value=defaults.n, key=f"{key}_n")
    # typed as the text reads it: 5.0 (%), not 0.050
    pct = p3.number_input(tr("ab.target_lift"), value=5.0, min_value=0.1, step=0.5, format="%.1f", key=f"{key}_target")
    target = pct / 100.0
    try:
        plan = power_plan(n_per, baseline, sd, target, alpha=float(alpha))
    except (ValueError, ZeroDivisionError) as exc:
        st.warning(tr("ab.power_error", reason=str(exc)))
        return
    st.markdown(tr("ab.mde_line", n=n_per, mde=plan.mde.mde, rel=plan.mde.relative_mde))
    st.markdown(tr("ab.n_line", target=target, n=plan.n_needed))
    labels = {"x": tr("ab.effect_axis"), "y": tr("ab.power_axis"), "title": tr("ab.power_title", n=n_per)}
    st.plotly_chart(viz.power_curve_figure(plan.effects, plan.powers, n_per, labels=labels), key=f"{key}_curve")


def response_panel(ws, df, view, settings, load_table) -> None:
    """The DIN response model behind a toggle (it trains on the workspace's interactions)."""
    st.caption(tr("ab.model_intro"))
    if not st.toggle(tr("ab.show_model"), key="ab_show_model"):
        return
    if settings.unit is None or not ws.has("interactions") or view.response_outcome is None:
        st.info(tr("ab.no_history"))
        return
    from core.experiments.response import DINSettings, response_data, response_spec, train_response_model
    from core.experiments.view import response_view

    try:
        rdata = response_data(
            df,
            load_table(ws, "interactions"),
            variant=settings.variant,
            unit=settings.unit,
            outcome=view.response_outcome,
            control=view.result.control,
            features=view.response_features,
            time=settings.time,
        )
    except UserError as exc:
        st.warning(error_text(exc))
        return
    if not rdata.has_history:
        st.info(tr("ab.no_history"))
        return
    from ui import training  # imports torch: only once there is something to train

    response = training.model_panel(
        response_spec(rdata, DINSettings()),
        lambda progress, cancel, budget: train_response_model(rdata, DINSettings(), progress, cancel, budget=budget),
        button_label=tr("ab.train_model"),
    )
    if response is None:
        return
    rv = response_view(response)
    names = {"din": tr("ab.model_din"), "logistic": tr("ab.model_logistic")}
    show_table(rv.scores.assign(response_model=rv.scores["response_model"].map(names)), key="ab_model_scores")
    key = {"better": "ab.model_better", "worse": "ab.model_worse"}.get(rv.verdict, "ab.model_no_clear")
    nums = {k: fmt_number(getattr(rv, k)) for k in ("low", "high")}
    share = fmt_share(response.history_share, 0)
    st.caption(tr(key, diff=fmt_number(rv.difference), **nums, n=fmt_count(response.n_users), share=share))
    labels = {"predicted_rate": tr("ab.predicted_of", outcome=view.response_outcome)}
    show_table(rv.best, key="ab_model_segments", pinned=("segment_value",), labels=labels)


# ---- the community filter (the health view's drill-down, ?community=) ---------------------------------
def community_rows(ws, df, data_key, unit: str = "user_id"):
    """The rows of the units (users) in the chosen communities and a data key for them (unchanged
    without a filter); when the rows cannot be joined to members, one line saying so and every row."""
    from core.experiments.view import focus_rows

    focus = community_filter(ws, "ab_communities")
    if focus is None or focus.members is None:
        return df, data_key
    rows = focus_rows(df, focus.members, unit)
    if rows is None:
        st.info(tr("health.filter.ab_cannot", names=focus.names))
        return df, data_key
    shown, total = rows[unit].astype(str).nunique(), df[unit].astype(str).nunique()
    focus_note(shown, total)
    st.caption(tr("health.filter.ab_note", n=fmt_count(shown), names=focus.names))
    return rows, (data_key, "communities", focus.chosen, focus.members)
