"""Tokenising: jieba for Chinese, a word regex for English, and the content terms used for
log-odds and drivers (stop words, punctuation, URLs and mentions dropped)."""

from __future__ import annotations

import re
from functools import lru_cache

from core.text.language import HAN, script_shares

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"@\w+")
# Common Chinese function words: frequent everywhere, so they say nothing about a shift.
ZH_STOP = frozenset(
    "的 了 是 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 就 都 也 还 在 和 与 及 或 啊 吧 吗 呢 呀 哦 嗯 "
    "一个 有 没 不 很 太 又 再 被 把 给 对 让 从 到 上 下 里 中 为 着 过 得 地 之 以 而 但 所以 因为 如果 "
    "就是 还是 可以 什么 怎么 这样 那样 自己 一下 一点 这么 那么 已经 然后 比较 真的 一次 个".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # lazy: building its dictionary cache costs ~2 s

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _english_stop() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"amp", "rt", "im", "it's", "i'm", "don't", "just"}


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
