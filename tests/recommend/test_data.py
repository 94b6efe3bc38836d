"""Interactions -> sequences -> leave-last-out splits; baselines on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from core.recommend.baselines import ItemKNNRecommender, PopularityRecommender
from core.recommend.data import build_sequences, holdout_last, leave_last_out


def frame():
    return pd.DataFrame(
        {
            "user": ["b", "a", "a", "a", "b", "a", "c"],
            "item": ["x", "y", "x", "y", "z", "z", "x"],
            "when": ["2026-01-03", "2026-01-02", "2026-01-01", "2026-01-05", "2026-01-04", "2026-01-06", "2026-01-01"],
        }
    )


def test_sequences_are_time_ordered_first_occurrences():
    data = build_sequences(frame(), "user", "item", "when")
    assert data.user_ids.tolist() == ["a", "b", "c"] and data.item_ids.tolist() == ["", "x", "y", "z"]
    named = [[data.item_ids[i] for i in s] for s in data.sequences]
    assert named == [["x", "y", "z"], ["x", "z"], ["x"]]  # a's repeat of y is dropped
    assert data.rows == 7


def test_splits():
    data = build_sequences(frame(), "user", "item", "when")
    s = leave_last_out(data)
    assert s.test_users.tolist() == [0] and s.test_targets.tolist() == [3]
    assert s.test_histories[0].tolist() == [1, 2] and s.val_targets.tolist() == [2]
    assert s.train[0].tolist() == [1] and s.train[1].tolist() == [1, 3]
    h = holdout_last(data)
    assert h.val_users.tolist() == [0, 1] and h.val_targets.tolist() == [3, 3]
    assert h.train[2].tolist() == [1]


@pytest.mark.parametrize(
    "bad,message",
    [
        (lambda d: d.drop(columns="when"), "column 'when'"),
        (lambda d: d.assign(when=["2026-01-01", "soon", *d["when"][2:]]), "row 3"),
        (lambda d: d.assign(user=[None, *d["user"][1:]]), "column 'user'"),
    ],
)
def test_bad_input_names_column_and_row(bad, message):
    with pytest.raises(InputError, match=message):
        build_sequences(bad(frame()), "user", "item", "when", source="f.csv")


def test_numeric_and_datetime_times():
    df = frame().assign(when=[3, 2, 1, 5, 4, 6, 1])
    assert [len(s) for s in build_sequences(df, "user", "item", "when").sequences] == [3, 2, 1]
    df = frame().assign(when=pd.to_datetime(frame()["when"]))
    assert [len(s) for s in build_sequences(df, "user", "item", "when").sequences] == [3, 2, 1]


def test_popularity_and_item_knn_by_hand():
    # items 1..4; 1 and 2 always together, 3 with 4 once, 3 alone once
    seqs = [np.array([1, 2]), np.array([2, 1]), np.array([1, 2, 3]), np.array([3, 4])]
    pop = PopularityRecommender().fit(seqs, 4)
    assert pop.popularity_.tolist() == [0, 3, 3, 2, 1]
    knn = ItemKNNRecommender().fit(seqs, 4)
    sim = knn.similarity_.toarray()
    # cosine on the binary user x item matrix: |U1 & U2| / sqrt(|U1| |U2|)
    assert sim[1, 2] == pytest.approx(3 / 3) and sim[1, 3] == pytest.approx(1 / np.sqrt(6))
    assert sim[3, 4] == pytest.approx(1 / np.sqrt(2)) and sim[1, 1] == 0
    s = knn.score([np.array([4])])
    assert s[0, 3] > s[0, 1]  # 3 co-occurs with 4, item 1 never does
