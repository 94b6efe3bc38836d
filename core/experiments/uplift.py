"""Uplift evaluation: Qini curve and coefficient, area under the uplift curve (AUUC).

For a score that ranks units by predicted uplift of treatment over control, the Qini curve at
the top-k units is Y_t(k) - Y_c(k) * N_t(k) / N_c(k) (conversions among treated in the top k,
minus control conversions scaled to the treated count). A good ranking bows above the straight
line from 0 to Q(N); the Qini coefficient is the area between them, per treated unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _ranked_totals(score, treated, outcome):
    """Running counts and conversions of treated and control units, best score first (ties in input
    order): (n_t, n_c, y_t, y_c), each of length N."""
    t = np.asarray(treated, dtype=bool)
    y = np.asarray(outcome, dtype=float)
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    t, y = t[order], y[order]
    return np.cumsum(t), np.cumsum(~t), np.cumsum(y * t), np.cumsum(y * ~t)


def qini_curve(score, treated, outcome) -> tuple[np.ndarray, np.ndarray]:
    """(fraction of units targeted, Qini value), both starting at 0. Ties keep input order."""
    nt, nc, yt, yc = _ranked_totals(score, treated, outcome)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = yt - np.where(nc > 0, yc * nt / nc, 0.0)
    frac = np.arange(len(nt) + 1) / max(len(nt), 1)
    return frac, np.r_[0.0, q]


def qini_coefficient(score, treated, outcome) -> float:
    """Area between the Qini curve and the random-targeting line, divided by the number of
    treated units (0 for random ranking, > 0 when the score finds the responders)."""
    frac, q = qini_curve(score, treated, outcome)
    n_t = max(int(np.asarray(treated, dtype=bool).sum()), 1)
    area = np.trapezoid(q, frac)
    return float((area - q[-1] / 2) / n_t)


def auuc(score, treated, outcome) -> float:
    """Area under the uplift curve: mean over k of (rate_t(k) - rate_c(k)) * k / N."""
    nt, nc, yt, yc = _ranked_totals(score, treated, outcome)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where((nt > 0) & (nc > 0), yt / nt - yc / nc, 0.0)
    k = np.arange(1, len(nt) + 1)
    return float(np.mean(lift * k / len(nt)))


def mean_qini(pred: np.ndarray, variant: np.ndarray, outcome: np.ndarray) -> float:
    """The Qini coefficient averaged over treatments: for treatment v, units of v and of control
    (code 0) ranked by pred[:, v] - pred[:, 0]. `pred`: (units, variants) predicted outcomes."""
    values = []
    for v in range(1, pred.shape[1]):
        m = (variant == v) | (variant == 0)
        if (variant[m] == v).any() and (variant[m] == 0).any():
            values.append(qini_coefficient(pred[m, v] - pred[m, 0], variant[m] == v, outcome[m]))
    return float(np.mean(values)) if values else float("nan")


@dataclass(frozen=True)
class QiniDifference:
    """Mean Qini of model a minus model b on the same units, with a percentile bootstrap interval
    over units (`level`, e.g. 0.95). `clear`: the interval excludes 0."""

    difference: float
    low: float
    high: float
    level: float
    n_boot: int

    @property
    def clear(self) -> bool:
        return bool(self.low > 0 or self.high < 0)


def qini_difference(
    pred_a: np.ndarray,
    pred_b: np.ndarray,
    variant: np.ndarray,
    outcome: np.ndarray,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> QiniDifference:
    """Whether model a ranks responders better than model b: mean_qini(a) - mean_qini(b) on these
    units, and its bootstrap interval (units resampled with replacement, both models scored on the
    same resample, so what they share cancels). Units: held-out users, one row each."""
    variant = np.asarray(variant)
    outcome = np.asarray(outcome, dtype=float)
    diff = mean_qini(pred_a, variant, outcome) - mean_qini(pred_b, variant, outcome)
    rng = np.random.default_rng(seed)
    n = len(variant)
    draws = np.empty(n_boot)
    for i in range(n_boot):
        idx = rng.integers(0, n, n)
        v, y = variant[idx], outcome[idx]
        draws[i] = mean_qini(pred_a[idx], v, y) - mean_qini(pred_b[idx], v, y)
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return QiniDifference(diff, float("nan"), float("nan"), level, 0)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return QiniDifference(float(diff), float(low), float(high), level, len(draws))
