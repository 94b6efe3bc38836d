"""What an A/B analysis returns: one `ExperimentResult` per metric (and segment), a
`VariantResult` row per variant, and the CLI's JSON (`to_dict`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar, overload

import pandas as pd

from core.experiments.health import SrmCheck
from core.experiments.inference import LIFT_FIELDS, Comparison
from core.experiments.notices import Notice

T = TypeVar("T")

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


class Figure(Generic[T]):
    """A figure of a variant's comparison with control, read from its `Comparison` under the
    same name (or `source`); None on the control row, which has no comparison."""

    def __init__(self, source: str | None = None) -> None:
        self.source = source

    def __set_name__(self, owner: type, name: str) -> None:
        self.source = self.source or name

    @overload
    def __get__(self, row: None, owner: type) -> Figure[T]: ...
    @overload
    def __get__(self, row: VariantResult, owner: type) -> T | None: ...
    def __get__(self, row, owner):
        if row is None:
            return self
        return None if row.comparison is None else getattr(row.comparison, self.source)


@dataclass(frozen=True)
class VariantResult:
    """One variant's row: its own n, mean and CI, then its `Comparison` with control (None on the
    control row), whose figures it reads under their own names. p_value_holm / p_value_bh are
    corrected over every comparison analysed together (variants, and segments when there are any)."""

    name: str
    is_control: bool
    n: int
    mean: float
    ci_low: float
    ci_high: float
    comparison: Comparison | None = None
    p_value_holm: float | None = None
    p_value_bh: float | None = None

    lift = Figure[float]()
    lift_ci_low = Figure[float]()
    lift_ci_high = Figure[float]()
    relative_lift = Figure[float]()
    relative_lift_ci_low = Figure[float]()
    relative_lift_ci_high = Figure[float]()
    # the delta-method test of relative_lift: the p-value of the same test as its interval
    relative_p_value = Figure[float]()
    p_value = Figure[float]()
    # why p_value is missing on a treatment row: 'too_few_units' (an arm with 0 or 1 unit) or
    # 'no_variance' (no variation in either arm): such a comparison cannot be tested
    p_value_reason = Figure[str]("reason")
    prob_beat_control = Figure[float]()
    expected_loss = Figure[float]()
    sequential_ci_low = Figure[float]()
    sequential_ci_high = Figure[float]()
    sequential_p_value = Figure[float]()

    def row(self) -> dict:
        """The row as the CLI's JSON and the results tables show it (ROW's keys, in order)."""
        return {k: getattr(self, k) for k in ROW}


# a variant row's columns, in the order the CLI's JSON and CSV write them (a contract)
ROW = (
    "name",
    "is_control",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    *LIFT_FIELDS,
    *INFERENCE_FIELDS,
)


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

        variants = [{k: clean(v) for k, v in vr.row().items()} for vr in self.variants]
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
        return pd.DataFrame([v.row() for v in self.variants], columns=list(ROW))
