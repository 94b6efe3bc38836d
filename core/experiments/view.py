"""What the A/B view draws, in one call per data source.

    choices = ab_choices(df, variant="version")          # the pickers' options and first guesses
    view = ab_view(df, ABSettings(variant="version", metric="retention_1", ...), choices)
    view.verdict, view.table, view.timeline, view.outliers ...

and for a file of per-variant summaries `summary_columns(picked)`, `filter_portfolio(...)`,
`portfolio_frame(...)`, `metrics_frame(...)`. The rules live here (which covariate applies, which
exposure the split is checked on, the standard deviation behind the power calculator's default,
when the sequential p-value means something, which outliers are heavy); the page only draws.
Frames are display frames: one column per thing shown, named for core/i18n/columns.py, intervals
already as text; the raw numbers stay in `download`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.experiments import analysis as ab
from core.experiments.columns import ColumnRoles, guess_roles
from core.experiments.outliers import OutlierCheck
from core.experiments.summary import DECISIONS, SummaryColumns, looks_like_summary
from core.viz.format import fmt_number, fmt_rate, fmt_signed_share, rate_decimals


class BadSplit(ConfigError):
    """The planned split is not a list of numbers (the page words it in the user's language)."""


def interval_text(low, high, relative: bool = True) -> str:
    """'[+1.2%, +3.4%]' (relative) or '[0.278, 0.349]'; blank when either end is missing."""
    fmt = fmt_signed_share if relative else fmt_number
    a, b = fmt(low), fmt(high)
    return f"[{a}, {b}]" if a and b else ""


def rate_texts(means, lows, highs) -> tuple[list[str], list[str]]:
    """Rates and their intervals as percentages with enough significant digits to tell the ends
    apart (two significant digits of the rate, one of the interval's width): '0.018%' and
    '[0.016%, 0.020%]' (never '0.0%' and '[0.000, 0.000]')."""
    shown, intervals = [], []
    for m, lo, hi in zip(means, lows, highs):
        width = hi - lo if pd.notna(lo) and pd.notna(hi) else None
        d = max(rate_decimals(m, lo, hi), rate_decimals(width, digits=1))  # the interval's ends apart
        shown.append(fmt_rate(m, d))
        a, b = fmt_rate(lo, d), fmt_rate(hi, d)
        intervals.append(f"[{a}, {b}]" if a and b else "")
    return shown, intervals


# ---- unit rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ABChoices:
    """The pickers: every column, guessed roles, the variant column's names and a default control,
    the metrics worth offering by label, segment columns; `summary`: the file looks like
    per-variant summaries rather than rows."""

    columns: list[str]
    roles: ColumnRoles
    variants: list[str]
    control: str | None
    metrics: dict[str, ab.MetricSpec]
    segments: list[str]
    summary: bool

    def lower(self, metric: str | None) -> bool:
        """Whether `metric` (a label) starts as lower-is-better: its name says a fall is good news."""
        return metric in self.metrics and not self.metrics[metric].higher_is_better

    def guessed(self, metric: str | None) -> bool:
        """Whether `metric`'s direction is only a guess the analyst must confirm (cost_savings)."""
        return metric in self.metrics and self.metrics[metric].direction_ambiguous


def ab_choices(df: pd.DataFrame, variant: str | None = None) -> ABChoices:
    """Options for the view's pickers; `variant`: the variant column picked (None: the guess)."""
    roles = guess_roles(df.head(5000))
    roles.variant = few_valued_variant(df, roles)
    column = variant if variant in df.columns else roles.variant
    names = ab.variant_names(df[column]) if column in df.columns else []
    return ABChoices(
        columns=[str(c) for c in df.columns],
        roles=roles,
        variants=names,
        control=ab.default_control(names),
        metrics={m.label: m for m in ab.metric_choices(roles, column)},
        segments=list(roles.segments),
        summary=looks_like_summary(df),
    )


def few_valued_variant(df: pd.DataFrame, roles: ColumnRoles) -> str | None:
    """The guessed variant column, unless it has more distinct values than a variant column holds
    (an ad id mapped as the variant: 1,143 ads); then the column with the fewest distinct values
    (2 to MAX_VARIANTS) among the other non-metric, non-unit columns, campaigns first."""
    guess = roles.variant
    if guess is None or guess not in df.columns or df[guess].nunique(dropna=True) <= ab.MAX_VARIANTS:
        return guess
    skip = {guess, roles.unit, roles.time, *roles.metrics}
    sizes = []
    for c in df.columns:
        if c in skip:
            continue
        k = int(df[c].nunique(dropna=True))
        if 2 <= k <= ab.MAX_VARIANTS:
            sizes.append((ab.randomised_guess(str(c)) is True, k, str(c)))

    # a named split first, then a campaign-like column (age, gender ... are segments); fewest values first
    def rank(t):
        return (0 if ab.RANDOMISED_NAMES.match(t[2]) else 1 if not t[0] else 2, t[1], t[2])

    return min(sizes, key=rank)[2] if sizes else guess


@dataclass(frozen=True)
class ABSettings:
    """The view's choices; `metric` is a label from ABChoices.metrics; `split` the planned split as
    typed ('50,50'; empty: equal); `cap_percentile`: cap each unit's metric value there (None: no
    capping; heavy outliers are reported either way, against the 99th percentile)."""

    variant: str
    metric: str
    control: str | None = None
    unit: str | None = None
    covariate: str | None = None
    time: str | None = None
    segment: str | None = None
    split: str = ""
    alpha: float = 0.05
    tuning: float = 5000.0
    check_srm: bool = True
    cap_percentile: float | None = None
    source: str | None = None
    higher_is_better: bool | None = None  # the metric's direction (None: the offered metric's own, guessed)
    direction_source: str = "user"  # where `higher_is_better` came from when it is given
    randomised: bool = True  # False: groups nobody randomised (campaigns): descriptive, no tests


@dataclass(frozen=True)
class PowerDefaults:
    """Where the power calculator starts: the control's rate or mean, its per-unit standard
    deviation (None for a proportion: it follows from the rate) and its units."""

    baseline: float
    sd: float | None
    n: int


@dataclass(frozen=True)
class ABView:
    """Everything the A/B view draws for unit rows."""

    result: ab.ExperimentResult
    verdict: ab.Verdict
    notices: tuple[ab.Notice, ...]  # what to say besides the verdict (the SRM alarm is the verdict)
    metric: ab.MetricSpec
    metric_title: str  # the metric as the file names it: 'retention_1', 'CTR = clicks / impressions'
    table: pd.DataFrame  # one row per variant (display)
    table_kinds: dict[str, str]  # display kind of the table's number columns
    download: pd.DataFrame  # the result's raw numbers
    sequential: bool  # the always-valid p-value is shown (there is a time column to peek along)
    timeline: pd.DataFrame | None
    funnel: pd.DataFrame | None  # display: variant, the stage columns by their own names, ctr ...
    funnel_steps: list[str]  # the funnel's steps (impressions, clicks, conversions) by the file's column names
    funnel_kinds: dict[str, str]  # display kind of each funnel column (counts, amounts, shares)
    segments: pd.DataFrame | None  # analysis.segment_table
    outliers: OutlierCheck | None  # the metric's heavy outliers (uncapped values), None when none
    capped: OutlierCheck | None  # the check whose cap was applied, None when not capped
    power: PowerDefaults
    response_outcome: str | None
    response_features: list[str] = field(default_factory=list)


def _spec(settings: ABSettings, metric: ab.MetricSpec, roles: ColumnRoles) -> ab.ExperimentSpec:
    try:
        weights = ab.parse_split(settings.split)
    except ValueError as exc:
        raise BadSplit("the planned split must be numbers separated by commas", file=settings.source) from exc
    # aggregated rows (no unit column) check the split on the impressions when there are some; the
    # covariate is dropped when it is the metric itself
    exposure = roles.impressions if settings.unit is None and roles.impressions and not roles.unit else None
    covariate = settings.covariate if settings.covariate not in (metric.column, metric.denominator) else None
    return ab.ExperimentSpec(
        variant=settings.variant,
        control=settings.control,
        unit=settings.unit,
        covariate=covariate,
        time=settings.time,
        weights=weights,
        alpha=float(settings.alpha),
        sequential_tuning=float(settings.tuning),
        source=settings.source,
        exposure=exposure,
        check_srm=settings.check_srm and settings.randomised,
        cap_percentile=settings.cap_percentile,
        randomised=settings.randomised,
    )


NUMBERS = ("relative_lift", "relative_p_value", "p_value", "p_value_holm", "prob_beat_control", "expected_loss")


def _compared(t: pd.DataFrame, rates: bool = False) -> dict:
    """The columns both results tables show, from VariantResult rows (`row()`; NaN, shown
    blank, where control has no comparison). `rates`: the means are rates, shown as percentages
    with enough significant digits (`rate_texts`). The relative lift's interval is followed by the
    p-value of the same (delta-method) test, so the two never contradict each other."""
    num = {c: pd.to_numeric(t[c], errors="coerce") for c in NUMBERS if c in t}
    if rates:
        mean, mean_ci = rate_texts(t["mean"], t["ci_low"], t["ci_high"])
    else:
        mean = t["mean"]
        mean_ci = [interval_text(a, b, relative=False) for a, b in zip(t["ci_low"], t["ci_high"])]
    return {
        "n": t["n"],
        "mean": mean,
        "mean_ci": mean_ci,
        "relative_lift": num["relative_lift"],
        "relative_lift_ci": [
            interval_text(a, b) for a, b in zip(t["relative_lift_ci_low"], t["relative_lift_ci_high"])
        ],
        **{c: num[c] for c in NUMBERS[1:] if c in num},
    }


TESTS = (
    "relative_p_value",
    "p_value",
    "p_value_holm",
    "p_value_bh",
    "sequential_p_value",
    "prob_beat_control",
    "expected_loss",
)


def result_frame(result: ab.ExperimentResult, sequential: bool) -> pd.DataFrame:
    """The results table: variant, n, mean, mean_ci, relative_lift, relative_lift_ci,
    relative_p_value (the interval's own test), p_value, p_value_holm, p_value_bh,
    [sequential_p_value], prob_beat_control, expected_loss. Control's comparison cells are missing
    (shown blank); rates (proportions) are text with enough significant digits. The sequential
    p-value only with a time column: without one nobody peeked, and the fixed-horizon p-value is the
    right one. Groups that were not randomised: descriptive, without any test column."""
    t = result.table()
    num = {c: pd.to_numeric(t[c], errors="coerce") for c in ("p_value_bh", "sequential_p_value")}
    frame = pd.DataFrame({"variant": t["name"], **_compared(t, rates=result.kind == "proportion"), **num})
    order = ["variant", "n", "mean", "mean_ci", "relative_lift", "relative_lift_ci", "relative_p_value"]
    frame = frame[order + ["p_value", "p_value_holm", "p_value_bh", "sequential_p_value"] + list(TESTS[-2:])]
    if not result.randomised:
        return frame.drop(columns=list(TESTS))
    return frame if sequential else frame.drop(columns=["sequential_p_value"])


def table_kinds(result: ab.ExperimentResult) -> dict[str, str]:
    """Display kinds of the results table's number columns (rates are already text)."""
    return {"prob_beat_control": "share"} | ({} if result.kind == "proportion" else {"mean": "number"})


def power_defaults(result: ab.ExperimentResult) -> PowerDefaults:
    """The control's numbers for the power calculator; its per-unit standard deviation recovered
    from its 95% CI (None for a proportion, whose spread follows from its rate; 1 when the CI has
    no width)."""
    control = result.variants[0]
    sd = None
    if result.kind != "proportion":
        sd = ab.per_unit_sd(control)
        sd = sd if np.isfinite(sd) and sd > 0 else 1.0
    return PowerDefaults(float(control.mean), sd, int(max(control.n, 10)))


def metric_title(metric: ab.MetricSpec) -> str:
    """The metric by the file's own column names: 'retention_1', 'CTR = clicks / impressions'."""
    if metric.name and metric.denominator:
        return f"{metric.name} = {metric.column} / {metric.denominator}"
    return metric.label


def ab_view(df: pd.DataFrame, settings: ABSettings, choices: ABChoices | None = None) -> ABView:
    """Run every analysis the view shows. Raises UserError (BadSplit for the planned split) for
    input the analysis cannot use; ConfigError for a metric label that is not offered."""
    choices = choices or ab_choices(df, settings.variant)
    if settings.metric not in choices.metrics:
        raise ConfigError(f"no metric '{settings.metric}'", file=settings.source)
    metric = choices.metrics[settings.metric]
    if settings.higher_is_better is not None:
        metric = replace(metric, higher_is_better=settings.higher_is_better, direction_source=settings.direction_source)
    roles = choices.roles
    spec = _spec(settings, metric, roles)
    funnel_metrics = ab.funnel_metrics(roles)
    metrics = [metric] + [m for m in funnel_metrics if m != metric]
    segments = [settings.segment] if settings.segment else []
    data = ab.prepare(df, spec, metrics, segments=segments)
    result = ab.analyze(data, metric)
    check = data.outliers.get(metric.column)
    sequential = settings.time is not None
    stages = {s: getattr(roles, s) for s in ("impressions", "clicks", "conversions", "spend", "revenue")}
    stages = {s: c for s, c in stages.items() if c and c in data.values}
    funnel = None
    if funnel_metrics:
        raw = ab.funnel_table(data, roles)
        funnel = raw.rename(columns={s: c for s, c in stages.items()})
        for rate in ("ctr", "cvr"):  # tiny rates (CTR 0.018%) with enough significant digits
            if rate in funnel:
                d = ab_rate_decimals(funnel[rate])
                funnel[rate] = [fmt_rate(x, d) for x in funnel[rate]]
    return ABView(
        result=result,
        verdict=ab.verdict(result),
        notices=tuple(n for n in result.notices if n.code not in ("srm", "not_randomised")),
        metric=metric,
        metric_title=metric_title(metric),
        table=result_frame(result, sequential),
        table_kinds=table_kinds(result),
        download=result.table(),
        sequential=sequential,
        timeline=ab.cumulative_lift(data, metric) if sequential else None,
        funnel=funnel,
        funnel_steps=[stages[s] for s in ("impressions", "clicks", "conversions") if s in stages],
        funnel_kinds={c: "number" if s in ("spend", "revenue") else "count" for s, c in stages.items()},
        segments=ab.segment_table(ab.analyze_segments(data, metric, segments[0])) if segments else None,
        outliers=check if check is not None and check.heavy else None,
        capped=check if check is not None and metric.column in data.caps else None,
        power=power_defaults(result),
        response_outcome=ab.response_outcome(result, metric, roles),
        response_features=[c for c in roles.segments if c in df.columns][:4],
    )


def ab_rate_decimals(values) -> int:
    """One number of decimals for a column of rates (`rate_decimals` over all of them)."""
    return rate_decimals(*[v for v in values])


@dataclass(frozen=True)
class ResponseView:
    """The response model's tables and its verdict: `scores` (response_model id 'din'/'logistic',
    holdout_qini, holdout_auc), `best` (segment_feature, segment_value, best_variant,
    predicted_rate, users), `verdict` 'better' / 'worse' / 'no_clear_difference' from the bootstrap
    interval of the Qini difference (never from the two point estimates alone), and that interval."""

    scores: pd.DataFrame
    best: pd.DataFrame
    verdict: str
    difference: float
    low: float
    high: float


def response_view(response) -> ResponseView:
    """From core.experiments.response.ResponseModelResult."""
    scores = pd.DataFrame(
        {
            "response_model": ["din", "logistic"],
            "holdout_qini": [response.mean_qini["din"], response.mean_qini["logistic"]],
            "holdout_auc": [response.auc["din"], response.auc["logistic"]],
        }
    )
    seg = response.segments
    best = seg.loc[seg["best"]] if len(seg) else seg
    best = pd.DataFrame(
        {
            "segment_feature": best.get("feature", pd.Series(dtype=str)),
            "segment_value": best.get("value", pd.Series(dtype=str)),
            "best_variant": best.get("variant", pd.Series(dtype=str)),
            "predicted_rate": best.get("predicted", pd.Series(dtype=float)),
            "users": best.get("users", pd.Series(dtype=int)),
        }
    ).reset_index(drop=True)
    d = response.qini_difference
    if d is None or not np.isfinite(d.low):
        diff = response.mean_qini["din"] - response.mean_qini["logistic"]
        return ResponseView(scores, best, "no_clear_difference", diff, float("nan"), float("nan"))
    verdict = "no_clear_difference" if not d.clear else ("better" if d.difference > 0 else "worse")
    return ResponseView(scores, best, verdict, d.difference, d.low, d.high)


# ---- per-variant summaries -----------------------------------------------------------------------

SUMMARY_ROLES = tuple(f for f in SummaryColumns.__dataclass_fields__)


def summary_columns(picked: dict[str, str | None]) -> SummaryColumns | None:
    """The summary's columns from the picked roles (missing roles None); one spread column (the
    first of variance, sd, sum of squares picked); None while variant, count and one of mean,
    sum or conversions are not all picked."""
    picked = {r: picked.get(r) for r in SUMMARY_ROLES}
    spread = [r for r in ("variance", "sd", "sum_squares") if picked[r]]
    for extra in spread[1:]:
        picked[extra] = None
    if not (picked["variant"] and picked["count"] and (picked["mean"] or picked["sum"] or picked["conversions"])):
        return None
    return SummaryColumns(**picked)  # type: ignore[arg-type]


def filter_portfolio(port: pd.DataFrame, decisions=DECISIONS, text: str = "") -> pd.DataFrame:
    """The portfolio rows with one of `decisions` whose experiment or metric contains `text`
    (any case)."""
    view = port[port["decision"].isin(list(decisions))]
    text = text.strip().lower()
    if text:
        hit = view["experiment"].astype(str).str.lower().str.contains(text, regex=False)
        hit |= view["metric"].astype(str).str.lower().str.contains(text, regex=False)
        view = view[hit]
    return view.reset_index(drop=True)


def portfolio_frame(view: pd.DataFrame, checkpoints: bool) -> pd.DataFrame:
    """The portfolio as shown: experiment, metric, variant, variants, units, relative_lift,
    relative_lift_ci, relative_p_value (the interval's own test), p_value, p_value_fdr,
    [sequential_p_value: only with checkpoints, where the test was peeked at], better ('↑' higher /
    '↓' lower is better), decision (code), decision_p_value (the p it rests on: p_value_fdr, or the
    sequential one with checkpoints), srm_mismatch ('⚠' or blank)."""
    frame = pd.DataFrame(
        {
            "experiment": view["experiment"],
            "metric": view["metric"],
            "variant": view["variant"],
            "variants": view["variants"],
            "units": view["units"],
            "relative_lift": view["relative_lift"],
            "relative_lift_ci": [
                interval_text(a, b) for a, b in zip(view["relative_lift_ci_low"], view["relative_lift_ci_high"])
            ],
            "relative_p_value": _column(view, "relative_p_value"),
            "p_value": view["p_value"],
            "p_value_fdr": view["p_value_fdr"],
            "sequential_p_value": view["sequential_p_value"],
            "better": direction_marks(view["higher_is_better"]),
            "decision": view["decision"],
            "decision_p_value": _column(view, "decision_p_value"),
            "srm_mismatch": ["⚠" if m else "" for m in view["srm_mismatch"]],
        }
    )
    return frame if checkpoints else frame.drop(columns=["sequential_p_value"])


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """`frame[name]`, or missing values where a portfolio made elsewhere has no such column."""
    return frame[name] if name in frame else pd.Series(np.nan, index=frame.index)


def direction_marks(higher_is_better) -> list[str]:
    """'↑' where a rise is good news, '↓' where a fall is: the direction a decision was read in."""
    return ["↑" if h else "↓" for h in higher_is_better]


def metrics_frame(mt: pd.DataFrame, checkpoints: bool) -> pd.DataFrame:
    """One experiment's results (summary.metrics_table) as shown: metric, variant, guardrail ('✓'),
    better (`direction_marks`),
    n, mean, mean_ci, relative_lift, relative_lift_ci, [sequential_relative_ci], relative_p_value,
    p_value, p_value_holm, prob_beat_control, expected_loss, relative_mde, decision (code; blank on
    control), decision_p_value."""
    shared = _compared(mt)
    frame = pd.DataFrame(
        {
            "metric": mt["metric"],
            "variant": mt["variant"],
            "guardrail": ["✓" if g else "" for g in mt["guardrail"]],
            "better": direction_marks(mt["higher_is_better"]),
            **{c: shared[c] for c in ("n", "mean", "mean_ci", "relative_lift", "relative_lift_ci")},
            "sequential_relative_ci": [
                interval_text(a, b) for a, b in zip(mt["sequential_relative_ci_low"], mt["sequential_relative_ci_high"])
            ],
            **{c: shared[c] for c in NUMBERS[1:]},
            "relative_mde": pd.to_numeric(mt["relative_mde"], errors="coerce"),
            "decision": mt["decision"].fillna(""),
            "decision_p_value": pd.to_numeric(mt["decision_p_value"], errors="coerce"),
        }
    )
    return frame if checkpoints else frame.drop(columns=["sequential_relative_ci"])


# ---- one community's units (the health view's drill-down, ?community=) ---------------------------------
def focus_rows(df: pd.DataFrame, members: frozenset[str] | None, unit: str = "user_id") -> pd.DataFrame | None:
    """The rows whose `unit` is one of `members` (None: every row); None when the rows cannot be
    joined to members (no `unit` column, or no unit in common with the posts' authors), so the page
    says it cannot filter instead of silently showing everyone or no one."""
    if members is None:
        return df
    if unit not in df.columns:
        return None
    units = df[unit].astype(str)
    if not units.isin(members).any():
        return None
    return df[units.isin(members).to_numpy()].reset_index(drop=True)
