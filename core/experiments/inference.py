"""Two-group comparisons on summary statistics: frequentist, Bayesian and sequential at once.

`compare(control, treatment, config)` returns one `Comparison` holding
- absolute lift (treatment - control) with CI and two-sided p-value: pooled two-proportion
  z-test for proportions, Welch's t for means, ratios (delta method) and CUPED-adjusted means;
- relative lift (treatment / control - 1) with a delta-method CI and the p-value of the same
  delta-method test (`relative_p_value`, as gbstats tests relative effects): p < alpha exactly when
  that interval excludes 0, as the absolute lift's interval and `p_value` agree for means and ratios;
- Bayesian chance to beat control and expected loss (Beta-Binomial with a Beta(1, 1) prior for
  proportions, Normal with a flat prior for everything else);
- an always-valid confidence sequence and p-value for the absolute lift: the asymptotic
  confidence sequences of Waudby-Smith et al. (arXiv 2103.06476v7, eqs. 9, 155, 161), as in
  GrowthBook, tightest near `sequential_tuning` total units.
A comparison that cannot be tested (an arm with fewer than two units, no variation in either arm)
has the observed difference, no p-value (NaN) and `reason` ('too_few_units' / 'no_variance'),
never a made-up p = 1 or chance to beat 0.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
    Statistic,
)


@dataclass(frozen=True)
class CompareConfig:
    """alpha: two-sided level; sequential_tuning: the N* where the confidence sequence is
    tightest (set it near the expected total sample size); theta: CUPED coefficient for
    RegressionAdjustedStatistic (from `cuped_theta`); higher_is_better: False for costs (CPA)."""

    alpha: float = 0.05
    sequential_tuning: float = 5000.0
    theta: float | None = None
    higher_is_better: bool = True
    bayesian: bool = True  # False skips chance-to-beat / expected loss (simulations)


@dataclass(frozen=True)
class Comparison:
    lift: float
    lift_ci_low: float
    lift_ci_high: float
    lift_se: float
    relative_lift: float
    relative_lift_ci_low: float
    relative_lift_ci_high: float
    p_value: float
    dof: float
    sequential_ci_low: float
    sequential_ci_high: float
    sequential_p_value: float
    prob_beat_control: float
    expected_loss: float
    variance_reduction: float | None = None
    valid: bool = True
    relative_p_value: float = float("nan")  # the delta-method test of relative_lift (its interval's test)
    reason: str | None = None  # why there is no test: 'too_few_units', 'no_variance'


def _default(lift: float = float("nan"), base: float = float("nan"), reason: str = "too_few_units") -> Comparison:
    """An untestable comparison: the observed difference (and relative difference), nothing else."""
    nan = float("nan")
    rel = lift / base if math.isfinite(base) and base != 0 else nan
    return Comparison(lift, nan, nan, nan, rel, nan, nan, nan, nan, nan, nan, nan, nan, nan, None, False, nan, reason)


def welch_dof(var_a, n_a, var_b, n_b):
    """Welch-Satterthwaite degrees of freedom for two per-unit variances (scalars or arrays)."""
    num = (var_a / n_a + var_b / n_b) ** 2
    den = (var_a / n_a) ** 2 / np.maximum(n_a - 1, 1) + (var_b / n_b) ** 2 / np.maximum(n_b - 1, 1)
    if np.ndim(den) == 0:
        return float(num / den) if den > 0 else float("inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.inf)


def _quantile(alpha: float, dof):
    """Two-sided critical value: normal where dof is infinite, else Student t (arrays welcome)."""
    from scipy import stats as st

    q = 1 - alpha / 2
    dof = np.asarray(dof, dtype=float)
    z = st.norm.ppf(q)
    if np.ndim(dof) == 0:
        return float(z if math.isinf(dof) else st.t.ppf(q, dof))
    return np.where(np.isinf(dof), z, st.t.ppf(q, np.where(np.isinf(dof), 1.0, dof)))


def _two_sided_p(stat, dof):
    from scipy import stats as st

    stat, dof = np.abs(np.asarray(stat, dtype=float)), np.asarray(dof, dtype=float)
    if np.ndim(dof) == 0 and np.ndim(stat) == 0:
        return float(2 * (st.norm.sf(stat) if math.isinf(dof) else st.t.sf(stat, dof)))
    return 2 * np.where(np.isinf(dof), st.norm.sf(stat), st.t.sf(stat, np.where(np.isinf(dof), 1.0, dof)))


def sequential_rho(alpha: float, tuning: float) -> float:
    """Mixing parameter rho for a tuning sample size N* (Waudby-Smith et al., eq. 161)."""
    la = math.log(alpha)
    return math.sqrt((-2 * la + math.log(-2 * la + 1)) / tuning)


def sequential_halfwidth(estimate_variance, n_total, alpha: float, tuning: float):
    """Half-width of the asymptotic confidence sequence (eq. 9) for an estimate with variance
    `estimate_variance` after `n_total` units (scalars or arrays)."""
    rho = sequential_rho(alpha, tuning)
    s2 = np.asarray(estimate_variance, dtype=float) * n_total  # per-unit variance
    nr = n_total * rho**2 + 1
    out = np.sqrt(s2) * np.sqrt(2 * nr * np.log(np.sqrt(nr) / alpha) / (n_total * rho) ** 2)
    return float(out) if np.ndim(out) == 0 else out


def sequential_p_value(estimate, estimate_variance, n_total, alpha: float, tuning: float):
    """Always-valid p-value = 1 / e-value of the mixture martingale (eq. 155; scalars or arrays)."""
    rho = sequential_rho(alpha, tuning)
    t2 = np.asarray(estimate, dtype=float) ** 2 / estimate_variance * n_total
    nr = n_total * rho**2 + 1
    log_e = rho**2 * t2 / (2 * nr) - 0.5 * np.log(nr)
    out = np.where(log_e <= 0, 1.0, np.minimum(np.exp(-np.maximum(log_e, 0.0)), 1.0))
    return float(out) if np.ndim(out) == 0 else out


def beta_chance_and_loss(
    a_control: float, b_control: float, a_treat: float, b_treat: float, grid: int = 20001
) -> tuple[float, float, float]:
    """For independent Beta posteriors C ~ Beta(a_control, b_control), T ~ Beta(a_treat, b_treat):
    returns (P(T > C), E[max(C - T, 0)], E[max(T - C, 0)]) by quadrature on a fine grid over the
    posteriors' joint support (exact to ~1e-7 for the sample sizes of A/B tests)."""
    from scipy import stats as st

    dc, dt = st.beta(a_control, b_control), st.beta(a_treat, b_treat)
    eps = 1e-12
    lo = max(min(dc.ppf(eps), dt.ppf(eps)), 0.0)
    hi = min(max(dc.isf(eps), dt.isf(eps)), 1.0)
    x = np.linspace(lo, hi, grid)
    f_t = dt.pdf(x)
    cdf_c = dc.cdf(x)
    chance = float(np.trapezoid(f_t * cdf_c, x))
    mean_c = a_control / (a_control + b_control)
    mean_t = a_treat / (a_treat + b_treat)
    # E[(C - x)+] = E[C] * (1 - I_x(a+1, b)) - x * (1 - I_x(a, b))
    tail = mean_c * st.beta.sf(x, a_control + 1, b_control) - x * dc.sf(x)
    loss_treat = float(max(np.trapezoid(f_t * tail, x), 0.0))
    loss_control = max(loss_treat + mean_t - mean_c, 0.0)
    return min(max(chance, 0.0), 1.0), loss_treat, loss_control


