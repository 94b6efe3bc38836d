"""The churn & cohorts view in three calls: the data's source, what it offers, and what the page draws.

    source = workspace_source(tables, key)  |  upload_source(df, file, id_col, time_col, label_col, key)
    options = churn_options(source)          # cohort bases, survival groupings, cutoff bounds, tenure columns
    view = churn_view(source, ChurnSettings(...))    # retention, survival (+ its day-0 note)
    data = model_data(source, cutoff, inactive_days)  # the model's training and scoring data (fewer settings)
    risk = risk_view(explained_users(predictor, data.score, mode), data.score, threshold, inactive_days)

Works on any data with a user and a time column (an event log) or a user and a churn label column (a
snapshot): no data set's column names are assumed beyond the canonical tables' own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

import pandas as pd

from core.cohorts import datasets as ds
from core.cohorts.activity import Period, assign_cohorts
from core.cohorts.labels import default_cutoff
from core.cohorts.retention import Kind, RetentionResult, retention_matrix
from core.cohorts.risk import at_risk_users, default_group, risk_by_group
from core.cohorts.survival import SurvivalResult, activity_survival, lifetimes_from_activity, survival_curves

GROUPS = ("cohort", "all")  # survival groupings every event log has; attribute columns follow
USER_GROUPS = ("segment", "region", "age_group", "language")
MAX_RISK_GROUPS = 30  # a column with more values than this is not a grouping a chart can show


@dataclass
class ChurnSource:
    """What the view reads. `mode`: "events" (user + time) or "snapshot" (user + churn label)."""

    mode: str
    key: tuple  # hashable, changes with the data and the column roles
    activity: pd.DataFrame | None = None  # (user_id, ts) for events
    users: pd.DataFrame | None = None  # the workspace's users table (signup, attributes)
    tables: dict | None = None  # the workspace's canonical tables
    events: pd.DataFrame | None = None  # an uploaded event log, amounts as numbers
    snapshot: ds.ChurnDataset | None = None
    id_col: str | None = None
    time_col: str | None = None
    file: str = "table"


def upload_mode(time_col: str | None, label_col: str | None) -> str | None:
    """ "events" with a time column, "snapshot" with a label and no time, None when neither is chosen."""
    return "events" if time_col else "snapshot" if label_col else None


def workspace_source(tables: dict, key: tuple) -> ChurnSource:
    """The canonical tables {users, interactions, posts, edges} (absent ones None) as one source."""
    return ChurnSource("events", key, activity=ds.tables_activity(tables), users=tables.get("users"), tables=tables)


def upload_source(
    df: pd.DataFrame, file: str, id_col: str, time_col: str | None, label_col: str | None, key: tuple
) -> ChurnSource:
    """An uploaded file: an event log when it has a time column, else a snapshot with a churn label."""
    if time_col is not None:
        events = ds.numeric_value_columns(df, (id_col, time_col))
        activity = ds.event_log_dataset(events, id_col, time_col, source=file, with_labels=False).activity
        return ChurnSource("events", key, activity=activity, events=events, id_col=id_col, time_col=time_col, file=file)
    snapshot = ds.snapshot_dataset(df, id_col, label_col, source=file)
    return ChurnSource("snapshot", key, snapshot=snapshot, id_col=id_col, file=file)


@dataclass(frozen=True)
class ChurnOptions:
    """The choices the data allows."""

    bases: tuple[str, ...] = ("first_activity",)  # cohort by; "signup" first when users have a signup time
    groups: tuple[str, ...] = GROUPS  # survival curves by: cohort, all, then attribute columns
    first_day: pd.Timestamp | None = None  # cutoff bounds and default (events)
    default_cutoff: pd.Timestamp | None = None
    durations: tuple[str, ...] = ()  # snapshot: numeric columns that can serve as tenure
    default_duration: str | None = None


def churn_options(source: ChurnSource) -> ChurnOptions:
    if source.snapshot is not None:
        feats = source.snapshot.features
        numeric = tuple(feats.numeric)
        tenure = next((c for c in numeric if "tenure" in c.lower()), numeric[0] if numeric else None)
        return ChurnOptions(bases=(), groups=("all", *feats.categorical), durations=numeric, default_duration=tenure)
    users, activity = source.users, _activity(source)
    bases = (("signup",) if ds.signup_times(users) is not None else ()) + ("first_activity",)
    extra = tuple(c for c in USER_GROUPS if users is not None and c in users.columns)
    return ChurnOptions(bases=bases, groups=GROUPS + extra, first_day=activity["ts"].min().normalize())


@dataclass(frozen=True)
class ChurnSettings:
    period: str = "month"
    basis: str = "first_activity"
    kind: str = "classic"
    inactive_days: int = 30
    group: str = "cohort"
    duration: str | None = None  # snapshot: the tenure column
    cutoff: pd.Timestamp | None = None  # events: features before, labels after (None: the latest possible)


@dataclass
class ChurnView:
    retention: RetentionResult | None  # None for a snapshot (no dates)
    survival: SurvivalResult
    day_zero_share: float  # share of users whose lifetime is 0: the curves start that far below 100%
    cohort_groups: bool = False  # survival curves are ordered cohorts (a sequential colour scale)


@dataclass
class ModelData:
    train: ds.ChurnDataset  # labelled: features before the cutoff, churn after it
    score: ds.ChurnDataset  # everyone as of the end of the log (a snapshot: the same rows)
    cutoff: pd.Timestamp | None
    label_rate: float  # share of training users labelled churned


def churn_view(source: ChurnSource, settings: ChurnSettings) -> ChurnView:
    """Retention, survival and the model's training and scoring data for `settings`."""
    snap = source.snapshot
    if snap is not None:
        labels = _labels(snap)
        table = snap.features.table
        duration = str(settings.duration or churn_options(source).default_duration)
        groups = None if settings.group == "all" else table[settings.group]
        durations = table[duration].fillna(0)
        survival = survival_curves(durations, labels, groups, time_unit=duration)
        zero = float(((durations <= 0) & (labels == 1)).mean())
        return ChurnView(None, survival, zero)
    activity, users = _activity(source), source.users
    period, kind = cast(Period, settings.period), cast(Kind, settings.kind)
    cohorts = assign_cohorts(activity, period, by=settings.basis, users=users)
    retention = retention_matrix(activity, cohorts, period=period, kind=kind, max_periods=53)
    starts = ds.signup_times(users)
    groups = survival_groups(settings.group, cohorts, settings.period, users)
    survival = activity_survival(activity, inactive_days=settings.inactive_days, starts=starts, groups=groups)
    life = lifetimes_from_activity(activity, inactive_days=settings.inactive_days, starts=starts)
    zero = float(((life["duration"] <= 0) & (life["event"] == 1)).mean())
    return ChurnView(retention, survival, zero, cohort_groups=settings.group == "cohort")


