"""The attention classifier: our pure-torch MiniLM against transformers' BertModel, a small
English training run through the engine and cache, save/load, and label handling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.text.classifier import ClassifierConfig, SentimentClassifier, fit_sentiment_classifier, label_polarity


def test_our_minilm_matches_transformers_bertmodel():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from core.models.text_classifier import MiniLMEncoder
    from core.text.encoder import hf_state, model_path, token_ids

    texts = ["The flight was delayed again, awful.", "Thanks for the upgrade!"]
    ref = AutoModel.from_pretrained(str(model_path()), local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(str(model_path()), local_files_only=True)
    ours = MiniLMEncoder(hf_state(), 6)
    for text, ids in zip(texts, token_ids(texts)):
        enc = tok(text, return_tensors="pt")
        assert enc["input_ids"][0].tolist() == ids
        with torch.no_grad():
            expected = ref(**enc).last_hidden_state
            got = ours(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.bool))
        assert torch.allclose(got, expected, atol=1e-4)


def test_label_polarity():
    assert label_polarity(["negative", "neutral", "positive"]) == {
        "negative": "negative",
        "neutral": "neutral",
        "positive": "positive",
    }
    assert label_polarity(["0", "1"]) == {"0": "negative", "1": "positive"}
    assert label_polarity(["1", "3", "5"]) == {"1": "negative", "3": "neutral", "5": "positive"}
    assert label_polarity(["cats", "dogs"]) is None


def test_small_english_training_beats_chance_and_round_trips(tmp_path):
    topics = ["app", "update", "event", "forum", "shop", "stream", "rewards", "team", "mods", "chat", "store", "feed"]
    rows = []
    for t in topics:
        rows += [
            (f"I really love the new {t}, great work", "good"),
            (f"The {t} is wonderful, thank you", "good"),
            (f"The {t} is terrible and broken", "bad"),
            (f"I hate the {t}, awful experience", "bad"),
        ]
    df = pd.DataFrame(rows, columns=["text", "label"])
    config = ClassifierConfig()
    config.train.epochs, config.train.batch_size = 3, 16
    seen = []
    clf = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path / "cache", progress=seen.append)
    # the page's bar names the work before and after the epochs instead of sitting at "0 s left"
    order = [p.stage or "epochs" for p in seen]
    phases = [s for i, s in enumerate(order) if i == 0 or s != order[i - 1]]
    assert phases == ["stage.encoding", "epochs", "stage.fusion", "stage.scoring", "stage.baselines"]
    encoding = [p for p in seen if p.stage == "stage.encoding"]
    assert encoding[-1].fraction == 1.0 and encoding[-1].step == encoding[-1].steps_per_epoch > 1
    from ui.training import progress_text

    assert progress_text(seen[-1]).startswith("Scoring the baselines")
    assert "epoch" not in progress_text(encoding[0]) and "/" in progress_text(encoding[0])
    evals = {e.scorer: e for e in clf.evaluations["en"]}
    assert set(evals) == {"attention", "tfidf_lr", "lexicon"}  # "good"/"bad" read as positive/negative
    assert evals["attention"].macro_f1 >= 0.8
    assert np.sum(evals["attention"].confusion) == evals["attention"].n == 10
    again = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path / "cache")
    assert again.train_info["en"]["trained"] is False  # second call loads the cached artefact
    clf.save(tmp_path / "model")
    loaded = SentimentClassifier.load(tmp_path / "model")
    texts = df["text"].tolist() + ["好吃"]
    a, b = clf.predict(texts), loaded.predict(texts)
    pd.testing.assert_frame_equal(a, b)
    assert (a["sentiment"][:-1].to_numpy() == df["label"].to_numpy()).mean() >= 0.85
    assert a["scorer"].tolist() == ["attention"] * len(df) + ["lexicon"]
    assert a["score"][:-1][df["label"] == "good"].mean() > a["score"][:-1][df["label"] == "bad"].mean()


def test_too_few_labels_is_a_user_error():
    from core.errors import InputError

    with pytest.raises(InputError):
        fit_sentiment_classifier(["good", "bad"], ["a", "b"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linear_prior_reproduces_the_sklearn_pipeline(lang):
    """The wide part, stored as arrays, scores texts exactly as the fitted TF-IDF + LR pipeline."""
    from core.text.classifier import LinearPrior, fit_baseline

    if lang == "en":
        texts = [
            "great app, love it",
            "awful update, hate it",
            "love the new feed",
            "the feed is awful",
            "great team",
            "hate the ads",
            "ok I guess",
            "it is fine, ok",
        ] * 3
        y = np.array([2, 0, 2, 0, 2, 0, 1, 1] * 3)
    else:
        texts = ["味道很好，很喜欢", "太难吃了，差评", "送餐很快，好吃", "很慢，凉了，难吃", "一般般吧"] * 4
        y = np.array([1, 0, 1, 0, 0] * 4)
    n_classes = int(y.max()) + 1
    pipe = fit_baseline(texts, y, lang)
    prior = LinearPrior.fit(texts, y, lang, n_classes)
    new = texts[:4] + (
        ["love it but awful ads", "brand new words only"] if lang == "en" else ["很好吃但是很慢", "完全陌生"]
    )
    logits = prior.logits(new)
    dec = pipe.decision_function(new)
    if n_classes == 2:
        np.testing.assert_allclose(logits[:, 1] - logits[:, 0], dec, rtol=1e-4, atol=1e-5)
    else:
        np.testing.assert_allclose(logits, dec, rtol=1e-4, atol=1e-5)
    assert (logits.argmax(1) == pipe.predict(new)).all()
    # a class the LR never saw can never win
    absent = LinearPrior.fit(texts, y, lang, n_classes + 1)
    assert (absent.logits(new).argmax(1) == pipe.predict(new)).all()


def test_fusion_weight_follows_the_better_part_then_the_better_calibrated_then_attention():
    from core.text.classifier import blend, choose_fusion_weight

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    good = np.eye(3)[y] * 0.9 + 0.1 / 3  # probabilities that are always right
    noise = rng.dirichlet(np.ones(3), 300)  # probabilities that know nothing
    good_logits, noise_logits = np.log(good), np.log(noise)
    w, scores = choose_fusion_weight(y, good, noise_logits, 3)
    assert scores[1.0] == 1.0 and w >= 0.6  # trust the attention part
    w, scores = choose_fusion_weight(y, noise, good_logits, 3)
    assert scores[0.0] == 1.0 and w <= 0.4  # trust the linear part
    w, _ = choose_fusion_weight(y, good, good_logits, 3)
    assert w == 1.0  # equally good: the attention model
    # both always right, but the attention part only just (0.4 vs 0.3): the F1 ties at every weight
    # and the log-loss decides, for the confident linear part (a few validation rows, a young model)
    timid = np.eye(3)[y] * 0.1 + 0.3
    w, scores = choose_fusion_weight(y, timid, good_logits, 3)
    assert set(scores.values()) == {1.0} and w == 0.0
    mixed = blend(good, noise_logits, 0.25)
    np.testing.assert_allclose(mixed.sum(1), 1.0)
    np.testing.assert_allclose(mixed, 0.25 * good + 0.75 * noise, atol=1e-9)


def test_training_repeats_whatever_ran_before_in_the_process(tmp_path):
    """The initial weights come from the config's seed, not from how much of torch's random stream
    earlier work used (a page that trained something else first, or the test order)."""
    import torch

    pos = ["味道很好，下次还点", "送餐很快，好吃", "非常满意，推荐", "分量足，好吃不贵", "很棒，服务好"]
    neg = ["太难吃了，退款", "送了两个小时，凉了", "很差，不会再点", "分量太少，失望", "难吃，服务差"]
    texts, labels = (pos + neg) * 3, ([1] * 5 + [0] * 5) * 3
    config = ClassifierConfig(zh_encoder="chars")
    config.train.epochs, config.train.batch_size = 2, 8
    first = fit_sentiment_classifier(texts, labels, config, cache_dir=tmp_path / "a")
    torch.rand(12345)  # use up some of the global stream
    second = fit_sentiment_classifier(texts, labels, config, cache_dir=tmp_path / "b")
    assert second.train_info["zh"]["trained"]  # a fresh cache: really trained again
    a, b = first.models["zh"].state_dict, second.models["zh"].state_dict
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _tiny_english() -> pd.DataFrame:
    rows = []
    for t in ["app", "update", "event", "forum", "shop", "stream", "rewards", "team"]:
        rows += [(f"I love the new {t}, great", "good"), (f"The {t} is terrible and broken", "bad")] * 2
    return pd.DataFrame(rows, columns=["text", "label"])


def test_cancel_stops_every_stage_and_the_spec_keys_the_job(tmp_path):
    """A cancel set when a stage starts ends the fit before that stage's next batch: nothing after it
    is reported. The job key is the spec's key: unchanged by the device, trained after a fit."""
    import threading
    from dataclasses import replace

    from core.models.engine import TrainingCancelled
    from core.text.classifier import sentiment_is_trained, sentiment_job_key, sentiment_specs

    df = _tiny_english()
    config = ClassifierConfig()
    config.train = replace(config.train, epochs=1, batch_size=8, device="cpu")
    cache = tmp_path / "cache"
    spec = sentiment_specs(df["text"], df["label"], config, cache)[0]
    assert sentiment_job_key(df["text"], df["label"], config, cache) == spec.job_key == f"sentiment-en:{spec.key}"
    gpu = replace(config, train=replace(config.train, device="cuda"))
    assert sentiment_job_key(df["text"], df["label"], gpu, cache) == spec.job_key
    assert not sentiment_is_trained(df["text"], df["label"], config, cache)
    for stage in ["stage.encoding", "epochs", "stage.fusion", "stage.scoring", "stage.baselines"]:
        cancel, seen = threading.Event(), []

        def progress(p, stage=stage, cancel=cancel, seen=seen):
            seen.append(p.stage or "epochs")
            if seen[-1] == stage:
                cancel.set()

        with pytest.raises(TrainingCancelled):
            fit_sentiment_classifier(df["text"], df["label"], config, progress, cancel, cache)
        assert seen.count(stage) == 1 and seen[-1] == stage, (stage, seen)
        # the model is stored once training and the blend are done, not before
        trained = sentiment_is_trained(df["text"], df["label"], config, cache)
        assert trained == (stage in ("stage.scoring", "stage.baselines")), stage


