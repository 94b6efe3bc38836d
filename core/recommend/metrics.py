"""Ranking metrics for next-item recommendation.

Full ranking (the headline protocol): the target is ranked against every item the user does not
already have. Sampled ranking ("100 sampled negatives", the protocol of the SASRec paper, kept only
to compare with published numbers; it flatters every model): the target against 100 items the user
has not interacted with, drawn uniformly. Ranks are 0-based; ties break toward the lower item
index, exactly like a stable top-k list, so metrics agree with what `predict` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

FULL = "full ranking"
SAMPLED = "100 sampled negatives"


@dataclass
class RankingMetrics:
    """HR@k and NDCG@k of one model under one protocol."""

    model: str
    protocol: str
    k: int
    hr: float
    ndcg: float
    users: int


def mask_seen(scores: np.ndarray, histories: Sequence[np.ndarray]) -> np.ndarray:
    """Copy of `scores` (U, n_items + 1) with padding column 0 and each user's history at -inf."""
    out = np.array(scores, dtype=np.float64, copy=True)
    out[:, 0] = -np.inf
    for u, h in enumerate(histories):
        if len(h):
            out[u, np.asarray(h, dtype=np.int64)] = -np.inf
    return out


def full_ranks(scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray) -> np.ndarray:
    """0-based rank of each target among all items not in the user's history."""
    masked = mask_seen(scores, histories)
    targets = np.asarray(targets, dtype=np.int64)
    t = masked[np.arange(len(targets)), targets][:, None]
    lower = np.arange(masked.shape[1])[None, :] < targets[:, None]
    return ((masked > t).sum(1) + ((masked == t) & lower).sum(1)).astype(np.int64)


def sampled_ranks(
    scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray, n_negatives: int = 100, seed: int = 0
) -> np.ndarray:
    """0-based rank of each target among `n_negatives` items drawn uniformly without replacement
    from those the user has not interacted with (all of them when fewer are left)."""
    rng = np.random.default_rng(seed)
    targets = np.asarray(targets, dtype=np.int64)
    n_users, width = scores.shape
    # a uniform random key per item; excluded items get +inf; the smallest keys are the sample
    keys = rng.random((n_users, width))
    keys[:, 0] = np.inf
    keys[np.arange(n_users), targets] = np.inf
    for u, h in enumerate(histories):
        if len(h):
            keys[u, np.asarray(h, dtype=np.int64)] = np.inf
    want = min(n_negatives, width - 1)
    neg = np.argpartition(keys, want - 1, axis=1)[:, :want] if want > 0 else np.zeros((n_users, 0), np.int64)
    valid = np.take_along_axis(np.isfinite(keys), neg, axis=1)
    s_t = scores[np.arange(n_users), targets][:, None]
    s_n = np.take_along_axis(scores, neg, axis=1)
    beats = (s_n > s_t) | ((s_n == s_t) & (neg < targets[:, None]))
    return (beats & valid).sum(1).astype(np.int64)


def hit_rate(ranks: np.ndarray, k: int = 10) -> float:
    """Share of users whose target ranks in the top k."""
    return float((np.asarray(ranks) < k).mean()) if len(ranks) else 0.0


def ndcg(ranks: np.ndarray, k: int = 10) -> float:
    """Mean of 1 / log2(rank + 2) over users whose target is in the top k (one relevant item)."""
    ranks = np.asarray(ranks)
    if not len(ranks):
        return 0.0
    return float(np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0).mean())


def evaluate_scores(
    model: str,
    score_fn: Callable[[list[np.ndarray]], np.ndarray],
    histories: Sequence[np.ndarray],
    targets: np.ndarray,
    k: int = 10,
    n_negatives: int = 100,
    seed: int = 0,
    chunk: int = 1024,
    on_chunk: Callable[[int, int], None] | None = None,
) -> tuple[RankingMetrics, RankingMetrics]:
    """Score users in chunks with `score_fn(histories) -> (B, n_items + 1)` and return
    (full-ranking metrics, sampled-negatives metrics). `on_chunk(done, total)` runs before each
    chunk (progress; it may raise to stop, e.g. on cancel)."""
    targets = np.asarray(targets, dtype=np.int64)
    full, sampled = [], []
    for i in range(0, len(targets), chunk):
        if on_chunk is not None:
            on_chunk(i, len(targets))
        hist = list(histories[i : i + chunk])
        scores = score_fn(hist)
        full.append(full_ranks(scores, hist, targets[i : i + chunk]))
        sampled.append(sampled_ranks(scores, hist, targets[i : i + chunk], n_negatives, seed + i))
    f = np.concatenate(full) if full else np.zeros(0, np.int64)
    s = np.concatenate(sampled) if sampled else np.zeros(0, np.int64)
    return (
        RankingMetrics(model, FULL, k, hit_rate(f, k), ndcg(f, k), len(f)),
        RankingMetrics(model, SAMPLED, k, hit_rate(s, k), ndcg(s, k), len(s)),
    )


def top_k(scores: np.ndarray, histories: Sequence[np.ndarray], k: int) -> np.ndarray:
    """(U, k') item indices of the best unseen items, best first (k' <= k when few are left;
    padded with 0 where a user has fewer than k unseen items)."""
    masked = mask_seen(scores, histories)
    k = min(k, masked.shape[1] - 1)
    # stable order: higher score first, lower index first among ties
    order = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(masked, order, axis=1)
    return np.where(np.isfinite(picked), order, 0)


def list_diversity(recommended: np.ndarray, popularity: np.ndarray) -> dict:
    """Coverage and popularity bias of recommendation lists.

    `recommended`: (U, k) item indices (0 = empty slot); `popularity`: (n_items + 1,) training
    counts. Returns catalogue coverage (share of items recommended to anyone), the mean popularity
    percentile of recommended items (0.5 = like a random item, 1 = the most popular) and the share
    of slots taken by the top 10% most popular items.
    """
    rec = recommended[recommended > 0]
    n_items = len(popularity) - 1
    if n_items <= 0 or rec.size == 0:
        return {"coverage": 0.0, "mean_popularity_percentile": 0.0, "top10pct_share": 0.0}
    pop = popularity[1:]
    percentile = np.empty(n_items)
    percentile[np.argsort(pop, kind="stable")] = (np.arange(n_items) + 0.5) / n_items
    top = set((np.argsort(-pop, kind="stable")[: max(1, n_items // 10)] + 1).tolist())
    return {
        "coverage": float(len(np.unique(rec)) / n_items),
        "mean_popularity_percentile": float(percentile[rec - 1].mean()),
        "top10pct_share": float(np.mean([i in top for i in rec.tolist()])),
    }
