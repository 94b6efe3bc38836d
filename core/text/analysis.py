"""The sentiment view's pipeline: score posts, trend them, find shifts, explain them, list drivers.

`analyse_sentiment(posts, AnalysisConfig(...), classifier=None) -> SentimentAnalysis`. Without a
classifier every post is scored by the lexicon for its language; the lexicon's neutral band is
chosen on the posts' own labels when enough are present (else VADER's own +-0.05).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError
from core.text.classifier import evaluate, label_polarity
from core.text.language import detect_languages
from core.text.lexicon import DEFAULT_THRESHOLDS, LABELS, Thresholds, choose_thresholds, label_scores, lexicon_scores
from core.text.shifts import Shift, ShiftConfig, detect_shifts, explain_shifts, negative_drivers
from core.text.trends import sentiment_trends

MIN_LABELS_TO_CALIBRATE = 30


@dataclass
class AnalysisConfig:
    freq: str = "week"
    calibrate: bool = True  # choose lexicon cut-offs on the posts' labels when there are enough
    shift: ShiftConfig = field(default_factory=ShiftConfig)
    n_driver_terms: int = 10


@dataclass
class SentimentAnalysis:
    posts: pd.DataFrame  # input columns + language, score, sentiment, scorer
    trends: pd.DataFrame  # see sentiment_trends
    shifts: list[Shift]
    drivers: pd.DataFrame  # community, term, z, target_count
    thresholds: dict[str, Thresholds]
    scorer: str  # "lexicon" | "attention"


def _require(posts: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in posts.columns]
    if missing:
        raise InputError(f"the posts table lacks column(s) {', '.join(missing)}", column=missing[0])


def polar_labels(labels: pd.Series) -> pd.Series:
    """Labels as negative/neutral/positive where their names can be read so (waimai's 0/1, 'neg'/'pos',
    差评/好评), as the trained model's card reads them; other names lower-cased as they are."""
    labels = labels.fillna("").astype(str).str.strip().str.lower()
    labels = labels.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)  # 1.0 and 1 are one label
    names = sorted(set(labels) - {""})
    polarity = None if set(names) <= set(LABELS) else label_polarity(names)
    if polarity:
        labels = labels.map(lambda v: polarity.get(v, v))
    return labels


def calibrated_thresholds(scores: np.ndarray, langs: np.ndarray, labels: pd.Series | None) -> dict[str, Thresholds]:
    """Per-language lexicon cut-offs chosen on labelled rows (>= 30 with two classes), else VADER's +-0.05."""
    out = dict(DEFAULT_THRESHOLDS)
    if labels is None:
        return out
    labels = polar_labels(labels).to_numpy(dtype=object)
    for lang in ("en", "zh"):
        mask = (langs == lang) & np.isin(labels, LABELS)
        if mask.sum() >= MIN_LABELS_TO_CALIBRATE and len(set(labels[mask])) >= 2:
            out[lang] = choose_thresholds(scores[mask], labels[mask], source="labelled")
    return out


def score_posts(
    posts: pd.DataFrame, classifier=None, calibrate: bool = True, scores: np.ndarray | None = None
) -> tuple[pd.DataFrame, dict]:
    """Posts with language, score (-1..1), sentiment and scorer columns added; and the thresholds.
    `scores`: the lexicon's scores of these rows computed earlier (core.text.view.kept_scores)."""
    _require(posts, ["text"])
    out = posts.copy()
    texts = out["text"].fillna("").astype(str)
    if classifier is not None:
        pred = classifier.predict(texts)
        out["language"] = pred["language"].to_numpy()
        out["score"] = pred["score"].to_numpy()
        out["sentiment"] = pred["sentiment"].to_numpy()
        out["scorer"] = pred["scorer"].to_numpy()
        polarity = classifier.polarity
        if polarity:  # trends count "negative": speak the canonical words
            out["sentiment"] = out["sentiment"].map(lambda v: polarity.get(v, v))
        return out, dict(classifier.thresholds)
    langs = detect_languages(texts)
    scores = lexicon_scores(texts) if scores is None else np.asarray(scores, dtype=float)
    thresholds = calibrated_thresholds(scores, langs, out["label"] if calibrate and "label" in out else None)
    out["language"] = langs
    out["score"] = scores
    out["sentiment"] = label_scores(scores, langs, thresholds)
    out["scorer"] = "lexicon"
    return out, thresholds


def analyse_sentiment(
    posts: pd.DataFrame, config: AnalysisConfig | None = None, classifier=None, scores: np.ndarray | None = None
) -> SentimentAnalysis:
    """Score, trend, detect and explain shifts, and list negative drivers for a posts table
    (columns text, optional ts and community). Without `ts` there is no trend and no shift: the
    trends table is empty and shifts is [], scoring and drivers are as usual."""
    config = config or AnalysisConfig()
    _require(posts, ["text"])
    scored, thresholds = score_posts(posts, classifier, config.calibrate, scores=scores)
    if "ts" in scored:
        scored = scored[scored["ts"].notna()]
        trends = sentiment_trends(scored, config.freq)
        shifts = explain_shifts(detect_shifts(trends, config.shift), scored, config.freq, config.shift)
    else:
        trends, shifts = sentiment_trends(scored.iloc[:0].assign(ts=pd.NaT), config.freq), []
    drivers = negative_drivers(scored, config.n_driver_terms)
    return SentimentAnalysis(
        scored, trends, shifts, drivers, thresholds, "attention" if classifier is not None else "lexicon"
    )


