"""Rows in, `ExperimentData` out: validated columns, variant codes (control = 0), float metric
values, rows summed per unit, counts told from amounts, outliers checked (and capped)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.experiments.columns import metric_values
from core.experiments.guesses import EXPOSURE_NAMES
from core.experiments.notices import Notice
from core.experiments.outliers import DEFAULT_PERCENTILE, outlier_check, winsorize
from core.experiments.spec import CONTROL_NAMES, MAX_VARIANTS, ExperimentSpec, MetricSpec


@dataclass
class ExperimentData:
    """Rows ready for analysis: one row per unit, variant codes (int8, control = 0), float metric
    columns, and optional day and segment columns."""

    variants: list[str]
    codes: np.ndarray
    values: dict[str, np.ndarray]
    binary: dict[str, bool]
    spec: ExperimentSpec
    day: np.ndarray | None = None
    segments: dict[str, np.ndarray] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    # when rows were summed per unit and there is a time column: the original rows (unit index,
    # day, values), so the cumulative view can rebuild each unit's metric as of each day
    rows: dict | None = None
    # grouped sums fetched ahead in one scan, valid only for the `codes` array they were made from:
    # {"codes": codes, "sums": {(y column, x column or None): [n, y, yy, x, xx, xy]}}
    prefetched: dict = field(default_factory=dict)
    # (numerator, denominator) pairs whose rows are counts: summed per variant, tested as proportions
    counts: set = field(default_factory=set)
    # per non-binary metric column: its OutlierCheck on the uncapped per-unit values; `caps`: the
    # value each column was capped at (only with spec.cap_percentile)
    outliers: dict = field(default_factory=dict)
    caps: dict = field(default_factory=dict)
    # per column: whether it has a missing (NaN) value, found once (see has_missing)
    missing: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def has_missing(self, column: str) -> bool:
        """Whether `column` has a missing value: one sum over the column (finite: nothing
        missing), remembered; only a non-finite sum looks for the NaN itself."""
        if column not in self.missing:
            self.missing[column] = has_nan(self.values[column])
        return self.missing[column]

    def is_counts(self, metric: MetricSpec) -> bool:
        return metric.denominator is not None and (metric.column, metric.denominator) in self.counts

    @property
    def control(self) -> str:
        return self.variants[0]

    @cached_property
    def units(self) -> np.ndarray:
        """What the SRM check counts per variant: units, or the exposure column's sums."""
        return self.exposure_counts(self.codes, len(self.variants))

    def exposure_counts(self, groups: np.ndarray, size: int) -> np.ndarray:
        if self.spec.exposure:
            x = self.values[self.spec.exposure]
            ok = ~np.isnan(x)
            return np.rint(np.bincount(groups[ok], weights=x[ok], minlength=size)).astype(np.int64)
        return np.bincount(groups, minlength=size)


def has_nan(x: np.ndarray) -> bool:
    """Whether a float array holds a NaN, for the price of a sum when it holds none."""
    return not math.isfinite(np.add.reduce(x)) and bool(np.isnan(x).any())


def is_unique(column: pd.Series) -> bool:
    """`column.is_unique`, without hashing every value when the ids are integers that rise
    (a pass) or fill a range (a bincount); pandas' hash table otherwise."""
    if column.dtype.kind in "iu" and len(column) > 1:
        ids = column.to_numpy()
        if bool((ids[1:] > ids[:-1]).all()):
            return True
        lo, hi = int(ids.min()), int(ids.max())
        if hi - lo < 4 * len(ids):
            return int(np.bincount((ids - lo).astype(np.int64)).max()) <= 1
    return bool(column.is_unique)


def code_counts(codes: np.ndarray, size: int) -> np.ndarray:
    """Rows per code in [0, size): for 8-bit codes (a categorical column's) a comparison per code,
    which beats np.bincount's widening of every code to 64 bits when there are few codes."""
    if codes.dtype.itemsize == 1 and size <= MAX_VARIANTS:
        return np.array([np.count_nonzero(codes == i) for i in range(size)], dtype=np.int64)
    return np.bincount(codes, minlength=size)


