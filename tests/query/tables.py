"""Tables for the query-layer tests (imported by the tests/query and tests/spark conftests): the sample
workspace, a scored copy of its posts, and a generated workspace of edge cases (NULLs, blank ids, empty
groups, one variant, Chinese community names). Parquet is written as DuckDB and Spark write it
(microsecond timestamps; Spark refuses pandas' nanoseconds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.query.score import save_parquet


@pytest.fixture(scope="session")
def scored_posts(sample_ws, tmp_path_factory):
    """The sample posts scored in-process by the lexicon, as a Parquet file."""
    from core.text.scoring import score_posts_frame

    posts = sample_ws.read("posts")
    path = tmp_path_factory.mktemp("scored") / "scored.parquet"
    save_parquet(score_posts_frame(posts), path)
    return path


@pytest.fixture(scope="session")
def edge_tables(tmp_path_factory) -> dict:
    """Parquet files of awkward tables: NULL metrics/covariates/variants/ids/times, blank ids, a
    variant with no metric at all, a self-reply, Chinese communities, an item everybody touched, users
    with signups (missing ones, a repeated id, users never active)."""
    rng = np.random.default_rng(7)
    d = tmp_path_factory.mktemp("edge_ws")
    n = 400
    ad = pd.DataFrame(
        {
            "variant": rng.choice(["对照", "B", None], n, p=[0.5, 0.45, 0.05]),
            "segment": rng.choice(["新用户", "old", None], n),
            "ts": pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 20 * 24, n), unit="h"),
            "converted": rng.integers(0, 2, n).astype(float),
            "revenue": rng.gamma(2.0, 10.0, n),
            "pre": rng.gamma(2.0, 10.0, n),
        }
    )
    ad.loc[rng.random(n) < 0.1, "revenue"] = np.nan
    ad.loc[rng.random(n) < 0.1, "pre"] = np.nan
    ad.loc[ad["variant"] == "B", "segment"] = ad.loc[ad["variant"] == "B", "segment"].fillna("old")
    ad.loc[len(ad)] = ["仅一行", "old", pd.Timestamp("2026-03-02"), np.nan, np.nan, 1.0]  # a group with no metric
    one = ad.assign(variant="A")  # one variant only
    users = [f"u{i}" for i in range(40)] + ["用户甲", " u1 ", "", None]
    m = 600
    inter = pd.DataFrame(
        {
            "user_id": rng.choice(np.array(users, dtype=object), m),
            "item_id": rng.choice(np.array([f"i{i}" for i in range(30)] + ["热门", None], dtype=object), m),
            "ts": pd.Timestamp("2025-11-20") + pd.to_timedelta(rng.integers(0, 150 * 24, m), unit="h"),
        }
    )
    inter.loc[rng.random(m) < 0.03, "ts"] = pd.NaT
    inter = pd.concat(
        [
            inter,
            pd.DataFrame(
                {"user_id": [f"u{i}" for i in range(40)], "item_id": "everyone", "ts": pd.Timestamp("2026-01-01")}
            ),
        ],
        ignore_index=True,
    )
    k = 300
    posts = pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(k)],
            "user_id": rng.choice(np.array(users, dtype=object), k),
            "ts": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 60 * 24, k), unit="h"),
            "community": rng.choice(np.array(["数码", "旅行", "books", None], dtype=object), k),
            "text": rng.choice(["很好 很喜欢", "太差了", "great stuff", "awful, never again", "ok", ""], k),
        }
    )
    parent = pd.Series(rng.choice(np.array([f"p{i}" for i in range(k)] + ["p_missing"], dtype=object), k))
    posts["parent_id"] = parent.where(rng.random(k) < 0.5, None)
    posts["reply_to_user"] = pd.Series(rng.choice(np.array(users, dtype=object), k)).where(rng.random(k) < 0.2, None)
    posts.loc[0, ["reply_to_user", "user_id"]] = ["u3", "u3"]  # a self-reply
    posts.loc[rng.random(k) < 0.05, "ts"] = pd.NaT
    signup = pd.Timestamp("2025-10-01") + pd.to_timedelta(rng.integers(0, 120, len(users) + 3), unit="D")
    people = pd.DataFrame({"user_id": users + ["从未活跃", "never", "u2"], "signup_at": signup})
    people.loc[[3, 7], "signup_at"] = pd.NaT  # no signup time; 'u2' twice (the earliest counts)
    tables = {"ad_events": ad, "ad_one": one, "interactions": inter, "posts": posts, "users": people}
    paths = {}
    for name, frame in tables.items():
        paths[name] = d / f"{name}.parquet"
        save_parquet(frame, paths[name])
    from core.text.scoring import score_posts_frame

    paths["scored"] = d / "scored.parquet"
    save_parquet(score_posts_frame(posts), paths["scored"])
    return paths
