"""Log-odds with an informative Dirichlet prior against a hand computation; trend statistics
against scipy / statsmodels."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

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


WAIMAI = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "waimai_10k" / "waimai_10k.csv"


@pytest.mark.skipif(not WAIMAI.exists(), reason="shared waimai_10k data set not present")
def test_chinese_stop_words_let_content_words_surface_on_real_reviews():
    """On real delivery reviews, negative drivers with the shipped stop-word list drop the filler that
    raw jieba tokens rank high (说, 没有, 结果 ...) and surface complaints (差, 难吃, 太慢)."""
    from core.text.shifts import negative_drivers
    from core.text.tokenize import stop_words, tokenize

    df = pd.read_csv(WAIMAI).sample(2000, random_state=0)
    scored = pd.DataFrame({"text": df["review"], "sentiment": df["label"].map({1: "positive", 0: "negative"})})
    filler = {"说", "用", "没有", "结果", "才", "民", "但是", "知道"}
    assert filler <= stop_words("zh") and not {"差", "前台", "携程", "难吃"} & stop_words("zh")
    # reference: the same log-odds on raw jieba words (no stop words) puts filler near the top
    neg = scored["sentiment"] == "negative"
    raw = [
        Counter(t for x in scored.loc[m, "text"] for t in tokenize(str(x)) if len(t.strip("，。！？,.!? ")) > 0)
        for m in (neg, ~neg)
    ]
    raw_top = set(log_odds_dirichlet(raw[0], raw[1]).head(30)["term"])
    assert len(raw_top & filler) >= 2
    top = set(negative_drivers(scored, n_terms=30, min_count=3)["term"])
    assert not top & filler
    assert not top & stop_words("zh")
    assert {"差", "难吃"} <= top
