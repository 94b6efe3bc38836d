"""Churn labels: from inactivity after a cutoff, or from an explicit label column."""

from __future__ import annotations

import pandas as pd

from core.errors import ConfigError, InputError

_POSITIVE = {"1", "yes", "y", "true", "t", "churn", "churned", "1.0"}
_NEGATIVE = {"0", "no", "n", "false", "f", "stay", "stayed", "retained", "active", "0.0"}


def parse_churn_labels(values: pd.Series, *, column: str = "label", source: str = "table") -> pd.Series:
    """Map a label column (Yes/No, true/false, 1/0, any case) to 0/1 integers.

    Raises InputError naming the column and the first rows whose value is neither, or when a class is
    missing (a model cannot learn churn from one class).
    """
    text = values.astype(str).str.strip().str.lower()
    mapped = pd.Series(pd.NA, index=values.index, dtype="Int64")
    mapped[text.isin(_POSITIVE)] = 1
    mapped[text.isin(_NEGATIVE)] = 0
    bad = mapped.isna().to_numpy().nonzero()[0]
    if len(bad):
        examples = ", ".join(repr(str(v)) for v in values.iloc[bad[:3]])
        raise InputError.keyed(
            "err.churn.labels",
            file=source,
            column=column,
            rows=[int(i) + 2 for i in bad[:5]],  # +2: header, 1-based
            examples=examples,
        )
    if mapped.nunique() < 2:
        raise InputError.keyed("err.churn.one_class", file=source, column=column)
    return mapped.astype(int)


def default_cutoff(activity: pd.DataFrame, inactive_days: int) -> pd.Timestamp:
    """The latest cutoff whose full inactivity window is observed: last event's day minus `inactive_days`.

    Raises ConfigError when the log is too short to hold any activity before that cutoff."""
    cutoff = (activity["ts"].max().normalize() + pd.Timedelta(days=1)) - pd.Timedelta(days=inactive_days)
    if activity["ts"].min() > cutoff:
        raise ConfigError(
            f"the activity spans less than {inactive_days} days, so no user can be seen "
            f"inactive that long; lower the number of inactive days"
        )
    return cutoff


def churn_labels_from_activity(
    activity: pd.DataFrame,
    cutoff,
    inactive_days: int = 30,
    *,
    users: pd.Series | None = None,
    signup: pd.Series | None = None,
) -> pd.Series:
    """1 when a user has no activity in (cutoff, cutoff + inactive_days], else 0.

    Who is labelled: users who had signed up by the cutoff (`signup`: user_id -> time), else users with
    activity on or before the cutoff; `users` restricts further. Raises ConfigError when the log does not
    reach the end of the window (the label could not be observed) or nobody qualifies.
    """
    cutoff = pd.Timestamp(cutoff)
    if inactive_days <= 0:
        raise ConfigError("--inactive-days must be a positive number of days")
    window_end = cutoff + pd.Timedelta(days=inactive_days)
    last_seen = activity["ts"].max()
    if last_seen < window_end - pd.Timedelta(days=1):
        raise ConfigError(
            f"the activity ends on {last_seen:%Y-%m-%d}, before the end of the "
            f"{inactive_days}-day window after the cutoff {cutoff:%Y-%m-%d}; choose an earlier cutoff"
        )
    if activity["ts"].min() > cutoff:
        raise ConfigError(f"the cutoff {cutoff:%Y-%m-%d} is before the first activity")
    if signup is not None:
        eligible = pd.Index(signup[signup <= cutoff].index.astype(str))
    else:
        eligible = pd.Index(activity.loc[activity["ts"] <= cutoff, "user_id"].unique())
    if users is not None:
        eligible = eligible.intersection(pd.Index(users))
    if len(eligible) == 0:
        raise ConfigError(f"no user was active or signed up by the cutoff {cutoff:%Y-%m-%d}")
    in_window = (activity["ts"] > cutoff) & (activity["ts"] <= window_end)
    returned = set(activity.loc[in_window, "user_id"].unique())
    labels = pd.Series([0 if u in returned else 1 for u in eligible], index=eligible, name="churned")
    labels.index.name = "user_id"
    return labels.sort_index()
