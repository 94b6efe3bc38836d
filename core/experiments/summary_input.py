"""Per-variant summaries in: which column plays which role (guessed from English or Chinese
headers), what the analysis is asked (`SummarySpec`), and `read_summary`, which checks every value
and names the file, column and rows of a bad one."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.experiments.direction import metric_direction
from core.experiments.spec import higher_is_better
from core.experiments.summary_roles import ROLE_PATTERNS
from core.experiments.wide import long_if_wide

KEYS = ("experiment", "metric", "variant")


@dataclass(frozen=True)
class SummaryColumns:
    """Which column plays which role. `count` and `variant` are required; then `conversions`, or
    `mean` / `sum` with one of `variance`, `sd`, `sum_squares` (a `mean` alone is a binary rate)."""

    variant: str
    count: str
    mean: str | None = None
    sum: str | None = None
    variance: str | None = None
    sd: str | None = None
    sum_squares: str | None = None
    conversions: str | None = None
    experiment: str | None = None
    metric: str | None = None
    time: str | None = None

    def used(self) -> list[str]:
        return [
            c
            for c in (
                self.experiment,
                self.metric,
                self.variant,
                self.time,
                self.count,
                self.mean,
                self.sum,
                self.variance,
                self.sd,
                self.sum_squares,
                self.conversions,
            )
            if c
        ]


@dataclass(frozen=True)
class SummarySpec:
    """control: the control variant's name (None: one named like 'control'/'A', else the first);
    weights: the planned split for SRM (None: equal); bayesian=False skips chance to beat (fast)."""

    control: str | None = None
    alpha: float = 0.05
    sequential_tuning: float = 5000.0
    weights: tuple[float, ...] | None = None
    check_srm: bool = True
    bayesian: bool = True
    source: str | None = None
    # metrics where a fall is good news / a rise is, whatever their names suggest (`higher_is_better`)
    lower_is_better: tuple[str, ...] = ()
    higher_is_better: tuple[str, ...] = ()

    def direction(self, metric: str) -> bool:
        """True when a rise in `metric` is good news (as said here, else guessed from its name)."""
        return higher_is_better(metric, self.lower_is_better, self.higher_is_better)

    def direction_source(self, metric: str) -> str:
        """Where `metric`'s direction came from: 'user', 'name' or 'default' (`metric_direction`)."""
        return metric_direction(metric, self.lower_is_better, self.higher_is_better).source


def guess_summary_columns(df: pd.DataFrame) -> dict[str, str | None]:
    """A first guess of every role from the headers (English or Chinese, any case); None where
    nothing fits."""
    lower = {c: str(c).strip().lower() for c in df.columns}
    out: dict[str, str | None] = {}
    for role, pat in ROLE_PATTERNS.items():
        out[role] = next((c for c, name in lower.items() if re.match(pat, name) and c not in out.values()), None)
    return out


def looks_like_summary(df: pd.DataFrame) -> bool:
    """A count column and a mean/sum/conversions column, but no unit id: per-variant summaries."""
    g = guess_summary_columns(df)
    return bool(g["variant"] and g["count"] and (g["mean"] or g["sum"] or g["conversions"]))


# ---- reading and checking -------------------------------------------------------------------------


def _numbers(df: pd.DataFrame, column: str, source: str | None) -> np.ndarray:
    x = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(x) & df[column].notna().to_numpy()
    if bad.any() or np.isinf(x).any():
        rows = np.flatnonzero(bad | np.isinf(x))
        raise InputError.keyed(
            "err.summary.not_numbers",
            file=source,
            column=column,
            rows=(rows[:5] + 1).tolist(),
            value=str(df[column].iloc[rows[0]])[:40],
        )
    return x


def _checkpoints(values: pd.Series, column: str, source: str | None) -> np.ndarray:
    """Checkpoint keys that sort in time order: numbers (day 1, 2, ...), dates, else text."""
    if values.isna().any():
        _fail("err.summary.no_checkpoint", values.isna().to_numpy(), column, source)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy()
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    if dates.notna().all():
        return dates.to_numpy()
    return values.astype("string").str.strip().to_numpy()


def _fail(key: str, mask: np.ndarray, column: str | None, source: str | None, **params):
    """Raise the user error `key` (core/i18n/errors.py) naming `column` and the first rows in `mask`."""
    rows = (np.flatnonzero(mask)[:5] + 1).tolist()
    raise InputError.keyed(key, file=source, column=column, rows=rows, **params)


