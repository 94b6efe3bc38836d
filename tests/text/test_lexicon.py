"""Language by script, tokenising, and the offline lexicon scorers on hand-made sentences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.text.language import detect_language, detect_languages, script_shares
from core.text.lexicon import (
    Thresholds,
    choose_thresholds,
    label_scores,
    lexicon_scores,
    macro_f1_codes,
    score_en,
    score_text,
    score_zh,
    zh_word_weights,
)
from core.text.tokenize import content_terms, tokenize


def test_language_by_script_including_mixed_text():
    assert detect_language("I love this update") == "en"
    assert detect_language("我很喜欢这个更新") == "zh"
    assert detect_language("这个app太好用了") == "zh"  # mixed, Chinese carries it
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
    assert -0.45 < th.low < -0.05 and 0.25 < th.high < 0.55  # true boundaries -0.25 and 0.4
    assert (th.label(scores) == labels).mean() > 0.95
    binary = choose_thresholds(scores[labels != "neutral"], labels[labels != "neutral"])
    assert binary.low < 0 < binary.high and binary.label(np.array([0.0]))[0] == "neutral"
    out = label_scores([0.9, -0.9, 0.0], ["en", "zh", "en"], {"en": Thresholds(-0.1, 0.1), "zh": Thresholds(0, 0)})
    assert list(out) == ["positive", "negative", "neutral"]


# --- issue 11, item 1: neutral text was scored negative ----------------------------------------------


def _vader_rule(compound: float) -> str:
    """VADER's own reading of its compound score (Hutto & Gilbert): +-0.05."""
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def test_without_labels_english_follows_vaders_own_cut_offs():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    texts = [
        "The meeting is at 3 pm.",
        "This is good.",
        "This is bad.",
        "The parcel arrived on Tuesday.",
        "I love it",
        "I hate it",
        "ok",
        "",
    ]
    langs = detect_languages(texts)
    got = label_scores(lexicon_scores(texts), langs)
    want = [_vader_rule(sia.polarity_scores(t)["compound"]) for t in texts]
    assert list(got) == want
    assert got[0] == "neutral" and got[1] == "positive"  # the two sentences of the issue


def test_a_positive_chinese_score_is_never_called_negative_by_default():
    scores = lexicon_scores(["很好吃", "难吃", "今天下午三点开会"])
    assert scores[0] > 0 > scores[1]
    got = label_scores(scores, ["zh"] * 3)
    assert got[0] != "negative" and got[1] != "positive"
    assert got[2] == ("neutral" if scores[2] == 0 else got[2])


def test_chosen_cut_offs_stay_around_zero_even_when_the_data_pull_them_away():
    # planted like waimai: positives have small positive scores, so an unconstrained cut lands above 0
    rng = np.random.default_rng(2)
    labels = np.repeat(["negative", "positive"], 500)
    scores = np.where(labels == "positive", rng.uniform(0.02, 0.9, 1000), rng.uniform(-0.9, 0.12, 1000))
    th = choose_thresholds(scores, labels)
    assert th.low < 0 < th.high
    pred = th.label(scores)
    assert not ((scores > 0) & (pred == "negative")).any() and not ((scores < 0) & (pred == "positive")).any()
    assert th.n == 1000 and th.source == "labelled"


