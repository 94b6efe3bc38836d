"""One line's worth of decision from an `ExperimentResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.experiments.health import MIN_UNITS
from core.experiments.results import ExperimentResult, VariantResult


@dataclass(frozen=True)
class Verdict:
    """status: 'unhealthy' (reason: srm), 'winner' (variant), 'control_wins', or 'no_winner'
    (reason: too_small, not_significant)."""

    status: Literal["unhealthy", "winner", "control_wins", "no_winner", "descriptive"]
    variant: str | None = None
    reason: str | None = None
    params: dict = field(default_factory=dict)


def verdict(result: ExperimentResult, sequential: bool = False) -> Verdict:
    """One line's worth of decision: unhealthy on SRM; otherwise the treatment whose Holm-corrected
    (or sequential) p-value is below alpha in the good direction with the highest chance to beat
    control; 'control_wins' when every treatment is significantly worse; 'descriptive' when the
    groups were not randomised (nothing is decided)."""
    if not result.randomised:
        return Verdict("descriptive")
    if result.srm.mismatch:
        return Verdict("unhealthy", reason="srm", params={"p": result.srm.p_value})
    small = [v for v in result.variants if v.n < MIN_UNITS]
    good: list[VariantResult] = []
    bad: list[VariantResult] = []
    for v in result.treatments:
        p = v.sequential_p_value if sequential else v.p_value_holm
        if p is None or not p < result.alpha or v.lift is None:
            continue
        better = (v.lift > 0) == result.higher_is_better
        (good if better else bad).append(v)
    if good:
        best = max(good, key=lambda v: v.prob_beat_control or 0)
        return Verdict(
            "winner",
            variant=best.name,
            params={
                "relative_lift": best.relative_lift,
                "p": best.sequential_p_value if sequential else best.p_value_holm,
                "prob": best.prob_beat_control,
            },
        )
    if small:
        return Verdict(
            "no_winner", reason="too_small", params={"variant": small[0].name, "n": small[0].n, "min": MIN_UNITS}
        )
    if bad and len(bad) == len(result.treatments):
        return Verdict("control_wins", variant=result.control)
    return Verdict("no_winner", reason="not_significant")
