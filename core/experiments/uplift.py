"""Uplift evaluation: Qini curve and coefficient, area under the uplift curve (AUUC).

For a score that ranks units by predicted uplift of treatment over control, the Qini curve at
the top-k units is Y_t(k) - Y_c(k) * N_t(k) / N_c(k) (conversions among treated in the top k,
minus control conversions scaled to the treated count). A good ranking bows above the straight
line from 0 to Q(N); the Qini coefficient is the area between them, per treated unit.
"""

from __future__ import annotations

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
