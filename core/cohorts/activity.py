"""Activity logs and cohorts.

An activity log is a DataFrame with two columns, `user_id` (str) and `ts` (datetime64[ns]), one row per
event. Any table with a user column and a time column gives one (interactions, posts, a purchase log).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from core.errors import ConfigError, InputError

Period = Literal["week", "month"]
PERIODS = ("week", "month")


def _require_columns(df: pd.DataFrame, columns: list[str], source: str) -> None:
    for col in columns:
        if col not in df.columns:
            shown = ", ".join(map(str, df.columns[:12]))
            raise InputError.keyed("err.csv.no_column", file=source, column=col, names=shown)


def parse_times(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Parse a time column into datetime64 (naive). Raises InputError when nothing parses.

    Compact dates like 19970101 (CDNOW) are read as YYYYMMDD.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        text = values.astype(str).str.strip()
        if text.str.fullmatch(r"\d{8}").mean() > 0.9:
            out = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        else:
            out = pd.to_datetime(text, errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    if out.notna().sum() == 0:
        raise InputError.keyed("err.churn.no_times", file=source, column=column)
    return out.astype("datetime64[ns]")


def activity_from_table(
    df: pd.DataFrame,
    user_col: str = "user_id",
    time_col: str = "ts",
    *,
    source: str = "table",
    value_cols: list[str] | None = None,
) -> pd.DataFrame:
    """Return the activity log (`user_id`, `ts`) of `df`, one row per row of `df`.

    `value_cols`: numeric columns to keep beside them (e.g. an amount), coerced to numbers.
    Rows without a user or with an unreadable time are dropped (at least one must remain).
    """
    _require_columns(df, [user_col, time_col], source)
    users = df[user_col]
    ts = parse_times(df[time_col], column=time_col, source=source)
    keep = users.notna().to_numpy() & ts.notna().to_numpy()
    if users.dtype == object:  # blank ids (guest checkouts) are missing too
        keep &= (users.astype(str).str.strip() != "").to_numpy()
    if not keep.all():
        users, ts = users[keep], ts[keep]
    if len(users) == 0:
        raise InputError.keyed("err.churn.no_user_time", file=source, column=user_col)
    if users.dtype != object or not isinstance(users.iloc[0], str):
        users = users.astype(str)
    out = pd.DataFrame({"user_id": users.to_numpy(), "ts": ts.to_numpy()})
    for col in value_cols or []:
        values = df[col] if keep.all() else df[col][keep]
        out[col] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return out


def combine_activity(*logs: pd.DataFrame) -> pd.DataFrame:
    """Concatenate activity logs (e.g. interactions and posts) into one."""
    present = [log[["user_id", "ts"]] for log in logs if log is not None and len(log)]
    if not present:
        raise InputError("there is no activity: the tables with users and times are empty")
    return pd.concat(present, ignore_index=True)


def period_start(ts: pd.Series, period: Period) -> pd.Series:
    """Floor times to the start of their week (Monday) or month."""
    if period not in PERIODS:
        raise ConfigError(f"unknown period '{period}'; use one of {', '.join(PERIODS)}")
    ts = pd.to_datetime(ts)
    if period == "month":
        return ts.dt.to_period("M").dt.start_time
    day = ts.dt.normalize()
    return day - pd.to_timedelta(day.dt.weekday, unit="D")


def assign_cohorts(
    activity: pd.DataFrame,
    period: Period = "month",
    *,
    by: str = "first_activity",
    users: pd.DataFrame | None = None,
    signup_col: str = "signup_at",
) -> pd.Series:
    """Cohort of each user: the start of the week/month of their signup or of their first activity.

    `by` is "signup" (needs `users` with `signup_col`) or "first_activity". Returns a Series indexed by
    user_id (name "cohort"). Signup cohorts cover every user in `users`, active or not.
    """
    if by == "signup":
        if users is None:
            raise ConfigError("signup cohorts need the users table")
        _require_columns(users, ["user_id", signup_col], "users")
        signup = parse_times(users[signup_col], column=signup_col, source="users")
        first = pd.Series(signup.to_numpy(), index=users["user_id"].astype(str).to_numpy()).dropna()
    elif by == "first_activity":
        first = activity.groupby("user_id", sort=True)["ts"].min()
    else:
        raise ConfigError(f"unknown cohort basis '{by}'; use 'signup' or 'first_activity'")
    out = period_start(pd.Series(first.to_numpy(), index=first.index), period)
    out.name = "cohort"
    out.index.name = "user_id"
    return out
