"""Retention matrices: cohort x period, classic or unbounded, as counts and shares.

- classic: share of the cohort active *in* period N after the cohort's period;
- unbounded: share of the cohort active *in or after* period N ("returned on or after N").

Periods are calendar weeks (Monday start) or calendar months: period N of a January cohort is the
(N)th month after January, so an event on 31 Jan and one on 1 Feb fall in periods 0 and 1.
Cells that lie after the end of the data are NaN (not yet observable), not zero.

The counting is one SQL query (`core/query/sql.py: retention_cells`), the same text that runs on a
workspace's Parquet files or on Spark (`python -m core aggregate retention`); here DuckDB runs it on
the activity log a page loaded, and `core.query.aggregates.retention` turns its counts into the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from core.cohorts.activity import Period

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
    from core.query.aggregates import retention
    from core.query.engine import DuckDBEngine

    frames = {"activity": pd.DataFrame({"user_id": activity["user_id"].to_numpy(), "ts": activity["ts"].to_numpy()})}
    if cohorts is not None:
        frames["cohorts"] = pd.DataFrame(
            {"user_id": cohorts.index.astype(str), "cohort": pd.to_datetime(pd.Series(cohorts.to_numpy()))}
        )
    with DuckDBEngine.of_frames(**frames) as eng:
        return retention(
            eng,
            period,
            kind,
            tables=("activity",),
            cohorts="cohorts" if cohorts is not None else None,
            max_periods=max_periods,
        )
