"""AppTest of the sentiment trends page on the sample workspace (lexicon scoring; the trained
classifier is covered in tests/text/test_classifier.py, training it here would cost minutes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "sentiment_trends.py")


def test_page_shows_planted_shift_terms_examples_card_and_download(sample_ws, ground_truth):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) >= 2  # trends + lexicon confusion matrix
    drop = ground_truth["sentiment_drop"]
    shift_box = at.selectbox(key="sent_shift")
    labels = list(shift_box.options)  # AppTest exposes the formatted labels; values are indices
    wanted = [i for i, lab in enumerate(labels) if drop["community"] in lab]
    assert wanted, labels
    week = pd.Timestamp(drop["week_start"])
    assert any(abs((pd.Timestamp(lab.split(" · ")[1]) - week).days) <= 7 for lab in labels if drop["community"] in lab)
    at = shift_box.set_value(wanted[0]).run()
    assert not at.exception, at.exception
    terms = next(d.value for d in at.dataframe if list(d.value.columns) == ["term", "z"])
    assert {"宕机", "outage"} & set(terms["term"]), terms
    examples = [t.value for t in at.text]
    assert examples and any(("宕机" in e) or ("utage" in e) for e in examples)
    assert at.get("download_button"), "CSV download missing"
    assert at.metric[0].value  # lexicon macro-F1 on held-out labelled posts


def _scored_posts(at):
    return next(d.value for d in at.dataframe if "sentiment" in d.value.columns and "text" in d.value.columns)


def test_filters_and_chinese_ui(sample_ws):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.multiselect(key="sent_communities").set_value(["c0", "c1"]).run()
    assert not at.exception, at.exception
    posts = _scored_posts(at)
    assert set(posts["community"]) <= {"c0", "c1"}
    at.multiselect(key="sent_langs").set_value(["zh"]).run()
    assert not at.exception, at.exception
    assert set(_scored_posts(at)["language"]) == {"zh"}
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert any("情感趋势" in t.value for t in at.title)


def test_trained_model_card_on_the_sample_labels(sample_ws, monkeypatch):
    """Choosing the trained scorer, clicking Train and waiting: the card shows the attention model
    beside TF-IDF + LR and the lexicon per language, the validation ablation and a confusion matrix,
    and the posts are scored by the model."""
    from core.models import jobs

    monkeypatch.setenv("CE_SENT_EPOCHS", "1")
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.radio(key="sent_scorer").set_value("attention").run()
    assert not at.exception, at.exception
    button = next(b for b in at.button if str(b.key).startswith("train:sent:"))
    key = str(button.key).removeprefix("train:")
    button.click().run()
    job = jobs.get_job(key)
    assert job is not None and job.wait(timeout=600), "training did not finish"
    assert job.error is None, job.error
    at.run()
    assert not at.exception, at.exception
    cards = [d.value for d in at.dataframe if list(d.value.columns)[:3] == ["language", "scorer", "macro_f1"]]
    assert {c["language"].iloc[0] for c in cards} == {"en", "zh"}
    for card in cards:
        assert list(card["scorer"]) == ["attention", "tfidf_lr", "lexicon"]
        assert card["macro_f1"].between(0, 1).all()
    assert sum("attention model alone" in c.value for c in at.caption) == 2
    assert set(_scored_posts(at)["scorer"]) == {"attention"}
