"""What a view offers and shows beside the result: variant names in natural order, the default
control, metrics worth offering, a typed split, power at the current size, the segment table."""

from __future__ import annotations

import math

import pandas as pd

from core.experiments.columns import ColumnRoles
from core.experiments.funnel import funnel_metrics
from core.experiments.power import minimum_detectable_effect
from core.experiments.prepare import natural_key
from core.experiments.results import ExperimentResult, VariantResult
from core.experiments.spec import CONTROL_NAMES, MetricSpec


def variant_names(values: pd.Series, limit: int = 50) -> list[str]:
    """Distinct variant names in natural order ('v2' before 'v10'), at most `limit`."""
    return sorted({str(v) for v in pd.unique(values.dropna())}, key=natural_key)[:limit]


def default_control(names: list[str]) -> str | None:
    """A name like 'control', 'A' or 'baseline', else the first; None when there are none."""
    return next((n for n in names if n.strip().lower() in CONTROL_NAMES), names[0] if names else None)


def metric_choices(roles: ColumnRoles, variant: str | None = None) -> list[MetricSpec]:
    """Metrics worth offering, best first: for aggregated rows (no unit column) the funnel
    ratios, else the binary metrics; then the other numeric columns."""
    funnel = funnel_metrics(roles)
    plain = [MetricSpec(c).with_direction() for c in roles.metrics if c != variant]
    return funnel + plain if roles.unit is None and funnel else plain + funnel


def response_outcome(result: ExperimentResult, metric: MetricSpec, roles: ColumnRoles) -> str | None:
    """The binary outcome a response model predicts: the metric when it is a plain proportion,
    else the conversions column (None when there is none)."""
    return metric.column if result.kind == "proportion" and not metric.denominator else roles.conversions


def parse_split(text: str) -> tuple[float, ...] | None:
    """A planned split typed as '50/50' or '1, 1, 2' (None when empty); ValueError when not numbers."""
    return tuple(float(w) for w in text.replace("/", ",").split(",") if w.strip()) or None


def per_unit_sd(row: VariantResult) -> float:
    """The per-unit standard deviation behind a variant's 95% CI (a default for power and MDE)."""
    return math.sqrt(max(row.n, 2)) * (row.ci_high - row.ci_low) / (2 * 1.96)


def relative_mde(result: ExperimentResult, variant: VariantResult) -> float:
    """The relative effect this comparison detects with 80% power at its current size (NaN when
    the control's mean leaves power undefined)."""

    control = result.variants[0]
    sd = None if result.kind == "proportion" else per_unit_sd(control)
    if sd is not None and not (math.isfinite(sd) and sd > 0):
        return float("nan")  # no spread in control: power is undefined
    try:
        mde = minimum_detectable_effect(max(min(control.n, variant.n), 2), control.mean, sd, alpha=result.alpha)
    except ValueError:
        return float("nan")
    return abs(mde.relative_mde)


def segment_table(results: list[ExperimentResult]) -> pd.DataFrame:
    """One row per segment value and treatment: segment, segment_value, variant, n, lift,
    relative_lift, p_value, p_value_holm, p_value_bh, prob_beat_control."""
    rows = [
        {
            "segment": r.segment,
            "segment_value": r.segment_value,
            "variant": v.name,
            "n": v.n,
            "lift": v.lift,
            "relative_lift": v.relative_lift,
            "p_value": v.p_value,
            "p_value_holm": v.p_value_holm,
            "p_value_bh": v.p_value_bh,
            "prob_beat_control": v.prob_beat_control,
        }
        for r in results
        for v in r.treatments
    ]
    return pd.DataFrame(rows)
