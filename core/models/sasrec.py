"""SASRec: self-attentive sequential recommendation (Kang & McAuley, ICDM 2018).

Item embeddings plus learned positions go through causal self-attention blocks; the output at
position t scores every item as the next one (tied item embeddings). Two objectives:

- ``loss="ce"`` (default, "SASRec+", Klenitskiy & Vasilev, RecSys 2023): softmax cross-entropy
  over the whole catalogue at every position. With ``ce_negatives > 0`` the softmax runs over the
  positive plus that many shared uniform negatives instead (for catalogues too big for full CE).
- ``loss="bce"`` (the original paper): one sampled negative per position, binary cross-entropy.
  It is kept for comparison; bench/recommend.py measures both on the same split, and full CE wins
  clearly (see the bench table), which is why it is the default.

Item indices: 0 is padding, real items are 1..n_items. Sequences are left-padded to `max_len`.
Imports only torch and numpy.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.models.engine import FitResult, Progress, TrainConfig, fit
from core.models.layers import PreNormBlock

CODE_VERSION = "sasrec-4"  # 3: the shared PreNormBlock (layers.py); 4: length-bucketed batches


@dataclass
class SASRecConfig:
    """Model settings. `n_items` counts real items (indices 1..n_items)."""

    n_items: int
    max_len: int = 50  # history window (most recent items)
    hidden: int = 64
    n_layers: int = 2
    n_heads: int = 2
    dropout: float = 0.2
    loss: str = "ce"  # "ce" (SASRec+, full softmax) | "bce" (original, one negative)
    ce_negatives: int = 0  # > 0: sampled softmax over this many shared negatives


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees only real (non-padding) items at <= t."""

    def __init__(self, hidden: int, n_heads: int):
        super().__init__()
        if hidden % n_heads:
            raise ValueError(f"hidden ({hidden}) must be divisible by n_heads ({n_heads})")
        self.n_heads = n_heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, need_weights: bool = False):
        B, L, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=-1)
        # (B, L, D) -> (B, heads, L, D/heads)
        q, k, v = (t.view(B, L, self.n_heads, D // self.n_heads).transpose(1, 2) for t in (q, k, v))
        mask = allowed[:, None, :, :]  # (B, 1, L, L) bool, True = may attend
        if need_weights:
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))  # (B, h, L, L)
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            out = weights @ v
        else:
            weights = None
            # no dropout on attention weights: on CPU its RNG costs more than it helps
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        out = out.transpose(1, 2).reshape(B, L, D)
        return self.proj(out), weights


