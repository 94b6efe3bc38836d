"""Ranking metrics against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.recommend.metrics import full_ranks, hit_rate, list_diversity, ndcg, sampled_ranks, top_k


def test_full_ranks_exclude_history_and_break_ties_by_index():
    # 6 items (index 0 = padding); user 0 has seen items 1 and 2
    scores = np.array([[0.0, 9.0, 8.0, 5.0, 7.0, 5.0, 1.0], [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])
    hist = [np.array([1, 2]), np.array([4])]
    # user 0, target 5 (score 5): item 4 (7) beats it; item 3 ties with a lower index -> rank 2
    # user 1, all tied, target 6: items 1, 2, 3, 5 come first (4 is seen) -> rank 4
    assert full_ranks(scores, hist, np.array([5, 6])).tolist() == [2, 4]
    assert full_ranks(scores, hist, np.array([4, 1])).tolist() == [0, 0]


def test_hr_and_ndcg_by_hand():
    ranks = np.array([0, 1, 9, 10, 50])
    assert hit_rate(ranks, 10) == pytest.approx(3 / 5)
    expected = (1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(11)) / 5
    assert ndcg(ranks, 10) == pytest.approx(expected)
    assert ndcg(np.array([0]), 1) == 1.0 and hit_rate(np.array([1]), 1) == 0.0


def test_sampled_ranks_use_only_unseen_negatives():
    n_items = 300
    scores = np.zeros((1, n_items + 1))
    scores[0, 1:] = np.arange(n_items, 0, -1)  # item 1 best ... item 300 worst
    hist = [np.arange(1, 101)]  # the 100 best items are seen: never negatives
    assert sampled_ranks(scores, hist, np.array([101]), n_negatives=100).tolist() == [0]
    # target = the worst item: every sampled negative beats it
    assert sampled_ranks(scores, hist, np.array([300]), n_negatives=100).tolist() == [100]
    # a catalogue smaller than 100 unseen items uses all of them
    small = np.zeros((1, 11))
    small[0, 1:] = np.arange(10, 0, -1)
    assert sampled_ranks(small, [np.array([1])], np.array([10]), n_negatives=100).tolist() == [8]


def test_top_k_never_returns_seen_or_padding():
    scores = np.array([[100.0, 5, 4, 3, 2, 1]])
    best = top_k(scores, [np.array([1, 3])], 3)
    assert best.tolist() == [[2, 4, 5]]
    # fewer unseen items than k: empty slots are 0
    assert top_k(scores, [np.array([1, 2, 3, 4])], 3).tolist() == [[5, 0, 0]]


def test_list_diversity_by_hand():
    popularity = np.array([0, 50, 40, 30, 20, 10, 5, 4, 3, 2, 1], dtype=float)  # 10 items
    recs = np.array([[1, 2], [1, 3]])
    d = list_diversity(recs, popularity)
    assert d["coverage"] == pytest.approx(3 / 10)
    assert d["top10pct_share"] == pytest.approx(2 / 4)  # item 1 is the top 10%
    # percentiles: item 1 -> 0.95, item 2 -> 0.85, item 3 -> 0.75
    assert d["mean_popularity_percentile"] == pytest.approx((0.95 * 2 + 0.85 + 0.75) / 4)
