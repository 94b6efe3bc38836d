"""Label names: read as negative / neutral / positive where they say so, normalised to strings,
coded in a natural order; the stratified split where one is possible."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InputError


@dataclass
class LabelledTexts:
    """What a sentiment classifier fits on: texts and their labels (any sequences of equal length)."""

    texts: Any
    labels: Any


POLARITY_WORDS = {
    "negative": ("neg", "bad", "负", "差", "消极"),
    "neutral": ("neu", "中", "mixed"),
    "positive": ("pos", "good", "正", "好", "积极"),
}


def label_polarity(names: list[str]) -> dict[str, str] | None:
    """Map label names onto negative/neutral/positive, or None when they cannot be read that way.

    Names that contain neg/neu/pos (or 负/中/正) map by meaning; two or three numeric names map by
    order (lowest = negative). Used to compare the lexicon and to turn probabilities into a score.
    """
    out = {}
    for name in names:
        low = name.lower()
        hits = [pol for pol, words in POLARITY_WORDS.items() if any(w in low for w in words)]
        if len(hits) == 1:
            out[name] = hits[0]
    if len(out) == len(names) and len(set(out.values())) == len(names):
        return out
    try:
        ordered = sorted(names, key=float)
    except ValueError:
        return None
    if len(ordered) == 2:
        return {ordered[0]: "negative", ordered[1]: "positive"}
    if len(ordered) == 3:
        return dict(zip(ordered, ["negative", "neutral", "positive"]))
    return None


def normalise_labels(labels) -> np.ndarray:
    """Labels as strings; numbers like 1.0 become '1'. Missing labels raise InputError."""
    series = pd.Series(labels)
    if series.isna().any():
        raise InputError("some labels are empty; drop unlabelled rows before training")
    if pd.api.types.is_float_dtype(series) and (series == series.round()).all():
        series = series.astype(np.int64)
    return series.astype(str).str.strip().to_numpy(dtype=object)


def stratify(y: np.ndarray, test_size: float):
    """`y` when a stratified split of that size is possible (every class twice, and both sides at
    least one row per class), else None: many rare labels get a plain random split, not a crash."""
    n, k = len(y), len(set(y))
    n_test = math.ceil(test_size * n)
    return y if min(Counter(y).values()) >= 2 and k <= min(n_test, n - n_test) else None


def labelled(texts, labels) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(texts as strings, label codes, label names in a natural order); InputError under 2 labels."""
    texts = pd.Series(texts, dtype="object").fillna("").astype(str).to_numpy(dtype=object)
    names_raw = normalise_labels(labels)
    label_names = sorted(pd.unique(names_raw).tolist(), key=lambda s: (not is_number(s), number_or_zero(s), s))
    if len(label_names) < 2:
        raise InputError("training needs at least two different labels", column="label")
    return texts, np.array([label_names.index(v) for v in names_raw]), label_names


def is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def number_or_zero(s: str) -> float:
    return float(s) if is_number(s) else 0.0
