"""The recommendations page's view (core.recommend.view): the same numbers as the report, models and
protocols in the reader's words, a member's lists of unseen items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.recommend.data import build_sequences
from core.recommend.recommender import evaluate_baselines
from core.recommend.view import member_lists, reco_page, training_note


@pytest.fixture(scope="module")
def small():
    """60 members walking through 3 series of 8 items in order: small, with a clear next item."""
    rng = np.random.default_rng(0)
    rows = []
    for u in range(60):
        series = u % 3
        start = int(rng.integers(0, 3))
        for step, i in enumerate(range(start, 8)):
            rows.append((f"u{u}", f"s{series}-{i}", pd.Timestamp("2026-01-01") + pd.Timedelta(days=step)))
    data = build_sequences(pd.DataFrame(rows, columns=["user_id", "item_id", "ts"]))
    return data, evaluate_baselines(data)


def test_the_quality_table_keeps_the_numbers_and_translates_the_words(small):
    data, baselines = small
    raw = baselines.table()
    for lang, names, protocol in (
        ("en", {"Popularity", "Item-kNN"}, "full ranking"),
        ("zh", {"热门推荐", "物品 kNN"}, "完整排序"),
    ):
        page = reco_page(baselines, None, lang)
        assert set(page.table["model"]) == names and protocol in set(page.table["protocol"])
        assert np.allclose(page.table["NDCG@10"], raw["NDCG@10"]) and np.allclose(page.table["HR@10"], raw["HR@10"])
        assert {tr.name for tr in page.full.data} == names and page.curve is None
    assert reco_page(baselines, None, "zh").note.startswith("热门推荐与物品 kNN")


def test_a_members_lists_hold_unseen_items_and_their_history(small):
    data, baselines = small
    user = data.user_ids[5]
    member = member_lists(data, baselines, None, user, "en")
    seen = {str(data.item_ids[i]) for i in data.sequences[5]}
    assert set(member.lists) == set(baselines.scorers)
    for top in member.lists.values():
        assert list(top.columns) == ["rank", "item"] and not set(top["item"].astype(str)) & seen
    assert member.history.split(" → ")[-1] == str(data.item_ids[data.sequences[5][-1]])
    assert member.because is None and member.attention is None


def test_the_training_note_names_why_training_stopped():
    class Report:
        training = {"trained": True, "epochs_run": 12, "seconds": 3.2, "device": "cpu", "stopped_by": "early_stop"}

    assert "停止原因：提前停止" in training_note(Report(), "zh")
    Report.training = {"trained": False}
    assert training_note(Report(), "en") == "Loaded from the model cache: no retraining."


def test_the_card_names_the_device_and_the_seconds_after_a_cache_load():
    """Issue 25 item 8: a model card said neither the device nor the seconds once loaded from the cache."""

    class Report:
        training = {"trained": True, "epochs_run": 12, "seconds": 3.2, "device": "cpu", "stopped_by": "early_stop"}

    assert "in 3 s on CPU" in training_note(Report(), "en")
    Report.training = {"trained": False, "seconds": 41.6, "device": "cuda:0"}
    assert training_note(Report(), "en").endswith("(trained in 42 s on GPU).")
    assert "在 GPU 上训练，用时 42 秒" in training_note(Report(), "zh")
