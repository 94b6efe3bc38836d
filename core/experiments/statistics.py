"""Summary statistics that add up (GrowthBook's gbstats shape).

Every test in this package runs on these small dataclasses, never on raw rows: a variant's
statistic is a handful of sums (n, sum, sum of squares, cross products), so a day's statistic plus
the next day's is the two days' statistic, and 10M rows cost one GROUP BY.

Each statistic exposes `n` (units), `mean` (the metric's point estimate) and `variance`
(per-unit variance of that estimate's influence function, so that Var(mean) = variance / n).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


def _add(a, b):
    if type(a) is not type(b):
        raise TypeError(f"cannot add {type(a).__name__} and {type(b).__name__}")
    return type(a)(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(a)})


@dataclass(frozen=True)
class ProportionStatistic:
    """A binary metric: n units, `sum` of them converted."""

    n: int
    sum: float

    __add__ = _add

    @property
    def mean(self) -> float:
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        p = self.mean
        return p * (1.0 - p)


@dataclass(frozen=True)
class SampleMeanStatistic:
    """A numeric metric: n units with their sum and sum of squares."""

    n: int
    sum: float
    sum_squares: float

    __add__ = _add

    @property
    def mean(self) -> float:
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        if self.n < 2:
            return 0.0
        return max((self.sum_squares - self.sum**2 / self.n) / (self.n - 1), 0.0)


@dataclass(frozen=True)
class RatioStatistic:
    """A ratio of two per-unit sums (CTR = clicks / impressions, CPA = spend / conversions, ...).

    The unit (a user, an ad, a day) is what was randomised or sampled; the delta method turns
    the numerator and denominator moments into the variance of sum(m) / sum(d).
    """

    n: int
    m_sum: float
    m_sum_squares: float
    d_sum: float
    d_sum_squares: float
    m_d_sum_of_products: float

    __add__ = _add

    @property
    def mean(self) -> float:
        return self.m_sum / self.d_sum if self.d_sum else 0.0

    @property
    def variance(self) -> float:
        if self.n < 2 or self.d_sum == 0:
            return 0.0
        n = self.n
        mm, md = self.m_sum / n, self.d_sum / n
        var_m = (self.m_sum_squares - self.m_sum**2 / n) / (n - 1)
        var_d = (self.d_sum_squares - self.d_sum**2 / n) / (n - 1)
        cov = (self.m_d_sum_of_products - self.m_sum * self.d_sum / n) / (n - 1)
        v = var_m / md**2 - 2 * cov * mm / md**3 + var_d * mm**2 / md**4
        return max(v, 0.0)


@dataclass(frozen=True)
class RegressionAdjustedStatistic:
    """A numeric metric with a pre-period covariate, for CUPED.

    `post_*` are the metric's sums, `pre_*` the covariate's; theta is fitted on the pooled
    variants by `cuped_theta` (the same theta must be used for every variant).
    """

    n: int
    post_sum: float
    post_sum_squares: float
    pre_sum: float
    pre_sum_squares: float
    post_pre_sum_of_products: float

    __add__ = _add

    @property
    def post(self) -> SampleMeanStatistic:
        return SampleMeanStatistic(self.n, self.post_sum, self.post_sum_squares)

    @property
    def pre(self) -> SampleMeanStatistic:
        return SampleMeanStatistic(self.n, self.pre_sum, self.pre_sum_squares)

    @property
    def covariance(self) -> float:
        if self.n < 2:
            return 0.0
        return (self.post_pre_sum_of_products - self.post_sum * self.pre_sum / self.n) / (self.n - 1)

    @property
    def mean(self) -> float:
        return self.post.mean

    @property
    def variance(self) -> float:
        return self.post.variance

    def adjusted_variance(self, theta: float) -> float:
        """Per-unit variance of post - theta * pre."""
        return max(self.post.variance - 2 * theta * self.covariance + theta**2 * self.pre.variance, 0.0)


Statistic = ProportionStatistic | SampleMeanStatistic | RatioStatistic | RegressionAdjustedStatistic


def cuped_theta(stats: list[RegressionAdjustedStatistic]) -> float:
    """theta = Cov(post, pre) / Var(pre) over all variants pooled (Deng et al. 2013)."""
    total = stats[0]
    for s in stats[1:]:
        total = total + s
    var_pre = total.pre.variance
    return total.covariance / var_pre if var_pre > 0 else 0.0


def proportion_from_values(values) -> ProportionStatistic:
    x = np.asarray(values, dtype=float)
    return ProportionStatistic(n=int(x.size), sum=float(x.sum()))


def mean_from_values(values) -> SampleMeanStatistic:
    x = np.asarray(values, dtype=float)
    return SampleMeanStatistic(n=int(x.size), sum=float(x.sum()), sum_squares=float((x * x).sum()))


def ratio_from_values(numerator, denominator) -> RatioStatistic:
    m = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    return RatioStatistic(
        n=int(m.size),
        m_sum=float(m.sum()),
        m_sum_squares=float((m * m).sum()),
        d_sum=float(d.sum()),
        d_sum_squares=float((d * d).sum()),
        m_d_sum_of_products=float((m * d).sum()),
    )


def regression_from_values(post, pre) -> RegressionAdjustedStatistic:
    y = np.asarray(post, dtype=float)
    x = np.asarray(pre, dtype=float)
    return RegressionAdjustedStatistic(
        n=int(y.size),
        post_sum=float(y.sum()),
        post_sum_squares=float((y * y).sum()),
        pre_sum=float(x.sum()),
        pre_sum_squares=float((x * x).sum()),
        post_pre_sum_of_products=float((x * y).sum()),
    )