@pytest.mark.parametrize("pooling", ["attention", "attention+mean"])
def test_pooled_head_ignores_padding(pooling):
    """Padding a batch longer changes nothing: attention and mean pooling both mask it."""
    import torch

    from core.models.text_classifier import TextClassifier, TextClassifierConfig

    torch.manual_seed(0)
    model = TextClassifier(
        TextClassifierConfig(n_classes=3, input="states", d_model=16, n_heads=2, n_layers=1, d_ff=32, pooling=pooling)
    ).eval()
    states = torch.randn(2, 5, 16)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    padded = torch.cat([states, torch.randn(2, 4, 16)], dim=1)
    long_mask = torch.cat([mask, torch.zeros(2, 4, dtype=torch.bool)], dim=1)
    with torch.no_grad():
        a = model.predict({"states": states, "mask": mask})
        b = model.predict({"states": padded, "mask": long_mask})
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    assert model.head.in_features == (32 if pooling == "attention+mean" else 16)


def test_under_bf16_autocast_the_head_stays_fp32_and_close_to_full_precision():
    """The sentiment Transformer's layers may run in bf16 (CPU with native bf16, GPU); pooling and
    the head do not, so logits are fp32 and the probabilities agree with fp32 to ~1e-2."""
    import torch

    from core.models.text_classifier import TextClassifier, TextClassifierConfig
    from core.text.encoder import hf_state

    torch.manual_seed(0)
    model = TextClassifier(
        TextClassifierConfig(n_classes=3, input="states", d_model=384, n_heads=12, n_layers=1, d_ff=1536)
    )
    model.load_pretrained_top(hf_state(), 5)
    model.eval()
    batch = {"states": torch.randn(8, 20, 384), "mask": torch.ones(8, 20, dtype=torch.bool)}
    with torch.no_grad():
        full_logits, _ = model(batch)
        full = model.predict(batch)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            query = model.blocks[0].query(batch["states"])
            fast_logits, weights = model(batch)
            fast = model.predict(batch)
    assert query.dtype == torch.bfloat16  # the layer's matrix products really ran in bf16
    assert fast_logits.dtype == torch.float32 and weights.dtype == torch.float32
    assert fast.dtype == torch.float32
    assert float((fast - full).abs().max()) < 0.02
    assert not torch.equal(fast_logits, full_logits)