def normal_chance_and_loss(diff: float, se: float) -> tuple[float, float, float]:
    """For D = T - C ~ N(diff, se^2): (P(D > 0), E[max(-D, 0)], E[max(D, 0)])."""
    from scipy import stats as st

    z = diff / se
    chance = float(st.norm.cdf(z))
    loss_treat = float(se * st.norm.pdf(z) - diff * st.norm.cdf(-z))
    return chance, max(loss_treat, 0.0), max(loss_treat + diff, 0.0)


def _relative(mean_a, var_mean_a, diff, var_diff, cov_diff_a):
    """Delta method for diff / mean_a."""
    rel = diff / mean_a
    var = var_diff / mean_a**2 + diff**2 * var_mean_a / mean_a**4 - 2 * diff * cov_diff_a / mean_a**3
    return rel, (max(var, 0.0) if np.ndim(var) == 0 else np.maximum(var, 0.0))


def compare(control: Statistic, treatment: Statistic, config: CompareConfig = CompareConfig()) -> Comparison:
    """Compare `treatment` with `control` (same statistic type). See the module docstring."""
    if type(control) is not type(treatment):
        raise TypeError("control and treatment must be the same statistic type")
    na, nb = control.n, treatment.n
    if na < 2 or nb < 2:
        seen = na >= 1 and nb >= 1
        return _default(treatment.mean - control.mean if seen else float("nan"), control.mean if seen else math.nan)
    alpha = config.alpha
    ma, mb = control.mean, treatment.mean
    reduction = None

    if isinstance(control, RegressionAdjustedStatistic):
        assert isinstance(treatment, RegressionAdjustedStatistic)  # both arms are summarised alike
        theta = config.theta or 0.0
        va, vb = control.adjusted_variance(theta), treatment.adjusted_variance(theta)
        diff = (mb - ma) - theta * (treatment.pre.mean - control.pre.mean)
        raw_var = control.variance / na + treatment.variance / nb
        var_diff = va / na + vb / nb
        reduction = 1 - var_diff / raw_var if raw_var > 0 else 0.0
        var_mean_a = control.variance / na
        cov_diff_a = -(control.variance - theta * control.covariance) / na
    else:
        va, vb = control.variance, treatment.variance
        diff = mb - ma
        var_diff = va / na + vb / nb
        var_mean_a = va / na
        cov_diff_a = -var_mean_a

    if not var_diff > 0:
        return _default(diff, ma, "no_variance")
    se = math.sqrt(var_diff)

    if isinstance(control, ProportionStatistic):
        assert isinstance(treatment, ProportionStatistic)
        dof = float("inf")
        pooled = (control.sum + treatment.sum) / (na + nb)
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        p_value = _two_sided_p(diff / se0, dof) if se0 > 0 else 1.0
    else:
        dof = welch_dof(va, na, vb, nb)
        p_value = _two_sided_p(diff / se, dof)
    q = _quantile(alpha, dof)

    if ma != 0:
        rel, var_rel = _relative(ma, var_mean_a, diff, var_diff, cov_diff_a)
        rel_half = q * math.sqrt(var_rel)
        rel_p = _two_sided_p(rel / math.sqrt(var_rel), dof) if var_rel > 0 else float("nan")
    else:
        rel, rel_half, rel_p = float("nan"), float("nan"), float("nan")

    n_total = na + nb
    half_seq = sequential_halfwidth(var_diff, n_total, alpha, config.sequential_tuning)
    p_seq = sequential_p_value(diff, var_diff, n_total, alpha, config.sequential_tuning)

    if not config.bayesian:
        chance, loss_t, loss_c = float("nan"), float("nan"), float("nan")
    elif isinstance(control, ProportionStatistic):
        assert isinstance(treatment, ProportionStatistic)
        chance, loss_t, loss_c = beta_chance_and_loss(
            1 + control.sum, 1 + na - control.sum, 1 + treatment.sum, 1 + nb - treatment.sum
        )
    else:
        chance, loss_t, loss_c = normal_chance_and_loss(diff, se)
    if not config.higher_is_better:
        chance, loss_t = 1 - chance, loss_c

    return Comparison(
        lift=diff,
        lift_ci_low=diff - q * se,
        lift_ci_high=diff + q * se,
        lift_se=se,
        relative_lift=rel,
        relative_lift_ci_low=rel - rel_half,
        relative_lift_ci_high=rel + rel_half,
        p_value=min(p_value, 1.0),
        dof=dof,
        sequential_ci_low=diff - half_seq,
        sequential_ci_high=diff + half_seq,
        sequential_p_value=p_seq,
        prob_beat_control=chance,
        expected_loss=loss_t,
        variance_reduction=reduction,
        relative_p_value=min(float(rel_p), 1.0),
    )


