"""Heavy outliers per unit, and capping (winsorising) them at a percentile.

One player with 49,854 game rounds among 90,000 with a median of 16 moves a mean and its variance
more than thousands of ordinary players together. Experimentation platforms (Statsig, Eppo,
GrowthBook) cap each unit's value at a percentile of all units before testing; we do the same when
asked, and say when it looks needed: a unit whose value is more than `HEAVY_RATIO` times the
percentile is a heavy outlier.

    check = outlier_check(values, percentile=99)
    if check.heavy: ...              # warn, offer capping
    capped = winsorize(values, check.cap)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

HEAVY_RATIO = 10.0  # the largest unit above 10x the percentile: a few units dominate the mean
DEFAULT_PERCENTILE = 99.0


@dataclass(frozen=True)
class OutlierCheck:
    """`column`'s units: the value at `percentile` over all units (pooled across variants, the
    cap), the largest value, how many units lie above the cap, and their share of the column's
    total. `heavy`: the largest unit exceeds HEAVY_RATIO x the cap (and the cap is positive)."""

    column: str
    percentile: float
    cap: float
    max: float
    n_above: int
    share_above: float
    heavy: bool


def outlier_check(values: np.ndarray, column: str = "", percentile: float = DEFAULT_PERCENTILE) -> OutlierCheck:
    """The check for one metric column's per-unit values (NaN ignored). ValueError for a
    percentile outside (0, 100]."""
    if not 0 < percentile <= 100:
        raise ValueError(f"the capping percentile must be in (0, 100], got {percentile}")
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if not len(x):
        return OutlierCheck(column, percentile, math.nan, math.nan, 0, 0.0, False)
    cap = float(np.percentile(x, percentile))
    top = float(x.max())
    above = x > cap
    total = float(np.abs(x).sum())
    share = float((x[above] - cap).sum() / total) if total > 0 else 0.0
    heavy = cap > 0 and top > HEAVY_RATIO * cap
    return OutlierCheck(column, percentile, cap, top, int(above.sum()), share, bool(heavy))


def winsorize(values: np.ndarray, cap: float) -> np.ndarray:
    """`values` with everything above `cap` set to `cap` (NaN stays NaN)."""
    x = np.asarray(values, dtype=float)
    return np.where(x > cap, cap, x)