def test_a_model_cut_short_by_a_budget_is_retrained_when_more_time_is_given(tmp_path):
    """The budget control: a sentiment model that a short budget stopped says so (card, metrics),
    and asking again with a longer budget trains anew instead of loading the cut-short one."""
    df = _tiny_english()
    config = ClassifierConfig()
    config.train.epochs, config.train.batch_size, config.train.device = 2, 8, "cpu"
    short = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path, budget=1e-6)
    info = short.train_info["en"]
    assert info["stopped_by"] == "budget" and info["max_seconds"] == 1e-6 and info["epochs"] == 2
    # the same budget again: loaded
    again = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path, budget=1e-6)
    assert again.train_info["en"]["trained"] is False
    longer = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path, budget=600)
    assert longer.train_info["en"]["trained"] is True and longer.train_info["en"]["stopped_by"] != "budget"


# ---- trust: the best scorer on the held-out rows scores, named after itself (issue 24 item 8) ------


def _evals(y, preds: dict[str, np.ndarray]):
    from core.text.classifier import evaluate

    return [evaluate(name, y, p, ["negative", "positive"]) for name, p in preds.items()]


def test_verdict_picks_the_best_scorer_beyond_chance_and_says_why():
    from scipy.stats import binomtest

    from core.text.classifier import chance_p_value, note_text, sentiment_verdict

    rng = np.random.default_rng(0)
    y = np.array([0] * 60 + [1] * 40)
    right = y.copy()
    noisy = np.where(rng.random(100) < 0.3, 1 - y, y)  # 70% right
    coin = rng.integers(0, 2, 100)  # a guess
    # the reference: a one-sided binomial test of the accuracy against the majority share (0.6)
    for e in _evals(y, {"attention": noisy, "tfidf_lr": coin}):
        expect = binomtest(int(round(e.accuracy * 100)), 100, 0.6, alternative="greater").pvalue
        assert chance_p_value(e, y) == pytest.approx(expect)
    # TF-IDF + LR beats the trained model: it scores, and the card says both things
    v = sentiment_verdict(_evals(y, {"attention": noisy, "tfidf_lr": right, "lexicon": coin}), y, 0.4)
    assert v.scorer == "tfidf_lr"
    text = [note_text(n) for n in v.notes]
    assert any("no better than its baseline, TF-IDF + LR" in t for t in text), text
    assert any(t.startswith("No better than chance on the held-out texts: lexicon") for t in text), text
    assert "Scores come from TF-IDF + LR, the best on the held-out texts." in text
    assert any("得分来自TF-IDF + 逻辑回归" in note_text(n, "zh") for n in v.notes)
    # the lexicon better: said, but never chosen (its held-out figure can be in-sample)
    v = sentiment_verdict(_evals(y, {"attention": noisy, "tfidf_lr": coin, "lexicon": right}), y)
    assert v.scorer == "attention" and "no better than its baseline, lexicon" in note_text(v.notes[-1])
    # every scorer guessing: nothing switches, and the card says the labels carry no signal
    v = sentiment_verdict(_evals(y, {"attention": coin, "tfidf_lr": 1 - coin, "lexicon": np.zeros(100, int)}), y)
    assert v.scorer == "attention" and v.notes[0]["key"] == "sent.note_all_chance"
    # a tie with the baseline is said, but the trained model keeps scoring
    v = sentiment_verdict(_evals(y, {"attention": right, "tfidf_lr": right, "lexicon": coin}), y)
    assert v.scorer == "attention" and [n["key"] for n in v.notes] == ["sent.note_chance", "sent.note_baseline"]
    # the blend gave the attention model weight 0: the scores are TF-IDF + LR's, and named so
    v = sentiment_verdict(_evals(y, {"attention": right, "tfidf_lr": noisy, "lexicon": noisy}), y, 0.0)
    assert v.scorer == "tfidf_lr" and v.notes[-1]["key"] == "sent.note_weight0"


