"""SASRec: shapes, the causal mask, padding invariance, windows, and a planted next-item rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.models.engine import TrainConfig
from core.models.sasrec import (
    SASRec,
    SASRecConfig,
    WindowBatches,
    ndcg_at_k_excluding_seen,
    pad_histories,
    score_histories,
    train_sasrec,
    training_windows,
)


def small(loss="ce", **kw):
    torch.manual_seed(0)
    return SASRec(
        SASRecConfig(n_items=20, max_len=8, hidden=16, n_layers=2, n_heads=2, dropout=0.0, loss=loss, **kw)
    ).eval()


def test_shapes_and_padding_column():
    m = small()
    seq = pad_histories([np.array([3, 4, 5]), np.array([1]), np.array(range(1, 15))], 8)
    assert seq.shape == (3, 8) and seq[1].tolist() == [0] * 7 + [1]
    assert seq[2].tolist() == list(range(7, 15))  # the most recent max_len items
    h, _ = m.encode(seq)
    assert h.shape == (3, 8, 16)
    scores = m.predict(seq)
    assert scores.shape == (3, 21) and torch.isinf(scores[:, 0]).all()
    assert torch.isfinite(scores[:, 1:]).all()
    w = m.last_attention(seq)
    assert w.shape == (3, 8)
    assert torch.allclose(w.sum(1), torch.ones(3), atol=1e-5)
    assert (w[1, :7] == 0).all()  # padding gets no attention


def test_causal_mask_later_item_never_changes_earlier_positions():
    m = small()
    seq = torch.tensor([[2, 7, 9, 4, 11, 5, 6, 8]])
    changed = seq.clone()
    changed[0, 5] = 17
    h1, _ = m.encode(seq)
    h2, _ = m.encode(changed)
    assert torch.allclose(h1[0, :5], h2[0, :5], atol=1e-6)
    assert not torch.allclose(h1[0, 5:], h2[0, 5:], atol=1e-4)


def test_left_padding_does_not_change_the_prediction():
    m = small()
    short = torch.tensor([[3, 9, 4]])
    padded = torch.tensor([[0, 0, 0, 0, 0, 3, 9, 4]])
    assert torch.allclose(m.predict(short), m.predict(padded), atol=1e-5)


def test_training_windows_use_every_target_once():
    s = np.arange(1, 12)  # 11 items -> 10 next-item targets
    x, y = training_windows([s, np.array([5]), np.array([2, 3])], max_len=4)
    targets = y[y > 0]
    assert sorted(targets.tolist()) == sorted(list(range(2, 12)) + [3])
    for xi, yi in zip(x, y):  # each target's input is the item before it
        real = yi > 0
        assert (xi[real][1:] == yi[real][:-1]).all()


def test_length_buckets_cover_every_window_once_and_trim_only_padding():
    rng = np.random.default_rng(1)
    seqs = [rng.permutation(20)[: rng.integers(2, 12)] + 1 for _ in range(300)]
    x, y = training_windows(seqs, max_len=8)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
    batches = WindowBatches(inputs, targets, 16, torch.Generator().manual_seed(0), bucket=5)
    plain = WindowBatches(inputs, targets, 16, torch.Generator().manual_seed(0), bucket=1)
    seen, widths, plain_widths = [], [], [b[0].shape[1] for b in plain]
    for bx, by in batches:
        widths.append(bx.shape[1])
        assert bx.shape == by.shape and len(bx) <= 16
        assert ((bx > 0).sum(1) == (by > 0).sum(1)).all() and (bx[:, 0] > 0).any()  # only padding went
        # put the trimmed padding back: each row is one of the original windows
        full = torch.cat([torch.zeros(len(bx), 8 - bx.shape[1], dtype=bx.dtype), bx], dim=1)
        seen.extend(tuple(r) for r in full.tolist())
    assert len(batches) == len(plain) == len(widths)
    assert sorted(seen) == sorted(tuple(r) for r in x.tolist())  # every window exactly once
    assert sum(widths) < sum(plain_widths)  # grouping by length trims more padding than a plain shuffle


def test_scoring_trims_padding_without_changing_scores():
    m = small()
    hist = [np.array([3, 4, 5]), np.array([1]), np.array([], dtype=np.int64), np.array([7, 2])]
    expected = m.predict(pad_histories(hist, 8)).detach().numpy()
    assert np.allclose(score_histories(m, hist, batch_size=2), expected, atol=1e-5)


@pytest.mark.parametrize("loss,extra", [("ce", {}), ("ce", {"ce_negatives": 5}), ("bce", {})])
def test_losses_are_finite_and_differentiable(loss, extra):
    m = small(loss, **extra).train()
    x = torch.tensor([[0, 0, 1, 2, 3, 4, 5, 6]])
    y = torch.tensor([[0, 0, 2, 3, 4, 5, 6, 7]])
    value = m.calculate_loss((x, y))
    value.backward()
    assert value.ndim == 0 and torch.isfinite(value)
    assert m.item_emb.weight.grad.abs().sum() > 0


def test_learns_planted_successor_rule():
    # 40 items in one hidden cycle (next = successor[current]); users walk 7 steps of it.
    # The rule is a known answer: an untrained model ranks the true next item near chance.
    rng = np.random.default_rng(0)
    order = rng.permutation(40) + 1
    successor = np.zeros(41, np.int64)
    successor[order] = np.roll(order, -1)
    seqs = []
    for start in rng.integers(1, 41, size=150):
        s = [int(start)]
        for _ in range(6):
            s.append(int(successor[s[-1]]))
        seqs.append(np.array(s))
    hist = [s[:-1] for s in seqs]
    targets = np.array([s[-1] for s in seqs])
    cfg = SASRecConfig(n_items=40, max_len=8, hidden=32, n_layers=1, n_heads=1, dropout=0.0)
    torch.manual_seed(0)
    untrained = ndcg_at_k_excluding_seen(score_histories(SASRec(cfg), hist), hist, targets)
    model, result = train_sasrec(hist, cfg, TrainConfig(epochs=4, batch_size=16, lr=5e-3, device="cpu"), hist, targets)
    scores = score_histories(model, hist)
    assert untrained < 0.3
    assert ndcg_at_k_excluding_seen(scores, hist, targets) == pytest.approx(result.best_metric)
    assert result.best_metric > 0.95
