"""What the attention model consumes: a pretrained encoder's cached lower-layer states, or
character and bigram ids; batches built lazily; class probabilities batch by batch."""

from __future__ import annotations

from collections import Counter

import numpy as np

from core.text.classifier.config import STATE_KINDS
from core.text.classifier.model import LanguageModel
from core.text.encoder import lower_states


def pad(rows: list[list[int]], max_len: int | None = None):
    import torch

    T = max(1, max(len(r) for r in rows))
    if max_len:
        T = min(T, max_len)
    out = torch.zeros((len(rows), T), dtype=torch.long)
    for i, r in enumerate(rows):
        r = r[:T]
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


def char_ids(texts: list[str], vocab: list[str], max_len: int) -> tuple[list[list[int]], list[list[int]]]:
    """Per text: character ids (1 = unknown) and, aligned with them, the ids of the bigram that
    starts at each character (0 = none or unknown). Both index one vocabulary: `vocab` holds
    characters and bigrams, id 2+i -> vocab[i]."""
    index = {c: i + 2 for i, c in enumerate(vocab)}
    chars_out, bigrams_out = [], []
    for t in texts:
        chars = [c for c in t if not c.isspace()][:max_len] or [" "]
        chars_out.append([index.get(c, 1) for c in chars])
        bigrams_out.append([index.get(a + b, 0) for a, b in zip(chars, chars[1:])] + [0])
    return chars_out, bigrams_out


def char_vocab(texts: list[str], min_count: int = 2, bigrams: bool = True) -> list[str]:
    """Characters (and character bigrams) seen at least `min_count` times, most frequent first."""
    counts: Counter = Counter()
    for t in texts:
        chars = [c for c in t if not c.isspace()]
        counts.update(chars)
        if bigrams:
            counts.update(a + b for a, b in zip(chars, chars[1:]))
    return [g for g, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count]


class Inputs:
    """Model inputs for a list of texts of one language; `batch(idx)` makes one batch dict."""

    def __init__(
        self,
        lm: LanguageModel,
        texts: list[str],
        cache_dir=None,
        progress=None,
        device: str = "cpu",
        cancel=None,
        amp: bool = True,
    ):
        self.lm = lm
        if lm.kind in STATE_KINDS:
            self.states = lower_states(
                texts,
                lm.frozen_layers,
                cache_dir=cache_dir,
                progress=progress,
                encoder=lm.kind,
                max_tokens=lm.model_config["max_len"],
                device=device,
                cancel=cancel,
                amp=amp,
            )
        else:
            self.chars, self.bigrams = char_ids(texts, lm.vocab, lm.model_config["max_len"])

    def lengths(self) -> np.ndarray:
        if self.lm.kind in STATE_KINDS:
            return np.diff(self.states.offsets)
        return np.array([len(c) for c in self.chars])

    def batch(self, idx, labels=None) -> dict:
        import torch

        out = {}
        if self.lm.kind in STATE_KINDS:
            out["states"], out["mask"] = self.states.padded(idx)
        else:
            out["tokens"] = pad([self.chars[i] for i in idx])
            if self.lm.model_config.get("bigrams"):
                out["bigrams"] = pad([self.bigrams[i] for i in idx])
        if labels is not None:
            out["labels"] = torch.as_tensor(labels[idx], dtype=torch.long)
        return out


class Batches:
    """One epoch's batches, built lazily (padded hidden states for a whole epoch would not fit)."""

    def __init__(self, inputs: Inputs, batches: list[np.ndarray], y: np.ndarray):
        self.inputs, self.batches, self.y = inputs, batches, y

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        for idx in self.batches:
            yield self.inputs.batch(idx, self.y)


def predict_proba(model, inputs: Inputs, rows=None, batch_size: int = 256, cancel=None, amp: bool = True) -> np.ndarray:
    """The attention model's class probabilities for `rows` of `inputs` (all rows by default);
    `cancel` (a threading.Event) is checked before every batch; `amp`: the Transformer layers in
    bf16 where the device has it natively (pooling and head stay fp32)."""
    import torch

    from core.models.engine import amp_dtype, autocast, free_threads, to_device, torch_threads

    lengths = inputs.lengths()
    rows = np.arange(len(lengths)) if rows is None else np.asarray(rows)
    device = next(model.parameters()).device
    model.eval()
    out = np.zeros((len(rows), model.config.n_classes))
    order = np.argsort(lengths[rows], kind="stable")  # similar lengths together: less padding
    threads = free_threads() if device.type == "cpu" else None
    dtype = amp_dtype(device, cuda=amp, cpu=amp)
    with torch_threads(threads), torch.inference_mode(), autocast(device, dtype):
        for start in range(0, len(rows), batch_size):
            check_cancelled(cancel)
            pos = order[start : start + batch_size]
            out[pos] = model.predict(to_device(inputs.batch(rows[pos]), device)).cpu().numpy()
    return out


def check_cancelled(cancel) -> None:
    """Raise TrainingCancelled when `cancel` (a threading.Event or None) is set."""
    if cancel is not None and cancel.is_set():
        from core.models.engine import TrainingCancelled

        raise TrainingCancelled("training was cancelled")
