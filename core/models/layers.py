"""Layers shared by the attention models: one pre-norm Transformer block.

    block = PreNormBlock(d, attention, ffn_width=4 * d, dropout=0.1)
    x, weights = block(x, *attention_args)   # x + attn(LN(x)), then x + FFN(LN(x))

`attention(x, *args)` returns `(output, weights)`: each model brings its own attention (causal for
SASRec, bidirectional over feature tokens for the churn FT-Transformer); the block is the same.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class PreNormBlock(nn.Module):
    """Pre-norm Transformer block around a given attention module (residuals, GELU feed-forward)."""

    def __init__(self, d: int, attention: nn.Module, ffn_width: int, dropout: float):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = attention
        self.ln2 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ffn_width), nn.GELU(), nn.Dropout(dropout), nn.Linear(ffn_width, d))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, *attention_args: Any) -> tuple[torch.Tensor, Any]:
        y, weights = self.attn(self.ln1(x), *attention_args)
        x = x + self.drop(y)
        x = x + self.drop(self.ffn(self.ln2(x)))
        return x, weights
