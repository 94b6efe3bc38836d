"""Per-user features for churn models, as of a cutoff.

Everything is computed from rows dated on or before the cutoff: activity, posts and edges after it are
dropped first, so a label read off the days after the cutoff cannot leak into the features.

Event logs give behaviour (recency, frequency, tenure, trend, the weekly timeline), posts give sentiment
and community, edges give social degree, and the users table gives attribute columns. A snapshot table
(one row per customer, like Telco) gives attribute columns only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError
from core.query.churn import (
    active_users,
    event_engine,
    register_events,
    user_event_stats,
    weekly_event_counts,
)
from core.query.engine import DuckDBEngine
from core.text.lexicon import lexicon_scores

SENTIMENT_VALUES = {
    "positive": 1.0,
    "pos": 1.0,
    "正面": 1.0,
    "积极": 1.0,
    "neutral": 0.0,
    "neu": 0.0,
    "中性": 0.0,
    "negative": -1.0,
    "neg": -1.0,
    "负面": -1.0,
    "消极": -1.0,
}
NEGATIVE_BELOW = 0.05  # a post scoring below -0.05 counts as negative (VADER's published cut-off)
MAX_CATEGORIES = 50
TREND_RECENT_WEEKS = 4


@dataclass
class FeatureSet:
    """Features of each user. `table` is indexed by user_id and holds `numeric` and `categorical` columns;
    `timeline` holds events per week (oldest first), aligned with `table`'s rows."""

    table: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    timeline: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    week_starts: list[pd.Timestamp] = field(default_factory=list)
    cutoff: pd.Timestamp | None = None

    @property
    def users(self) -> pd.Index:
        return self.table.index

    @property
    def n_weeks(self) -> int:
        return self.timeline.shape[1]

    def subset(self, users) -> FeatureSet:
        """The rows of `users` (in that order)."""
        pos = self.table.index.get_indexer(pd.Index(users))
        if (pos < 0).any():
            raise KeyError("some users have no features")
        return FeatureSet(
            self.table.iloc[pos], self.numeric, self.categorical, self.timeline[pos], self.week_starts, self.cutoff
        )

    def flat(self) -> pd.DataFrame:
        """The table plus one column per timeline week (for models that take a flat table)."""
        weeks = pd.DataFrame(self.timeline, index=self.table.index, columns=self.week_columns())
        return pd.concat([self.table[self.numeric + self.categorical], weeks], axis=1)

    def week_columns(self) -> list[str]:
        n = self.n_weeks
        return [f"week_-{n - i}" for i in range(n)]


def _sentiment_values(posts: pd.DataFrame) -> pd.Series | None:
    """Per-post sentiment in [-1, 1]: a numeric score column where there is one, else the label
    column, and for posts with neither the lexicon scorer of `core.text` on their text (uploads
    rarely label every post). None when no post has any of them."""
    out = pd.Series(np.nan, index=posts.index, dtype=float)
    for col in ("score", "sentiment_score"):
        if col in posts.columns:
            score = pd.to_numeric(posts[col], errors="coerce")
            if score.notna().any():
                out = score.clip(-1, 1).astype(float)
                break
    if "label" in posts.columns:
        out = out.fillna(posts["label"].astype(str).str.strip().str.lower().map(SENTIMENT_VALUES))
    if "text" in posts.columns:
        text = posts["text"].fillna("").astype(str)
        todo = out.isna() & (text.str.strip() != "")
        if todo.any():
            out[todo] = lexicon_scores(text[todo])
    return out if out.notna().any() else None


