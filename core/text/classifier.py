"""Trained sentiment classifiers: the attention model and its TF-IDF + logistic-regression baseline,
fitted on the same split and scored on the same held-out rows, one model per language.

- English: all-MiniLM-L6-v2 (packaged) with its lower layers frozen (their output cached), the top
  layer(s) fine-tuned, attention pooling, plus a hashed word-n-gram "wide" part.
- Chinese: a character Transformer trained from scratch with attention pooling, plus hashed
  character-bigram and jieba-word n-grams (no pretrained Chinese encoder ships offline).
Training goes through `core.models.engine.fit` and `core.models.cache.get_or_train`.

`fit_sentiment_classifier(texts, labels) -> SentimentClassifier`; `.predict(texts)` gives label names
of the training file, a score in -1..1 (P(positive) - P(negative) when the labels say which is
which) and the probabilities; `.save(dir)` / `SentimentClassifier.load(dir)` (JSON + safetensors).
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError
from core.text.language import detect_languages
from core.text.lexicon import Thresholds, choose_thresholds, lexicon_scores

MODEL_FILE = "sentiment_model.json"
MIN_PER_LANGUAGE = 20  # fewer labelled texts than this in a language: it is scored by the lexicon


@dataclass
class ClassifierConfig:
    """Settings of one fit. The split is shared by the model, the baseline and the lexicon."""

    test_size: float = 0.2
    val_size: float = 0.1            # of the training part, for early stopping
    seed: int = 0
    en_frozen_layers: int = 5        # MiniLM layers run once and cached; the rest are fine-tuned
    en_epochs: int = 3
    en_lr: float = 2e-4
    zh_epochs: int = 12
    zh_two_stage: bool = False       # wide part first, then the encoder on top (measured worse: 0.876)
    zh_lr: float = 1e-3
    zh_d_model: int = 128
    zh_layers: int = 1
    patience: int = 2
    batch_size: int = 64
    n_buckets: int = 1 << 18
    max_seconds: float | None = None  # per language
    device: str = "auto"


@dataclass
class Evaluation:
    """One scorer on the held-out rows."""

    scorer: str                 # "attention" | "tfidf_lr" | "lexicon"
    macro_f1: float
    accuracy: float
    labels: list[str]
    confusion: list[list[int]]  # rows = true label, columns = predicted, order of `labels`
    n: int


@dataclass
class LanguageModel:
    lang: str
    kind: str                   # "minilm" | "chars"
    model_config: dict
    state_dict: dict
    vocab: list[str] = field(default_factory=list)  # chars mode: id 2+i -> vocab[i]
    frozen_layers: int = 0


# ---------------------------------------------------------------------------------------------
# labels

POLARITY_WORDS = {"negative": ("neg", "bad", "负", "差", "消极"), "neutral": ("neu", "中", "mixed"),
                  "positive": ("pos", "good", "正", "好", "积极")}


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


# ---------------------------------------------------------------------------------------------
# features shared by the model's wide part

def _bucket(gram: str, n_buckets: int) -> int:
    return zlib.crc32(gram.encode("utf-8")) % (n_buckets - 1) + 1  # 0 is padding


def ngram_ids(text: str, lang: str, n_buckets: int) -> list[int]:
    """Hashed n-grams: English word uni+bigrams; Chinese char bigrams + jieba words."""
    from core.text.tokenize import tokenize

    if lang == "zh":
        chars = [c for c in text if not c.isspace()]
        grams = ["c:" + a + b for a, b in zip(chars, chars[1:])] + ["w:" + w for w in tokenize(text, "zh")]
    else:
        words = tokenize(text, "en")
        grams = ["w:" + w for w in words] + ["b:" + a + " " + b for a, b in zip(words, words[1:])]
    return sorted({_bucket(g, n_buckets) for g in grams}) or [0]


def _pad(rows: list[list[int]], max_len: int | None = None):
    import torch

    T = max(1, max(len(r) for r in rows))
    if max_len:
        T = min(T, max_len)
    out = torch.zeros((len(rows), T), dtype=torch.long)
    for i, r in enumerate(rows):
        r = r[:T]
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


def char_ids(texts: list[str], vocab: list[str], max_len: int) -> list[list[int]]:
    index = {c: i + 2 for i, c in enumerate(vocab)}
    return [[index.get(c, 1) for c in t if not c.isspace()][:max_len] or [1] for t in texts]


# ---------------------------------------------------------------------------------------------
# features per language: what the model consumes

class _Inputs:
    """Model inputs for a list of texts of one language; `batch(idx)` makes one batch dict."""

    def __init__(self, lm: LanguageModel, texts: list[str], n_buckets: int, cache_dir=None, progress=None):
        self.lm = lm
        self.ngrams = [ngram_ids(t, lm.lang, n_buckets) for t in texts]
        if lm.kind == "minilm":
            from core.text.encoder import lower_states

            self.states = lower_states(texts, lm.frozen_layers, cache_dir=cache_dir, progress=progress)
        else:
            self.chars = char_ids(texts, lm.vocab, lm.model_config["max_len"])

    def lengths(self) -> np.ndarray:
        if self.lm.kind == "minilm":
            return np.diff(self.states.offsets)
        return np.array([len(c) for c in self.chars])

    def batch(self, idx, labels=None) -> dict:
        import torch

        out = {"ngrams": _pad([self.ngrams[i] for i in idx])}
        if self.lm.kind == "minilm":
            out["states"], out["mask"] = self.states.padded(idx)
        else:
            out["tokens"] = _pad([self.chars[i] for i in idx])
        if labels is not None:
            out["labels"] = torch.as_tensor(labels[idx], dtype=torch.long)
        return out


class _Batches:
    """One epoch's batches, built lazily (padded hidden states for a whole epoch would not fit)."""

    def __init__(self, inputs: _Inputs, batches: list[np.ndarray], y: np.ndarray):
        self.inputs, self.batches, self.y = inputs, batches, y

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        for idx in self.batches:
            yield self.inputs.batch(idx, self.y)


