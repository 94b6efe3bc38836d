"""Graph attention network (Veličković et al., 2018) in plain torch.

Learns node embeddings from the graph and user attributes; trained to predict each well-connected
user's community, it then places low-degree users, and the attention each user receives from
neighbours gives an influence score. Plain torch (scatter softmax with `index_add_`): a graph
library would be one more dependency for ~60 lines, and the GPU bench box has none.

Batch (one full graph, a dict of tensors):
    x           (N, F) float   node features
    edge_index  (2, E) long    messages flow edge_index[0] -> edge_index[1]; include self-loops
    y           (N,)   long    community label (-1 = unknown)
    mask        (N,)   bool    nodes whose labels count in the loss

Imports only torch (and stdlib), as every core/models module.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

CODE_VERSION = "gat-2"


@dataclass
class GATConfig:
    in_dim: int
    n_classes: int
    hidden: int = 16  # per head
    heads: int = 4
    dropout: float = 0.3
    attn_dropout: float = 0.2


class GraphAttentionLayer(nn.Module):
    """One multi-head attention layer over incoming edges."""

    def __init__(self, in_dim: int, out_dim: int, heads: int, concat: bool, attn_dropout: float):
        super().__init__()
        self.heads, self.out_dim, self.concat = heads, out_dim, concat
        self.lin = nn.Linear(in_dim, heads * out_dim, bias=False)
        self.att_src = nn.Parameter(torch.empty(heads, out_dim))
        self.att_dst = nn.Parameter(torch.empty(heads, out_dim))
        self.bias = nn.Parameter(torch.zeros(heads * out_dim if concat else out_dim))
        self.attn_dropout = nn.Dropout(attn_dropout)
        nn.init.xavier_uniform_(self.lin.weight)
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = x.shape[0]
        src, dst = edge_index[0], edge_index[1]
        h = self.lin(x).view(n, self.heads, self.out_dim)  # (N, H, D)
        score = F.leaky_relu((h * self.att_src).sum(-1)[src] + (h * self.att_dst).sum(-1)[dst], 0.2)  # (E, H)
        score = score.float()
        # softmax over each destination's incoming edges (subtract the max for stability)
        peak = torch.full((n, self.heads), float("-inf"), device=x.device)
        peak = peak.scatter_reduce(0, dst.unsqueeze(-1).expand_as(score), score, "amax")
        weight = torch.exp(score - peak[dst])  # (E, H)
        total = torch.zeros(n, self.heads, device=x.device).index_add_(0, dst, weight)
        alpha = weight / total[dst].clamp_min(1e-16)  # (E, H)
        message = self.attn_dropout(alpha).unsqueeze(-1).to(h.dtype) * h[src]  # (E, H, D)
        out = torch.zeros_like(h).index_add_(0, dst, message)  # (N, H, D)
        out = out.reshape(n, -1) if self.concat else out.mean(dim=1)
        return out + self.bias, alpha


class GraphAttentionNetwork(nn.Module):
    """Two GAT layers: features -> hidden embedding (heads concatenated) -> community logits."""

    def __init__(self, config: GATConfig):
        super().__init__()
        self.config = config
        self.input_dropout = nn.Dropout(config.dropout)
        self.layer1 = GraphAttentionLayer(config.in_dim, config.hidden, config.heads, True, config.attn_dropout)
        self.layer2 = GraphAttentionLayer(config.hidden * config.heads, config.n_classes, 1, False, config.attn_dropout)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor):
        """-> (logits (N, C), embedding (N, H*D), attention of layer 1 (E, H))."""
        h, alpha1 = self.layer1(self.input_dropout(x), edge_index)
        h = F.elu(h)
        logits, _ = self.layer2(self.input_dropout(h), edge_index)
        return logits, h, alpha1

    def calculate_loss(self, batch: dict) -> torch.Tensor:
        logits, _, _ = self(batch["x"], batch["edge_index"])
        mask = batch["mask"]
        return F.cross_entropy(logits[mask].float(), batch["y"][mask])

    @torch.no_grad()
    def predict(self, batch: dict) -> torch.Tensor:
        """Community probabilities (N, C)."""
        logits, _, _ = self(batch["x"], batch["edge_index"])
        return torch.softmax(logits.float(), dim=-1)

    @torch.no_grad()
    def embed(self, batch: dict) -> torch.Tensor:
        _, h, _ = self(batch["x"], batch["edge_index"])
        return h.float()

    @torch.no_grad()
    def attention_received(self, batch: dict) -> torch.Tensor:
        """Influence score per node: the attention its neighbours pay to it in layer 1, summed
        over neighbours and averaged over heads (self-loops excluded). (N,)"""
        _, _, alpha = self(batch["x"], batch["edge_index"])
        src, dst = batch["edge_index"]
        keep = src != dst
        score = torch.zeros(batch["x"].shape[0], device=alpha.device)
        return score.index_add_(0, src[keep], alpha[keep].float().mean(dim=1))
