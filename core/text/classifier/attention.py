"""The attention model of one language: its lifecycle spec (what is trained, cached and reloaded
through `core.models.lifecycle.train_or_load`), training, scoring and its model-card line."""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np

from core.models import cache
from core.models.budget import AUTO, Budget, train_with_budget
from core.models.lifecycle import ModelSpec, train_or_load
from core.text.classifier.config import (
    STATE_KINDS,
    ClassifierConfig,
    inference_amp,
    language_encoder,
    language_model_config,
    train_config,
)
from core.text.classifier.inputs import Batches, Inputs, char_vocab, check_cancelled, predict_proba
from core.text.classifier.labels import stratify
from core.text.classifier.linear import LinearPrior, split_prior
from core.text.classifier.metrics import blend, choose_fusion_weight, softmax, validation_score
from core.text.classifier.model import LanguageModel
from core.text.encoder import ENCODER_CARDS, encoder_state, token_cap


def language_spec(lang: str, texts: list[str], y: np.ndarray, n_classes: int, config: ClassifierConfig, cache_dir=None):
    """(ModelSpec, LanguageModel without weights) of one language's attention model on (texts, y)."""
    import torch
    from sklearn.model_selection import train_test_split

    from core.models import engine  # torch
    from core.models.text_classifier import CODE_VERSION, TextClassifier

    idx = np.arange(len(texts))
    strat = stratify(y, config.val_size)
    fit_idx, val_idx = train_test_split(idx, test_size=config.val_size, random_state=config.train.seed, stratify=strat)
    counts = np.bincount(y[fit_idx], minlength=n_classes).astype(float)
    class_weights = (len(fit_idx) / (n_classes * np.maximum(counts, 1))).round(4).tolist()

    kind = language_encoder(lang, config)
    fit_texts = [texts[i] for i in fit_idx]
    if kind in STATE_KINDS:
        max_tokens = token_cap(fit_texts, kind, config.token_percentile)
        mcfg = language_model_config(lang, n_classes, config, class_weights=class_weights, max_tokens=max_tokens)
        frozen = config.e5_frozen_layers if kind == "e5" else config.en_frozen_layers
        lm = LanguageModel(lang, kind, asdict(mcfg), {}, [], frozen)
    else:
        vocab = char_vocab(fit_texts, bigrams=config.zh_bigrams)
        mcfg = language_model_config("zh", n_classes, config, vocab_size=len(vocab) + 2, class_weights=class_weights)
        lm = LanguageModel(lang, "chars", asdict(mcfg), {}, vocab, 0)
    train_cfg = train_config(kind, config)
    data_fp = cache.fingerprint(list(texts), y.tolist(), lang)
    key_config = {
        "model": asdict(mcfg),
        "train": asdict(train_cfg),
        "frozen": lm.frozen_layers,
        "encoder": lm.kind,
        "val_size": config.val_size,
        "vocab": cache.fingerprint(lm.vocab),
        "fusion": "late-v1",
    }

    def build():
        model = TextClassifier(mcfg)
        if lm.kind in STATE_KINDS:
            model.load_pretrained_top(encoder_state(lm.kind), lm.frozen_layers)
        return model

    def fit_fn(model, prog, cancel_event, budget=AUTO):

        from core.models.engine import free_threads

        amp = inference_amp(train_cfg)  # resolved when training starts: the key does not see the device
        inputs = Inputs(
            lm,
            list(texts),
            cache_dir=cache_dir,
            progress=engine.stage_progress(prog, "stage.encoding"),
            device=config.train.device,
            cancel=cancel_event,
            amp=amp,
        )
        lengths = inputs.lengths()

        def make_batches(epoch, generator):
            # shuffle, then sort by length within windows of 50 batches (little padding), then
            # shuffle the batch order: seeded, different every epoch
            perm = fit_idx[torch.randperm(len(fit_idx), generator=generator).numpy()]
            window = train_cfg.batch_size * 50
            perm = np.concatenate(
                [
                    w[np.argsort(lengths[w], kind="stable")]
                    for w in np.array_split(perm, max(1, -(-len(perm) // window)))
                ]
            )
            size = train_cfg.batch_size
            batches = [perm[s : s + size] for s in range(0, len(perm), size)]
            order = torch.randperm(len(batches), generator=generator).numpy()
            return Batches(inputs, [batches[i] for i in order], y)

        def validate(m):
            p = predict_proba(m, inputs, val_idx, cancel=cancel_event, amp=amp)
            return validation_score(y[val_idx], p, n_classes)

        threads = free_threads() if engine.pick_device(train_cfg.device).type == "cpu" else None
        result = engine.fit(
            model,
            make_batches,
            validate,
            replace(train_with_budget(train_cfg, budget), num_threads=threads),
            progress=prog,
            cancel=cancel_event,
        )
        fusion = engine.stage_progress(prog, "stage.fusion")
        if fusion is not None:
            fusion(0, 2)
        # the wide part: TF-IDF + LR on the same rows; the blend weight chosen on the validation rows
        check_cancelled(cancel_event)
        prior = LinearPrior.fit(fit_texts, y[fit_idx], lang, n_classes)
        check_cancelled(cancel_event)
        if fusion is not None:
            fusion(1, 2)
        p_val = predict_proba(model, inputs, val_idx, cancel=cancel_event, amp=amp)
        weight, by_weight = choose_fusion_weight(
            y[val_idx], p_val, prior.logits([texts[i] for i in val_idx]), n_classes
        )
        if fusion is not None:
            fusion(2, 2)
        metrics = {
            "val_macro_f1": by_weight[weight],
            "attention_only_val_macro_f1": by_weight[1.0],
            "wide_only_val_macro_f1": by_weight[0.0],
            "fusion_weight": weight,
            **result.summary(),  # how training ended, its budget: what the lifecycle and the card read
        }
        return result.state_dict | prior.tensors(), metrics, {"history": result.history, "prior": prior.meta()}

    spec = ModelSpec(
        kind=f"sentiment-{lang}",
        code_version=CODE_VERSION,
        config=key_config,
        data=data_fp,
        build=build,
        fit=fit_fn,
        seed=config.train.seed,
        restore=lambda state: state,
    )
    return spec, lm


def train_language(
    lang: str,
    texts: list[str],
    y: np.ndarray,
    n_classes: int,
    config: ClassifierConfig,
    progress=None,
    cancel=None,
    cache_dir=None,
    *,
    budget: Budget = AUTO,
) -> tuple[LanguageModel, dict]:
    """Train (or load) the attention model for one language on (texts, y) under `budget`."""

    spec, lm = language_spec(lang, texts, y, n_classes, config, cache_dir)
    art = train_or_load(spec, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)
    lm.state_dict, lm.prior = split_prior(art.model, art.extra.get("prior"))
    lm.fusion_weight = float(art.metrics["fusion_weight"])
    return lm, dict(art.metrics, trained=art.trained)


def encoder_card(lm: LanguageModel, translate, info: dict | None = None) -> str:
    """The model card's line on a language's encoder (name, licence, source package, layers tuned,
    why this encoder for the language) and, given the language's `train_info`, whether the time
    budget ended training early; `translate(key, **fmt)` is the page's `tr`."""

    card, top = ENCODER_CARDS[lm.kind], lm.model_config["n_layers"]
    if lm.kind == "chars":
        text = translate("sent.card_encoder_scratch", language=lm.lang, name=card["name"], layers=top)
    else:
        text = translate(
            "sent.card_encoder",
            language=lm.lang,
            top=top,
            layers=lm.frozen_layers + top,
            tokens=lm.model_config["max_len"],
            **card,
        )
        if (lm.lang, lm.kind) in (("en", "minilm"), ("zh", "e5")):  # the defaults, chosen on validation rows
            text += " " + translate(f"sent.card_choice_{lm.lang}")
    if info and info.get("stopped_by") == "budget":
        text += " " + translate("sent.card_budget", epochs=info.get("epochs_run", "?"))
    return text


def language_proba(
    lm: LanguageModel,
    texts: list[str],
    cache_dir=None,
    progress=None,
    device: str = "cpu",
    cancel=None,
    amp: bool = True,
) -> np.ndarray:
    """Class probabilities of one language's trained model: attention and linear parts blended.
    `progress(done, total)` follows the pretrained encoder's pass over new texts, if there is one;
    `cancel` is checked before every batch; `amp` as in `predict_proba`."""
    if lm.prior is not None and lm.fusion_weight <= 0.0:  # the attention model has no say: skip it
        if progress is not None:
            progress(0, len(texts))
        check_cancelled(cancel)
        p_linear = softmax(lm.prior.logits(texts))
        if progress is not None:
            progress(len(texts), len(texts))
        return p_linear
    inputs = Inputs(lm, texts, cache_dir=cache_dir, progress=progress, device=device, cancel=cancel, amp=amp)
    p = predict_proba(build_model(lm), inputs, cancel=cancel, amp=amp)
    if lm.prior is None or lm.fusion_weight >= 1.0:
        return p
    return blend(p, lm.prior.logits(texts), lm.fusion_weight)


def build_model(lm: LanguageModel):
    from core.models.text_classifier import TextClassifier, TextClassifierConfig

    model = TextClassifier(TextClassifierConfig(**lm.model_config))
    missing, unexpected = model.load_state_dict(lm.state_dict, strict=False)
    if missing or unexpected:
        raise RuntimeError(f"sentiment model weights do not fit: missing {missing}, unexpected {unexpected}")
    return model.eval()