# a comparison's effect and its intervals, absolute then relative (in this order wherever listed)
LIFT_FIELDS = (
    "lift",
    "lift_ci_low",
    "lift_ci_high",
    "relative_lift",
    "relative_lift_ci_low",
    "relative_lift_ci_high",
)
# the fields of `Comparison` that `compare_arrays` computes for many comparisons at once
ARRAY_FIELDS = (
    *LIFT_FIELDS,
    "relative_p_value",
    "p_value",
    "sequential_ci_low",
    "sequential_ci_high",
    "sequential_p_value",
    "valid",
)


def compare_arrays(
    binary: np.ndarray, na, sa, ssa, nb, sb, ssb, alpha: float = 0.05, tuning: float = 5000.0
) -> dict[str, np.ndarray]:
    """The vectorised form of `compare` for many proportion / mean comparisons at once (a portfolio
    of summaries), without the Bayesian part: element i compares control (na, sa, ssa) with
    treatment (nb, sb, ssb), a proportion where `binary` (ssa/ssb unused), else a mean. Returns the
    `Comparison` fields named in ARRAY_FIELDS, in that order, as arrays: the same formulas (checked
    equal to `compare` field by field in tests/experiments); invalid comparisons (valid False) get
    no p-value and NaN intervals, as there."""
    binary = np.asarray(binary, dtype=bool)
    na, nb = np.asarray(na, dtype=float), np.asarray(nb, dtype=float)
    sa, sb = np.asarray(sa, dtype=float), np.asarray(sb, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ma, mb = np.where(na > 0, sa / na, 0.0), np.where(nb > 0, sb / nb, 0.0)

        def var(n, s, ss, m):
            sample = np.where(n >= 2, np.maximum((np.asarray(ss, dtype=float) - s**2 / n) / (n - 1), 0.0), 0.0)
            return np.where(binary, m * (1 - m), sample)

        va, vb = var(na, sa, ssa, ma), var(nb, sb, ssb, mb)
        diff = mb - ma
        var_diff = va / na + vb / nb
        valid = (na >= 2) & (nb >= 2) & (var_diff > 0)
        se = np.sqrt(np.where(valid, var_diff, 1.0))
        pooled = (sa + sb) / (na + nb)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        dof = np.where(binary, np.inf, welch_dof(va, na, vb, nb))
        stat = np.where(binary, diff / np.where(se0 > 0, se0, 1.0), diff / se)
        p = np.where(binary & ~(se0 > 0), 1.0, np.minimum(_two_sided_p(stat, dof), 1.0))
        q = _quantile(alpha, dof)
        rel, var_rel = _relative(np.where(ma != 0, ma, 1.0), va / na, diff, var_diff, -va / na)
        rel = np.where(ma != 0, rel, np.nan)
        rel_half = q * np.sqrt(var_rel)
        rel_p = np.minimum(_two_sided_p(rel / np.sqrt(np.where(var_rel > 0, var_rel, np.nan)), dof), 1.0)
        n_total = na + nb
        half_seq = sequential_halfwidth(np.where(valid, var_diff, 1.0), n_total, alpha, tuning)
        p_seq = sequential_p_value(diff, np.where(valid, var_diff, 1.0), n_total, alpha, tuning)
    nan = np.full(diff.shape, np.nan)

    def ok(x, default=nan):
        return np.where(valid, x, default)

    return {
        "lift": diff,
        "lift_ci_low": ok(diff - q * se),
        "lift_ci_high": ok(diff + q * se),
        "relative_lift": np.where(na * nb > 0, rel, np.nan),
        "relative_lift_ci_low": ok(rel - rel_half),
        "relative_lift_ci_high": ok(rel + rel_half),
        "relative_p_value": ok(rel_p),
        "p_value": ok(p),
        "sequential_ci_low": ok(diff - half_seq),
        "sequential_ci_high": ok(diff + half_seq),
        "sequential_p_value": ok(p_seq),
        "valid": valid,
    }


def mean_interval(stat: Statistic, alpha: float = 0.05) -> tuple[float, float]:
    """Per-variant CI of the mean: Wilson score for proportions, t for means, delta-method t for
    ratios (and the unadjusted metric for CUPED statistics)."""
    from scipy import stats as st

    n = stat.n
    if n < 2:
        return float("nan"), float("nan")
    if isinstance(stat, ProportionStatistic):
        z = float(st.norm.ppf(1 - alpha / 2))
        p = stat.mean
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        return centre - half, centre + half
    if isinstance(stat, (SampleMeanStatistic, RegressionAdjustedStatistic, RatioStatistic)):
        half = float(st.t.ppf(1 - alpha / 2, n - 1)) * math.sqrt(stat.variance / n)
        return stat.mean - half, stat.mean + half
    raise TypeError(type(stat).__name__)