def shifts_table(shifts: list[Shift]) -> pd.DataFrame:
    """One row per shift (for tables and CSV): community, period, direction, mean, baseline, z, volume, terms."""
    return pd.DataFrame(
        [
            {
                "community": s.community,
                "period": s.period,
                "direction": s.direction,
                "mean_score": s.mean_score,
                "baseline_mean": s.baseline_mean,
                "z": s.z,
                "volume": s.volume,
                "terms": ", ".join(t for t, _ in s.terms),
            }
            for s in shifts
        ],
        columns=["community", "period", "direction", "mean_score", "baseline_mean", "z", "volume", "terms"],
    )


def lexicon_evaluation(scored: pd.DataFrame, seed: int = 0):
    """Model card for lexicon scoring: cut-offs chosen on 80% of the labelled posts (stratified,
    `seed`), macro-F1 and confusion matrix on the other 20%. None with too few labels."""
    from sklearn.model_selection import train_test_split

    if "label" not in scored:
        return None
    labels = polar_labels(scored["label"])
    rows = scored[labels.isin(LABELS)]
    y = labels[rows.index].to_numpy(dtype=object)
    if len(rows) < MIN_LABELS_TO_CALIBRATE or len(set(y)) < 2 or min(pd.Series(y).value_counts()) < 2:
        return None
    tr, te = train_test_split(np.arange(len(rows)), test_size=0.2, random_state=seed, stratify=y)
    langs = rows["language"].to_numpy(dtype=object)
    scores = rows["score"].to_numpy(dtype=float)
    thresholds = calibrated_thresholds(scores[tr], langs[tr], pd.Series(y[tr]))
    pred = label_scores(scores[te], langs[te], thresholds)
    names = [c for c in LABELS if c in set(y)]
    return evaluate(
        "lexicon",
        np.array([names.index(v) for v in y[te]]),
        np.array([names.index(v) if v in names else 0 for v in pred]),
        names,
    )


def add_language(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts with a `language` column (en/zh by script), for the language filter."""
    return posts.assign(language=detect_languages(posts["text"].fillna("").astype(str)))


def filter_posts(
    posts: pd.DataFrame, communities: list[str] | None = None, start=None, end=None, languages: list[str] | None = None
) -> pd.DataFrame:
    """Rows of `posts` in the communities, the inclusive date range [start, end] and the languages."""
    keep = pd.Series(True, index=posts.index)
    if communities is not None and "community" in posts:
        keep &= posts["community"].astype(str).isin(communities)
    day = pd.to_datetime(posts["ts"]).dt.floor("D") if "ts" in posts else None  # no ts: no date filter
    if start is not None and day is not None:
        keep &= day >= pd.Timestamp(start)
    if end is not None and day is not None:
        keep &= day <= pd.Timestamp(end)
    if languages is not None and "language" in posts:
        keep &= posts["language"].isin(languages)
    return posts[keep]


LABEL_COLUMN_HINTS = ("label", "sentiment", "polarity", "class", "target", "情感", "标签", "类别", "极性")
TEXT_COLUMN_HINTS = ("text", "review", "comment", "content", "body", "tweet", "message", "评论", "内容", "文本")


def guess_text_label_columns(df: pd.DataFrame) -> tuple[str, str]:
    """(text column, label column) of a labelled file, as a first guess the user can change: the
    label is a column named like one (label, sentiment, 情感, ...) with 2-20 distinct values, else
    the column with the fewest distinct values; the text is a column named like one, else the
    column with the longest values."""
    cols = [str(c) for c in df.columns]
    sample = df.head(5000).astype(str)
    distinct = {c: sample[c].str.strip().replace("", np.nan).nunique() for c in cols}
    mean_len = {c: sample[c].str.len().mean() for c in cols}

    def named(hints, candidates):
        for hint in hints:
            for c in candidates:
                if hint in c.lower():
                    return c
        return None

    label_ok = [c for c in cols if 2 <= distinct[c] <= 20] or cols
    label = named(LABEL_COLUMN_HINTS, label_ok) or min(label_ok, key=lambda c: (distinct[c], cols.index(c)))
    rest = [c for c in cols if c != label] or cols
    text = named(TEXT_COLUMN_HINTS, rest) or max(rest, key=lambda c: mean_len[c])
    return text, label


def labelled_texts(df: pd.DataFrame, text: str, label: str, source: str = "upload.csv") -> tuple[list[str], pd.Series]:
    """Texts and labels for training from a labelled file: rows without a label are skipped, and
    labels that are all numbers become numbers (1 and 1.0 are one label). InputError names the file
    and column when a column is missing or no row has a label."""
    for col in (text, label):
        if col not in df.columns:
            raise InputError.keyed("err.csv.no_column", file=source, column=col, names=", ".join(map(str, df.columns)))
    if text == label:
        raise InputError.keyed("err.text.same_columns", file=source, column=label)
    labels = df[label].fillna("").astype(str).str.strip()
    keep = labels != ""
    if not keep.any():
        raise InputError.keyed("err.text.no_labels", file=source, column=label)
    labels = labels[keep]
    numeric = pd.to_numeric(labels, errors="coerce")
    if numeric.notna().all():
        labels = numeric
    return df.loc[keep, text].fillna("").astype(str).tolist(), labels.reset_index(drop=True)


def labelled_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts whose `label` is filled in (any label names; training keeps them as given)."""
    if "label" not in posts:
        return posts.iloc[0:0]
    return posts[posts["label"].fillna("").astype(str).str.strip() != ""]
