"""Every community-health metric against the pandas reference (tests/health/reference.py), on
generated posts with known answers and on the Beer Stack Exchange dump."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from core.health.metrics import community_health
from core.query.engine import DuckDBEngine
from tests.health.reference import reference

COMPARED = [
    "members",
    "newcomers",
    "returning_newcomers",
    "threads",
    "replies",
    "threads_per_day",
    "replies_per_thread",
    "share_answered",
    "median_hours_to_first_response",
    "p90_hours_to_first_response",
    "members_for_half_of_replies",
    "reciprocity",
]


def edge_posts() -> pd.DataFrame:
    """Self-replies, replies to replies, unanswered threads, one-post members, Chinese ids, a reply
    whose parent is missing, a post without a community, over three weeks."""
    rows = [
        # pid, user, ts, parent, community
        ("1", "张三", "2024-01-01 09:00", None, "茶馆"),
        ("2", "李四", "2024-01-01 11:30", "1", "茶馆"),  # answer: 2.5 h
        ("3", "张三", "2024-01-01 12:00", "2", "茶馆"),  # reply to a reply (counts for 1)
        ("4", "李四", "2024-01-02 08:00", None, "茶馆"),
        ("5", "李四", "2024-01-02 09:00", "4", "茶馆"),  # self-reply: not an answer
        ("6", "王五", "2024-01-03 10:00", "5", "茶馆"),  # reply to the self-reply: answers 4 after 26 h
        ("7", "once", "2024-01-03 11:00", None, "garden"),  # one-post member, unanswered
        ("8", "ann", "2024-01-04 10:00", None, "garden"),
        ("9", "bob", "2024-01-04 10:30", "8", "garden"),
        ("10", "ann", "2024-01-04 11:00", "9", "garden"),
        ("11", "bob", "2024-01-09 10:00", None, "garden"),  # week 2
        ("12", "ann", "2024-01-09 12:00", "11", "garden"),
        ("13", "new", "2024-01-10 12:00", None, "garden"),
        ("14", "new", "2024-01-16 12:00", "99", "garden"),  # parent missing; week 3: new returns late
        ("15", "张三", "2024-01-16 13:00", None, None),  # no community: the whole site only
        ("16", "王五", "2024-01-10 08:00", "1", "茶馆"),  # a late answer in week 2 (thread 1)
        ("17", "ann", "2024-01-17 08:00", "13", "garden"),  # answers 13 a week later
    ]
    df = pd.DataFrame(rows, columns=["post_id", "user_id", "ts", "parent_id", "community"])
    df["ts"] = pd.to_datetime(df["ts"])
    df["text"] = "ok"
    return df


def compare(posts: pd.DataFrame, freq: str = "week", site_periods_only: bool = False):
    whole_ref, per_ref = reference(posts, freq, site_periods_only)
    with DuckDBEngine.of_frames(posts=posts.drop(columns=["text"], errors="ignore")) as eng:
        result = community_health(eng, freq=freq)
    got_whole = result.table().assign(community=lambda d: d["community"].fillna(""))
    for _, ref in whole_ref.iterrows():
        row = got_whole[got_whole["community"] == ref["community"]].iloc[0]
        for m in COMPARED:
            got = np.nan if row[m] is None else float(row[m])
            assert np.isclose(got, ref[m], rtol=1e-9, atol=1e-9, equal_nan=True), (ref["community"], m, got, ref[m])
    per = result.periods
    if site_periods_only:
        per = per[per["community"] == ""]
    assert len(per) == len(per_ref)
    for _, ref in per_ref.iterrows():
        row = per[(per["community"] == ref["community"]) & (per["period"] == ref["period"])].iloc[0]
        for m in COMPARED:
            assert np.isclose(row[m], ref[m], rtol=1e-9, atol=1e-9, equal_nan=True), (
                ref["community"],
                ref["period"],
                m,
                row[m],
                ref[m],
            )
    return result


def test_edge_cases_match_the_reference_and_known_answers():
    posts = edge_posts()
    result = compare(posts)
    tea = next(c for c in result.communities if c["community"] == "茶馆")
    # thread 1 answered by 李四 after 2.5 h, thread 4 by 王五 after 26 h (the self-reply does not count)
    assert tea["share_answered"] == 1.0
    assert tea["median_hours_to_first_response"] == pytest.approx((2.5 + 26) / 2)
    garden = next(c for c in result.communities if c["community"] == "garden")
    # threads 7 (never) and 13 (a week later) vs 8 and 11 answered
    assert garden["threads"] == 4 and garden["share_answered"] == pytest.approx(3 / 4)
    # ann<->bob reply to each other; new -> (missing parent) is no pair, ann -> new is one-sided
    assert garden["reciprocity"] == pytest.approx(2 / 3)
    assert result.overall["members"] == 7


def test_monthly_and_daily_periods_match_the_reference():
    compare(edge_posts(), "month")
    compare(edge_posts(), "day")


def test_random_posts_match_the_reference():
    rng = np.random.default_rng(3)
    n = 400
    ts = pd.Timestamp("2024-03-01") + pd.to_timedelta(np.sort(rng.uniform(0, 70 * 86400, n)), unit="s")
    users = rng.choice([f"u{i}" for i in range(40)] + ["用户甲", "用户乙"], n)
    parent = [None if i == 0 or rng.random() < 0.4 else str(int(rng.integers(max(0, i - 30), i))) for i in range(n)]
    posts = pd.DataFrame(
        {
            "post_id": [str(i) for i in range(n)],
            "user_id": users,
            "ts": ts,
            "parent_id": parent,
            "community": rng.choice(["a", "b", "c"], n),
        }
    )
    compare(posts)


def beer_posts(path) -> pd.DataFrame:
    """Questions and answers of the dump as posts (answers carry parent_id); one community per
    question's first tag, answers in their question's."""
    rows = []
    for _, el in ET.iterparse(path):
        if el.tag != "row" or el.get("PostTypeId") not in ("1", "2"):
            continue
        tags = el.get("Tags") or ""
        rows.append(
            (
                el.get("Id"),
                el.get("OwnerUserId"),
                el.get("CreationDate"),
                el.get("ParentId"),
                tags[1:].split(">")[0] or None,
            )
        )
        el.clear()
    df = pd.DataFrame(rows, columns=["post_id", "user_id", "ts", "parent_id", "community"])
    df["ts"] = pd.to_datetime(df["ts"])
    tag = dict(zip(df["post_id"], df["community"]))
    df["community"] = [tag.get(p) if isinstance(p, str) else c for p, c in zip(df["parent_id"], df["community"])]
    keep = df["community"].map(df["community"].value_counts()) >= 40  # a few big tags, the rest site-only
    df.loc[~keep, "community"] = None
    return df


def test_beer_stack_exchange_matches_the_reference(shared_datasets):
    posts = beer_posts(shared_datasets / "beer_stackexchange" / "Posts.xml")
    assert len(posts) == 663 + 1572
    result = compare(posts, "month", site_periods_only=True)
    assert result.overall["threads"] == 663 and result.overall["replies"] == 1572


def test_without_parent_or_times_those_metrics_are_absent_with_a_reason():
    from core.health.metrics import NEEDS_TIME, RESPONSIVENESS

    posts = edge_posts()
    with DuckDBEngine.of_frames(posts=posts.drop(columns=["parent_id", "ts", "text"])) as eng:
        result = community_health(eng)
    assert set(RESPONSIVENESS) | set(NEEDS_TIME) <= set(result.absent)
    assert result.periods.empty and result.alerts == []
    # every post is a thread now; members still counted per community
    assert result.overall["threads"] == len(posts) and result.overall["members"] == posts["user_id"].nunique()
    reasons = dict(result.absent_texts("en"))
    assert "parent_id" in reasons["share answered"] and "ts" in reasons["newcomers"]
    assert "parent_id" in dict(result.absent_texts("zh"))["获回复主题占比"]
    assert "share_answered" not in result.to_dict()["overall"]
