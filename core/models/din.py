"""Ad response model with target attention over a user's history (DIN, Zhou et al. 2018).

The target is the ad variant shown to the user; the history is the items the user interacted
with before the test. A small MLP scores each history item against the variant (the DIN
"activation unit", weights not softmax-normalised, padded positions masked), the weighted sum is
the user's interest *for that variant*, and an MLP over [interest, variant, interest * variant,
user features, feature * variant] gives the conversion logit. Scoring one user under every variant gives the
predicted uplift of each variant for that user.

Imports only torch (and stdlib) so its bench runs on a GPU box.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

CODE_VERSION = "din-3"


@dataclass
class DINConfig:
    n_items: int  # item ids are 1..n_items; 0 pads the history
    n_variants: int
    feature_sizes: tuple[int, ...] = ()  # vocabulary size of each categorical user feature
    dim: int = 16
    attention_hidden: int = 32
    hidden: int = 64
    dropout: float = 0.1


class TargetAttention(nn.Module):
    """DIN activation unit: w(h, t) = MLP([h, t, h - t, h * t]); interest = sum_l w_l * h_l."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(4 * dim, hidden), nn.PReLU(), nn.Linear(hidden, 1))

    def forward(self, history: torch.Tensor, target: torch.Tensor, mask: torch.Tensor):
        # history (B, L, d), target (B, d), mask (B, L) True where a real item
        t = target.unsqueeze(1).expand_as(history)  # (B, L, d)
        w = self.mlp(torch.cat([history, t, history - t, history * t], -1)).squeeze(-1)  # (B, L)
        w = w * mask  # padded positions weigh 0
        interest = (w.unsqueeze(-1) * history).sum(1)  # (B, d)
        return interest, w


class DIN(nn.Module):
    """Batch: dict with history (B, L) long, variant (B,) long, features (B, F) long, label (B,) float."""

    def __init__(self, cfg: DINConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.dim
        self.item = nn.Embedding(cfg.n_items + 1, d, padding_idx=0)
        self.variant = nn.Embedding(cfg.n_variants, d)
        self.features = nn.ModuleList(nn.Embedding(n, d) for n in cfg.feature_sizes)
        self.attention = TargetAttention(d, cfg.attention_hidden)
        width = 3 * d + 2 * d * len(cfg.feature_sizes) + 1
        self.head = nn.Sequential(
            nn.Linear(width, cfg.hidden), nn.PReLU(), nn.Dropout(cfg.dropout), nn.Linear(cfg.hidden, 1)
        )

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        hist = batch["history"]  # (B, L)
        mask = (hist > 0).float()
        h = self.item(hist)  # (B, L, d)
        t = self.variant(batch["variant"])  # (B, d)
        interest, weights = self.attention(h, t, mask)  # (B, d), (B, L)
        length = mask.sum(1, keepdim=True)  # (B, 1)
        interest = interest / length.clamp(min=1.0)  # scale-free across history lengths
        parts = [interest, t, interest * t, torch.log1p(length)]
        feats = batch.get("features", torch.empty(0, 0, dtype=torch.long))
        for i, emb in enumerate(self.features):
            f = emb(feats[:, i])  # (B, d)
            parts += [f, f * t]  # feature x variant interaction
        logit = self.head(torch.cat(parts, -1)).squeeze(-1)  # (B,)
        return logit, weights

    def calculate_loss(self, batch: dict) -> torch.Tensor:
        logit, _ = self(batch)
        return nn.functional.binary_cross_entropy_with_logits(logit, batch["label"])

    def predict(self, batch: dict) -> torch.Tensor:
        """Conversion probability for the batch's (user, variant) pairs."""
        logit, _ = self(batch)
        return torch.sigmoid(logit)

    @torch.no_grad()
    def predict_all_variants(self, batch: dict) -> torch.Tensor:
        """(B, n_variants): each user's conversion probability under every variant."""
        b = batch["history"].shape[0]
        out = []
        for v in range(self.cfg.n_variants):
            vb = dict(batch, variant=torch.full((b,), v, dtype=torch.long, device=batch["history"].device))
            out.append(self.predict(vb))
        return torch.stack(out, 1)
