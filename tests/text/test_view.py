"""The sentiment view's rules (core.text.view): posts without times, bands only for languages present,
thin periods marked, the headline numbers from the scored posts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.text.view import SentimentSettings, default_freq, sentiment_filters, sentiment_view

EN = ["great service, love it", "terrible delay, awful support", "the flight was ok", "worst airline ever, rude"]
ZH = ["非常好吃，送餐很快", "太难吃了，再也不点", "一般般吧", "服务很差，很失望"]


def _posts(n_weeks: int = 6, per_week: int = 12, seed: int = 0, zh: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(n_weeks):
        for i in range(per_week):
            texts = EN + ZH if zh else EN
            rows.append(
                {
                    "text": texts[rng.integers(len(texts))],
                    "ts": pd.Timestamp("2026-01-05") + pd.Timedelta(days=7 * w + i % 7),
                    "community": f"c{i % 2}",
                }
            )
    return pd.DataFrame(rows)


def test_posts_without_usable_times_are_scored_without_a_trend():
    posts = _posts().drop(columns=["ts"])
    assert not sentiment_filters(posts).has_time
    view = sentiment_view(posts)
    assert view is not None and view.n_posts == len(posts) and view.trends.empty and view.shifts.empty
    unreadable = _posts().assign(ts="not a date")  # a ts column whose values are no times at all
    assert not sentiment_filters(unreadable).has_time
    assert sentiment_view(unreadable).trends.empty


def test_bands_only_for_languages_in_the_selection_and_numbers_from_the_scored_posts():
    posts = _posts()
    view = sentiment_view(posts, SentimentSettings(languages=("en",)))
    assert set(view.bands) == {"en"}  # no Chinese band shown for an English-only selection
    assert set(view.posts["language"]) == {"en"}
    scored = view.analysis.posts
    assert view.share_negative == float((scored["sentiment"] == "negative").mean())
    assert view.mean_score == float(scored["score"].mean())
    both = sentiment_view(posts)
    assert set(both.bands) == {"en", "zh"}


def test_periods_under_the_minimum_volume_are_marked_sparse():
    posts = _posts(per_week=12)
    lonely = pd.DataFrame([{"text": EN[1], "ts": pd.Timestamp("2026-03-30"), "community": "c0"}])
    view = sentiment_view(pd.concat([posts, lonely], ignore_index=True), SentimentSettings(freq="week"))
    trends = view.trends
    assert "all" not in set(trends["community"])  # per-community series when there are communities
    assert (trends["sparse"] == (trends["volume"] < view.min_volume)).all()
    one = trends[(trends["community"] == "c0") & (trends["period"] == pd.Timestamp("2026-03-30"))]
    assert len(one) == 1 and bool(one["sparse"].iloc[0]) and int(one["volume"].iloc[0]) == 1


def test_filters_and_default_period():
    posts = _posts()
    filters = sentiment_filters(posts)
    assert filters.communities == ["c0", "c1"] and filters.first == dt.date(2026, 1, 5)
    assert default_freq(dt.date(2026, 1, 1), dt.date(2026, 2, 1)) == "day"
    assert default_freq(dt.date(2026, 1, 1), dt.date(2026, 9, 1)) == "week"
    assert default_freq(dt.date(2020, 1, 1), dt.date(2026, 1, 1)) == "month"
    assert sentiment_view(posts, SentimentSettings(communities=("nobody",))) is None


def test_labelled_share_negative_read_beside_the_scorer():
    posts = _posts(zh=False)
    labels = np.array(["negative", "Neutral", "positive ", "negative"])[np.arange(len(posts)) % 4]
    view = sentiment_view(posts.assign(label=labels))
    assert view.labelled_negative == 0.5  # 'Neutral' and 'positive ' count, whatever their case and spaces
    assert sentiment_view(posts).labelled_negative is None
    assert sentiment_view(posts.head(20).assign(label="negative")).labelled_negative is None  # too few labels


def test_kept_scores_are_read_back_for_the_same_table_version_and_rescored_for_a_new_one(tmp_path, monkeypatch):
    import core.text.analysis as analysis
    import core.text.lexicon as lexicon
    import core.text.tokenize as tokenize
    from core.text.view import kept_scores

    posts = _posts()
    reference = sentiment_view(posts)  # scored the usual way, nothing kept
    calls = {"lexicon": 0, "tokenize": 0}
    real_scores, real_tokenize = lexicon.lexicon_scores, tokenize.tokenize

    def counted_scores(texts, *args, **kwargs):
        calls["lexicon"] += 1
        return real_scores(texts, *args, **kwargs)

    def counted_tokenize(text, *args, **kwargs):
        calls["tokenize"] += 1
        return real_tokenize(text, *args, **kwargs)

    monkeypatch.setattr(lexicon, "lexicon_scores", counted_scores)
    monkeypatch.setattr(analysis, "lexicon_scores", counted_scores)
    monkeypatch.setattr(tokenize, "tokenize", counted_tokenize)
    monkeypatch.setattr(tokenize, "_KEPT_TERMS", {})

    first = kept_scores(posts, "a" * 64, tmp_path)
    assert calls["lexicon"] == 1 and calls["tokenize"] > 0
    assert len(list(tmp_path.glob("*.parquet"))) == 1
    np.testing.assert_allclose(first["score"], real_scores(posts["text"]))

    # the second visit (another session or process: nothing in memory) reads the kept file and
    # neither scores nor tokenises, and draws the same view as scoring from scratch
    monkeypatch.setattr(tokenize, "_KEPT_TERMS", {})
    calls.update(lexicon=0, tokenize=0)
    again = kept_scores(posts, "a" * 64, tmp_path)
    view = sentiment_view(posts, kept=again)
    assert calls == {"lexicon": 0, "tokenize": 0}
    pd.testing.assert_frame_equal(view.posts, reference.posts)
    pd.testing.assert_frame_equal(view.trends, reference.trends)
    pd.testing.assert_frame_equal(view.shifts, reference.shifts)
    pd.testing.assert_frame_equal(view.analysis.drivers, reference.analysis.drivers)

    # a new version of the table is scored again, and its own scores are used
    changed = posts.assign(text=posts["text"].iloc[::-1].to_numpy())
    newer = kept_scores(changed, "b" * 64, tmp_path)
    assert calls["lexicon"] == 1
    np.testing.assert_allclose(newer["score"], real_scores(changed["text"]))
    assert len(list(tmp_path.glob("*.parquet"))) == 2