class SASRec(nn.Module):
    """Sequential recommender. `calculate_loss(batch)` trains, `predict(seq)` scores all items."""

    def __init__(self, config: SASRecConfig):
        super().__init__()
        if config.loss not in ("ce", "bce"):
            raise ValueError(f"loss must be 'ce' or 'bce', not {config.loss!r}")
        self.config = config
        self.item_emb = nn.Embedding(config.n_items + 1, config.hidden, padding_idx=0)
        self.pos_emb = nn.Embedding(config.max_len, config.hidden)
        self.emb_drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            PreNormBlock(
                config.hidden, CausalSelfAttention(config.hidden, config.n_heads), config.hidden, config.dropout
            )
            for _ in range(config.n_layers)
        )
        self.ln_f = nn.LayerNorm(config.hidden)
        self.apply(self._init)

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Embedding) and module.padding_idx is not None:
            with torch.no_grad():
                module.weight[module.padding_idx].zero_()

    def encode(self, seq: torch.Tensor, need_weights: bool = False):
        """seq (B, L) item indices, left-padded with 0 -> hidden states (B, L, D) [, last weights]."""
        B, L = seq.shape
        if L > self.config.max_len:
            raise ValueError(f"sequence length {L} exceeds max_len {self.config.max_len}")
        real = seq > 0  # (B, L)
        pos = torch.arange(self.config.max_len - L, self.config.max_len, device=seq.device)
        x = self.item_emb(seq) * math.sqrt(self.config.hidden) + self.pos_emb(pos)[None]
        x = self.emb_drop(x) * real[..., None]
        causal = torch.ones(L, L, dtype=torch.bool, device=seq.device).tril()
        eye = torch.eye(L, dtype=torch.bool, device=seq.device)
        allowed = (causal[None] & real[:, None, :]) | eye[None]  # (B, L, L)
        weights = None
        for block in self.blocks:
            x, weights = block(x, allowed, need_weights)
            x = x * real[..., None]
        return self.ln_f(x), weights

    def _item_weights(self) -> torch.Tensor:
        return self.item_emb.weight[1:]  # (N, D): row j scores item j + 1

    def calculate_loss(self, batch) -> torch.Tensor:
        """batch = (inputs (B, L), targets (B, L)); target 0 marks a position without a label."""
        inputs, targets = batch[0], batch[1]
        h, _ = self.encode(inputs)
        keep = targets > 0
        h, targets = h[keep], targets[keep]  # (M, D), (M,)
        W = self._item_weights()
        cfg = self.config
        if cfg.loss == "bce":
            neg = torch.randint(1, cfg.n_items + 1, targets.shape, device=targets.device)
            pos_logit = (h * self.item_emb(targets)).sum(-1)
            neg_logit = (h * self.item_emb(neg)).sum(-1)
            return F.binary_cross_entropy_with_logits(
                pos_logit, torch.ones_like(pos_logit)
            ) + F.binary_cross_entropy_with_logits(neg_logit, torch.zeros_like(neg_logit))
        if cfg.ce_negatives and cfg.ce_negatives < cfg.n_items:
            neg = torch.randint(1, cfg.n_items + 1, (cfg.ce_negatives,), device=targets.device)
            pos_logit = (h * self.item_emb(targets)).sum(-1, keepdim=True)  # (M, 1)
            neg_logit = h @ self.item_emb(neg).T  # (M, K)
            neg_logit = neg_logit.masked_fill(neg[None, :] == targets[:, None], float("-inf"))
            logits = torch.cat([pos_logit, neg_logit], dim=1)
            return F.cross_entropy(logits.float(), torch.zeros_like(targets))
        logits = h @ W.T  # (M, N)
        return F.cross_entropy(logits.float(), targets - 1)

    def predict(self, seq: torch.Tensor) -> torch.Tensor:
        """Full-ranking scores (B, n_items + 1) for the item after each history; column 0 is -inf."""
        h, _ = self.encode(seq)
        scores = h[:, -1, :] @ self._item_weights().T  # (B, N)
        pad = torch.full((scores.size(0), 1), float("-inf"), device=scores.device, dtype=scores.dtype)
        return torch.cat([pad, scores], dim=1)

    def last_attention(self, seq: torch.Tensor) -> torch.Tensor:
        """Attention of the last position over the history in the last block, averaged over
        heads: (B, L), rows sum to 1 over real items."""
        _, weights = self.encode(seq, need_weights=True)
        return weights[:, :, -1, :].mean(dim=1)


# -------------------------------------------------------------------------------------------------
# batches, training and scoring on plain numpy sequences


def pad_histories(histories: Sequence[np.ndarray], max_len: int) -> torch.Tensor:
    """The last `max_len` items of each history, left-padded with 0: LongTensor (B, max_len)."""
    out = np.zeros((len(histories), max_len), dtype=np.int64)
    for i, h in enumerate(histories):
        h = np.asarray(h[-max_len:], dtype=np.int64)
        if len(h):
            out[i, max_len - len(h) :] = h
    return torch.from_numpy(out)


