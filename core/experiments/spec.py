"""What an A/B analysis is asked: the experiment (`ExperimentSpec`: variant column, control, unit,
covariate, time, planned split, alpha ...) and each metric (`MetricSpec`: a column, or a ratio of two,
and which direction is good)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from core.errors import ConfigError
from core.experiments.direction import metric_direction

MAX_VARIANTS = 20
CONTROL_NAMES = ("control", "a", "baseline", "base", "ctrl", "对照", "对照组", "gate_30")


def higher_is_better(name: str, lower: Sequence[str] = (), higher: Sequence[str] = ()) -> bool:
    """Whether a rise in metric `name` is good news: False when `name` is in `lower`, True when it
    is in `higher`, else guessed from the whole words of its name (core.experiments.direction:
    costs, churn, bounces, errors, refunds ... are lower-is-better; everything else higher; an
    ambiguous name such as cost_savings guesses higher, and `metric_direction` says it is a guess)."""
    return metric_direction(name, lower, higher).higher_is_better


def check_direction_names(metrics: Sequence[str], lower: Sequence[str], higher: Sequence[str], source=None) -> None:
    """ConfigError when a metric named in `lower` / `higher` is not among `metrics` (a typo would
    otherwise leave the guess in place silently) or is named in both."""
    both = sorted(set(lower) & set(higher))
    if both:
        raise ConfigError(f"metric {both[0]!r} is named both lower- and higher-is-better", file=source)
    for flag, names in (("--lower-is-better", lower), ("--higher-is-better", higher)):
        unknown = [n for n in names if n not in metrics]
        if unknown:
            raise ConfigError(
                f"{flag}: no metric named {unknown[0]!r} (metrics: {', '.join(map(str, metrics))})", file=source
            )


@dataclass(frozen=True)
class MetricSpec:
    """A metric: `column` alone (a proportion when its values are binary, else a mean), or
    `column / denominator` (a ratio such as CTR). `higher_is_better=False` for costs (CPA)."""

    column: str
    denominator: str | None = None
    name: str | None = None
    kind: Literal["auto", "proportion", "mean"] = "auto"
    higher_is_better: bool = True
    # where the direction came from: 'name' (a direction word), 'user' (said), 'default' (no word)
    direction_source: str = "default"
    direction_ambiguous: bool = False  # the name's guess needs the analyst's confirmation

    def with_direction(self, lower: Sequence[str] = (), higher: Sequence[str] = ()) -> MetricSpec:
        """This metric with the direction said in `lower` / `higher`, else guessed from its label."""
        d = metric_direction(self.label, lower, higher)
        return replace(
            self, higher_is_better=d.higher_is_better, direction_source=d.source, direction_ambiguous=d.ambiguous
        )

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.column} / {self.denominator}" if self.denominator else self.column


@dataclass(frozen=True)
class ExperimentSpec:
    """Which column holds the variant, which variant is control (None: one named like 'control'
    or 'A', else the first in sorted order), the unit column (rows are summed per unit), a
    pre-period covariate for CUPED, a time column (cumulative lift), the planned split
    (None: equal), alpha, and the sequential tuning size N*. `source` names the file in errors."""

    variant: str
    control: str | None = None
    unit: str | None = None
    covariate: str | None = None
    time: str | None = None
    weights: tuple[float, ...] | None = None
    alpha: float = 0.05
    sequential_tuning: float = 5000.0
    source: str | None = None
    # SRM: count units per variant (default), or the sum of an exposure column such as
    # impressions for aggregated rows; check_srm=False for groups that were never randomised
    exposure: str | None = None
    check_srm: bool = True
    bayesian: bool = True  # False skips chance to beat / expected loss (a portfolio's first pass)
    # cap each unit's value of a non-binary metric at this percentile of all units (winsorising,
    # core.experiments.outliers); None: no capping (heavy outliers are still reported)
    cap_percentile: float | None = None
    # False when the groups were never assigned at random (campaigns, ads): the comparison is
    # descriptive (means, intervals, differences), with no p-values, verdict or SRM check
    randomised: bool = True
