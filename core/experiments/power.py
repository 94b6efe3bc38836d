"""Power and sample size for a two-group test on a difference in means (or proportions, with
per-unit variance p(1 - p)), two-sided, normal approximation; the same formulas as statsmodels'
`NormalIndPower` with effect size = difference / sd."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PowerResult:
    """n_per_variant, the absolute minimum detectable effect, and it relative to the baseline."""

    n_per_variant: float
    mde: float
    relative_mde: float
    power: float
    alpha: float
    baseline: float
    sd: float


def baseline_sd(baseline: float, sd: float | None = None) -> float:
    """A proportion's sd when `sd` is None (baseline in (0, 1)), else `sd`."""
    if sd is not None:
        return float(sd)
    if not 0 < baseline < 1:
        raise ValueError("a proportion baseline must lie strictly between 0 and 1; give an sd for means")
    return math.sqrt(baseline * (1 - baseline))


def power_for(effect: float, n_per_variant: float, sd: float, alpha: float = 0.05) -> float:
    """Probability that a two-sided z-test at `alpha` rejects when the true difference is `effect`."""
    from scipy import stats as st

    se = sd * math.sqrt(2.0 / n_per_variant)
    z = st.norm.isf(alpha / 2)
    shift = abs(effect) / se
    return float(st.norm.sf(z - shift) + st.norm.cdf(-z - shift))


def minimum_detectable_effect(
    n_per_variant: float, baseline: float, sd: float | None = None, alpha: float = 0.05, power: float = 0.8
) -> PowerResult:
    """Smallest absolute difference detected with probability `power` at `n_per_variant`."""
    from scipy import optimize

    s = baseline_sd(baseline, sd)
    se = s * math.sqrt(2.0 / n_per_variant)
    hi = 20 * se
    mde = optimize.brentq(lambda d: power_for(d, n_per_variant, s, alpha) - power, 1e-12 * se, hi, xtol=1e-14)
    return PowerResult(n_per_variant, mde, mde / baseline if baseline else float("nan"), power, alpha, baseline, s)


def sample_size(
    effect: float, baseline: float, sd: float | None = None, alpha: float = 0.05, power: float = 0.8
) -> PowerResult:
    """Units per variant needed to detect an absolute difference `effect` with `power`."""
    from scipy import optimize
    from scipy import stats as st

    if effect == 0:
        raise ValueError("the effect must be non-zero")
    s = baseline_sd(baseline, sd)
    z = st.norm.isf(alpha / 2) + st.norm.ppf(power)
    guess = 2 * (z * s / effect) ** 2
    n = optimize.brentq(lambda m: power_for(effect, m, s, alpha) - power, guess * 0.5, guess * 2 + 10, xtol=1e-9)
    return PowerResult(n, abs(effect), abs(effect) / baseline if baseline else float("nan"), power, alpha, baseline, s)


@dataclass(frozen=True)
class PowerPlan:
    """What the power calculator shows: the MDE at n per variant, the n needed for a relative
    target, and the power curve (effects, powers) from 0 to 3 x MDE."""

    mde: PowerResult
    n_needed: int
    effects: tuple[float, ...]
    powers: tuple[float, ...]


def power_plan(
    n_per_variant: float,
    baseline: float,
    sd: float | None,
    target_relative: float,
    alpha: float = 0.05,
    points: int = 60,
) -> PowerPlan:
    """MDE, sample size for `target_relative` x baseline, and the power curve; ValueError as above."""

    mde = minimum_detectable_effect(n_per_variant, baseline, sd, alpha=alpha)
    need = sample_size(target_relative * baseline, baseline, sd, alpha=alpha)
    effects = np.linspace(0, 3 * mde.mde, points)
    return PowerPlan(
        mde,
        math.ceil(need.n_per_variant),
        tuple(float(e) for e in effects),
        tuple(power_for(float(e), n_per_variant, mde.sd, alpha) for e in effects),
    )