def _predict_proba(model, inputs: _Inputs, n: int, batch_size: int = 256) -> np.ndarray:
    import torch

    from core.models.engine import to_device

    device = next(model.parameters()).device
    model.eval()
    out = np.zeros((n, model.config.n_classes))
    order = np.argsort(inputs.lengths(), kind="stable")  # similar lengths together: less padding
    with torch.no_grad():
        for start in range(0, n, batch_size):
            idx = order[start: start + batch_size]
            out[idx] = model.predict(to_device(inputs.batch(idx), device)).cpu().numpy()
    return out


def _macro_f1(y_true, y_pred, n_classes: int) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=list(range(n_classes)), average="macro", zero_division=0))


def evaluate(scorer: str, y_true, y_pred, label_names: list[str]) -> Evaluation:
    from sklearn.metrics import accuracy_score, confusion_matrix

    ids = list(range(len(label_names)))
    return Evaluation(scorer, _macro_f1(y_true, y_pred, len(label_names)), float(accuracy_score(y_true, y_pred)),
                      list(label_names), confusion_matrix(y_true, y_pred, labels=ids).tolist(), int(len(y_true)))


# ---------------------------------------------------------------------------------------------
# baseline

def fit_baseline(texts: list[str], y: np.ndarray, lang: str):
    """TF-IDF + logistic regression: English word 1-2-grams, Chinese character 1-3-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    if lang == "zh":
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    else:
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=True)
    model = make_pipeline(vec, LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced"))
    return model.fit(texts, y)


# ---------------------------------------------------------------------------------------------
# the attention model

def _train_language(lang: str, texts: list[str], y: np.ndarray, n_classes: int, config: ClassifierConfig,
                    progress=None, cancel=None, cache_dir=None) -> tuple[LanguageModel, dict]:
    """Train the attention model for one language on (texts, y) with its own early-stopping split."""
    import torch
    from sklearn.model_selection import train_test_split

    from core.models import cache, engine
    from core.models.text_classifier import CODE_VERSION, TextClassifier, TextClassifierConfig

    idx = np.arange(len(texts))
    strat = y if min(Counter(y).values()) >= 2 else None
    fit_idx, val_idx = train_test_split(idx, test_size=config.val_size, random_state=config.seed, stratify=strat)
    counts = np.bincount(y[fit_idx], minlength=n_classes).astype(float)
    class_weights = (len(fit_idx) / (n_classes * np.maximum(counts, 1))).round(4).tolist()

    if lang == "en":
        from core.text.encoder import N_LAYERS, hf_state

        frozen = config.en_frozen_layers
        mcfg = TextClassifierConfig(n_classes=n_classes, input="states", d_model=384, n_heads=12,
                                    n_layers=N_LAYERS - frozen, d_ff=1536, max_len=128,
                                    n_buckets=config.n_buckets, class_weights=class_weights)
        lm = LanguageModel(lang, "minilm", asdict(mcfg), {}, [], frozen)
        lr, epochs = config.en_lr, config.en_epochs
    else:
        chars = Counter(c for t in (texts[i] for i in fit_idx) for c in t if not c.isspace())
        vocab = sorted(c for c, n in chars.items() if n >= 2)
        mcfg = TextClassifierConfig(n_classes=n_classes, input="tokens", vocab_size=len(vocab) + 2,
                                    d_model=config.zh_d_model, n_heads=4, n_layers=config.zh_layers,
                                    d_ff=2 * config.zh_d_model, max_len=128, dropout=0.2,
                                    n_buckets=config.n_buckets, class_weights=class_weights,
                                    wide_norm=config.zh_two_stage)
        lm = LanguageModel(lang, "chars", asdict(mcfg), {}, vocab, 0)
        lr, epochs = config.zh_lr, config.zh_epochs

    train_cfg = engine.TrainConfig(epochs=epochs, batch_size=config.batch_size, lr=lr, weight_decay=0.01,
                                   patience=config.patience, seed=config.seed, device=config.device,
                                   max_seconds=config.max_seconds)
    data_fp = cache.fingerprint(list(texts), y.tolist(), lang)
    key_config = {"model": asdict(mcfg), "train": asdict(train_cfg), "frozen": lm.frozen_layers,
                  "val_size": config.val_size, "vocab": cache.fingerprint(lm.vocab), "two_stage": config.zh_two_stage}

    def train_fn(prog):
        inputs = _Inputs(lm, list(texts), config.n_buckets, cache_dir=cache_dir)
        model = TextClassifier(mcfg)
        if lm.kind == "minilm":
            model.load_pretrained_top(hf_state(), lm.frozen_layers)
        val_inputs_idx = val_idx

        lengths = inputs.lengths()

        def make_batches(epoch, generator):
            # shuffle, then sort by length within windows of 50 batches (little padding), then
            # shuffle the batch order: seeded, different every epoch
            perm = fit_idx[torch.randperm(len(fit_idx), generator=generator).numpy()]
            window = config.batch_size * 50
            perm = np.concatenate([w[np.argsort(lengths[w], kind="stable")]
                                   for w in np.array_split(perm, max(1, -(-len(perm) // window)))])
            batches = [perm[s: s + config.batch_size] for s in range(0, len(perm), config.batch_size)]
            order = torch.randperm(len(batches), generator=generator).numpy()
            return _Batches(inputs, [batches[i] for i in order], y)

        val_order = val_inputs_idx[np.argsort(lengths[val_inputs_idx], kind="stable")]

        def validate(m):
            probs = []
            device = next(m.parameters()).device
            for s in range(0, len(val_order), 256):
                b = engine.to_device(inputs.batch(val_order[s: s + 256]), device)
                probs.append(m.predict(b).cpu().numpy())
            return _macro_f1(y[val_order], np.concatenate(probs).argmax(1), n_classes)

        metrics = {}
        if mcfg.wide_norm:  # two-stage: the wide part alone first (an n-gram logistic regression)
            model.use_deep = False
            deep = [p for n, p in model.named_parameters() if not n.startswith("wide.")]
            for p in deep:
                p.requires_grad_(False)
            # a linear model is cheap per epoch but needs many steps to converge: more epochs, 10x rate
            wide_cfg = replace(train_cfg, lr=train_cfg.lr * 10, epochs=40, patience=4, weight_decay=0.0)
            stage1 = engine.fit(model, make_batches, validate, wide_cfg, progress=prog, cancel=cancel)
            metrics["wide_val_macro_f1"] = stage1.best_metric
            for p in deep:
                p.requires_grad_(True)
            model.wide.requires_grad_(False)
            model.use_deep = True
        result = engine.fit(model, make_batches, validate, train_cfg, progress=prog, cancel=cancel)
        metrics.update({"val_macro_f1": result.best_metric, "epochs_run": result.epochs_run,
                        "seconds": result.seconds, "device": result.device, "stopped": result.stopped})
        return result.state_dict, metrics, {"history": result.history}

    art = cache.get_or_train(f"sentiment-{lang}", data_fp, key_config, train_fn, code_version=CODE_VERSION,
                             progress=progress, cache_dir=cache_dir)
    lm.state_dict = art.state_dict
    return lm, dict(art.metrics, trained=art.trained)


def _build_model(lm: LanguageModel):
    from core.models.text_classifier import TextClassifier, TextClassifierConfig

    model = TextClassifier(TextClassifierConfig(**lm.model_config))
    missing, unexpected = model.load_state_dict(lm.state_dict, strict=False)
    if missing or unexpected:
        raise RuntimeError(f"sentiment model weights do not fit: missing {missing}, unexpected {unexpected}")
    return model.eval()


# ---------------------------------------------------------------------------------------------
# the fitted classifier

@dataclass
class SentimentClassifier:
    """Per-language attention models (+ lexicon for languages without enough labels)."""

    label_names: list[str]
    models: dict[str, LanguageModel]
    evaluations: dict[str, list[Evaluation]]       # lang -> [attention, tfidf_lr, lexicon] on held-out rows
    thresholds: dict[str, Thresholds]              # lexicon cut-offs chosen on the training rows
    train_info: dict[str, dict] = field(default_factory=dict)
    n_buckets: int = 1 << 18

    @property
    def polarity(self) -> dict[str, str] | None:
        return label_polarity(self.label_names)

    def predict(self, texts) -> pd.DataFrame:
        """DataFrame with `sentiment` (a training label name), `score` (-1..1), `language`, `scorer`,
        and one `p_<label>` column per label (NaN where the lexicon scored the text)."""
        texts = pd.Series(texts, dtype="object").fillna("").astype(str).tolist()
        langs = detect_languages(texts)
        n = len(texts)
        probs = np.full((n, len(self.label_names)), np.nan)
        scorer = np.full(n, "lexicon", dtype=object)
        polarity = self.polarity
        for lang, lm in self.models.items():
            rows = np.flatnonzero(langs == lang)
            if len(rows) == 0:
                continue
            model = _build_model(lm)
            inputs = _Inputs(lm, [texts[i] for i in rows], self.n_buckets)
            probs[rows] = _predict_proba(model, inputs, len(rows))
            scorer[rows] = "attention"
        out = pd.DataFrame({"language": langs, "scorer": scorer})
        labels = np.empty(n, dtype=object)
        score = np.zeros(n)
        model_rows = scorer == "attention"
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
                th = self.thresholds.get(lang) or next(iter(self.thresholds.values()), None)
                words[m] = (th or Thresholds(-0.05, 0.05)).label(s[m])
            if polarity:
                inv = {v: k for k, v in polarity.items()}
                # a label set without "neutral" takes the nearer side
                words = np.array([inv.get(w) or inv["positive" if sc >= 0 else "negative"]
                                  for w, sc in zip(words, s)], dtype=object)
            labels[lex_rows] = words
        out["sentiment"] = labels
        out["score"] = np.clip(score, -1, 1)
        for j, name in enumerate(self.label_names):
            out[f"p_{name}"] = probs[:, j]
        return out

    # -- persistence: JSON for everything but weights, safetensors for weights (no pickle)
    def save(self, model_dir: str | Path) -> None:
        from safetensors.torch import save_file

        model_dir = Path(model_dir)
        model_dir.mkdir(parents=True, exist_ok=True)
        meta = {"format": 1, "label_names": self.label_names, "n_buckets": self.n_buckets,
                "thresholds": {k: asdict(v) for k, v in self.thresholds.items()},
                "evaluations": {k: [asdict(e) for e in v] for k, v in self.evaluations.items()},
                "train_info": self.train_info,
                "models": {lang: {"kind": lm.kind, "model_config": lm.model_config, "vocab": lm.vocab,
                                  "frozen_layers": lm.frozen_layers, "weights": f"{lang}.safetensors"}
                           for lang, lm in self.models.items()}}
        for lang, lm in self.models.items():
            save_file({k: v.contiguous() for k, v in lm.state_dict.items()}, str(model_dir / f"{lang}.safetensors"))
        (model_dir / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, model_dir: str | Path) -> "SentimentClassifier":
        from safetensors.torch import load_file

        model_dir = Path(model_dir)
        path = model_dir / MODEL_FILE
        if not path.exists():
            raise InputError(f"no trained sentiment model here (expected {MODEL_FILE}); run "
                             "'python -m core sentiment fit' first", file=str(model_dir))
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            models = {}
            for lang, m in meta["models"].items():
                state = load_file(str(model_dir / m["weights"]))
                models[lang] = LanguageModel(lang, m["kind"], m["model_config"], state, m["vocab"], m["frozen_layers"])
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"the saved sentiment model is unreadable ({exc})", file=str(path)) from exc
        return cls(meta["label_names"], models,
                   {k: [Evaluation(**e) for e in v] for k, v in meta["evaluations"].items()},
                   {k: Thresholds(**v) for k, v in meta["thresholds"].items()}, meta.get("train_info", {}),
                   meta["n_buckets"])


def fit_sentiment_classifier(texts, labels, config: ClassifierConfig | None = None, progress=None,
                             cancel=None, cache_dir=None) -> SentimentClassifier:
    """Split (stratified, `config.test_size`, seed), then per language with enough labels: train the
    attention model and the TF-IDF + LR baseline on the same training rows, choose lexicon
    thresholds on them, and score all three on the same held-out rows."""
    from sklearn.model_selection import train_test_split

    config = config or ClassifierConfig()
    texts = pd.Series(texts, dtype="object").fillna("").astype(str).to_numpy(dtype=object)
    names_raw = normalise_labels(labels)
    label_names = sorted(pd.unique(names_raw).tolist(), key=lambda s: (not _is_number(s), _num(s), s))
    if len(label_names) < 2:
        raise InputError("training needs at least two different labels", column="label")
    y_all = np.array([label_names.index(v) for v in names_raw])
    polarity = label_polarity(label_names)
    langs = detect_languages(texts)
    models, evaluations, thresholds, info = {}, {}, {}, {}
    for lang in ("en", "zh"):
        rows = np.flatnonzero(langs == lang)
        if len(rows) < MIN_PER_LANGUAGE or len(set(y_all[rows])) < 2:
            continue
        y = y_all[rows]
        strat = y if min(Counter(y).values()) >= 2 else None
        tr, te = train_test_split(np.arange(len(rows)), test_size=config.test_size, random_state=config.seed,
                                  stratify=strat)
        t_tr, t_te = texts[rows][tr].tolist(), texts[rows][te].tolist()
        lm, train_metrics = _train_language(lang, t_tr, y[tr], len(label_names), config, progress, cancel, cache_dir)
        model = _build_model(lm)
        probs = _predict_proba(model, _Inputs(lm, t_te, config.n_buckets, cache_dir=cache_dir), len(t_te))
        evals = [evaluate("attention", y[te], probs.argmax(1), label_names)]
        baseline = fit_baseline(t_tr, y[tr], lang)
        evals.append(evaluate("tfidf_lr", y[te], baseline.predict(t_te), label_names))
        if polarity:
            inv = {v: k for k, v in polarity.items()}
            pol_tr = np.array([polarity[label_names[i]] for i in y[tr]], dtype=object)
            s_tr, s_te = lexicon_scores(t_tr), lexicon_scores(t_te)
            th = choose_thresholds(s_tr, pol_tr, source=f"training rows ({lang})")
            thresholds[lang] = th
            words = th.label(s_te)
            pred = [label_names.index(inv.get(w) or inv["positive" if s >= 0 else "negative"])
                    for w, s in zip(words, s_te)]
            evals.append(evaluate("lexicon", y[te], np.array(pred), label_names))
        models[lang], evaluations[lang] = lm, evals
        info[lang] = dict(train_metrics, n_train=len(tr), n_test=len(te))
    if not models:
        raise InputError(f"too few labelled texts to train: each language needs at least {MIN_PER_LANGUAGE} "
                         "with two different labels", column="label")
    return SentimentClassifier(label_names, models, evaluations, thresholds, info, config.n_buckets)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _num(s: str) -> float:
    return float(s) if _is_number(s) else 0.0
