"""The public entry points: split, train (or load) per language, evaluate beside TF-IDF + LR and
the lexicon on the same held-out rows; the lifecycle specs and keys a background job needs."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import InputError
from core.models.budget import AUTO, Budget
from core.models.lifecycle import job_key
from core.text.classifier.attention import language_proba, language_spec, train_language
from core.text.classifier.config import MIN_PER_LANGUAGE, ClassifierConfig, inference_amp
from core.text.classifier.inputs import check_cancelled
from core.text.classifier.labels import label_polarity, labelled, stratify
from core.text.classifier.linear import LinearPrior
from core.text.classifier.metrics import evaluate
from core.text.classifier.verdict import sentiment_verdict
from core.text.language import detect_languages
from core.text.lexicon import choose_thresholds, lexicon_scores


def language_splits(texts: np.ndarray, y_all: np.ndarray, config: ClassifierConfig):
    """(lang, rows, train positions, test positions) of each language with enough labels."""
    from sklearn.model_selection import train_test_split

    langs = detect_languages(texts)
    for lang in ("en", "zh"):
        rows = np.flatnonzero(langs == lang)
        if len(rows) < MIN_PER_LANGUAGE or len(set(y_all[rows])) < 2:
            continue
        y = y_all[rows]
        tr, te = train_test_split(
            np.arange(len(rows)),
            test_size=config.test_size,
            random_state=config.train.seed,
            stratify=stratify(y, config.test_size),
        )
        yield lang, rows, tr, te


def sentiment_specs(texts, labels, config: ClassifierConfig | None = None, cache_dir=None) -> list:
    """The lifecycle `ModelSpec` of each language a sentiment training on (texts, labels) trains,
    English first: what `train_sentiment_classifier` trains or loads. `spec.key` is the cache key and
    `spec.job_key` the key a background job training it goes under; computing them trains nothing
    (it tokenises the training texts once, for the sequence cap)."""
    config = config or ClassifierConfig()
    texts, y_all, names = labelled(texts, labels)
    return [
        language_spec(lang, texts[rows][tr].tolist(), y_all[rows][tr], len(names), config, cache_dir)[0]
        for lang, rows, tr, _ in language_splits(texts, y_all, config)
    ]


def sentiment_job_key(
    texts, labels, config: ClassifierConfig | None = None, cache_dir=None, budget: Budget = AUTO
) -> str:
    """One key for a background job training this sentiment classifier under `budget`: each
    language's `lifecycle.job_key` (joined by "+" when two languages are trained)."""

    return "+".join(job_key(spec, budget, cache_dir) for spec in sentiment_specs(texts, labels, config, cache_dir))


def train_languages(
    texts,
    labels,
    config: ClassifierConfig | None = None,
    progress=None,
    cancel=None,
    cache_dir=None,
    *,
    budget: Budget = AUTO,
) -> tuple[list[str], dict, dict]:
    """Split (stratified, `config.test_size`, seed), then per language with enough labels train (or
    load) the attention model on the training rows under `budget` (per language): (label names,
    {lang: LanguageModel}, {lang: train info}) for a SentimentClassifier."""
    config = config or ClassifierConfig()
    texts, y_all, label_names = labelled(texts, labels)
    models, info = {}, {}
    for lang, rows, tr, te in language_splits(texts, y_all, config):
        y = y_all[rows]
        t_tr = texts[rows][tr].tolist()
        lm, train_metrics = train_language(
            lang, t_tr, y[tr], len(label_names), config, progress, cancel, cache_dir, budget=budget
        )
        models[lang] = lm
        info[lang] = dict(train_metrics, n_train=len(tr), n_test=len(te))
    if not models:
        raise InputError(
            f"too few labelled texts to train: each language needs at least {MIN_PER_LANGUAGE} "
            "with two different labels",
            column="label",
        )
    return label_names, models, info


def evaluate_sentiment_classifier(
    clf: Any,
    texts,
    labels,
    config: ClassifierConfig | None = None,
    progress=None,
    cancel=None,
    cache_dir=None,
) -> Any:
    """Score `clf` (a SentimentClassifier from `train_sentiment_classifier` on the same texts, labels and config) on the
    held-out rows beside TF-IDF + LR fitted on the same training rows and the lexicon (cut-offs
    chosen on the training rows); fills `clf.evaluations` and `clf.thresholds` and returns `clf`.
    Progress: "stage.scoring" (held-out rows), then "stage.baselines"; `cancel` is checked between
    batches and between the baselines."""
    from core.models.engine import stage_progress

    config = config or ClassifierConfig()
    texts, y_all, label_names = labelled(texts, labels)
    polarity = label_polarity(label_names)
    for lang, rows, tr, te in language_splits(texts, y_all, config):
        if lang not in clf.models:
            continue
        y = y_all[rows]
        t_tr, t_te = texts[rows][tr].tolist(), texts[rows][te].tolist()
        probs = language_proba(
            clf.models[lang],
            t_te,
            cache_dir=cache_dir,
            progress=stage_progress(progress, "stage.scoring"),
            device=config.train.device,
            cancel=cancel,
            amp=inference_amp(config.train),
        )
        baselines = stage_progress(progress, "stage.baselines")
        if baselines is not None:
            baselines(0, 2)
        evals = [evaluate("attention", y[te], probs.argmax(1), label_names)]
        check_cancelled(cancel)
        baseline = LinearPrior.fit(t_tr, y[tr], lang, len(label_names))  # on all training rows
        check_cancelled(cancel)
        evals.append(evaluate("tfidf_lr", y[te], baseline.logits(t_te).argmax(1), label_names))
        if baselines is not None:
            baselines(1, 2)
        if polarity:
            inv = {v: k for k, v in polarity.items()}
            pol_tr = np.array([polarity[label_names[i]] for i in y[tr]], dtype=object)
            s_tr, s_te = lexicon_scores(t_tr, cancel), lexicon_scores(t_te, cancel)
            th = choose_thresholds(s_tr, pol_tr, source="training")
            clf.thresholds[lang] = th
            words = th.label(s_te)
            pred = [
                label_names.index(inv.get(w) or inv["positive" if s >= 0 else "negative"]) for w, s in zip(words, s_te)
            ]
            evals.append(evaluate("lexicon", y[te], np.array(pred), label_names))
        if baselines is not None:
            baselines(2, 2)
        clf.evaluations[lang] = evals
        lm = clf.models[lang]
        verdict = sentiment_verdict(evals, y[te], lm.fusion_weight)
        if verdict.scorer == "tfidf_lr" and lm.scorer != "tfidf_lr":  # the baseline, exactly as evaluated
            lm.prior, lm.fusion_weight = baseline, 0.0
        lm.selected = "lexicon" if verdict.scorer == "lexicon" else ""
        clf.train_info.setdefault(lang, {}).update(scorer=lm.scorer, notes=verdict.notes)
    return clf