def training_windows(sequences: Sequence[np.ndarray], max_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut every sequence into next-item windows: inputs s[t-L..t-1] -> targets s[t-L+1..t].

    Sequences longer than max_len + 1 give several windows (ending at n, n-L, n-2L, ...) so that
    long histories are used in full, not only their last max_len items. Returns two int64 arrays
    (W, max_len), left-padded with 0; sequences shorter than 2 give nothing.
    """
    inputs, targets = [], []
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        end = len(s)
        while end >= 2:
            start = max(0, end - max_len - 1)
            win = s[start:end]
            x, y = np.zeros(max_len, np.int64), np.zeros(max_len, np.int64)
            x[max_len - len(win) + 1 :] = win[:-1]
            y[max_len - len(win) + 1 :] = win[1:]
            inputs.append(x)
            targets.append(y)
            end = start + 1 if start > 0 else 0
    if not inputs:
        return np.zeros((0, max_len), np.int64), np.zeros((0, max_len), np.int64)
    return np.stack(inputs), np.stack(targets)


def window_lengths(inputs: torch.Tensor) -> torch.Tensor:
    """Real (non-padding) items of each left-padded window: (W,) int64."""
    return (inputs > 0).sum(dim=1)


class WindowBatches:
    """One epoch's batches of (inputs, targets), cut to the longest window they hold.

    The windows are shuffled, then each run of `bucket` batches' worth is sorted by length and cut
    into batches, and the batches are shuffled again: a batch holds windows of similar length, so
    its left padding (which the model masks out anyway) is trimmed instead of computed. Positions
    are counted from the right, so a trimmed batch gives the same outputs as a padded one."""

    def __init__(
        self,
        inputs: torch.Tensor,
        targets: torch.Tensor,
        batch_size: int,
        generator: torch.Generator,
        bucket: int = 50,
    ):
        self.inputs, self.targets = inputs, targets
        self.lengths = window_lengths(inputs)
        order = torch.randperm(len(inputs), generator=generator)
        pieces: list[torch.Tensor] = []
        span = batch_size * max(1, bucket)
        for i in range(0, len(order), span):
            run = order[i : i + span]
            run = run[torch.argsort(self.lengths[run], descending=True, stable=True)]
            pieces.extend(run.split(batch_size))
        self.batches = [pieces[j] for j in torch.randperm(len(pieces), generator=generator).tolist()]

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        for idx in self.batches:
            width = max(1, int(self.lengths[idx].max()))
            yield self.inputs[idx, -width:], self.targets[idx, -width:]


@torch.inference_mode()
def score_histories(
    model: SASRec, histories: Sequence[np.ndarray], batch_size: int = 512, device: torch.device | str | None = None
) -> np.ndarray:
    """Full-ranking scores (U, n_items + 1) float32 for the next item of each history."""
    was_training = model.training
    model.eval()
    device = device or next(model.parameters()).device
    out = []
    for i in range(0, len(histories), batch_size):
        chunk = histories[i : i + batch_size]
        width = max(1, min(model.config.max_len, max(len(h) for h in chunk)))  # no all-padding columns
        seq = pad_histories(chunk, width).to(device)
        out.append(model.predict(seq).float().cpu().numpy())
    model.train(was_training)
    if not out:
        return np.zeros((0, model.config.n_items + 1), np.float32)
    return np.concatenate(out)


def ndcg_at_k_excluding_seen(
    scores: np.ndarray, histories: Sequence[np.ndarray], targets: np.ndarray, k: int = 10
) -> float:
    """Mean NDCG@k of `targets` under `scores` (U, N+1) with each user's history masked out.
    Ties break toward the lower item index (as a stable top-k would). Used for early stopping."""
    scores = scores.copy()
    for u, h in enumerate(histories):
        scores[u, np.asarray(h, dtype=np.int64)] = -np.inf
    scores[:, 0] = -np.inf
    t = scores[np.arange(len(targets)), targets]
    n_items = scores.shape[1]
    lower = np.arange(n_items)[None, :] < targets[:, None]
    rank = (scores > t[:, None]).sum(1) + ((scores == t[:, None]) & lower).sum(1)
    return float(np.where(rank < k, 1.0 / np.log2(rank + 2.0), 0.0).mean()) if len(rank) else 0.0


def sasrec_training(
    sequences: Sequence[np.ndarray],
    model_config: SASRecConfig,
    batch_size: int,
    val_histories: Sequence[np.ndarray] = (),
    val_targets: np.ndarray | None = None,
    bucket: int = 50,
) -> tuple[Callable, Callable | None, int]:
    """(make_batches, validate, number of training windows) for `engine.fit` on these sequences.

    Batches group windows of similar length, `bucket` batches' worth at a time (1: plain shuffle;
    see WindowBatches).
    Early stopping uses NDCG@10 (full ranking, history excluded) of `val_targets` given
    `val_histories`; without them validate is None (every epoch runs, the last weights are kept)."""
    x, y = training_windows(sequences, model_config.max_len)
    if len(x) == 0:
        raise ValueError("no user has two or more items: nothing to learn a next item from")
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)

    def make_batches(epoch: int, generator: torch.Generator):
        return WindowBatches(inputs, targets, batch_size, generator, bucket)

    validate = None
    if val_targets is not None and len(val_targets):
        val_targets = np.asarray(val_targets, dtype=np.int64)

        def validate(m: SASRec) -> float:
            total = 0.0
            for i in range(0, len(val_targets), 1024):  # chunks bound the (users, items) matrix
                hist = val_histories[i : i + 1024]
                scores = score_histories(m, hist)
                total += ndcg_at_k_excluding_seen(scores, hist, val_targets[i : i + 1024]) * len(hist)
            return total / len(val_targets)

    return make_batches, validate, len(x)


def train_sasrec(
    sequences: Sequence[np.ndarray],
    model_config: SASRecConfig,
    train_config: TrainConfig,
    val_histories: Sequence[np.ndarray] = (),
    val_targets: np.ndarray | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[SASRec, FitResult]:
    """Train SASRec on item-index sequences with the shared trainer, uncached (benchmarks, DDP).

    Returns the model (holding the best weights, on the training device) and the FitResult.
    The app trains through `core.recommend.recommender` (the model lifecycle) instead.
    """
    from core.models.engine import seed_everything

    make_batches, validate, _ = sasrec_training(
        sequences, model_config, train_config.batch_size, val_histories, val_targets
    )
    seed_everything(train_config.seed)
    model = SASRec(model_config)
    result = fit(model, make_batches, validate, train_config, progress=progress, cancel=cancel)
    return model, result
