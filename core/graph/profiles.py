"""Community profiles: one table joining structure, growth, sentiment, churn and ad response.

Every column beyond the structural ones is filled only when its table exists (NaN otherwise), so
the same function serves a workspace with only `edges` and one with all five tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from core.graph.build import UserGraph
from core.graph.detect import CommunityResult
from core.text.lexicon import lexicon_scores

LABEL_SCORES = {
    "positive": 1.0,
    "neutral": 0.0,
    "negative": -1.0,
    "pos": 1.0,
    "neu": 0.0,
    "neg": -1.0,
    "正面": 1.0,
    "中性": 0.0,
    "负面": -1.0,
    "1": 1.0,
    "0": 0.0,
    "-1": -1.0,
}
CHURN_INACTIVE_DAYS = 30
GROWTH_WINDOW_DAYS = 30


def community_growth(graph: UserGraph, result: CommunityResult, *, freq: str = "MS") -> pd.DataFrame:
    """New and cumulative members per community per period (by each node's first-seen time).

    Columns: community, period, new_members, members. Empty when the graph has no timestamps.
    """
    if graph.first_seen is None or np.isnat(graph.first_seen).all():
        return pd.DataFrame(columns=["community", "period", "new_members", "members"])
    frame = pd.DataFrame({"community": result.membership, "first_seen": graph.first_seen}).dropna()
    frame["period"] = frame["first_seen"].dt.to_period(freq[0] if freq in ("MS", "M") else freq).dt.start_time
    counts = frame.groupby(["community", "period"]).size().rename("new_members").reset_index()
    periods = pd.Index(sorted(counts["period"].unique()), name="period")
    full = (
        counts.set_index(["community", "period"])["new_members"]
        .unstack(fill_value=0)
        .reindex(columns=periods, fill_value=0)
    )
    long = full.stack().rename("new_members").reset_index()
    long["members"] = long.groupby("community")["new_members"].cumsum()
    return long.sort_values(["community", "period"], ignore_index=True)


def _post_sentiment(posts: pd.DataFrame) -> tuple[pd.Series, str] | None:
    """Per-post score in [-1, 1] and where it came from: the known `label` column where it has
    values, else core.text's English/Chinese lexicon on `text`; None when neither exists."""
    if "label" in posts.columns:
        labels = posts["label"].astype("string").str.strip().str.lower()
        scores = pd.to_numeric(labels.map(LABEL_SCORES), errors="coerce")
        if scores.notna().any():
            return scores, "label"
    if "text" in posts.columns:
        texts = posts["text"].fillna("").astype(str)
        return pd.Series(lexicon_scores(texts), index=posts.index, dtype=float), "lexicon"
    return None


def _user_last_activity(tables: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Latest timestamp per user over interactions, posts and outgoing edges."""
    parts = []
    for name, user_col in (("interactions", "user_id"), ("posts", "user_id"), ("edges", "src")):
        df = tables.get(name)
        if df is not None and user_col in df.columns and "ts" in df.columns:
            parts.append(
                pd.DataFrame({"user": df[user_col].astype(str), "ts": pd.to_datetime(df["ts"], errors="coerce")})
            )
    if not parts:
        return pd.Series(dtype="datetime64[ns]")
    both = pd.concat(parts).dropna()
    return both.groupby("user")["ts"].max()


def community_profiles(
    graph: UserGraph,
    result: CommunityResult,
    influence: pd.DataFrame | None = None,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    top_n: int = 3,
) -> pd.DataFrame:
    """One row per community.

    Always: community, size, internal_edges, density, cross_edges, top_members (by PageRank when
    `influence` is given, else by degree), new_members_30d, growth_30d (new members in the last
    30 days of the data / members before). Other tables join only through users in the graph;
    a table none of whose users are in the graph adds no columns. With `posts`: posts, mean_sentiment (-1..1) and
    sentiment_from ('label' when the label column has values, else 'lexicon' on the text).
    With activity timestamps: churn_rate (share of members inactive for the last 30 days of the
    data). With `ad_events` per user: ad_users, ad_conversion_rate, ad_ctr, ad_revenue_per_user.
    """
    tables = tables or {}
    k = result.n_communities
    membership = result.membership
    members = pd.Series(membership, index=graph.nodes.astype(str), name="community")
    u, v, _ = graph.undirected_edges()
    same = membership[u] == membership[v]
    size = np.bincount(membership, minlength=k)
    internal = np.bincount(membership[u][same], minlength=k)
    cross = np.bincount(np.concatenate([membership[u][~same], membership[v][~same]]), minlength=k)
    possible = size * (size - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(possible > 0, internal / possible, 0.0)
    prof = pd.DataFrame(
        {"community": np.arange(k), "size": size, "internal_edges": internal, "density": density, "cross_edges": cross}
    )

    if influence is not None and len(influence):
        ranked = influence.sort_values(["pagerank", "node"], ascending=[False, True])
    else:
        ranked = pd.DataFrame(
            {"node": graph.nodes.astype(str), "community": membership, "pagerank": graph.degrees()}
        ).sort_values(["pagerank", "node"], ascending=[False, True])
    top = ranked.groupby("community")["node"].apply(lambda s: ", ".join(s.head(top_n)))
    prof["top_members"] = prof["community"].map(top).fillna("")

    if graph.first_seen is not None and not np.isnat(graph.first_seen).all():
        first = pd.Series(graph.first_seen)
        cutoff = first.max() - pd.Timedelta(days=GROWTH_WINDOW_DAYS)
        new = np.bincount(membership[(first > cutoff).to_numpy()], minlength=k)
        before = np.bincount(membership[(first <= cutoff).to_numpy()], minlength=k)
        prof["new_members_30d"] = new
        with np.errstate(invalid="ignore", divide="ignore"):
            prof["growth_30d"] = np.where(before > 0, new / np.maximum(before, 1), np.nan)

    # other tables join only through users that are in the graph: a workspace's posts or ad events
    # from unrelated users (a review file beside an e-mail network) add no columns
    posts = tables.get("posts")
    if posts is not None and "user_id" in posts.columns:
        comm = posts["user_id"].astype(str).map(members)
        joined = comm.notna().to_numpy()
        if joined.any():
            posts, comm = posts[joined], comm[joined]
            prof["posts"] = prof["community"].map(comm.value_counts()).fillna(0).astype(int)
            scored = _post_sentiment(posts)
            if scored is not None:
                scores, origin = scored
                prof["mean_sentiment"] = prof["community"].map(scores.groupby(comm).mean())
                prof["sentiment_from"] = origin

    last = _user_last_activity(tables)
    last = last[last.index.isin(members.index)]
    if len(last):
        end = last.max()
        churned = (last < end - pd.Timedelta(days=CHURN_INACTIVE_DAYS)).astype(float)
        comm = churned.index.map(members)
        rate = churned.groupby(comm).mean()
        prof["churn_rate"] = prof["community"].map(rate)

    ads = tables.get("ad_events")
    if ads is not None and "user_id" in ads.columns:
        per_user = pd.DataFrame({"user": ads["user_id"].astype(str)})
        for col in ("impressions", "clicks", "converted", "revenue"):
            if col in ads.columns:
                per_user[col] = pd.to_numeric(ads[col], errors="coerce")
        agg = {c: ("max" if c == "converted" else "sum") for c in per_user.columns if c != "user"}
        per_user = per_user.groupby("user").agg(agg) if agg else per_user.groupby("user").size().to_frame("n")
        per_user["community"] = per_user.index.map(members)
        per_user = per_user.dropna(subset=["community"])
    if ads is not None and "user_id" in ads.columns and len(per_user):
        grouped = per_user.groupby("community")
        prof["ad_users"] = prof["community"].map(grouped.size()).fillna(0).astype(int)
        if "converted" in per_user.columns:
            prof["ad_conversion_rate"] = prof["community"].map(grouped["converted"].mean())
        if "clicks" in per_user.columns and "impressions" in per_user.columns:
            sums = grouped[["clicks", "impressions"]].sum()
            prof["ad_ctr"] = prof["community"].map(sums["clicks"] / sums["impressions"].replace(0, np.nan))
        if "revenue" in per_user.columns:
            prof["ad_revenue_per_user"] = prof["community"].map(grouped["revenue"].mean())
    return prof
