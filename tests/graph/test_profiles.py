"""Community profiles: structure, growth, sentiment, churn and ad response joined by community."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.graph.build import graph_from_edges
from core.graph.detect import detect_communities
from core.graph.influence import influence_table
from core.graph.profiles import community_growth, community_profiles


@pytest.fixture()
def two_groups():
    df = pd.DataFrame(
        {
            "src": ["a", "b", "c", "d", "e", "f", "c"],
            "dst": ["b", "c", "a", "e", "f", "d", "d"],
            "ts": pd.to_datetime(
                ["2026-01-01", "2026-01-02", "2026-01-03", "2026-03-01", "2026-03-02", "2026-03-20", "2026-03-25"]
            ),
        }
    )
    g = graph_from_edges(df)
    r = detect_communities(g)
    return g, r, df


def test_structure_columns_and_joined_tables(two_groups):
    g, r, edges = two_groups
    comm = dict(zip(g.nodes.astype(str), r.membership))
    abc, deff = comm["a"], comm["d"]
    posts = pd.DataFrame(
        {
            "user_id": ["a", "b", "d", "e", "e"],
            "label": ["positive", "positive", "negative", "", "neutral"],
            "ts": pd.to_datetime(["2026-01-05"] * 2 + ["2026-03-25"] * 3),
        }
    )
    ads = pd.DataFrame(
        {
            "user_id": ["a", "a", "b", "d"],
            "impressions": [10, 10, 5, 10],
            "clicks": [1, 1, 0, 5],
            "converted": [0, 1, 0, 0],
            "revenue": [0, 5, 0, 0],
        }
    )
    prof = community_profiles(
        g, r, influence_table(g, r), tables={"edges": edges, "posts": posts, "ad_events": ads}
    ).set_index("community")
    assert prof.loc[abc, "size"] == 3 and prof.loc[abc, "internal_edges"] == 3
    assert prof.loc[abc, "density"] == pytest.approx(1.0) and prof.loc[abc, "cross_edges"] == 1
    assert prof.loc[abc, "mean_sentiment"] == pytest.approx(1.0)
    assert prof.loc[deff, "mean_sentiment"] == pytest.approx(-0.5)  # unlabeled post ignored
    assert prof.loc[abc, "posts"] == 2 and prof.loc[deff, "posts"] == 3
    assert prof.loc[abc, "ad_users"] == 2 and prof.loc[abc, "ad_conversion_rate"] == pytest.approx(0.5)
    assert prof.loc[abc, "ad_ctr"] == pytest.approx(2 / 25) and prof.loc[deff, "ad_ctr"] == pytest.approx(0.5)
    # last activity (end = 25 March): a, b only in January -> churned; c has the c->d tie of
    # 25 March; d, e, f are active in March
    assert prof.loc[abc, "churn_rate"] == pytest.approx(2 / 3) and prof.loc[deff, "churn_rate"] == 0.0
    # growth: d, e, f first seen within 30 days of the last first-seen time (2 March)
    assert prof.loc[deff, "new_members_30d"] == 3 and prof.loc[abc, "new_members_30d"] == 0
    assert set(prof.loc[abc, "top_members"].split(", ")) == {"a", "b", "c"}


def test_growth_is_cumulative_and_ends_at_community_size(two_groups):
    g, r, _ = two_groups
    growth = community_growth(g, r)
    final = growth.groupby("community")["members"].last()
    assert final.tolist() == r.sizes
    assert (growth.groupby("community")["members"].diff().dropna() >= 0).all()


def test_sample_profiles_follow_planted_mood(sample_analysis, sample_truth, ground_truth):
    """Mean sentiment per detected community tracks each planted community's mood."""
    prof = sample_analysis.profiles
    assert prof["size"].sum() == sample_analysis.graph.n_nodes
    for col in ("mean_sentiment", "churn_rate", "ad_conversion_rate", "growth_30d"):
        assert col in prof.columns
    membership = sample_analysis.result.membership
    planted_of = {c: np.bincount(sample_truth[membership == c]).argmax() for c in prof["community"]}
    mood = [ground_truth["community_sentiment"][f"c{planted_of[c]}"] for c in prof["community"]]
    assert np.corrcoef(mood, prof["mean_sentiment"])[0, 1] > 0.8


def test_sentiment_falls_back_to_the_lexicon_without_labels(two_groups):
    g, r, _ = two_groups
    comm = dict(zip(g.nodes.astype(str), r.membership))
    posts = pd.DataFrame(
        {
            "user_id": ["a", "b", "d", "e"],
            "text": [
                "I love this, great job!",
                "这个活动太棒了，非常喜欢！",
                "Terrible, really disappointed",
                "太差了，很失望",
            ],
        }
    )
    prof = community_profiles(g, r, tables={"posts": posts}).set_index("community")
    assert (prof["sentiment_from"] == "lexicon").all()
    assert prof.loc[comm["a"], "mean_sentiment"] > 0.2 > -0.2 > prof.loc[comm["d"], "mean_sentiment"]


def test_posts_and_ads_join_only_through_users_in_the_graph(two_groups):
    """A review file or ad log of other users (same workspace, unrelated to the network) adds no
    columns; where some users are in the graph only their rows count."""
    g, r, edges = two_groups
    comm = dict(zip(g.nodes.astype(str), r.membership))
    reviews = pd.DataFrame({"user_id": ["x1", "x2", "x3"], "text": ["great", "awful", "fine"]})
    ads = pd.DataFrame({"user_id": ["y1", "y2"], "converted": [1, 0]})
    prof = community_profiles(g, r, tables={"edges": edges, "posts": reviews, "ad_events": ads})
    assert not {"posts", "mean_sentiment", "sentiment_from", "ad_users", "ad_conversion_rate"} & set(prof.columns)
    # posts without any user id: nothing to join either
    prof = community_profiles(g, r, tables={"posts": pd.DataFrame({"text": ["great", "awful"]})})
    assert "posts" not in prof.columns
    mixed = pd.DataFrame({"user_id": ["a", "x1", "x2"], "label": ["positive", "negative", "negative"]})
    prof = community_profiles(g, r, tables={"posts": mixed}).set_index("community")
    assert prof["posts"].sum() == 1 and prof.loc[comm["a"], "mean_sentiment"] == pytest.approx(1.0)
    assert prof["mean_sentiment"].drop(comm["a"]).isna().all()