def test_scores_are_named_after_the_model_they_come_from(tmp_path):
    from core.text.classifier import LanguageModel, LinearPrior
    from core.text.classifier import softmax as _softmax
    from core.text.lexicon import lexicon_scores

    texts = ["great app, love it", "awful update, hate it", "love the feed", "the feed is awful"] * 6
    y = np.array([1, 0, 1, 0] * 6)
    prior = LinearPrior.fit(texts, y, "en", 2)
    # an attention model whose blend weight is 0 (as on the Chinese hotel reviews): no weights needed
    lm = LanguageModel("en", "minilm", {}, {}, prior=prior, fusion_weight=0.0)
    clf = SentimentClassifier(label_names=["negative", "positive"], models={"en": lm})
    new = ["love it", "hate the update", "好吃"]
    pred = clf.predict(new)
    assert pred["scorer"].tolist() == ["tfidf_lr", "tfidf_lr", "lexicon"]
    p = _softmax(prior.logits(new[:2]))
    np.testing.assert_allclose(pred["score"][:2], p[:, 1] - p[:, 0], atol=1e-6)
    clf.save(tmp_path / "m")
    loaded = SentimentClassifier.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.predict(new), pred)
    # the lexicon beat the model on the held-out rows: the lexicon scores the language, named so
    loaded.models["en"].selected = "lexicon"
    pred = loaded.predict(new)
    assert pred["scorer"].tolist() == ["lexicon"] * 3
    np.testing.assert_allclose(pred["score"], np.clip(lexicon_scores(new), -1, 1))
