"""Sentiment classifier with attention: one nn.Module, two kinds of input.

- "states": hidden states of a frozen pretrained encoder's lower layers (all-MiniLM-L6-v2, English).
  The top `n_layers` BERT layers are fine-tuned (their weights copied in from the pretrained model),
  then attention pooling (optionally beside the masked mean) and a linear head. Caching the frozen lower layers' output makes
  fine-tuning affordable on a CPU.
- "tokens": token ids of our own vocabulary (Chinese characters, plus at each position the embedding
  of the bigram starting there), a Transformer encoder trained from scratch, attention pooling, a
  linear head.

The linear n-gram model it is blended with (wide & deep, late fusion) lives in core.text.classifier.

Pure torch (no transformers import), so the benches run on a GPU box. `MiniLMEncoder` reimplements
BERT's forward pass for the packaged weights; tests check it against transformers' BertModel.
Batches are dicts: "tokens" [B,T] long (0 = pad) or "states" [B,T,D] float with "mask" [B,T] bool;
"bigrams" [B,T] long when the config says so; "labels" [B] long for the loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

CODE_VERSION = "text-classifier-6"


@dataclass
class TextClassifierConfig:
    n_classes: int
    input: str = "tokens"  # "tokens" (own vocab, from scratch) | "states" (pretrained lower layers)
    vocab_size: int = 0  # tokens mode: vocabulary size incl. pad=0 and unk=1
    d_model: int = 128  # states mode: the pretrained hidden size (384 for MiniLM)
    n_heads: int = 4
    n_layers: int = 2
    d_ff: int = 256
    max_len: int = 256
    dropout: float = 0.1
    bigrams: bool = False  # tokens mode: batch "bigrams" [B,T] ids (same table) added to the tokens
    layer_norm_eps: float = 1e-12  # BERT's value, so copied layers behave as pretrained
    class_weights: list[float] = field(default_factory=list)  # cross-entropy weights ([] = equal)
    label_smoothing: float = 0.0
    pooling: str = "attention"  # "attention" | "attention+mean": both pooled vectors, concatenated


class BertBlock(nn.Module):
    """One post-LayerNorm Transformer layer laid out like BERT's, so its weights load by name."""

    def __init__(self, d: int, heads: int, d_ff: int, dropout: float, eps: float):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attn_out = nn.Linear(d, d)
        self.attn_norm = nn.LayerNorm(d, eps=eps)
        self.ff_in = nn.Linear(d, d_ff)
        self.ff_out = nn.Linear(d_ff, d)
        self.ff_norm = nn.LayerNorm(d, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        B, T, D = x.shape
        H = self.heads

        def split(t):  # [B,T,D] -> [B,H,T,D/H]
            return t.view(B, T, H, D // H).transpose(1, 2)

        attn_mask = mask[:, None, None, :]  # [B,1,1,T] True = attend
        y = F.scaled_dot_product_attention(
            split(self.query(x)),
            split(self.key(x)),
            split(self.value(x)),
            attn_mask=attn_mask,
            dropout_p=self.dropout.p if self.training else 0.0,
        )
        y = y.transpose(1, 2).reshape(B, T, D)
        x = self.attn_norm(x + self.dropout(self.attn_out(y)))
        return self.ff_norm(x + self.dropout(self.ff_out(F.gelu(self.ff_in(x)))))


def bert_block_state(hf_state: dict[str, torch.Tensor], layer: int) -> dict[str, torch.Tensor]:
    """BertModel layer `layer`'s weights renamed for `BertBlock`."""
    p = f"encoder.layer.{layer}."
    names = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "attn_out": "attention.output.dense",
        "attn_norm": "attention.output.LayerNorm",
        "ff_in": "intermediate.dense",
        "ff_out": "output.dense",
        "ff_norm": "output.LayerNorm",
    }
    out = {}
    for ours, theirs in names.items():
        for part in ("weight", "bias"):
            out[f"{ours}.{part}"] = hf_state[f"{p}{theirs}.{part}"]
    return out


class MiniLMEncoder(nn.Module):
    """BERT's embeddings + the first `n_layers` layers, for the packaged all-MiniLM-L6-v2 weights
    (and multilingual-e5-small's, converted by core.text.e5; its word table stays fp16)."""

    def __init__(self, hf_state: dict[str, torch.Tensor], n_layers: int, heads: int = 12, eps: float = 1e-12):
        super().__init__()
        word = hf_state["embeddings.word_embeddings.weight"]
        d = word.shape[1]
        d_ff = hf_state["encoder.layer.0.intermediate.dense.weight"].shape[0]
        self.word = nn.Embedding.from_pretrained(word, freeze=True)
        self.position = nn.Embedding.from_pretrained(hf_state["embeddings.position_embeddings.weight"], freeze=True)
        self.token_type = nn.Parameter(
            hf_state["embeddings.token_type_embeddings.weight"][0].clone(), requires_grad=False
        )
        self.norm = nn.LayerNorm(d, eps=eps)
        self.norm.load_state_dict(
            {"weight": hf_state["embeddings.LayerNorm.weight"], "bias": hf_state["embeddings.LayerNorm.bias"]}
        )
        self.blocks = nn.ModuleList()
        for i in range(n_layers):
            block = BertBlock(d, heads, d_ff, 0.0, eps)
            block.load_state_dict(bert_block_state(hf_state, i))
            self.blocks.append(block)
        self.requires_grad_(False)
        self.eval()

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = self.norm(self.word(ids).float() + self.position(pos)[None] + self.token_type)  # [B,T,D]
        for block in self.blocks:
            x = block(x, mask)
        return x


class AttentionPool(nn.Module):
    """Weighted mean of token vectors; weights = softmax over tokens of v·tanh(W h) (padding masked)."""

    def __init__(self, d: int):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.score = nn.Linear(d, 1, bias=False)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s = self.score(torch.tanh(self.proj(x))).squeeze(-1)  # [B,T]
        s = s.masked_fill(~mask, torch.finfo(s.dtype).min)
        w = torch.softmax(s, dim=-1)  # [B,T]
        return torch.einsum("bt,btd->bd", w, x), w


class TextClassifier(nn.Module):
    """Attention sentiment classifier; see the module docstring for its two input modes."""

    def __init__(self, config: TextClassifierConfig):
        super().__init__()
        c = self.config = config
        if c.input == "tokens":
            self.embed = nn.Embedding(c.vocab_size, c.d_model, padding_idx=0)
            self.position = nn.Embedding(c.max_len, c.d_model)
        elif c.input != "states":
            raise ValueError(f"unknown input kind {c.input!r}")
        self.blocks = nn.ModuleList(
            BertBlock(c.d_model, c.n_heads, c.d_ff, c.dropout, c.layer_norm_eps) for _ in range(c.n_layers)
        )
        if c.pooling not in ("attention", "attention+mean"):
            raise ValueError(f"unknown pooling {c.pooling!r}")
        self.pool = AttentionPool(c.d_model)
        self.dropout = nn.Dropout(c.dropout)
        self.head = nn.Linear(c.d_model * (2 if c.pooling == "attention+mean" else 1), c.n_classes)
        weights = torch.tensor(c.class_weights, dtype=torch.float32) if c.class_weights else None
        self.register_buffer("class_weights", weights, persistent=False)

    def load_pretrained_top(self, hf_state: dict[str, torch.Tensor], first_layer: int) -> None:
        """Copy pretrained BERT layers first_layer.. into this model's blocks (states mode)."""
        for i, block in enumerate(self.blocks):
            block.load_state_dict(bert_block_state(hf_state, first_layer + i))

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        """-> (logits [B,C], attention weights over tokens [B,T])."""
        if self.config.input == "tokens":
            tokens = batch["tokens"][:, : self.config.max_len]
            mask = tokens != 0
            pos = torch.arange(tokens.shape[1], device=tokens.device)
            x = self.embed(tokens) + self.position(pos)[None]
            if self.config.bigrams:
                x = x + self.embed(batch["bigrams"][:, : self.config.max_len])
            x = self.dropout(x)
        else:
            x, mask = batch["states"].float(), batch["mask"]
        for block in self.blocks:
            x = block(x, mask)
        # pooling and head in full precision under autocast: probabilities to more than bf16's 3 digits
        with torch.autocast(device_type=x.device.type, enabled=False):
            x = x.float()
            pooled, weights = self.pool(x, mask)  # [B,D], [B,T]
            if self.config.pooling == "attention+mean":
                m = mask.unsqueeze(-1).to(x.dtype)  # [B,T,1]
                pooled = torch.cat([pooled, (x * m).sum(1) / m.sum(1).clamp(min=1.0)], dim=-1)  # [B,2D]
            logits = self.head(self.dropout(pooled))
        return logits, weights

    def calculate_loss(self, batch: dict) -> torch.Tensor:
        logits, _ = self(batch)
        weight = self.class_weights if isinstance(self.class_weights, torch.Tensor) else None
        return F.cross_entropy(logits, batch["labels"], weight=weight, label_smoothing=self.config.label_smoothing)

    def predict(self, batch: dict) -> torch.Tensor:
        """Class probabilities [B,C]."""
        logits, _ = self(batch)
        return torch.softmax(logits.float(), dim=-1)
