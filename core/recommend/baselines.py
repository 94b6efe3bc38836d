"""Plain baselines the attention model must beat on the same split: popularity and item-kNN.

Both expose `fit(sequences, n_items) -> self` and `score(histories) -> (B, n_items + 1)` like the
SASRec scorer, so one evaluation path treats all three alike (column 0 is padding).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


class PopularityRecommender:
    """Scores every item by how many users have it in training."""

    name = "Popularity"

    def fit(self, sequences: Sequence[np.ndarray], n_items: int) -> PopularityRecommender:
        counts = np.zeros(n_items + 1, dtype=np.float64)
        for s in sequences:
            np.add.at(counts, np.asarray(s, dtype=np.int64), 1.0)
        counts[0] = 0.0
        self.popularity_ = counts
        return self

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        return np.broadcast_to(self.popularity_, (len(histories), len(self.popularity_))).copy()


def _user_item_matrix(sequences: Sequence[np.ndarray], n_items: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
    cols = np.concatenate(sequences) if len(sequences) else np.zeros(0, np.int64)
    data = np.ones(len(cols), dtype=np.float64)
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(sequences), n_items + 1))
    m.data[:] = 1.0  # binary even if an item repeats
    return m


class ItemKNNRecommender:
    """Item-to-item cosine similarity on the binary user x item matrix, keeping each item's
    `neighbours` most similar items; a user's score for an item is the summed similarity to the
    items in their history. Popularity (scaled far below any similarity) breaks ties."""

    name = "Item-kNN"

    def __init__(self, neighbours: int = 100):
        self.neighbours = neighbours

    def fit(self, sequences: Sequence[np.ndarray], n_items: int) -> ItemKNNRecommender:
        X = _user_item_matrix(sequences, n_items)
        counts = np.asarray(X.sum(axis=0)).ravel()
        co = (X.T @ X).tocsr().astype(np.float64)
        co.setdiag(0.0)
        co.eliminate_zeros()
        norm = np.sqrt(np.maximum(counts, 1.0))
        sim = sp.diags(1.0 / norm) @ co @ sp.diags(1.0 / norm)
        self.similarity_ = self._keep_top(sim.tocsr(), self.neighbours)
        self.popularity_ = counts / max(counts.max(), 1.0) * 1e-6
        self.n_items_ = n_items
        return self

    @staticmethod
    def _keep_top(sim: sp.csr_matrix, k: int) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for i in range(sim.shape[0]):
            start, end = sim.indptr[i], sim.indptr[i + 1]
            if end == start:
                continue
            idx, v = sim.indices[start:end], sim.data[start:end]
            if len(v) > k:
                keep = np.argpartition(-v, k)[:k]
                idx, v = idx[keep], v[keep]
            rows.append(np.full(len(idx), i))
            cols.append(idx)
            vals.append(v)
        if not rows:
            return sp.csr_matrix(sim.shape)
        return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=sim.shape)

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        H = _user_item_matrix(list(histories), self.n_items_)
        scores = np.asarray((H @ self.similarity_).todense()) + self.popularity_[None, :]
        return scores
