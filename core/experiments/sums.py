"""Per-group sums and the summable statistic of each group: numpy bincounts for small inputs,
one DuckDB scan for big ones (`prefetch_sums`: every metric at once). Never a Python loop over rows."""

from __future__ import annotations

import numpy as np

from core.experiments.prepare import ExperimentData
from core.experiments.spec import MetricSpec
from core.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
)
from core.query.experiments import pair_sums


def bincount_sums(codes: np.ndarray, size: int, x: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(codes, weights=x, minlength=size).astype(float)


DUCKDB_MIN_ROWS = 1_000_000  # above this, one DuckDB GROUP BY beats several numpy bincounts


def grouped_sums(
    groups: np.ndarray, size: int, y: np.ndarray, x: np.ndarray | None = None, squares: bool = True
) -> list[np.ndarray]:
    """Per group code in [0, size): [n, sum y] + [sum y^2] if squares + [sum x, sum x^2, sum xy]
    if x is given. numpy bincount for small inputs, one multi-threaded DuckDB scan for big ones."""
    names = ["n", "y"] + (["yy"] if squares else []) + (["x", "xx", "xy"] if x is not None else [])
    if len(groups) < DUCKDB_MIN_ROWS:
        values = {"y": y, "yy": y * y if squares else None}
        if x is not None:
            values.update(x=x, xx=x * x, xy=x * y)
        return [bincount_sums(groups, size, None if k == "n" else values[k]) for k in names]
    columns = {"y": y, **({"x": x} if x is not None else {})}
    pair = ("y", "x" if x is not None else None)
    return pair_sums(groups, size, columns, [pair], squares=squares)[pair]


def group_statistics(
    data: ExperimentData, metric: MetricSpec, groups: np.ndarray, size: int, covariate: str | None = None
) -> tuple[str, list]:
    """(kind, [statistic per group]) for group codes in [0, size) over the data's rows."""
    cols = [metric.column] + [c for c in (metric.denominator, covariate) if c]
    arrays = [data.values[c] for c in cols]
    gaps = [a for c, a in zip(cols, arrays) if data.has_missing(c)]
    if gaps:  # only copy when something is missing
        keep = ~np.isnan(gaps[0])
        for a in gaps[1:]:
            keep &= ~np.isnan(a)
        groups, arrays = groups[keep], [a[keep] for a in arrays]
    y = arrays[0]
    pre = None
    if data.prefetched.get("codes") is groups:  # sums prefetched for exactly these group codes
        pre = data.prefetched["sums"].get((cols[0], cols[1] if len(cols) > 1 else None))
    if data.is_counts(metric):  # n = summed exposures, sum = summed conversions
        _, s = grouped_sums(groups, size, y, squares=False)
        _, n = grouped_sums(groups, size, arrays[1], squares=False)
        return "proportion", [ProportionStatistic(int(round(n[i])), s[i]) for i in range(size)]
    if metric.denominator or covariate:
        n, *sums = pre if pre is not None else grouped_sums(groups, size, y, arrays[1])
        cls = RatioStatistic if metric.denominator else RegressionAdjustedStatistic
        kind = "ratio" if metric.denominator else "mean"
        return kind, [cls(int(n[i]), *(c[i] for c in sums)) for i in range(size)]
    proportion = metric.kind == "proportion" or (metric.kind == "auto" and data.binary[metric.column])
    if proportion:
        n, s = pre[:2] if pre is not None else grouped_sums(groups, size, y, squares=False)
        return "proportion", [ProportionStatistic(int(n[i]), s[i]) for i in range(size)]
    n, s, ss = pre[:3] if pre is not None else grouped_sums(groups, size, y)
    return "mean", [SampleMeanStatistic(int(n[i]), s[i], ss[i]) for i in range(size)]


def prefetch_sums(data: ExperimentData, metrics: list[MetricSpec]) -> None:
    """For big inputs without missing values: every metric's per-variant sums in ONE DuckDB scan
    (instead of one scan per metric). Small or incomplete inputs are left to `grouped_sums`."""
    if len(data.codes) < DUCKDB_MIN_ROWS:
        return
    pairs = []
    for m in metrics:
        cov = data.spec.covariate if not m.denominator and data.spec.covariate != m.column else None
        pairs.append((m.column, m.denominator or cov))
    used = {c for p in pairs for c in p if c}
    if any(data.has_missing(c) for c in used):
        return
    binary = {c for c in used if data.binary.get(c)}
    sums = pair_sums(data.codes, len(data.variants), {c: data.values[c] for c in used}, pairs, binary=binary)
    data.prefetched = {"codes": data.codes, "sums": sums}
    if not data.spec.exposure and "units" not in vars(data):  # the scan counted the units too
        vars(data)["units"] = np.rint(sums[pairs[0]][0]).astype(np.int64)  # (fills the cached_property)
