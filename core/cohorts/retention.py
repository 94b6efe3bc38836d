"""Retention matrices: cohort x period, classic or unbounded, as counts and shares.

- classic: share of the cohort active *in* period N after the cohort's period;
- unbounded: share of the cohort active *in or after* period N ("returned on or after N").

Periods are calendar weeks (Monday start) or calendar months: period N of a January cohort is the
(N)th month after January, so an event on 31 Jan and one on 1 Feb fall in periods 0 and 1.
Cells that lie after the end of the data are NaN (not yet observable), not zero.

The counting is one SQL query (`core/query/sql.py: retention_cells`), the same text that runs on a
workspace's Parquet files or on Spark (`python -m core aggregate retention`); here DuckDB runs it on
the activity log a page loaded, and `retention_from_engine` turns its counts
(`core.query.aggregates.retention_counts`) into the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from core.cohorts.activity import PERIODS, Period
from core.errors import ConfigError
from core.query.aggregates import retention_counts
from core.query.engine import DuckDBEngine, Engine

Kind = Literal["classic", "unbounded"]


@dataclass
class RetentionResult:
    """Cohort x period matrices. Index: cohort start (Timestamp); columns: period 0..N."""

    counts: pd.DataFrame  # users active in (classic) / on or after (unbounded) the period; NaN = not observed
    shares: pd.DataFrame  # counts / cohort size
    sizes: pd.Series  # users per cohort
    period: str
    kind: str

    def to_long(self) -> pd.DataFrame:
        """One row per observed cell: cohort, period, users, share, cohort_size."""
        counts = self.counts.stack().rename("users")
        shares = self.shares.stack().rename("share")
        out = pd.concat([counts, shares], axis=1).reset_index()
        out.columns = ["cohort", "period", "users", "share"]
        out["cohort_size"] = out["cohort"].map(self.sizes).astype(int)
        out["users"] = out["users"].astype(int)
        return out


def period_start_of_index(idx: np.ndarray, period: str) -> pd.DatetimeIndex:
    """The first day of each integer period (`core.query.sql.period_index`): months since 1970-01,
    or Monday-weeks since 1969-12-29."""
    idx = np.asarray(idx, dtype=np.int64)
    if period == "month":
        return pd.DatetimeIndex(idx.astype("datetime64[M]").astype("datetime64[ns]"))
    return pd.DatetimeIndex((idx * 7 - 3).astype("datetime64[D]").astype("datetime64[ns]"))


def retention_matrix(
    activity: pd.DataFrame,
    cohorts: pd.Series | None = None,
    *,
    period: Period = "month",
    kind: Kind = "classic",
    max_periods: int | None = None,
) -> RetentionResult:
    """Retention of each cohort over the periods after it.

    `activity`: DataFrame with `user_id`, `ts`. `cohorts`: Series user_id -> cohort start (from
    `assign_cohorts`: signup or first activity); by default the period of each user's first activity.
    Events before a user's cohort are ignored; users in `cohorts` without activity count in the cohort
    size only. `max_periods` keeps periods 0 .. max_periods - 1.
    """
    frames = {"activity": pd.DataFrame({"user_id": activity["user_id"].to_numpy(), "ts": activity["ts"].to_numpy()})}
    if cohorts is not None:
        frames["cohorts"] = pd.DataFrame(
            {"user_id": cohorts.index.astype(str), "cohort": pd.to_datetime(pd.Series(cohorts.to_numpy()))}
        )
    with DuckDBEngine.of_frames(**frames) as eng:
        return retention_from_engine(
            eng,
            period,
            kind,
            tables=("activity",),
            cohorts="cohorts" if cohorts is not None else None,
            max_periods=max_periods,
        )


def retention_from_engine(
    engine: Engine,
    period: str = "month",
    kind: str = "classic",
    tables: tuple[str, ...] = ("interactions",),
    cohorts: str | None = None,
    cohort_col: str = "cohort",
    max_periods: int | None = None,
) -> RetentionResult:
    """The `RetentionResult` of the activity in `tables` (user_id, ts each) of a DuckDB or Spark engine,
    from four grouped counts: cells, last active periods, cohort sizes and the last period with an
    event. Cohorts: the period of each user's first event, or of `cohort_col` in table `cohorts`
    (e.g. `users`, `signup_at`), whose users count in the cohort size active or not. Cells after the
    last event are NaN."""
    if period not in PERIODS:
        raise ConfigError(f"unknown period '{period}'; use one of {', '.join(PERIODS)}")
    if kind not in ("classic", "unbounded"):
        raise ConfigError(f"unknown retention kind '{kind}'; use 'classic' or 'unbounded'")
    parts = retention_counts(engine, period, tuple(tables), cohorts, cohort_col, max_periods)
    cells, last, size, end = parts["cell"], parts["last"], parts["size"], parts["end"]
    if size.empty or end is None:
        raise ConfigError(f"{', '.join(tables)}: no events with a user and a time")
    first = int(size["cohort"].min())
    n_cohorts = int(size["cohort"].max()) - first + 1
    n_periods = int(cells["period"].max()) + 1 if len(cells) else 1
    grid = np.zeros((n_cohorts, n_periods))
    use = cells if kind == "classic" else last
    grid[use["cohort"].to_numpy() - first, use["period"].to_numpy()] = use["users"].to_numpy(dtype=float)
    if kind == "unbounded":  # a user counts in every period up to their last active one
        grid = np.cumsum(grid[:, ::-1], axis=1)[:, ::-1]
    sizes_raw = np.zeros(n_cohorts, dtype=np.int64)
    sizes_raw[size["cohort"].to_numpy() - first] = size["users"].to_numpy()
    present = sizes_raw > 0
    cohort_idx = np.flatnonzero(present) + first
    index = period_start_of_index(cohort_idx, period)
    index.name = "cohort"
    sizes = pd.Series(sizes_raw[present], index=index, name="cohort_size")
    observed = (cohort_idx[:, None] + np.arange(n_periods)[None, :]) <= end
    counts = pd.DataFrame(
        np.where(observed, grid[present], np.nan), index=index, columns=pd.RangeIndex(n_periods, name="period")
    )
    return RetentionResult(
        counts=counts, shares=counts.div(sizes.to_numpy(), axis=0), sizes=sizes, period=period, kind=kind
    )
