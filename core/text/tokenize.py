"""Tokenising: jieba for Chinese, a word regex for English, and the content terms used for
log-odds and drivers (stop words, punctuation, URLs and mentions dropped)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import jieba

from core.text.language import HAN, script_shares

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"@\w+")
STOPWORDS_DIR = Path(__file__).with_name("stopwords")


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The shipped stop-word list of `lang` ('zh' or 'en'): core/text/stopwords/<lang>.txt, one or more
    words a line separated by spaces, '#' starting a comment."""
    words: set[str] = set()
    for line in (STOPWORDS_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


# Chinese function words and filler: frequent everywhere, so they say nothing about a shift.
ZH_STOP = stop_words("zh")


@lru_cache(maxsize=1)
def _jieba():
    # built on first use: its dictionary cache costs ~2 s (the import itself ~0.01 s)
    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def _english_stop() -> frozenset[str]:
    return stop_words("en")


def tokenize_zh(text: str) -> list[str]:
    """jieba words of `text`, whitespace dropped (punctuation kept: the scorers use '！')."""
    return [w for w in _jieba().lcut(text) if w.strip()]


def tokenize_en(text: str) -> list[str]:
    """Lower-case word tokens of `text` (URLs removed)."""
    return WORD.findall(URL.sub(" ", text.lower()))


def tokenize(text: str, lang: str | None = None) -> list[str]:
    """Tokens of `text`: jieba words for Chinese, word regex for English; mixed text gets both."""
    text = text or ""
    if lang is None:
        latin, han = script_shares(text)
        lang = "mixed" if latin > 0 and han > 0 else ("zh" if han else "en")
    if lang == "zh" or lang == "mixed":
        # jieba also splits the Latin runs of mixed text into words; lower-case them like English
        return [w.lower() for w in tokenize_zh(URL.sub(" ", text))]
    return tokenize_en(text)


# text -> content_terms(text), filled from terms kept on disk (core.text.view.kept_scores) so a
# view's drivers and shifts need not run jieba again on the same table version
_KEPT_TERMS: dict[str, list[str]] = {}
MAX_KEPT_TERMS = 200_000


def keep_terms(texts, terms) -> None:
    """Remember content_terms(text) = terms for each pair (computed earlier; bounded memory)."""
    if len(_KEPT_TERMS) > MAX_KEPT_TERMS:
        _KEPT_TERMS.clear()
    _KEPT_TERMS.update(zip(texts, terms))


def content_terms(text: str) -> list[str]:
    """Terms worth comparing between corpora: no stop words, punctuation, numbers, URLs or @mentions."""
    kept = _KEPT_TERMS.get(text) if _KEPT_TERMS else None
    if kept is not None:
        return list(kept)
    text = MENTION.sub(" ", URL.sub(" ", text or ""))
    stop = _english_stop()
    out = []
    for tok in tokenize(text):
        if HAN.search(tok):
            if tok not in ZH_STOP:
                out.append(tok)
        elif len(tok) > 1 and not tok.isdigit() and tok not in stop and WORD.fullmatch(tok):
            out.append(tok)
    return out
