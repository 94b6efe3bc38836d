"""What an A/B analysis returns: one `ExperimentResult` per metric (and segment), a
`VariantResult` row per variant, and the CLI's JSON (`to_dict`)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Literal

import pandas as pd

from core.experiments.health import SrmCheck
from core.experiments.inference import Comparison
from core.experiments.notices import Notice

# what a descriptive (not randomised) comparison leaves out: every test and what is read from one
INFERENCE_FIELDS = (
    "relative_p_value",
    "p_value",
    "p_value_reason",
    "p_value_holm",
    "p_value_bh",
    "prob_beat_control",
    "expected_loss",
    "sequential_ci_low",
    "sequential_ci_high",
    "sequential_p_value",
)


@dataclass(frozen=True)
class VariantResult:
    """One variant's row: its own n, mean and CI, then the comparison with control (NaN/None on
    the control row). p_value_holm / p_value_bh are corrected over every comparison analysed
    together (variants, and segments when there are any)."""

    name: str
    is_control: bool
    n: int
    mean: float
    ci_low: float
    ci_high: float
    lift: float | None = None
    lift_ci_low: float | None = None
    lift_ci_high: float | None = None
    relative_lift: float | None = None
    relative_lift_ci_low: float | None = None
    relative_lift_ci_high: float | None = None
    # the delta-method test of relative_lift: the p-value of the same test as its interval
    relative_p_value: float | None = None
    p_value: float | None = None
    # why p_value is missing on a treatment row: 'too_few_units' (an arm with 0 or 1 unit) or
    # 'no_variance' (no variation in either arm): such a comparison cannot be tested
    p_value_reason: str | None = None
    p_value_holm: float | None = None
    p_value_bh: float | None = None
    prob_beat_control: float | None = None
    expected_loss: float | None = None
    sequential_ci_low: float | None = None
    sequential_ci_high: float | None = None
    sequential_p_value: float | None = None


@dataclass(frozen=True)
class ExperimentResult:
    """Every A/B analysis returns this: one metric, optionally within one segment."""

    metric: str
    kind: Literal["proportion", "mean", "ratio"]
    control: str
    variants: tuple[VariantResult, ...]
    srm: SrmCheck
    notices: tuple[Notice, ...] = ()
    alpha: float = 0.05
    higher_is_better: bool = True
    direction_source: str = "default"
    covariate: str | None = None
    cuped_theta: float | None = None
    variance_reduction: float | None = None
    segment: str | None = None
    segment_value: str | None = None
    randomised: bool = True

    @property
    def treatments(self) -> tuple[VariantResult, ...]:
        return tuple(v for v in self.variants if not v.is_control)

    def to_dict(self) -> dict:
        """The CLI contract's JSON (plus extra keys); NaN becomes None."""

        def clean(x):
            if isinstance(x, float) and not math.isfinite(x):
                return None
            return x

        variants = [{k: clean(v) for k, v in asdict(vr).items()} for vr in self.variants]
        if not self.randomised:  # descriptive: no test was meaningful
            for v in variants:
                v.update({k: None for k in INFERENCE_FIELDS})
        return {
            "metric": self.metric,
            "kind": self.kind,
            "control": self.control,
            "srm_p_value": clean(self.srm.p_value),
            "srm_mismatch": self.srm.mismatch,
            "alpha": self.alpha,
            "higher_is_better": self.higher_is_better,
            "direction_source": self.direction_source,
            "covariate": self.covariate,
            "cuped_theta": clean(self.cuped_theta),
            "variance_reduction": clean(self.variance_reduction),
            "segment": self.segment,
            "segment_value": self.segment_value,
            "randomised": self.randomised,
            "warnings": [n.message() for n in self.notices],
            "variants": variants,
        }

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(v) for v in self.variants])


# the figures of a comparison that a variant's row shows under the same names
COMPARISON_FIELDS = tuple(sorted({f.name for f in fields(VariantResult)} & {f.name for f in fields(Comparison)}))


def with_comparison(row: VariantResult, c: Comparison) -> VariantResult:
    """`row` with the comparison with control: every figure the two share, and why there is no
    p-value (`c.reason`) as p_value_reason."""
    return replace(row, **{k: getattr(c, k) for k in COMPARISON_FIELDS}, p_value_reason=c.reason)
