"""Language of a text by script: Chinese (Han characters) or English (Latin letters).

Mixed text is allowed: `script_shares` gives both shares, `detect_language` names the majority
script, and scorers use the shares to weight the per-language scores of a mixed text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# CJK Unified Ideographs (+ extension A and compatibility block): what Chinese text is written in.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
LANGUAGES = ("en", "zh")


def script_shares(text: str) -> tuple[float, float]:
    """(share of Latin letters, share of Han characters) among the letters of `text`; (0, 0) if none.

    One Han character carries about as much as a short English word, so each counts as 3 letters.
    """
    han = len(HAN.findall(text)) * 3
    latin = len(LATIN.findall(text))
    total = han + latin
    if total == 0:
        return 0.0, 0.0
    return latin / total, han / total


def detect_language(text: str) -> str:
    """'zh' when Han characters carry at least 30% of the letters, else 'en' (also for empty text)."""
    _, han = script_shares(text or "")
    return "zh" if han >= 0.3 else "en"


def detect_languages(texts: pd.Series | list[str]) -> np.ndarray:
    """`detect_language` over many texts (unique texts are only looked at once)."""
    series = pd.Series(texts, dtype="object").fillna("").astype(str)
    codes, uniques = pd.factorize(series)
    langs = np.array([detect_language(t) for t in uniques], dtype=object)
    return langs[codes] if len(uniques) else np.array([], dtype=object)
