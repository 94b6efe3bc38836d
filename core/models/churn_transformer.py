"""Churn model: attention over feature tokens (FT-Transformer style) and over the weekly activity timeline.

Every input becomes a token of width d: a numeric feature x_i -> x_i * w_i + b_i (a learned "missing"
token when x_i is NaN), a categorical feature -> its value's embedding, a week of the activity timeline
-> log-count * w + b plus that week's position embedding. A [CLS] token attends over all of them through
pre-norm transformer blocks; its final state gives the churn logit. The [CLS] row of the attention
weights (mean over heads and layers) says which features and which weeks the model looked at for a user.
A linear "wide" term over the same inputs is added to the logit (Wide & Deep): on small tabular data it
keeps the model at least as good as logistic regression while the attention learns the interactions.
`contributions` splits a logit over the input tokens: the wide term exactly, the attention part by the
[CLS] attention weights; per-user reasons are the tokens that push the risk up most.

Imports only torch (and stdlib) so the model can be benchmarked on a GPU box.
Batch: dict with "numeric" float [B, n_num] (NaN = missing), "categorical" long [B, n_cat]
(0 = unknown), "timeline" float [B, W] (log1p events per week, oldest first), "label" float [B].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from core.models.layers import PreNormBlock

CODE_VERSION = "churn-transformer-6"  # 6: the shared PreNormBlock (layers.py)


@dataclass
class ChurnTransformerConfig:
    n_numeric: int
    cardinalities: list[int] = field(default_factory=list)  # values per categorical, +1 for "unknown" (code 0)
    n_weeks: int = 0
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    ffn_factor: int = 2
    pos_weight: float = 1.0  # weight of the churned class in the loss

    @property
    def n_feature_tokens(self) -> int:
        return self.n_numeric + len(self.cardinalities)


class FeatureTokenizer(nn.Module):
    """Numeric, categorical and timeline inputs -> one token each."""

    def __init__(self, cfg: ChurnTransformerConfig):
        super().__init__()
        d = cfg.d_model
        self.num_weight = nn.Parameter(torch.randn(cfg.n_numeric, d) / math.sqrt(d))
        self.num_bias = nn.Parameter(torch.zeros(cfg.n_numeric, d))
        self.num_missing = nn.Parameter(torch.randn(cfg.n_numeric, d) / math.sqrt(d))
        offsets = [0]
        for c in cfg.cardinalities[:-1]:
            offsets.append(offsets[-1] + c)
        self.register_buffer("cat_offsets", torch.tensor(offsets, dtype=torch.long), persistent=False)
        self.cat_embedding = nn.Embedding(max(sum(cfg.cardinalities), 1), d)
        self.cat_bias = nn.Parameter(torch.zeros(len(cfg.cardinalities), d))
        self.week_weight = nn.Parameter(torch.randn(d) / math.sqrt(d))
        self.week_bias = nn.Parameter(torch.zeros(d))
        self.week_position = nn.Parameter(torch.randn(cfg.n_weeks, d) * 0.02)
        nn.init.normal_(self.cat_embedding.weight, std=1 / math.sqrt(d))

    def forward(self, numeric: torch.Tensor, categorical: torch.Tensor, timeline: torch.Tensor) -> torch.Tensor:
        parts = []
        if numeric.shape[1]:
            missing = torch.isnan(numeric)  # [B, n_num]
            x = torch.nan_to_num(numeric, nan=0.0)
            tok = x.unsqueeze(-1) * self.num_weight + self.num_bias  # [B, n_num, d]
            parts.append(torch.where(missing.unsqueeze(-1), self.num_missing.expand_as(tok), tok))
        if categorical.shape[1]:
            offsets = self.get_buffer("cat_offsets")
            parts.append(self.cat_embedding(categorical + offsets) + self.cat_bias)  # [B, n_cat, d]
        if timeline.shape[1]:
            parts.append(timeline.unsqueeze(-1) * self.week_weight + self.week_bias + self.week_position)  # [B, W, d]
        return torch.cat(parts, dim=1)  # [B, T, d]


class SelfAttention(nn.Module):
    """Multi-head self-attention that also returns its weights."""

    def __init__(self, d: int, n_heads: int, dropout: float):
        super().__init__()
        assert d % n_heads == 0, "d_model must be a multiple of n_heads"
        self.n_heads = n_heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B, T, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (t.view(B, T, self.n_heads, d // self.n_heads).transpose(1, 2) for t in (q, k, v))  # [B, h, T, dh]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.n_heads)  # [B, h, T, T]
        att = att.softmax(dim=-1)
        y = self.dropout(att) @ v  # [B, h, T, dh]
        y = y.transpose(1, 2).reshape(B, T, d)
        return self.out(y), att


class ChurnTransformer(nn.Module):
    def __init__(self, cfg: ChurnTransformerConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tokenizer = FeatureTokenizer(cfg)
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.blocks = nn.ModuleList(
            PreNormBlock(d, SelfAttention(d, cfg.n_heads, cfg.dropout), d * cfg.ffn_factor, cfg.dropout)
            for _ in range(cfg.n_layers)
        )
        self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, 1))
        # wide part: a linear logit over the raw inputs
        self.wide_numeric = nn.Linear(cfg.n_numeric, 1, bias=True)
        self.wide_missing = nn.Parameter(torch.zeros(cfg.n_numeric))
        self.wide_categorical = nn.Embedding(max(sum(cfg.cardinalities), 1), 1)
        self.wide_timeline = nn.Linear(cfg.n_weeks, 1, bias=False) if cfg.n_weeks else None
        nn.init.zeros_(self.wide_categorical.weight)

    @torch.no_grad()
    def init_wide(
        self,
        numeric: torch.Tensor,
        missing: torch.Tensor,
        categorical: torch.Tensor,
        timeline: torch.Tensor,
        intercept: float,
    ) -> None:
        """Start the wide part from a logistic regression's coefficients and the deep head at zero, so
        training starts from the linear model and the attention learns what it misses."""
        self.wide_numeric.weight.copy_(numeric.view(1, -1))
        self.wide_numeric.bias.fill_(float(intercept))
        self.wide_missing.copy_(missing)
        if categorical.numel():
            self.wide_categorical.weight.copy_(categorical.view(-1, 1))
        if self.wide_timeline is not None:
            self.wide_timeline.weight.copy_(timeline.view(1, -1))
        last = self.head[-1]
        assert isinstance(last, nn.Linear)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)

    def freeze_wide(self) -> None:
        """Keep the wide part fixed while the attention part trains (the trainer skips frozen tensors)."""
        for p in self.wide_parameters():
            p.requires_grad_(False)

    def wide_parameters(self) -> list[torch.Tensor]:
        params: list[torch.Tensor] = [
            self.wide_numeric.weight,
            self.wide_numeric.bias,
            self.wide_missing,
            self.wide_categorical.weight,
        ]
        return params + ([self.wide_timeline.weight] if self.wide_timeline is not None else [])

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns (logits [B], attention [B, T]: the [CLS] token's weights over the input tokens)."""
        numeric, categorical, timeline = batch["numeric"], batch["categorical"], batch["timeline"]
        tokens = self.tokenizer(numeric, categorical, timeline)  # [B, T, d]
        x = torch.cat([self.cls.expand(tokens.shape[0], -1, -1), tokens], dim=1)  # [B, 1+T, d]
        cls_attention = torch.zeros(x.shape[0], x.shape[1] - 1, device=x.device)
        for block in self.blocks:
            x, att = block(x)
            cls_attention = cls_attention + att[:, :, 0, 1:].mean(dim=1).float()  # [B, T]
        logits = self.head(x[:, 0]).squeeze(-1)  # [B]
        logits = logits + self._wide(numeric, categorical, timeline)
        attention = cls_attention / len(self.blocks)
        attention = attention / attention.sum(dim=1, keepdim=True).clamp_min(1e-12)
        return logits, attention

    @torch.no_grad()
    def contributions(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-token shares of the logit: (logits [B], contributions [B, T]).

        The wide part is split exactly (its term for each input); the attention part's logit is shared
        out by the [CLS] attention weights. Contributions sum to the logit minus the wide bias.
        """
        numeric, categorical, timeline = batch["numeric"], batch["categorical"], batch["timeline"]
        logits, attention = self(batch)
        deep = logits - self._wide(numeric, categorical, timeline)  # [B]
        parts = []
        if numeric.shape[1]:
            w = self.wide_numeric.weight.view(-1)  # [n_num]
            parts.append(
                torch.where(
                    torch.isnan(numeric), self.wide_missing.expand_as(numeric), torch.nan_to_num(numeric, nan=0.0) * w
                )
            )
        if categorical.shape[1]:
            parts.append(self.wide_categorical(categorical + self.tokenizer.cat_offsets).squeeze(-1))
        if self.wide_timeline is not None:
            parts.append(timeline * self.wide_timeline.weight.view(-1))
        wide = torch.cat(parts, dim=1)  # [B, T]
        return logits, wide + deep.unsqueeze(-1) * attention

    def _wide(self, numeric, categorical, timeline) -> torch.Tensor:
        out = torch.zeros(numeric.shape[0], device=numeric.device)
        if numeric.shape[1]:
            missing = torch.isnan(numeric)
            out = out + self.wide_numeric(torch.nan_to_num(numeric, nan=0.0)).squeeze(-1)
            out = out + (missing.float() * self.wide_missing).sum(dim=1)
        if categorical.shape[1]:
            out = out + self.wide_categorical(categorical + self.tokenizer.cat_offsets).squeeze(-1).sum(dim=1)
        if self.wide_timeline is not None:
            out = out + self.wide_timeline(timeline).squeeze(-1)
        return out

    def calculate_loss(self, batch: dict) -> torch.Tensor:
        logits, _ = self(batch)
        pos_weight = torch.tensor(self.cfg.pos_weight, device=logits.device)
        return F.binary_cross_entropy_with_logits(logits.float(), batch["label"].float(), pos_weight=pos_weight)

    def predict(self, batch: dict) -> torch.Tensor:
        """Uncalibrated churn probabilities [B]."""
        logits, _ = self(batch)
        return torch.sigmoid(logits.float())
