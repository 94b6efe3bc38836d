"""From tables to a churn data set (features + labels), for the CLI, the page and the benchmarks.

Three sources, one result type:
- `snapshot_dataset`: one row per customer with a label column (Telco);
- `event_log_dataset`: an event log (user, time[, amounts]); labels = inactive for N days after a cutoff;
- `workspace_dataset`: the canonical tables of a workspace (users, interactions, posts, edges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.cohorts.activity import activity_from_table, combine_activity, parse_times
from core.cohorts.features import FeatureSet, event_features, log_features, snapshot_features
from core.cohorts.labels import churn_labels_from_activity, default_cutoff, parse_churn_labels
from core.data.csvfile import read_csv_frame
from core.errors import ConfigError, InputError
from core.query.churn import NotPlainCsv, event_engine, finish_events, label_log, log_span, stage_event_csv


@dataclass
class ChurnDataset:
    """Features and (when known) 0/1 churn labels of the same users."""

    features: FeatureSet
    labels: pd.Series | None  # user_id -> 0/1
    mode: str  # "snapshot" | "events"
    cutoff: pd.Timestamp | None = None
    inactive_days: int | None = None
    activity: pd.DataFrame | None = None  # the (user_id, ts) log for event data


def snapshot_dataset(df: pd.DataFrame, id_col: str, label_col: str | None, *, source: str = "table") -> ChurnDataset:
    """Telco-style data: every column except id and label is an attribute."""
    if label_col is not None and label_col not in df.columns:
        raise InputError("no such column", file=source, column=label_col)
    features = snapshot_features(df, id_col, exclude=(label_col,) if label_col else (), source=source)
    labels = None
    if label_col is not None:
        labels = parse_churn_labels(df[label_col], column=label_col, source=source)
        labels.index = features.users
    return ChurnDataset(features, labels, "snapshot")


def event_log_dataset(
    df: pd.DataFrame,
    user_col: str,
    time_col: str,
    *,
    cutoff=None,
    inactive_days: int = 30,
    weeks: int = 12,
    source: str = "table",
    with_labels: bool = True,
) -> ChurnDataset:
    """An event log: features as of `cutoff` (default: the last `inactive_days` days of the log are the
    label window) and labels "no event in the `inactive_days` after the cutoff". Numeric columns other
    than user and time are summed per user as features (e.g. dollar_value -> total_dollar_value).
    `with_labels=False` describes every user as of the end of the log (for scoring)."""
    for col in (user_col, time_col):
        if col not in df.columns:
            raise InputError(
                f"no such column; the columns are: {', '.join(map(str, df.columns[:12]))}", file=source, column=col
            )
    values = [c for c in df.columns if c not in (user_col, time_col) and pd.api.types.is_numeric_dtype(df[c])]
    activity = activity_from_table(df, user_col, time_col, source=source, value_cols=values)
    if not with_labels:
        end = activity["ts"].max()
        return ChurnDataset(
            event_features(activity, end, weeks=weeks), None, "events", end, inactive_days, activity[["user_id", "ts"]]
        )
    cutoff = pd.Timestamp(cutoff) if cutoff is not None else default_cutoff(activity, inactive_days)
    labels = churn_labels_from_activity(activity, cutoff, inactive_days)
    features = event_features(activity, cutoff, weeks=weeks, user_ids=labels.index)
    return ChurnDataset(features, labels, "events", cutoff, inactive_days, activity[["user_id", "ts"]])


def event_log_csv_dataset(
    path: str | Path,
    user_col: str,
    time_col: str,
    *,
    cutoff=None,
    inactive_days: int = 30,
    weeks: int = 12,
    source: str | None = None,
    with_labels: bool = True,
) -> ChurnDataset:
    """`event_log_dataset` on a CSV file, with the log kept in DuckDB (the CLI's path, issue 29): the
    events are read, labelled and reduced to per-user features there, so memory follows the number
    of users, not of events. The same columns, labels and features as reading the file with
    `read_csv_bytes` + `numeric_value_columns` + `event_log_dataset`; `activity` is None. Files DuckDB
    does not read as they are (whitespace-separated exports, ragged rows) take that general path."""
    source = source or Path(path).name
    engine = event_engine()
    try:
        try:
            values, other, read_by_duckdb = stage_event_csv(engine, path, user_col, time_col, source)
        except NotPlainCsv:
            df = numeric_value_columns(read_csv_bytes(Path(path).read_bytes(), source), (user_col, time_col))
            return event_log_dataset(
                df,
                user_col,
                time_col,
                cutoff=cutoff,
                inactive_days=inactive_days,
                weeks=weeks,
                source=source,
                with_labels=with_labels,
            )
        parsed = _parse_other_times(other, time_col, source)
        if parsed is None and read_by_duckdb == 0:
            raise InputError.keyed("err.churn.no_times", file=source, column=time_col)
        if finish_events(engine, values, parsed) == 0:
            raise InputError.keyed("err.churn.no_user_time", file=source, column=user_col)
        first, last = log_span(engine)
        if not with_labels:
            features = log_features(engine, last, value_cols=values, weeks=weeks)
            return ChurnDataset(features, None, "events", last, inactive_days)
        span = pd.DataFrame({"ts": [first, last]})  # all default_cutoff reads of the log
        cutoff = pd.Timestamp(cutoff) if cutoff is not None else default_cutoff(span, inactive_days)
        labels = churn_labels_from_activity(label_log(engine, cutoff, inactive_days), cutoff, inactive_days)
        features = log_features(engine, cutoff, value_cols=values, weeks=weeks, user_ids=labels.index)
        return ChurnDataset(features, labels, "events", cutoff, inactive_days)
    finally:
        engine.close()


def _parse_other_times(text: pd.Series, time_col: str, source: str) -> pd.DataFrame | None:
    """The distinct time strings DuckDB did not read, read one by one as `parse_times` reads a column
    (ts_text -> ts); None when none of them is a time."""
    if text.empty:
        return None
    try:
        ts = parse_times(text, column=time_col, source=source)
    except InputError:
        return None
    return pd.DataFrame({"ts_text": text.to_numpy(), "ts": ts.to_numpy()})


def workspace_activity(ws) -> pd.DataFrame:
    """Interactions and posts of a workspace as one activity log."""
    return tables_activity({t: ws.read(t) for t in ("interactions", "posts") if ws.has(t)})


def tables_activity(tables: dict) -> pd.DataFrame:
    """One activity log from the canonical tables that have user_id and ts (interactions, posts)."""
    logs = [
        activity_from_table(tables[t], "user_id", "ts", source=t)
        for t in ("interactions", "posts")
        if tables.get(t) is not None
    ]
    if not logs:
        raise InputError("churn needs an 'interactions' or 'posts' table with user_id and ts")
    return combine_activity(*logs)


def signup_times(users: pd.DataFrame | None, signup_col: str = "signup_at") -> pd.Series | None:
    """user_id -> signup time, or None when the users table has no usable signup column."""
    if users is None or signup_col not in users.columns:
        return None
    signup = pd.Series(
        pd.to_datetime(users[signup_col], errors="coerce").to_numpy(), index=users["user_id"].astype(str).to_numpy()
    ).dropna()
    return None if signup.empty else signup


def tables_dataset(
    tables: dict, *, cutoff=None, inactive_days: int = 30, weeks: int = 12, as_of_end: bool = False
) -> ChurnDataset:
    """Churn data from canonical tables {"users", "interactions", "posts", "edges"} (missing ones None).

    Labels: no activity in the `inactive_days` after `cutoff` (default: the log's last `inactive_days`).
    `as_of_end`: features of every active user at the last event, no labels (for scoring "now").
    """
    activity = tables_activity(tables)
    users, posts, edges = tables.get("users"), tables.get("posts"), tables.get("edges")
    if as_of_end:
        end = activity["ts"].max()
        features = event_features(
            activity, end, weeks=weeks, users=users, posts=posts, edges=edges, user_ids=activity["user_id"].unique()
        )
        return ChurnDataset(features, None, "events", end, inactive_days, activity)
    cutoff = pd.Timestamp(cutoff) if cutoff is not None else default_cutoff(activity, inactive_days)
    labels = churn_labels_from_activity(activity, cutoff, inactive_days, signup=signup_times(users))
    if labels.nunique() < 2:
        raise ConfigError(f"with the cutoff {cutoff:%Y-%m-%d} every user has the same label; pick another cutoff")
    features = event_features(
        activity, cutoff, weeks=weeks, users=users, posts=posts, edges=edges, user_ids=labels.index
    )
    return ChurnDataset(features, labels, "events", cutoff, inactive_days, activity)


def workspace_dataset(ws, **kwargs) -> ChurnDataset:
    """`tables_dataset` on a workspace's users, interactions, posts and edges."""
    tables = {t: ws.read(t) if ws.has(t) else None for t in ("users", "interactions", "posts", "edges")}
    return tables_dataset(tables, **kwargs)


# ---------------------------------------------------------------------------------------------------
# reading an uploaded file and guessing its columns


def read_csv_bytes(raw: bytes, source: str = "upload.csv") -> pd.DataFrame:
    """A CSV (any encoding/delimiter) or whitespace-separated text file (CDNOW) as text columns."""
    df = read_csv_frame(raw, source, whitespace_ok=True)
    if df.empty or len(df.columns) < 2:
        raise InputError("the file needs a header and at least two columns", file=source)
    return df


def numeric_value_columns(df: pd.DataFrame, skip: tuple[str, ...]) -> pd.DataFrame:
    """Turn mostly-numeric text columns (amounts, quantities) into numbers; others stay text."""
    df = df.copy()
    for col in df.columns:
        if col in skip or pd.api.types.is_numeric_dtype(df[col]):
            continue
        as_number = pd.to_numeric(df[col].astype(str).str.strip(), errors="coerce")
        if as_number.notna().mean() >= 0.95:
            df[col] = as_number
    return df


@dataclass
class ChurnColumns:
    """Best guesses for the roles of an uploaded file's columns (None when nothing fits)."""

    id: str | None
    time: str | None
    label: str | None


_LABEL_NAMES = ("churn", "churned", "label", "exited", "attrition", "left", "流失")
_TIME_TOKENS = {"date", "time", "ts", "timestamp", "datetime", "day", "日期", "时间"}


def _looks_like_time(name: str, values: pd.Series) -> bool:
    tokens = {t.lower() for t in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\x00-\x7f]+", str(name))}
    lowered = str(name).lower()
    if not (tokens & _TIME_TOKENS or "date" in lowered or "time" in lowered):
        return False
    sample = values.astype(str).str.strip().head(200)
    if sample.str.fullmatch(r"\d{8}").mean() > 0.9:
        return True
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.8)


def guess_churn_columns(df: pd.DataFrame) -> ChurnColumns:
    """Guess id, time and label columns from names and values (a sample is enough)."""
    cols = list(df.columns)
    lower = {c: str(c).strip().lower() for c in cols}
    label = next((c for c in cols if lower[c] in _LABEL_NAMES), None)
    time = next((c for c in cols if c != label and _looks_like_time(c, df[c])), None)
    ident = next((c for c in cols if "id" in lower[c] or "user" in lower[c] or "customer" in lower[c]), cols[0])
    return ChurnColumns(id=ident, time=time, label=label)
