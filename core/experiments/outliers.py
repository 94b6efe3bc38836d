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
    total = np.add.reduce(x)
    if not math.isfinite(total):  # one cheap pass: a NaN (or an infinity) somewhere
        x = x[~np.isnan(x)]
        total = np.add.reduce(x)
    if not len(x):
        return OutlierCheck(column, percentile, math.nan, math.nan, 0, 0.0, False)
    cap, tail = percentile_and_tail(x, percentile)
    top = float(tail.max())
    above = tail[tail > cap]  # x[x > cap], in x's order: tail holds every value above cap
    # the sum of |x| without a copy of |x| when nothing is negative (the usual metric)
    total = float(total if x.min() >= 0 else np.abs(x).sum())
    share = float((above - cap).sum() / total) if total > 0 else 0.0
    heavy = cap > 0 and top > HEAVY_RATIO * cap
    return OutlierCheck(column, percentile, cap, top, len(above), share, bool(heavy))


SELECT_MIN_ROWS = 200_000  # below this, numpy's percentile (a partition of a copy) is as fast
SAMPLE_ROWS = 100_000  # about this many values, evenly strided, bracket the percentile


def percentile_and_tail(x: np.ndarray, q: float) -> tuple[float, np.ndarray]:
    """(`np.percentile(x, q)` to the last bit, the values of `x` from some point below it up, in
    x's order) for finite `x`. For a high percentile of a big array, without partitioning a copy
    of all of it: a strided sample gives a bound safely below the two order statistics needed, one
    pass keeps the values from that bound up (about 1% of them for the 99th), and only those are
    partitioned. Small arrays, low percentiles and a bound that misses (odd data) take numpy's
    way, with all of `x` as the tail."""
    n = len(x)
    virtual = np.float64(n - 1) * np.true_divide(np.float64(q), 100)  # as numpy computes it
    if n < SELECT_MIN_ROWS or virtual < (n - 1) / 2:
        return float(np.percentile(x, q)), x
    if virtual >= n - 1:
        return float(x.max()), x
    k = int(np.floor(virtual))
    gamma = virtual - np.float64(k)
    sample = np.sort(x[:: max(n // SAMPLE_ROWS, 1)])
    m = len(sample)
    p = k / (n - 1)
    margin = 6 * math.sqrt(max(p * (1 - p), 1e-6) / m) + 2 / m
    lo = sample[max(int((p - margin) * m), 0)]
    tail = x[x >= lo]
    below = n - len(tail)
    if not below <= k:
        return float(np.percentile(x, q)), x
    part = np.partition(tail, [k - below, k + 1 - below])
    a, b = part[k - below], part[k + 1 - below]
    diff = b - a  # numpy's _lerp, step for step
    return float(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma), tail


def exact_percentile(x: np.ndarray, q: float) -> float:
    """`np.percentile(x, q)` to the last bit for finite `x` (see percentile_and_tail)."""
    return percentile_and_tail(x, q)[0]


def winsorize(values: np.ndarray, cap: float) -> np.ndarray:
    """`values` with everything above `cap` set to `cap` (NaN stays NaN)."""
    x = np.asarray(values, dtype=float)
    return np.where(x > cap, cap, x)