def natural_key(s: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def pick_control(names: list[str], wanted: str | None, column: str, source: str | None) -> str:
    if wanted is not None:
        if wanted in names:
            return wanted
        raise ConfigError(
            f"control '{wanted}' is not a variant; variants are: {', '.join(names)}", file=source, column=column
        )
    for n in names:
        if n.strip().lower() in CONTROL_NAMES:
            return n
    return names[0]


def _require(df: pd.DataFrame, column: str | None, source: str | None):
    if column is not None and column not in df.columns:
        raise InputError(f"no such column; columns are: {', '.join(map(str, df.columns))}", file=source, column=column)


def prepare(
    df: pd.DataFrame, spec: ExperimentSpec, metrics: list[MetricSpec], segments: Sequence[str] = ()
) -> ExperimentData:
    """Validate and reshape `df` for the metrics (and segment columns) to analyse.

    Raises InputError / ConfigError for: missing columns, fewer than two variants, an unknown
    control, non-numeric metric values, a variant with no values for a metric."""
    src = spec.source
    cols = {m.column for m in metrics} | {m.denominator for m in metrics if m.denominator}
    if spec.exposure:
        cols.add(spec.exposure)
    for c in [spec.variant, spec.unit, spec.covariate, spec.time, *cols, *segments]:
        _require(df, c, src)
    if df.empty:
        raise InputError("the table has no rows", file=src)
    notices: list[Notice] = []

    if isinstance(df[spec.variant].dtype, pd.CategoricalDtype):  # codes are already there
        vcodes = df[spec.variant].cat.codes.to_numpy()
        uniques = df[spec.variant].cat.categories
    else:
        vcodes, uniques = pd.factorize(df[spec.variant])  # missing -> -1
    keep = None
    if vcodes.min() < 0:
        keep = vcodes >= 0
        notices.append(Notice("dropped_missing_variant", {"rows": int((~keep).sum())}))
        df = df.loc[keep]
        vcodes = vcodes[keep]
    raw_names = [str(u) for u in uniques]
    if len(raw_names) > MAX_VARIANTS:
        raise InputError(
            f"has {len(raw_names)} distinct values; a variant column holds a few "
            f"(at most {MAX_VARIANTS}) variant names",
            file=src,
            column=spec.variant,
        )
    values: dict[str, np.ndarray] = {}
    binary: dict[str, bool] = {}
    row_numbers = np.flatnonzero(keep) + 1 if keep is not None else None  # 1-based rows of the file
    finite = {}
    for c in sorted(cols | ({spec.covariate} if spec.covariate else set())):
        values[c], binary[c] = metric_values(df[c], c, src)
        finite[c] = math.isfinite(np.add.reduce(values[c]))  # a finite sum: no NaN, no infinity
        if not finite[c] and np.isinf(values[c]).any():
            inf = np.isinf(values[c])
            raise InputError(
                "values must be finite numbers, found infinity", file=src, column=c, rows=_rows(inf, row_numbers)
            )
    counts = set()
    if not spec.unit:
        for m in metrics:
            if m.denominator and _are_counts(values, m, row_numbers, src, notices):
                counts.add((m.column, m.denominator))
    day = pd.to_datetime(df[spec.time], errors="coerce").dt.floor("D").to_numpy() if spec.time else None
    seg = {s: df[s].astype("string").fillna("(missing)").to_numpy() for s in segments}

    rows = None
    if spec.unit and not is_unique(df[spec.unit]):
        frame = pd.DataFrame(values, index=df.index)
        frame["__variant"] = vcodes
        frame["__unit"] = df[spec.unit].to_numpy()
        if day is not None:
            frame["__day"] = day
        for s, v in seg.items():
            frame[f"__seg_{s}"] = v
        frame, rows = _collapse_units(frame, list(values), binary, spec, notices)
        vcodes = frame["__variant"].to_numpy()
        values = {c: frame[c].to_numpy(dtype=float) for c in values}
        day = frame["__day"].to_numpy() if day is not None else None
        seg = {s: frame[f"__seg_{s}"].to_numpy() for s in segments}
        finite = {}  # values summed per unit: to be looked at again

    names = sorted((raw_names[i] for i in np.flatnonzero(code_counts(vcodes, len(raw_names)))), key=natural_key)
    if len(names) < 2:
        found = f"only '{names[0]}'" if names else "none"
        raise InputError(f"an A/B test needs at least two variants, found {found}", file=src, column=spec.variant)
    control = pick_control(names, spec.control, spec.variant, src)
    names = [control] + [n for n in names if n != control]
    remap = np.full(len(raw_names), -1, dtype=np.int8)  # at most MAX_VARIANTS variants
    for i, n in enumerate(names):
        remap[raw_names.index(n)] = i
    same = vcodes.dtype == np.int8 and np.array_equal(remap, np.arange(len(raw_names)))
    codes = vcodes if same else remap[vcodes]

    outliers, caps = _cap_outliers(values, binary, metrics, counts, spec)
    data = ExperimentData(
        variants=names,
        codes=codes,
        values=values,
        binary=binary,
        spec=spec,
        notices=notices,
        day=day,
        segments=seg,
        rows=rows,
        counts=counts,
        outliers=outliers,
        caps=caps,
    )
    data.missing.update({c: False for c, ok in finite.items() if ok})
    for m in metrics:
        for c in [m.column] + ([m.denominator] if m.denominator else []):
            if not data.has_missing(c):
                continue  # every variant has rows, so every variant has values
            nan = np.isnan(data.values[c])
            per_variant = np.bincount(codes[~nan], minlength=len(names))
            empty = [n for n, k in zip(names, per_variant) if k == 0]
            if empty:
                raise InputError(f"variant '{empty[0]}' has no values", file=src, column=c)
    return data


def _cap_outliers(values: dict, binary: dict, metrics: list[MetricSpec], counts: set, spec: ExperimentSpec):
    """Check every non-binary metric column's per-unit values for heavy outliers and, with
    spec.cap_percentile, cap them in place (`values` is changed). Counts tested as proportions
    (clicks / impressions summed per variant) are not per-unit values and are left alone.
    Returns ({column: OutlierCheck}, {column: cap})."""
    percentile = spec.cap_percentile or DEFAULT_PERCENTILE
    checks, caps = {}, {}
    for m in metrics:
        c = m.column
        if c in checks or binary.get(c) or (m.column, m.denominator) in counts:
            continue
        checks[c] = outlier_check(values[c], c, percentile)
        if spec.cap_percentile is not None and np.isfinite(checks[c].cap):
            caps[c] = checks[c].cap
            values[c] = winsorize(values[c], caps[c])
    return checks, caps


def _rows(mask: np.ndarray, row_numbers: np.ndarray | None) -> list[int]:
    hit = np.flatnonzero(mask)[:5]
    return (row_numbers[hit] if row_numbers is not None else hit + 1).tolist()


def _are_counts(values: dict, metric: MetricSpec, row_numbers, src, notices) -> bool:
    """Whether `metric` (a ratio, rows without a unit column) is a count over a count: both columns
    whole numbers. Counts must be finite, non-negative, and (over an exposure such as impressions)
    the numerator may not exceed the denominator: InputError naming the rows otherwise. A ratio of
    amounts (spend) is not counts; nor are conversions above clicks (view-through), with a notice."""
    m, d = values[metric.column], values[metric.denominator]
    finite = np.isfinite(m) & np.isfinite(d)
    whole = finite & (m == np.floor(m)) & (d == np.floor(d))
    if not (whole | ~finite).all():
        return False  # amounts, not counts: the ratio with rows as units
    for c, x in ((metric.column, m), (metric.denominator, d)):
        if np.isnan(x).any():
            raise InputError("counts must not be missing", file=src, column=c, rows=_rows(np.isnan(x), row_numbers))
        if (x < 0).any():
            raise InputError("counts must not be negative", file=src, column=c, rows=_rows(x < 0, row_numbers))
    over = m > d
    if over.any():
        if EXPOSURE_NAMES.match(str(metric.denominator).strip()):
            raise InputError(
                f"{metric.column} exceeds {metric.denominator}; a count of clicks or conversions "
                f"cannot be larger than its exposures",
                file=src,
                column=metric.column,
                rows=_rows(over, row_numbers),
            )
        notices.append(
            Notice(
                "not_counts",
                {
                    "metric": metric.label,
                    "column": metric.column,
                    "denominator": metric.denominator,
                    "rows": int(over.sum()),
                },
            )
        )
        return False
    return True


def _collapse_units(frame: pd.DataFrame, columns, binary, spec: ExperimentSpec, notices) -> pd.DataFrame:
    """Sum rows per unit (binary metrics: converted at least once; the covariate: its mean).
    Returns (one row per unit, the original rows for the cumulative view or None)."""
    per_unit = frame.groupby("__unit", sort=False)["__variant"].nunique()
    mixed = per_unit.index[per_unit > 1]
    if len(mixed):
        notices.append(Notice("mixed_units", {"units": int(len(mixed))}))
        frame = frame.loc[~frame["__unit"].isin(mixed)]
    codes, _ = pd.factorize(frame["__unit"])
    frame = frame.assign(__unit=codes)
    agg = {c: "mean" if c == spec.covariate else "max" if binary[c] else "sum" for c in columns}
    agg["__variant"] = "first"
    if "__day" in frame:
        agg["__day"] = "min"
    for c in frame.columns:
        if c.startswith("__seg_"):
            agg[c] = "first"
    # min_count=1 keeps a unit whose values are all missing as NaN instead of 0
    grouped = frame.groupby("__unit", sort=True)
    out = grouped.agg(agg)
    for c in columns:
        if agg[c] == "sum":
            out[c] = grouped[c].sum(min_count=1)
    rows = None
    if "__day" in frame:
        rows = {
            "unit": codes,
            "day": frame["__day"].to_numpy(),
            "values": {c: frame[c].to_numpy(dtype=float) for c in columns},
        }
    return out.reset_index(drop=True), rows
