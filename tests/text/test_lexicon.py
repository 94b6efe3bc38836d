"""Language by script, tokenising, and the offline lexicon scorers on hand-made sentences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.text.language import detect_language, detect_languages, script_shares
from core.text.lexicon import (Thresholds, choose_thresholds, label_scores, lexicon_scores, macro_f1_codes,
                               score_en, score_text, score_zh, zh_word_weights)
from core.text.tokenize import content_terms, tokenize


def test_language_by_script_including_mixed_text():
    assert detect_language("I love this update") == "en"
    assert detect_language("我很喜欢这个更新") == "zh"
    assert detect_language("这个app太好用了") == "zh"         # mixed, Chinese carries it
    assert detect_language("The 直播 was great, thanks everyone!") == "en"
    assert detect_language("") == "en"
    latin, han = script_shares("ab 中")
    assert math.isclose(latin + han, 1.0) and han > latin
    assert list(detect_languages(["hi", "你好", "hi"])) == ["en", "zh", "en"]


def test_tokenising_uses_jieba_for_chinese_and_drops_stop_words():
    assert "宕机" in tokenize("商城又宕机了")
    assert tokenize("Great app, https://x.y/z love it") == ["great", "app", "love", "it"]
    terms = content_terms("The outage ruined the event @shop 的 宕机")
    assert "outage" in terms and "宕机" in terms and "the" not in terms and "的" not in terms
    assert not any(t.startswith("@") or t == "shop" for t in terms)


def test_english_is_vader_with_negation_intensifiers_and_emoji():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    for text in ["The app is good", "The app is not good", "I hate the update"]:
        assert score_en(text) == pytest.approx(sia.polarity_scores(text)["compound"])
    assert score_en("The app is good") > 0 > score_en("The app is not good")
    assert score_en("The app is extremely good") > score_en("The app is good")
    assert score_en("new update 😍") > 0 > score_en("new update 😡")


def test_chinese_negation_intensifiers_and_emoji():
    good, not_good = score_zh("好吃"), score_zh("不好吃")
    assert good > 0 > not_good
    assert score_zh("非常好吃") > good
    assert score_zh("我喜欢这个活动") > 0
    assert score_zh("服务太差了，很失望") < 0
    assert score_zh("我不喜欢这个活动") < score_zh("我喜欢这个活动")
    assert score_zh("今天送到了😍") > score_zh("今天送到了") > score_zh("今天送到了😡")
    assert -1 <= score_zh("差" * 200) <= 1


def test_chinese_word_weights_are_snownlp_bayes_log_ratios():
    from snownlp import sentiment

    bayes = sentiment.classifier.classifier
    weights = zh_word_weights()
    for word in ["不错", "失望", "好吃"]:
        expected = math.log(bayes.d["pos"].freq(word)) - math.log(bayes.d["neg"].freq(word))
        assert weights[word] == pytest.approx(expected)
    assert weights["不错"] > 0 > weights["失望"]


def test_mixed_text_scores_both_parts():
    assert score_text("这个更新太差了 but the team is great") != score_zh("这个更新太差了")
    scores = lexicon_scores(["great", None, "great", "太差了"])
    assert scores[0] == scores[2] > 0 and scores[1] == 0 and scores[3] < 0


def test_macro_f1_codes_matches_sklearn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 3, 500), rng.integers(0, 3, 500)
    assert macro_f1_codes(y, p, [0, 1, 2]) == pytest.approx(f1_score(y, p, average="macro"))
    assert macro_f1_codes(y, p, [0, 2]) == pytest.approx(f1_score(y, p, labels=[0, 2], average="macro"))


def test_thresholds_are_recovered_from_planted_scores():
    rng = np.random.default_rng(1)
    labels = np.repeat(["negative", "neutral", "positive"], 400)
    centres = {"negative": -0.6, "neutral": 0.1, "positive": 0.7}
    scores = np.array([centres[v] for v in labels]) + rng.normal(0, 0.1, len(labels))
    th = choose_thresholds(scores, labels)
    assert -0.45 < th.low < -0.05 and 0.25 < th.high < 0.55   # true boundaries -0.25 and 0.4
    assert (th.label(scores) == labels).mean() > 0.95
    binary = choose_thresholds(scores[labels != "neutral"], labels[labels != "neutral"])
    assert binary.low == binary.high and -0.5 < binary.low < 0.6
    out = label_scores([0.9, -0.9, 0.0], ["en", "zh", "en"], {"en": Thresholds(-0.1, 0.1), "zh": Thresholds(0, 0)})
    assert list(out) == ["positive", "negative", "neutral"]