def survival_groups(group: str, cohorts: pd.Series, period: str, users: pd.DataFrame | None) -> pd.Series | None:
    """user_id -> survival group: the cohort's start ('2026-01' / '2026-01-05'), an attribute, or None (all)."""
    if group == "cohort":
        return cohorts.dt.strftime("%Y-%m-%d" if period == "week" else "%Y-%m")
    if group == "all" or users is None:
        return None
    return users.assign(user_id=users["user_id"].astype(str)).set_index("user_id")[group]


def model_data(source: ChurnSource, cutoff=None, inactive_days: int = 30) -> ModelData:
    """Training data labelled `inactive_days` after `cutoff` (None: the latest cutoff the log allows)
    and everyone's features as of the end of the log; a snapshot is both."""
    if source.snapshot is not None:
        return ModelData(source.snapshot, source.snapshot, None, float(_labels(source.snapshot).mean()))
    cutoff = pd.Timestamp(cutoff) if cutoff is not None else default_cutoff(_activity(source), inactive_days)
    if source.tables is not None:
        train = ds.tables_dataset(source.tables, cutoff=cutoff, inactive_days=inactive_days)
        score = ds.tables_dataset(source.tables, inactive_days=inactive_days, as_of_end=True)
    else:
        events, user, time = source.events, str(source.id_col), str(source.time_col)
        assert events is not None, "an uploaded source without its events"
        days, file = inactive_days, source.file
        train = ds.event_log_dataset(events, user, time, cutoff=cutoff, inactive_days=days, source=file)
        score = ds.event_log_dataset(events, user, time, with_labels=False, inactive_days=days, source=file)
    return ModelData(train, score, cutoff, float(_labels(train).mean()))


def _activity(source: ChurnSource) -> pd.DataFrame:
    if source.activity is None:
        raise ValueError("an event source without its activity log")
    return source.activity


def _labels(data: ds.ChurnDataset) -> pd.Series:
    if data.labels is None:
        raise ValueError("a training data set without labels")
    return data.labels


@dataclass
class RiskView:
    at_risk: pd.DataFrame  # user_id, churn_probability, top_features, top_weeks, attributes; riskiest first
    groups: dict[str, pd.DataFrame]  # column -> risk_by_group table
    default_group: str | None


def explained_users(predictor, data: ds.ChurnDataset, mode: str) -> pd.DataFrame:
    """Every scored user's churn probability and reasons; for a snapshot only customers who have
    not left yet (their label is 0)."""
    explained = predictor.explain(data.features)
    if mode == "snapshot":
        explained = explained[(_labels(data).reindex(explained["user_id"]) == 0).to_numpy()]
    return explained.reset_index(drop=True)


def risk_view(explained: pd.DataFrame, data: ds.ChurnDataset, threshold: float, inactive_days: int | None) -> RiskView:
    """Users at or above `threshold` (event data: not inactive for `inactive_days` already) and the
    mean risk by every categorical column with at most MAX_RISK_GROUPS values."""
    table = data.features.table
    at_risk = at_risk_users(explained, table, inactive_days=inactive_days, threshold=threshold)
    cols = [c for c in data.features.categorical if table[c].nunique() <= MAX_RISK_GROUPS]
    probs = explained.set_index("user_id")["churn_probability"]
    groups = {c: risk_by_group(probs, table[c]) for c in cols}
    return RiskView(at_risk, groups, default_group(probs, table, cols) if cols else None)


# ---- one community's members (the health view's drill-down, ?community=) -------------------------------
def focus_source(source: ChurnSource, members: frozenset[str] | None) -> ChurnSource:
    """The source with its activity and users narrowed to `members` (None: everyone), for retention
    and survival; the model's data (model_data) keeps everyone, so the model learns from all members."""
    if members is None or source.activity is None:
        return source
    keep = source.activity["user_id"].astype(str).isin(members)
    users = source.users
    if users is not None and "user_id" in users.columns:
        users = users[users["user_id"].astype(str).isin(members)]
    return replace(source, activity=source.activity[keep.to_numpy()], users=users, key=(*source.key, "focus"))


def members_only(explained: pd.DataFrame, members: frozenset[str] | None) -> pd.DataFrame:
    """The scored users among `members` (None: all of them), for the at-risk list."""
    if members is None:
        return explained
    return explained[explained["user_id"].astype(str).isin(members).to_numpy()].reset_index(drop=True)
