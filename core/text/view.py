"""The sentiment view in one call: what the page's filters can offer, and everything it draws.

    filters = sentiment_filters(posts)                      # communities, date span, default period
    view = sentiment_view(posts, SentimentSettings(...))    # trends, shifts, bands, card, posts

Works on any posts table with a `text` column: without `community` there is one series, without
usable `ts` values there is no trend and no shift (never a KeyError), without labels no card.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from core.config import data_dir
from core.text import analysis as sa
from core.text import lexicon
from core.text.language import detect_languages
from core.text.lexicon import LABELS, Thresholds
from core.text.shifts import ShiftConfig
from core.text.tokenize import content_terms, keep_terms
from core.text.trends import ALL

POST_COLUMNS = ("post_id", "ts", "community", "language", "text", "sentiment", "score", "scorer", "label")
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class SentimentFilters:
    """What the posts table lets the page filter on."""

    communities: list[str]
    first: dt.date | None  # None: no post has a time
    last: dt.date | None
    default_freq: str

    @property
    def has_time(self) -> bool:
        return self.first is not None


@dataclass(frozen=True)
class SentimentSettings:
    communities: tuple[str, ...] | None = None  # None: every community (or no community column)
    start: dt.date | None = None
    end: dt.date | None = None
    languages: tuple[str, ...] = LANGUAGES
    freq: str = "week"


@dataclass
class SentimentView:
    analysis: sa.SentimentAnalysis
    trends: pd.DataFrame  # the series to draw (per community, else overall) with a boolean `sparse`
    shifts: pd.DataFrame  # sa.shifts_table
    bands: dict[str, Thresholds]  # lexicon neutral band per language present in the selection
    card: object | None  # the lexicon's held-out Evaluation (None with a classifier or too few labels)
    posts: pd.DataFrame  # scored posts, the columns a reader needs
    n_posts: int
    mean_score: float
    share_negative: float
    labelled_negative: float | None  # share of the selection's labelled posts labelled negative (None: too few)
    min_volume: int  # periods with fewer posts are drawn grey and never flagged
    shift_config: ShiftConfig = field(default_factory=ShiftConfig)


def post_times(posts: pd.DataFrame) -> pd.Series | None:
    """The posts' times as datetimes, or None when the table has no `ts` or none is a time."""
    if "ts" not in posts.columns:
        return None
    ts = pd.to_datetime(posts["ts"], errors="coerce")
    return ts if ts.notna().any() else None


def default_freq(first: dt.date, last: dt.date) -> str:
    """Enough points to see a trend: days up to 8 weeks, months beyond two years, else weeks."""
    span = (last - first).days
    return "day" if span <= 56 else "month" if span > 730 else "week"


def sentiment_filters(posts: pd.DataFrame) -> SentimentFilters:
    communities = []
    if "community" in posts.columns:
        communities = sorted(posts["community"].dropna().astype(str).unique())
    ts = post_times(posts)
    if ts is None:
        return SentimentFilters(communities, None, None, "week")
    first, last = ts.min().date(), ts.max().date()
    return SentimentFilters(communities, first, last, default_freq(first, last))


def labelled_negative(scored: pd.DataFrame) -> float | None:
    """Share of posts labelled negative among those labelled negative/neutral/positive (any case), to
    read beside the scorer's own share; None with fewer than MIN_LABELS_TO_CALIBRATE such labels."""
    if "label" not in scored.columns:
        return None
    labels = scored["label"].dropna().astype(str).str.strip().str.lower()
    labels = labels[labels.isin(LABELS)]
    return float((labels == "negative").mean()) if len(labels) >= sa.MIN_LABELS_TO_CALIBRATE else None


# ---- scores kept per table version: every session and process reads them instead of rescoring -------
KEPT_SCORERS_FILES = ("lexicon.py", "language.py", "tokenize.py")  # the code the kept columns come from
KEPT_PACKAGES = ("jieba", "snownlp", "vaderSentiment")  # their data (dictionaries, lexicons) too


def scores_dir() -> Path:
    return data_dir() / "cache" / "scores"


