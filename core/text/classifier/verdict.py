"""Trust, per language on the held-out rows: which scorer serves it and what its card must say
(no better than chance, no better than a baseline, where scores come from)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.i18n import t
from core.text.classifier.metrics import Evaluation

CHANCE_ALPHA = 0.05  # a held-out accuracy above the majority share with p below this beats chance


@dataclass
class SentimentVerdict:
    scorer: str  # "attention" | "tfidf_lr" | "lexicon": what scores this language
    notes: list[dict]  # {"key": i18n key, "params"}: `note_text` renders one


def chance_p_value(evaluation: Evaluation, y_test: np.ndarray) -> float:
    """One-sided binomial p-value that `evaluation`'s held-out accuracy is above the share of the
    most common label (what always answering that label scores)."""
    from scipy.stats import binomtest

    n = len(y_test)
    if n == 0:
        return float("nan")
    majority = float(np.bincount(np.asarray(y_test)).max() / n)
    correct = int(round(evaluation.accuracy * n))
    return float(binomtest(correct, n, majority, alternative="greater").pvalue) if majority < 1 else 1.0


def sentiment_verdict(evals: list[Evaluation], y_test: np.ndarray, fusion_weight: float = 1.0) -> SentimentVerdict:
    """Which scorer serves a language and what its card must say, from the held-out evaluations
    ([trained model ("attention"), "tfidf_lr", "lexicon"]): a scorer no better than chance, the
    trained model no better than a baseline (ties included), and where scores come from. TF-IDF + LR
    scores when it beats the trained model and chance; else the trained model does, named
    "tfidf_lr" when its blend gives the attention model weight 0."""
    by = {e.scorer: e for e in evals}
    model = by["attention"]
    own = "attention" if fusion_weight > 0.0 else "tfidf_lr"
    notes: list[dict] = []
    p = {name: chance_p_value(e, y_test) for name, e in by.items()}
    chance = [name for name in by if not p[name] < CHANCE_ALPHA]
    if len(chance) == len(by):
        notes.append({"key": "sent.note_all_chance", "params": {"n": len(y_test)}})
    else:
        for name in chance:
            e = by[name]
            notes.append(
                {
                    "key": "sent.note_chance",
                    "params": {
                        "scorer": name if name != "attention" else own,
                        "f1": f"{e.macro_f1:.3f}",
                        "p": f"{p[name]:.2g}",
                    },
                }
            )
    others = [by[k] for k in ("tfidf_lr", "lexicon") if k in by]
    best = max(others, key=lambda e: e.macro_f1, default=None)
    scorer = own
    if best is not None and model.macro_f1 <= best.macro_f1 + 1e-12:
        notes.append(
            {
                "key": "sent.note_baseline",
                "params": {
                    "baseline": best.scorer,
                    "f1": f"{model.macro_f1:.3f}",
                    "baseline_f1": f"{best.macro_f1:.3f}",
                },
            }
        )
    # only the baseline trained on the same split may take over: the lexicon is reported and warned
    # about, never chosen, since its held-out figure can be in-sample (the Chinese lexicon is SnowNLP's
    # model, trained on public review sets such as the ones tests and users upload)
    tfidf = by.get("tfidf_lr")
    if tfidf is not None and tfidf.macro_f1 > model.macro_f1 + 1e-12 and "tfidf_lr" not in chance:
        scorer = "tfidf_lr"
    if scorer != own:  # a baseline beat the trained model: it scores
        notes.append({"key": "sent.note_scorer", "params": {"scorer": scorer}})
    elif own == "tfidf_lr":  # the blend left the attention model out: say whose scores these are
        notes.append({"key": "sent.note_weight0", "params": {}})
    return SentimentVerdict(scorer, notes)


def note_text(note: dict, lang: str = "en") -> str:
    """A verdict note in `lang`, scorer names translated (core.i18n sent.scorer_name_*)."""

    params = {
        k: t(f"sent.scorer_name_{v}", lang) if k in ("scorer", "baseline") else v for k, v in note["params"].items()
    }
    return t(note["key"], lang, **params)
