"""Survival of users: Kaplan-Meier curves per cohort or segment, log-rank test, median lifetime.

A thin layer over lifelines (KaplanMeierFitter, multivariate_logrank_test) that returns one result
type, and `lifetimes_from_activity`, which turns an activity log into durations and churn events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError


@dataclass
class LogRankResult:
    test_statistic: float
    p_value: float
    degrees_of_freedom: int


@dataclass
class SurvivalResult:
    """Kaplan-Meier curves for each group (a single group "all" when no groups were given)."""

    curves: pd.DataFrame  # group, time, survival, ci_low, ci_high, at_risk
    medians: pd.DataFrame  # group, users, events, median, median_ci_low, median_ci_high
    logrank: LogRankResult | None  # None with a single group
    time_unit: str
    alpha: float


def lifetimes_from_activity(
    activity: pd.DataFrame, *, inactive_days: int = 30, end: pd.Timestamp | None = None, starts: pd.Series | None = None
) -> pd.DataFrame:
    """Durations (days) and churn events for every user of an activity log.

    A user has churned (event=1) when their last activity is more than `inactive_days` before `end`
    (default: the last event in the log); their lifetime runs from their start (signup from `starts`,
    else first activity) to their last activity. Everyone else is censored at `end`.
    Returns DataFrame indexed by user_id with columns duration, event.
    """
    grouped = activity.groupby("user_id")["ts"]
    first, last = grouped.min(), grouped.max()
    end = pd.Timestamp(end) if end is not None else activity["ts"].max()
    start = first
    if starts is not None:
        start = pd.Series(starts).reindex(first.index).fillna(first)
        start = start.where(start <= first, first)
    churned = (end - last) > pd.Timedelta(days=inactive_days)
    stop = last.where(churned, end)
    duration = (stop - start) / pd.Timedelta(days=1)
    return pd.DataFrame({"duration": duration.clip(lower=0.0), "event": churned.astype(int)})


def survival_curves(
    durations, events, groups=None, *, alpha: float = 0.05, time_unit: str = "days", min_group_size: int = 5
) -> SurvivalResult:
    """Kaplan-Meier per group, with (1 - alpha) confidence bands, medians and a log-rank test.

    `durations`, `events` (1 = churned, 0 = censored) and optional `groups` are aligned 1-D sequences.
    Groups smaller than `min_group_size` are left out. Raises InputError when nothing remains.
    """
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test
    from lifelines.utils import median_survival_times

    frame = pd.DataFrame(
        {
            "duration": np.asarray(durations, dtype=float),
            "event": np.asarray(events, dtype=int),
            "group": "all" if groups is None else np.asarray(groups).astype(str),
        }
    )
    frame = frame[np.isfinite(frame["duration"]) & (frame["duration"] >= 0)]
    sizes = frame["group"].value_counts()
    frame = frame[frame["group"].isin(sizes[sizes >= min_group_size].index)]
    if frame.empty:
        raise InputError(f"no group has at least {min_group_size} users with a lifetime")

    curve_parts, median_rows = [], []
    for name, part in frame.groupby("group", sort=True):
        kmf = KaplanMeierFitter(alpha=alpha).fit(part["duration"], part["event"], label=str(name))
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_survival_function_
        curve_parts.append(
            pd.DataFrame(
                {
                    "group": str(name),
                    "time": sf.index.to_numpy(dtype=float),
                    "survival": sf.to_numpy(),
                    "ci_low": ci.iloc[:, 0].to_numpy(),
                    "ci_high": ci.iloc[:, 1].to_numpy(),
                    "at_risk": kmf.event_table["at_risk"].reindex(sf.index).to_numpy(),
                }
            )
        )
        median_ci = median_survival_times(kmf.confidence_interval_)
        median_rows.append(
            {
                "group": str(name),
                "users": len(part),
                "events": int(part["event"].sum()),
                "median": float(kmf.median_survival_time_),
                "median_ci_low": float(median_ci.iloc[0, 0]),
                "median_ci_high": float(median_ci.iloc[0, 1]),
            }
        )
    logrank = None
    if frame["group"].nunique() > 1:
        test = multivariate_logrank_test(frame["duration"], frame["group"], frame["event"])
        logrank = LogRankResult(
            test_statistic=float(test.test_statistic),
            p_value=float(test.p_value),
            degrees_of_freedom=int(test.degrees_of_freedom),
        )
    return SurvivalResult(
        curves=pd.concat(curve_parts, ignore_index=True),
        medians=pd.DataFrame(median_rows),
        logrank=logrank,
        time_unit=time_unit,
        alpha=alpha,
    )


def activity_survival(
    activity: pd.DataFrame,
    *,
    inactive_days: int = 30,
    starts: pd.Series | None = None,
    groups: pd.Series | None = None,
    alpha: float = 0.05,
    min_group_size: int = 5,
) -> SurvivalResult:
    """Kaplan-Meier of user lifetimes from an activity log, per group (`groups`: user_id -> group;
    users without a group are left out)."""
    life = lifetimes_from_activity(activity, inactive_days=inactive_days, starts=starts)
    if groups is not None:
        g = pd.Series(groups).reindex(life.index)
        life = life[g.notna().to_numpy()]
        return survival_curves(
            life["duration"],
            life["event"],
            g.dropna().astype(str).to_numpy(),
            alpha=alpha,
            time_unit="days",
            min_group_size=min_group_size,
        )
    return survival_curves(
        life["duration"], life["event"], alpha=alpha, time_unit="days", min_group_size=min_group_size
    )