@pytest.mark.parametrize("seed", range(5))
def test_chosen_cut_offs_are_constrained_for_any_data(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    scores = np.clip(rng.normal(rng.uniform(-0.5, 0.5), 0.4, n), -1, 1)
    scores[rng.random(n) < 0.2] = 0.0
    labels = rng.choice(["negative", "neutral", "positive"], n)
    th = choose_thresholds(scores, labels)
    assert th.low < 0 < th.high
    grid = np.linspace(-1, 1, 201)
    order = {"negative": 0, "neutral": 1, "positive": 2}
    assert np.all(np.diff([order[v] for v in th.label(grid)]) >= 0)  # monotone in the score
    assert th.label(np.array([0.0]))[0] == "neutral"


def test_a_band_that_puts_zero_outside_neutral_is_refused():
    with pytest.raises(ValueError):
        Thresholds(0.295, 0.634)
    with pytest.raises(ValueError):
        Thresholds(-0.4, -0.1)


def test_on_waimai_no_review_with_a_positive_score_is_called_negative(shared_datasets):
    import pandas as pd

    df = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv").sample(3000, random_state=0)
    scores = lexicon_scores(df["review"])
    words = np.where(df["label"].to_numpy() == 1, "positive", "negative").astype(object)
    th = choose_thresholds(scores[:2400], words[:2400])
    pred = th.label(scores)
    assert th.low < 0 < th.high
    assert not ((scores > 0) & (pred == "negative")).any()  # the issue counted 209 such reviews
    assert (pred[2400:] == words[2400:]).mean() > 0.6  # and the lexicon still reads the reviews


def test_the_band_says_honestly_where_it_came_from():
    import pandas as pd

    from core.i18n import t
    from core.text.analysis import score_posts

    rng = np.random.default_rng(3)
    words = {"positive": "I love this, great", "negative": "awful, I hate it", "neutral": "the bus is at noon"}
    labels = rng.choice(list(words), 60)
    posts = pd.DataFrame({"text": [words[v] + f" {i}" for i, v in enumerate(labels)], "label": labels})
    _, unlabelled = score_posts(posts.drop(columns="label"))
    _, labelled = score_posts(posts)
    assert unlabelled["en"] == Thresholds(-0.05, 0.05, "default")
    assert (
        labelled["en"].source == "labelled" and labelled["en"].n == 60 and labelled["en"].low < 0 < labelled["en"].high
    )
    for lang in ("en", "zh"):
        said = [t(f"sent.band_source_{th['en'].source}", lang, n=th["en"].n) for th in (unlabelled, labelled)]
        assert "VADER" in said[0] and "60" in said[1]
        assert not any("waimai" in s or "airline" in s for s in said)


def test_lexicon_scoring_stops_on_cancel():
    import threading

    from core.models.engine import TrainingCancelled
    from core.text.lexicon import lexicon_scores

    texts = ["great crew", "awful delay", "太好吃了", "很差"] * 3
    cancel = threading.Event()
    before = lexicon_scores(texts, cancel)
    assert np.array_equal(before, lexicon_scores(texts))
    cancel.set()
    with pytest.raises(TrainingCancelled):
        lexicon_scores(texts, cancel)


def test_numeric_labels_choose_the_band_and_chinese_has_its_own_default():
    """waimai-style 0/1 labels are read as negative/positive for the band (as the model card reads
    them), so lexicon mode no longer says 'no labelled posts'; unlabelled Chinese gets the Chinese
    lexicon's own band (6:5 odds in its log-likelihood units), not VADER's English +-0.05."""
    import math

    import pandas as pd

    from core.text.analysis import score_posts
    from core.text.lexicon import DEFAULT_THRESHOLDS, ZH_SCALE

    rng = np.random.default_rng(5)
    words = {1: "味道很好，送餐很快", 0: "太难吃了，送得太慢"}
    y = rng.choice([0, 1], 60)
    posts = pd.DataFrame({"text": [words[v] + f"{i}号" for i, v in enumerate(y)], "label": y})
    _, unlabelled = score_posts(posts.drop(columns="label"))
    _, labelled = score_posts(posts)
    assert unlabelled["zh"].source == "default_zh" and unlabelled["en"].source == "default"
    cut = math.tanh(math.log(1.2) / ZH_SCALE)
    assert unlabelled["zh"].high == pytest.approx(cut) and unlabelled["zh"].low == pytest.approx(-cut)
    assert DEFAULT_THRESHOLDS["en"].high == 0.05
    assert labelled["zh"].source == "labelled" and labelled["zh"].n == 60
