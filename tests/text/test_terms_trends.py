"""Log-odds with an informative Dirichlet prior against a hand computation; trend statistics
against scipy / statsmodels."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from core.text.terms import count_terms, log_odds_dirichlet
from core.text.trends import period_start, sentiment_trends


def test_log_odds_matches_hand_computation():
    target, reference = Counter({"outage": 10, "great": 2}), Counter({"outage": 1, "great": 12})
    prior = Counter({"outage": 20, "great": 80})
    table = log_odds_dirichlet(target, reference, prior=prior, alpha0=10).set_index("term")
    # by hand: a_outage = 10 * 20/100 = 2, a_great = 8; n = 12, m = 13, a0 = 10
    d = math.log((10 + 2) / (12 + 10 - 10 - 2)) - math.log((1 + 2) / (13 + 10 - 1 - 2))
    v = 1 / (10 + 2) + 1 / (1 + 2)
    assert table.loc["outage", "delta"] == pytest.approx(d)
    assert table.loc["outage", "z"] == pytest.approx(d / math.sqrt(v))
    dg = math.log((2 + 8) / (12 + 10 - 2 - 8)) - math.log((12 + 8) / (13 + 10 - 12 - 8))
    assert table.loc["great", "delta"] == pytest.approx(dg)
    assert table.index[0] == "outage"  # sorted by z


def test_default_prior_is_the_pooled_counts():
    target, reference = Counter({"a": 5}), Counter({"a": 1, "b": 6})
    pooled = log_odds_dirichlet(target, reference)
    explicit = log_odds_dirichlet(target, reference, prior=target + reference, alpha0=12)
    pd.testing.assert_frame_equal(pooled, explicit)


def test_count_terms_counts_each_post():
    counts = count_terms(["outage again", "outage again", "宕机了"])
    assert counts["outage"] == 2 and counts["宕机"] == 1


def test_trends_match_scipy_and_statsmodels():
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    ts = pd.to_datetime(
        ["2026-01-05 10:00", "2026-01-07 00:00", "2026-01-11 23:59", "2026-01-12 00:00", "2026-01-13 00:00"]
    )
    scored = pd.DataFrame(
        {
            "ts": ts,
            "score": [0.5, -0.5, 0.2, 0.9, 0.1],
            "community": ["a"] * 5,
            "sentiment": ["positive", "negative", "neutral", "positive", "neutral"],
        }
    )
    out = sentiment_trends(scored, "week")
    a = out[out["community"] == "a"].set_index("period")
    week1 = a.loc[pd.Timestamp("2026-01-05")]
    assert week1["volume"] == 3 and week1["mean_score"] == pytest.approx(0.2 / 3)
    lo, hi = stats.t.interval(0.95, 2, loc=0.2 / 3, scale=stats.sem([0.5, -0.5, 0.2]))
    assert (week1["ci_low"], week1["ci_high"]) == pytest.approx((lo, hi))
    wl, wh = proportion_confint(1, 3, method="wilson")
    assert (week1["neg_ci_low"], week1["neg_ci_high"]) == pytest.approx((wl, wh))
    assert set(out["community"]) == {"a", "all"}
    assert list(period_start(pd.Series(ts), "month").dt.day.unique()) == [1]
    assert period_start(pd.Series(ts), "week").dt.weekday.eq(0).all()
