"""Frozen encoder states are stored per distinct text: a text is encoded once per encoder and depth,
whatever list it arrives in, and a cancel stops the pass before the next batch."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from core.text.encoder import lower_states

TWEETS = ["the flight was late again", "great crew, thanks!", "lost my bag in Denver", "great crew, thanks!"]


def _totals(calls: list) -> list[int]:
    return [total for _, total in calls]


def test_each_distinct_text_is_encoded_once_whatever_list_it_arrives_in(tmp_path):
    seen: list = []
    first = lower_states(TWEETS, 1, cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert _totals(seen)[0] == 3  # the repeated tweet is encoded once
    assert len(first) == 4 and np.array_equal(first.take([1]).values, first.take([3]).values)
    seen.clear()
    again = ["lost my bag in Denver", "a text never seen", "the flight was late again"]
    second = lower_states(again, 1, cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert _totals(seen)[0] == 1  # only the new text
    np.testing.assert_array_equal(second.take([0]).values, first.take([2]).values)
    fresh = lower_states(again, 1, cache_dir=tmp_path / "elsewhere")  # the same states, computed anew
    np.testing.assert_allclose(second.values.astype(np.float32), fresh.values.astype(np.float32), atol=2e-3)
    seen.clear()
    lower_states(list(reversed(again)), 1, cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert _totals(seen) == [0]  # nothing left to encode


def test_a_cut_text_is_stored_per_cap_and_a_short_one_once(tmp_path):
    long_text = "the seat was broken and nobody came to help us at all, " * 4
    seen: list = []
    a = lower_states([long_text, "ok"], 1, cache_dir=tmp_path, max_tokens=32, progress=lambda d, t: seen.append(t))
    b = lower_states([long_text, "ok"], 1, cache_dir=tmp_path, max_tokens=48, progress=lambda d, t: seen.append(t))
    assert seen[0] == 2 and seen[-1] == 1  # the short text is the same under both caps
    assert np.diff(a.offsets).tolist() == [32, 3] and np.diff(b.offsets).tolist() == [48, 3]


def test_cancel_stops_encoding_before_the_next_batch_and_stores_nothing(tmp_path):
    from core.models.engine import TrainingCancelled

    cancel = threading.Event()
    batches: list = []

    def progress(done, total):
        batches.append(done)
        if done >= 2:
            cancel.set()

    texts = [f"tweet number {i} about the flight" for i in range(8)]
    with pytest.raises(TrainingCancelled):
        lower_states(texts, 1, batch_size=2, cache_dir=tmp_path, progress=progress, cancel=cancel)
    assert batches == [0, 2]  # one batch ran, the next was not started
    seen: list = []
    lower_states(texts, 1, batch_size=2, cache_dir=tmp_path, progress=lambda d, t: seen.append(t))
    assert seen[0] == 8


def test_bf16_states_are_stored_apart_from_fp32_and_close_to_them(tmp_path):
    from core.models.engine import cpu_has_bf16

    if not cpu_has_bf16():
        pytest.skip("this CPU has no native bf16: lower_states runs fp32 whatever amp says")
    seen: list = []
    fast = lower_states(TWEETS, 2, cache_dir=tmp_path, amp=True, progress=lambda d, t: seen.append(t))
    full = lower_states(TWEETS, 2, cache_dir=tmp_path, amp=False, progress=lambda d, t: seen.append(t))
    assert seen[0] == 3 and seen[-1] == 3  # fp32 states are not served from the bf16 store
    assert sorted(p.name for p in (tmp_path / "encoder-states").iterdir()) == ["minilm-L2", "minilm-L2-bfloat16"]
    a, b = fast.values.astype(np.float32), full.values.astype(np.float32)
    assert np.linalg.norm(a - b) / np.linalg.norm(b) < 0.02  # within 2% (measured 0.5% after 5 layers)
    assert not np.array_equal(a, b)  # and really computed in bf16
    seen.clear()
    lower_states(TWEETS, 2, cache_dir=tmp_path, amp=True, progress=lambda d, t: seen.append(t))
    assert seen == [0]


def test_the_store_keeps_to_its_budget_least_recently_used_first(tmp_path, monkeypatch):
    """Stored states stay under $CE_STATES_MAX_MB across encoders and depths: the shard used least
    recently goes first, the one just written and the ones just read stay, and a text whose shard
    went is encoded again (same states) instead of failing."""
    import os
    import time

    from core.text.encoder import StatesStore

    batches = [[f"old post {i} about the flight" for i in range(4)], ["fresh post, great crew"], ["lost bag"]]
    first = lower_states(batches[0], 1, cache_dir=tmp_path, amp=False)
    lower_states(batches[1], 2, cache_dir=tmp_path, amp=False)  # another depth: another store, the same budget
    root = tmp_path / "encoder-states"
    shards = sorted(root.glob("*/shard-*"), key=lambda p: p.stat().st_mtime_ns)
    sizes = {p: sum(f.stat().st_size for f in p.iterdir()) for p in shards}
    time.sleep(0.01)
    lower_states(batches[0][:1], 1, cache_dir=tmp_path, amp=False)  # reading the first shard marks it used
    assert shards[0].stat().st_mtime_ns > shards[1].stat().st_mtime_ns
    # a budget just under the two shards: the next (shorter) text's write evicts the depth-2 shard,
    # the least recently used, and then fits
    budget = sizes[shards[0]] + sizes[shards[1]] - 1
    monkeypatch.setenv("CE_STATES_MAX_MB", str(budget / 2**20))
    time.sleep(0.01)
    lower_states(batches[2], 1, cache_dir=tmp_path, amp=False)
    left = {p.parent.name for p in root.glob("*/shard-*")}
    assert left == {"minilm-L1"} and len(list(root.glob("minilm-L1/shard-*"))) == 2
    assert sum(sum(f.stat().st_size for f in p.iterdir()) for p in root.glob("*/shard-*")) <= budget
    assert not list(root.glob("*/*.tmp"))  # nothing half-deleted left behind
    seen: list = []
    same = lower_states(batches[0], 1, cache_dir=tmp_path, amp=False, progress=lambda d, t: seen.append(t))
    assert seen == [0]  # the recently used shard stayed
    np.testing.assert_array_equal(same.values, first.values)
    seen.clear()
    again = lower_states(batches[1], 2, cache_dir=tmp_path, amp=False, progress=lambda d, t: seen.append(t))
    assert seen[0] == 1 and len(again) == 1  # evicted: encoded again
    assert StatesStore(root / "minilm-L1").evict(max_bytes=0) > 0 and not list(root.glob("*/shard-*"))
    assert os.path.isdir(root)