def _attribute_columns(users: pd.DataFrame, skip: set[str]) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Split attribute columns into numeric and categorical; drop id-like text columns."""
    numeric, categorical, cols = [], [], {}
    for col in users.columns:
        if col in skip:
            continue
        values = users[col]
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(float)
        if pd.api.types.is_numeric_dtype(values):
            cols[col] = values.astype(float)
            numeric.append(col)
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            continue
        as_number = pd.to_numeric(values.astype(str).str.strip().replace("", np.nan), errors="coerce")
        present = values.notna() & (values.astype(str).str.strip() != "")
        if present.any() and as_number[present].notna().mean() >= 0.95:
            cols[col] = as_number
            numeric.append(col)
            continue
        text = values.astype(str).str.strip().where(present, "(missing)")
        if text.nunique() <= MAX_CATEGORIES:
            cols[col] = text
            categorical.append(col)
    return pd.DataFrame(cols, index=users.index), numeric, categorical


def snapshot_features(
    df: pd.DataFrame, id_col: str, *, exclude: tuple[str, ...] = (), source: str = "table"
) -> FeatureSet:
    """Features of a snapshot table: one row per customer, every other column an attribute.

    Numeric-looking text (Telco's TotalCharges with blanks) becomes numeric with NaN; text columns with at
    most 50 values become categories; other text columns (names, free text) are left out.
    """
    if id_col not in df.columns:
        raise InputError("no such column", file=source, column=id_col)
    ids = df[id_col].astype(str).str.strip()
    dup = ids.duplicated().to_numpy().nonzero()[0]
    if len(dup):
        raise InputError("ids must be unique", file=source, column=id_col, rows=[int(i) + 2 for i in dup[:5]])
    frame = df.set_index(ids.to_numpy())
    frame.index.name = "user_id"
    table, numeric, categorical = _attribute_columns(frame, {id_col, *exclude})
    if not numeric and not categorical:
        raise InputError("no usable feature column (numbers, or text with at most 50 values)", file=source)
    n = len(table)
    return FeatureSet(table, numeric, categorical, np.zeros((n, 0), dtype=np.float32))


def event_features(
    activity: pd.DataFrame,
    cutoff,
    *,
    weeks: int = 12,
    users: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    edges: pd.DataFrame | None = None,
    user_ids=None,
    signup_col: str = "signup_at",
) -> FeatureSet:
    """Features of each user as of `cutoff`, from rows dated on or before it.

    `activity`: (user_id, ts) log, optionally with numeric value columns (summed per user as total_<col>).
    Optional `users` (user_id, signup_at, attribute columns), `posts`
    (user_id, ts, label or score, community), `edges` (src, dst, ts). `user_ids`: whom to describe
    (default: users signed up by the cutoff, else users active by then).
    """
    engine = event_engine()
    try:
        register_events(engine, activity)
        return log_features(
            engine,
            cutoff,
            value_cols=value_columns(activity),
            weeks=weeks,
            users=users,
            posts=posts,
            edges=edges,
            user_ids=user_ids,
            signup_col=signup_col,
        )
    finally:
        engine.close()


def log_features(
    engine: DuckDBEngine,
    cutoff,
    *,
    value_cols: list[str],
    weeks: int = 12,
    users: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    edges: pd.DataFrame | None = None,
    user_ids=None,
    signup_col: str = "signup_at",
) -> FeatureSet:
    """`event_features` on the activity log held by `engine` as the table `events` (core.query.churn):
    the log is reduced there to a few rows per user; only the per-user results come back."""
    cutoff = pd.Timestamp(cutoff)
    signup = None
    if users is not None and signup_col in users.columns:
        signup = pd.Series(
            pd.to_datetime(users[signup_col], errors="coerce").to_numpy(), index=users["user_id"].astype(str).to_numpy()
        )
    if user_ids is None:
        user_ids = signup.index[(signup <= cutoff).to_numpy()] if signup is not None else active_users(engine, cutoff)
    index = pd.Index(pd.Index(user_ids).astype(str).unique(), name="user_id").sort_values()
    if len(index) == 0:
        raise InputError(f"no user was active by the cutoff {cutoff:%Y-%m-%d}")

    stats = user_event_stats(engine, cutoff, value_cols).reindex(index)
    first, last, count = stats["first"], stats["last"], stats["events"].fillna(0)
    day = pd.Timedelta(days=1)
    start = first if signup is None else signup.reindex(index).fillna(first)
    start = start.where(start <= cutoff)  # signup after the cutoff is the future: ignore it
    tenure = ((cutoff - start) / day).fillna(0.0).clip(lower=0.0)
    recency = ((cutoff - last) / day).fillna(tenure)
    active_days, last_30 = stats["active_days"].fillna(0), stats["events_last_30d"].fillna(0)

    timeline = np.zeros((len(index), weeks), dtype=np.float32)
    week_starts = [cutoff - pd.Timedelta(days=7 * (weeks - i)) for i in range(weeks)]
    if weeks:
        counts = weekly_event_counts(engine, cutoff, weeks)
        rows = index.get_indexer(counts["user_id"].to_numpy())
        keep = rows >= 0
        timeline[rows[keep], weeks - 1 - counts["week"].to_numpy()[keep]] = counts["events"].to_numpy()[keep]
    recent = timeline[:, -TREND_RECENT_WEEKS:].mean(axis=1) if weeks else np.zeros(len(index))
    earlier = timeline[:, :-TREND_RECENT_WEEKS].mean(axis=1) if weeks > TREND_RECENT_WEEKS else recent
    table = pd.DataFrame(
        {
            "recency_days": recency.to_numpy(dtype=float),
            "frequency": count.to_numpy(dtype=float),
            "active_days": active_days.to_numpy(dtype=float),
            "events_last_30d": last_30.to_numpy(dtype=float),
            "tenure_days": tenure.to_numpy(dtype=float),
            "events_per_week": count.to_numpy(dtype=float) / np.maximum(tenure.to_numpy(dtype=float) / 7.0, 1.0),
            # log ratio of the last four weeks' weekly rate to the weeks before: < 0 means falling activity
            "activity_trend": np.log1p(recent) - np.log1p(earlier),
        },
        index=index,
    )
    numeric, categorical = list(table.columns), []
    for col in value_cols:
        table[f"total_{col}"] = stats[f"total_{col}"].fillna(0).to_numpy(dtype=float)
        numeric.append(f"total_{col}")

    if posts is not None and {"user_id", "ts"} <= set(posts.columns):
        p = posts[posts["ts"] <= cutoff]
        p_user = p["user_id"].astype(str)
        table["posts"] = p_user.value_counts().reindex(index).fillna(0).to_numpy(dtype=float)
        numeric.append("posts")
        sentiment = _sentiment_values(p)
        if sentiment is not None:
            s = pd.DataFrame({"user_id": p_user.to_numpy(), "s": sentiment.to_numpy()}).dropna()
            table["post_sentiment"] = s.groupby("user_id")["s"].mean().reindex(index).to_numpy()
            table["negative_post_share"] = (
                s.assign(neg=s["s"] < -NEGATIVE_BELOW)
                .groupby("user_id")["neg"]
                .mean()
                .reindex(index)
                .to_numpy(dtype=float)
            )
            numeric += ["post_sentiment", "negative_post_share"]
        if "community" in p.columns and p["community"].notna().any():
            counts = (
                pd.DataFrame({"user_id": p_user.to_numpy(), "c": p["community"].astype(str).to_numpy()})
                .value_counts()
                .reset_index(name="n")
            )  # sorted by n, descending
            mode = counts.drop_duplicates("user_id").set_index("user_id")["c"]  # each user's most frequent
            table["community"] = mode.reindex(index).fillna("(none)").to_numpy()
            categorical.append("community")

    if edges is not None and {"src", "dst"} <= set(edges.columns):
        e = edges
        if "ts" in e.columns and pd.api.types.is_datetime64_any_dtype(e["ts"]):
            e = e[e["ts"].isna() | (e["ts"] <= cutoff)]
        src, dst = e["src"].astype(str).to_numpy(), e["dst"].astype(str).to_numpy()
        pairs = pd.DataFrame({"u": np.concatenate([src, dst]), "v": np.concatenate([dst, src])}).drop_duplicates()
        table["social_degree"] = pairs.groupby("u").size().reindex(index).fillna(0).to_numpy(dtype=float)
        table["followers"] = pd.Series(dst).value_counts().reindex(index).fillna(0).to_numpy(dtype=float)
        numeric += ["social_degree", "followers"]

    if users is not None:
        attrs = users.assign(user_id=users["user_id"].astype(str)).drop_duplicates("user_id").set_index("user_id")
        attr_table, attr_num, attr_cat = _attribute_columns(attrs, {signup_col})
        attr_table = attr_table.reindex(index)
        for col in attr_cat:
            attr_table[col] = attr_table[col].fillna("(missing)")
        for col in attr_num + attr_cat:
            if col not in table.columns:
                table[col] = attr_table[col].to_numpy()
                (numeric if col in attr_num else categorical).append(col)
    return FeatureSet(table, numeric, categorical, timeline, week_starts, cutoff)


def value_columns(activity: pd.DataFrame) -> list[str]:
    """Numeric value columns an activity log carries beside user_id and ts (e.g. dollar_value)."""
    return [c for c in activity.columns if c not in ("user_id", "ts") and pd.api.types.is_numeric_dtype(activity[c])]