@lru_cache(maxsize=1)
def scorer_code_version() -> str:
    """A short hash of the lexicon scorer's code and packages: kept scores from other code are not used."""
    digest = hashlib.sha256()
    for name in KEPT_SCORERS_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    for package in KEPT_PACKAGES:
        try:
            digest.update(f"{package}=={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


def _score_texts(texts: pd.Series) -> pd.DataFrame:
    """language, lexicon score and content terms of every text (each distinct text tokenised once)."""
    distinct = texts.drop_duplicates()
    terms = dict(zip(distinct, (content_terms(x) for x in distinct)))
    return pd.DataFrame(
        {
            "language": np.asarray(detect_languages(texts), dtype=object),
            "score": np.asarray(lexicon.lexicon_scores(texts), dtype=float),
            "terms": [terms[x] for x in texts],
        }
    )


def kept_scores(posts: pd.DataFrame, table_sha256: str, cache_dir: Path | None = None) -> pd.DataFrame:
    """The lexicon's language, score and content terms of every row of `posts` (one version of the
    posts table, named by its sha256), row for row: read from `cache_dir` (default
    <data>/cache/scores) when this table version was scored before by the same code, else scored
    now and kept there (a Parquet per table sha256 + scorer + code version; written atomically,
    under a lock so that sessions scoring the same version at once score it once)."""
    from filelock import FileLock

    folder = scores_dir() if cache_dir is None else Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table_sha256}-lexicon-{scorer_code_version()}.parquet"
    with FileLock(str(path) + ".lock"):
        if path.exists():
            kept = pd.read_parquet(path)
            if len(kept) == len(posts):
                return kept
        texts = posts["text"].fillna("").astype(str).reset_index(drop=True)
        kept = _score_texts(texts)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        kept.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    return kept


def sentiment_view(
    posts: pd.DataFrame,
    settings: SentimentSettings | None = None,
    classifier=None,
    shift_config: ShiftConfig | None = None,
    kept: pd.DataFrame | None = None,
) -> SentimentView | None:
    """Score, trend and explain the selected posts. None when the filters leave no post.

    kept: `kept_scores(posts, ...)`, row for row: the lexicon's scores and terms are read from it
    instead of computed (ignored with a classifier)."""
    settings = settings or SentimentSettings()
    shift_config = shift_config or ShiftConfig()
    if kept is not None and classifier is None:
        if len(kept) != len(posts):
            raise ValueError(f"kept scores have {len(kept)} rows for {len(posts)} posts")
        keep_terms(posts["text"].fillna("").astype(str), kept["terms"].map(list))
        posts = posts.assign(_kept_score=kept["score"].to_numpy())
        if "language" not in posts.columns:
            posts = posts.assign(language=kept["language"].to_numpy())
    ts = post_times(posts)
    posts = posts.drop(columns=["ts"]) if ts is None and "ts" in posts.columns else posts
    if ts is not None:
        posts = posts.assign(ts=ts)
    if "language" not in posts.columns:
        posts = sa.add_language(posts)
    communities = list(settings.communities) if settings.communities is not None else None
    selected = sa.filter_posts(posts, communities, settings.start, settings.end, list(settings.languages))
    if selected.empty:
        return None
    config = sa.AnalysisConfig(freq=settings.freq, shift=shift_config)
    scores = None
    if "_kept_score" in selected.columns:
        scores = selected["_kept_score"].to_numpy()
        selected = selected.drop(columns=["_kept_score"])
    result = sa.analyse_sentiment(selected, config, classifier=classifier, scores=None if classifier else scores)
    trends = result.trends
    if "community" in selected.columns and (trends["community"] != ALL).any():
        trends = trends[trends["community"] != ALL]
    trends = trends.assign(sparse=trends["volume"] < shift_config.min_volume)
    present = set(result.posts["language"])
    bands = {} if result.scorer != "lexicon" else {k: v for k, v in result.thresholds.items() if k in present}
    card = sa.lexicon_evaluation(result.posts) if classifier is None else None
    scored = result.posts
    return SentimentView(
        analysis=result,
        trends=trends.reset_index(drop=True),
        shifts=sa.shifts_table(result.shifts),
        bands=bands,
        card=card,
        posts=scored[[c for c in POST_COLUMNS if c in scored.columns]],
        n_posts=len(scored),
        mean_score=float(scored["score"].mean()),
        share_negative=float((scored["sentiment"] == "negative").mean()),
        labelled_negative=labelled_negative(scored),
        min_volume=shift_config.min_volume,
        shift_config=shift_config,
    )
