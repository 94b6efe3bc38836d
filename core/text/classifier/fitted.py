"""The classifier (core.models.interface.Model): per-language models (the lexicon where a language
had too few labels), `fit` on LabelledTexts, `predict`, and `save` / `load` through the one
model-folder format (meta.json + safetensors)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.models.artefact import read_model_dir, write_model_dir
from core.models.budget import AUTO, Budget
from core.models.interface import Model
from core.text.classifier.attention import language_proba
from core.text.classifier.config import ClassifierConfig
from core.text.classifier.labels import LabelledTexts, label_polarity
from core.text.classifier.linear import split_prior
from core.text.classifier.metrics import Evaluation
from core.text.classifier.model import LanguageModel
from core.text.classifier.training import evaluate_sentiment_classifier, sentiment_specs, train_languages
from core.text.language import detect_languages
from core.text.lexicon import DEFAULT_THRESHOLDS, Thresholds, lexicon_scores


class SentimentClassifier(Model):
    """Per-language attention models (+ lexicon for languages without enough labels).

    `SentimentClassifier(ClassifierConfig()).fit(LabelledTexts(texts, labels), budget=...)` trains
    (or loads) each language's model and scores it beside TF-IDF + LR and the lexicon on the same
    held-out rows; `metrics` is `train_info` (per language: how it trained, scorer, notes)."""

    kind = "sentiment"

    def __init__(
        self,
        config: Any = None,
        *,
        label_names: list[str] | None = None,
        models: dict[str, LanguageModel] | None = None,
        evaluations: dict[str, list[Evaluation]] | None = None,
        thresholds: dict[str, Thresholds] | None = None,
        train_info: dict[str, dict] | None = None,
    ) -> None:

        self.config = config or ClassifierConfig()
        self.label_names: list[str] = list(label_names or [])
        self.models: dict[str, LanguageModel] = dict(models or {})
        # lang -> [attention, tfidf_lr, lexicon] on held-out rows
        self.evaluations: dict[str, list[Evaluation]] = dict(evaluations or {})
        self.thresholds: dict[str, Thresholds] = dict(thresholds or {})  # lexicon cut-offs from the training rows
        self.train_info: dict[str, dict] = train_info if train_info is not None else {}
        self.metrics = self.train_info

    def specs(self, data: LabelledTexts, cache_dir: Any = None) -> list:
        """The lifecycle spec of each language a fit on `data` trains, English first."""
        return sentiment_specs(data.texts, data.labels, self.config, cache_dir)

    def fit(
        self,
        data: LabelledTexts,
        *,
        budget: Budget = AUTO,
        progress: Any = None,
        cancel: Any = None,
        cache_dir: Any = None,
    ) -> SentimentClassifier:
        """Train (or load) each language's model on `data` under `budget` (per language), then score
        it beside TF-IDF + LR and the lexicon on the held-out rows (`fit_sentiment_classifier`)."""
        done = fit_sentiment_classifier(
            data.texts, data.labels, self.config, progress, cancel, cache_dir, budget=budget
        )
        self.label_names, self.models, self.evaluations = done.label_names, done.models, done.evaluations
        self.thresholds, self.train_info = done.thresholds, done.train_info
        self.metrics = self.train_info
        return self

    @property
    def polarity(self) -> dict[str, str] | None:
        return label_polarity(self.label_names)

    def predict(self, texts) -> pd.DataFrame:
        """DataFrame with `sentiment` (a training label name), `score` (-1..1), `language`, `scorer`,
        and one `p_<label>` column per label (NaN where the lexicon scored the text). `texts`: the
        texts, or LabelledTexts."""
        texts = getattr(texts, "texts", texts)
        texts = pd.Series(texts, dtype="object").fillna("").astype(str).tolist()
        langs = detect_languages(texts)
        n = len(texts)
        probs = np.full((n, len(self.label_names)), np.nan)
        scorer = np.full(n, "lexicon", dtype=object)
        polarity = self.polarity
        for lang, lm in self.models.items():
            rows = np.flatnonzero(langs == lang)
            if len(rows) == 0 or lm.scorer == "lexicon":
                continue
            probs[rows] = language_proba(lm, [texts[i] for i in rows])
            scorer[rows] = lm.scorer
        out = pd.DataFrame({"language": langs, "scorer": scorer})
        labels = np.empty(n, dtype=object)
        score = np.zeros(n)
        model_rows = scorer != "lexicon"
        if model_rows.any():
            labels[model_rows] = np.array(self.label_names, dtype=object)[probs[model_rows].argmax(1)]
            if polarity:
                inv = {v: k for k, v in polarity.items()}
                pos = self.label_names.index(inv["positive"])
                neg = self.label_names.index(inv["negative"])
                score[model_rows] = probs[model_rows, pos] - probs[model_rows, neg]
        lex_rows = ~model_rows
        if lex_rows.any():
            s = lexicon_scores([texts[i] for i in np.flatnonzero(lex_rows)])
            score[lex_rows] = s
            words = np.empty(len(s), dtype=object)
            for lang in pd.unique(langs[lex_rows]):
                m = langs[lex_rows] == lang
                th = self.thresholds.get(lang) or DEFAULT_THRESHOLDS.get(lang, DEFAULT_THRESHOLDS["en"])
                words[m] = th.label(s[m])
            if polarity:
                inv = {v: k for k, v in polarity.items()}
                # a label set without "neutral" takes the nearer side
                words = np.array(
                    [inv.get(w) or inv["positive" if sc >= 0 else "negative"] for w, sc in zip(words, s)], dtype=object
                )
            labels[lex_rows] = words
        out["sentiment"] = labels
        out["score"] = np.clip(score, -1, 1)
        for j, name in enumerate(self.label_names):
            out[f"p_{name}"] = probs[:, j]
        return out

    # -- persistence: JSON for everything but weights, safetensors for weights (no pickle)
    def save(self, model_dir: str | Path) -> Path:
        """{lang}.safetensors per language and meta.json (labels, cut-offs, vocabularies, sha256s)
        through the one model-folder format (`core/models/artefact.py`)."""
        from safetensors.torch import save_file

        from core.models.text_classifier import CODE_VERSION

        meta = {
            "format": 3,
            "label_names": self.label_names,
            "thresholds": {k: asdict(v) for k, v in self.thresholds.items()},
            "evaluations": {k: [asdict(e) for e in v] for k, v in self.evaluations.items()},
            "train_info": self.train_info,
            "models": {
                lang: {
                    "kind": lm.kind,
                    "model_config": lm.model_config,
                    "vocab": lm.vocab,
                    "frozen_layers": lm.frozen_layers,
                    "weights": f"{lang}.safetensors",
                    "prior": lm.prior.meta() if lm.prior else None,
                    "fusion_weight": lm.fusion_weight,
                    "selected": lm.selected,
                    "scorer": lm.scorer,  # what this language's scores come from
                }
                for lang, lm in self.models.items()
            },
        }

        def write(tmp: Path) -> None:
            for lang, lm in self.models.items():
                tensors = dict(lm.state_dict, **(lm.prior.tensors() if lm.prior else {}))
                save_file({k: v.contiguous() for k, v in tensors.items()}, str(tmp / f"{lang}.safetensors"))

        return write_model_dir(model_dir, "sentiment", CODE_VERSION, json.loads(json.dumps(meta, default=str)), write)

    @classmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> SentimentClassifier:
        """Load a folder written by `save`, verified first; ConfigError when missing, tampered or foreign
        (`trust`: accept a folder this data folder did not sign, see core.models.artefact)."""
        from safetensors.torch import load_file

        from core.models.text_classifier import CODE_VERSION

        model_dir, meta = read_model_dir(
            model_dir, "sentiment", CODE_VERSION, "python -m core sentiment fit", trust=trust
        )
        try:
            if meta.get("format") != 3:
                raise ValueError(f"format {meta.get('format')} is from an older version; fit the model again")
            models = {}
            for lang, m in meta["models"].items():
                if Path(m["weights"]).name != m["weights"]:
                    raise ValueError(f"bad weights file name {m['weights']!r}")
                state, prior = split_prior(load_file(str(model_dir / m["weights"])), m.get("prior"))
                models[lang] = LanguageModel(
                    lang,
                    m["kind"],
                    m["model_config"],
                    state,
                    m["vocab"],
                    m["frozen_layers"],
                    prior,
                    float(m.get("fusion_weight", 1.0)),
                    str(m.get("selected", "")),
                )
            return cls(
                label_names=meta["label_names"],
                models=models,
                evaluations={k: [Evaluation(**e) for e in v] for k, v in meta["evaluations"].items()},
                thresholds={k: Thresholds(**v) for k, v in meta["thresholds"].items()},
                train_info=meta.get("train_info", {}),
            )
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"--model-dir {model_dir}: the saved sentiment model cannot be read "
                f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            ) from exc


def train_sentiment_classifier(
    texts, labels, config: Any = None, progress=None, cancel=None, cache_dir=None, *, budget: Budget = AUTO
) -> SentimentClassifier:
    """Per language with enough labels, train (or load) the attention model on the training rows of
    the split under `budget` (`training.train_languages`). The result predicts at once; its
    evaluations are empty until `evaluate_sentiment_classifier` scores the held-out rows."""
    names, models, info = train_languages(texts, labels, config, progress, cancel, cache_dir, budget=budget)
    return SentimentClassifier(config, label_names=names, models=models, train_info=info)


def fit_sentiment_classifier(
    texts, labels, config: Any = None, progress=None, cancel=None, cache_dir=None, *, budget: Budget = AUTO
) -> SentimentClassifier:
    """`train_sentiment_classifier`, then `evaluate_sentiment_classifier`: per language with enough
    labels the attention model, the TF-IDF + LR baseline and the lexicon on the same split, all three
    scored on the same held-out rows. (A page that wants the model sooner calls the two apart.)"""
    clf = train_sentiment_classifier(texts, labels, config, progress, cancel, cache_dir, budget=budget)
    return evaluate_sentiment_classifier(clf, texts, labels, config, progress, cancel, cache_dir)


def sentiment_is_trained(texts, labels, config: Any = None, cache_dir=None, budget: Budget = AUTO) -> bool:
    """True when `fit_sentiment_classifier` on these inputs would load every language's model."""
    return SentimentClassifier(config).is_trained(LabelledTexts(texts, labels), budget=budget, cache_dir=cache_dir)