def read_summary(df: pd.DataFrame, cols: SummaryColumns, source: str | None = None) -> pd.DataFrame:
    """A checked, normalised summary table: experiment, metric, variant, [checkpoint], n, sum,
    sum_squares (NaN for binary metrics), binary, row (1-based file row). InputError naming the
    column and rows for: a missing column, negative counts or variances, conversions above the
    count, a binary mean outside [0, 1], a missing value, duplicate rows without a time column,
    counts falling between cumulative checkpoints."""
    if cols.count not in df.columns:  # control and treatment side by side: read its long form
        df = (long_if_wide(df, cols.variant, source, cols.experiment) or (df,))[0]
    for c in cols.used():
        if c not in df.columns:
            raise InputError.keyed("err.csv.no_column", file=source, column=c, names=", ".join(map(str, df.columns)))
    if df.empty:
        raise InputError.keyed("err.summary.no_rows", file=source)
    if not (cols.conversions or cols.mean or cols.sum):
        raise ConfigError.keyed("err.summary.no_centre", file=source)
    if cols.sum and not (cols.variance or cols.sd or cols.sum_squares):
        raise ConfigError.keyed("err.summary.sum_spread", file=source, column=cols.sum)
    out = pd.DataFrame({"row": np.arange(1, len(df) + 1)})
    for key in KEYS:
        col = getattr(cols, key)
        out[key] = df[col].astype("string").str.strip().to_numpy() if col else ""
        if col and out[key].isna().any():
            _fail("err.summary.no_name", out[key].isna().to_numpy(), col, source)
    if not cols.metric:
        out["metric"] = cols.mean or cols.sum or cols.conversions
    n = _numbers(df, cols.count, source)
    if np.isnan(n).any():
        _fail("err.summary.no_count", np.isnan(n), cols.count, source)
    if (n < 0).any():
        _fail("err.summary.negative_count", n < 0, cols.count, source)
    if (n != np.floor(n)).any():
        _fail("err.summary.fractional_count", n != np.floor(n), cols.count, source)
    out["n"] = n
    spread_col = cols.variance or cols.sd or cols.sum_squares
    spread = _numbers(df, spread_col, source) if spread_col else np.full(len(df), np.nan)
    if spread_col and (spread < 0).any():
        _fail("err.summary.negative_spread", spread < 0, spread_col, source)
    if cols.conversions:
        conv = _numbers(df, cols.conversions, source)
        binary = ~np.isnan(conv) & np.isnan(spread)
        total = np.where(binary, conv, np.nan)
    else:
        binary = np.zeros(len(df), dtype=bool)
        total = np.full(len(df), np.nan)
    centre_col = cols.mean or cols.sum
    if centre_col:
        centre = _numbers(df, centre_col, source)
        mean = centre if cols.mean else np.divide(centre, n, out=np.zeros_like(n), where=n > 0)
        rate = np.isnan(total) & np.isnan(spread)  # a mean alone: a binary rate
        if rate.any() and cols.mean:
            outside = rate & ((mean < 0) | (mean > 1))
            if outside.any():
                _fail("err.summary.rate_outside", outside, cols.mean, source)
            binary = binary | rate
            total = np.where(rate, mean * n, total)
        numeric = ~binary
        total = np.where(numeric, mean * n, total)
    else:
        numeric = np.zeros(len(df), dtype=bool)
    missing = np.isnan(total) | (numeric & np.isnan(spread))
    if missing.any():
        _fail("err.summary.no_value", missing, centre_col or cols.conversions, source)
    if cols.conversions:
        over = binary & (total > n + 1e-9)
        if over.any():
            _fail("err.summary.conversions_over", over, cols.conversions, source, count=cols.count)
        if (binary & (total < 0)).any():
            _fail("err.summary.negative_conversions", binary & (total < 0), cols.conversions, source)
    if cols.variance:
        ss = (n - 1) * spread + n * (total / np.where(n > 0, n, 1)) ** 2
    elif cols.sd:
        ss = (n - 1) * spread**2 + n * (total / np.where(n > 0, n, 1)) ** 2
    else:
        ss = spread
    short = numeric & (ss < total**2 / np.where(n > 0, n, 1) * (1 - 1e-9) - 1e-9)
    if short.any():
        _fail("err.summary.short_squares", short, spread_col, source)
    out["sum"] = total
    out["sum_squares"] = np.where(numeric, ss, np.nan)
    out["binary"] = binary
    if cols.time:
        out["checkpoint"] = _checkpoints(df[cols.time], cols.time, source)
    keys = list(KEYS) + (["checkpoint"] if cols.time else [])
    dup = out.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        _fail("err.summary.duplicate_time" if cols.time else "err.summary.duplicate", dup, cols.variant, source)
    mixed = out.groupby(["experiment", "metric"], sort=False)["binary"].nunique()
    if (mixed > 1).any():
        exp, met = mixed.index[np.flatnonzero(mixed.to_numpy() > 1)[0]]
        raise InputError.keyed("err.summary.mixed", file=source, column=cols.metric or centre_col, metric=met)
    if cols.time:
        # checkpoints in time order within each series; experiments and metrics keep the file's order
        order = pd.DataFrame(
            {
                "e": pd.factorize(out["experiment"])[0],
                "m": pd.factorize(out["metric"])[0],
                "v": out["variant"],
                "t": out["checkpoint"],
            }
        )
        out = out.iloc[order.sort_values(["e", "m", "v", "t"], kind="stable").index].reset_index(drop=True)
        falls = out.groupby(list(KEYS), sort=False)["n"].diff().to_numpy() < 0
        if falls.any():
            raise InputError.keyed(
                "err.summary.falling", file=source, column=cols.count, rows=out.loc[falls, "row"].head(5).tolist()
            )
    return out
