"""Uplift evaluation: Qini curve and coefficient, area under the uplift curve (AUUC).

For a score that ranks units by predicted uplift of treatment over control, the Qini curve at
the top-k units is Y_t(k) - Y_c(k) * N_t(k) / N_c(k) (conversions among treated in the top k,
minus control conversions scaled to the treated count). A good ranking bows above the straight
line from 0 to Q(N); the Qini coefficient is the area between them, per treated unit.
"""

from __future__ import annotations

import numpy as np


def qini_curve(score, treated, outcome) -> tuple[np.ndarray, np.ndarray]:
    """(fraction of units targeted, Qini value), both starting at 0. Ties keep input order."""
    s = np.asarray(score, dtype=float)
    t = np.asarray(treated, dtype=bool)
    y = np.asarray(outcome, dtype=float)
    order = np.argsort(-s, kind="stable")
    t, y = t[order], y[order]
    nt, nc = np.cumsum(t), np.cumsum(~t)
    yt, yc = np.cumsum(y * t), np.cumsum(y * ~t)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = yt - np.where(nc > 0, yc * nt / nc, 0.0)
    frac = np.arange(len(s) + 1) / max(len(s), 1)
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
    s = np.asarray(score, dtype=float)
    t = np.asarray(treated, dtype=bool)
    y = np.asarray(outcome, dtype=float)
    order = np.argsort(-s, kind="stable")
    t, y = t[order], y[order]
    nt, nc = np.cumsum(t), np.cumsum(~t)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where((nt > 0) & (nc > 0), np.cumsum(y * t) / nt - np.cumsum(y * ~t) / nc, 0.0)
    k = np.arange(1, len(s) + 1)
    return float(np.mean(lift * k / len(s)))
