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
    assert label_polarity(["negative", "neutral", "positive"]) == {"negative": "negative", "neutral": "neutral",
                                                                   "positive": "positive"}
    assert label_polarity(["0", "1"]) == {"0": "negative", "1": "positive"}
    assert label_polarity(["1", "3", "5"]) == {"1": "negative", "3": "neutral", "5": "positive"}
    assert label_polarity(["cats", "dogs"]) is None


def test_small_english_training_beats_chance_and_round_trips(tmp_path):
    topics = ["app", "update", "event", "forum", "shop", "stream", "rewards", "team", "mods", "chat", "store", "feed"]
    rows = []
    for t in topics:
        rows += [(f"I really love the new {t}, great work", "good"), (f"The {t} is wonderful, thank you", "good"),
                 (f"The {t} is terrible and broken", "bad"), (f"I hate the {t}, awful experience", "bad")]
    df = pd.DataFrame(rows, columns=["text", "label"])
    config = ClassifierConfig(en_epochs=3, batch_size=16)
    clf = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path / "cache")
    evals = {e.scorer: e for e in clf.evaluations["en"]}
    assert set(evals) == {"attention", "tfidf_lr", "lexicon"}  # "good"/"bad" read as positive/negative
    assert evals["attention"].macro_f1 >= 0.8
    assert np.sum(evals["attention"].confusion) == evals["attention"].n == 10
    again = fit_sentiment_classifier(df["text"], df["label"], config, cache_dir=tmp_path / "cache")
    assert again.train_info["en"]["trained"] is False       # second call loads the cached artefact
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
