"""Batch sentiment scoring of posts: every row of a table by the lexicon or a trained classifier,
in-process or on Spark (`python -m core score posts`).

The scoring function is the same on both paths (`score_posts_frame`); on Spark the query layer
(`core.query.score.spark_map_posts`) runs it over pandas batches on the executors, where only the
model folder's *path* arrives: each Python worker loads the verified artefact (`weights_only`) once,
on its first batch, and keeps it for every later batch (`load_sentiment_model` is cached per process).
"""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

from core.query.score import id_columns, post_columns, spark_map_posts
from core.text.classifier import SentimentClassifier
from core.text.language import detect_languages
from core.text.lexicon import DEFAULT_THRESHOLDS, label_scores, lexicon_scores


@lru_cache(maxsize=4)
def load_sentiment_model(model_dir: str, trust: bool = False) -> SentimentClassifier:
    """The verified classifier of a `sentiment fit` folder, loaded once per process."""
    return SentimentClassifier.load(model_dir, trust=trust)


def score_posts_frame(posts: pd.DataFrame, model_dir: str | None = None, trust: bool = False) -> pd.DataFrame:
    """Kept columns (ids as text) + sentiment + score (-1..1) for every row of `posts`. `trust`: accept a
    model folder this data folder did not sign (`--trust-model-dir`)."""
    texts = posts["text"].astype(object).where(posts["text"].notna(), "").astype(str).tolist()
    if model_dir:
        pred = load_sentiment_model(str(model_dir), trust).predict(texts)
        sentiment, score = pred["sentiment"].to_numpy(dtype=object), pred["score"].to_numpy(dtype=float)
    else:
        score = lexicon_scores(texts).astype(float) if texts else np.zeros(0)
        sentiment = label_scores(score, detect_languages(texts), DEFAULT_THRESHOLDS) if texts else np.zeros(0, object)
    out = id_columns(posts, post_columns(posts.columns))
    out["sentiment"] = pd.Series(sentiment, dtype=object).astype(str).to_numpy()
    out["score"] = np.asarray(score, dtype=float)
    return out


def spark_score_posts(
    spark, source, out_dir, model_dir: str | None = None, partitions: int | None = None, trust: bool = False
) -> int:
    """Score every post of a Parquet file/folder on Spark into a Parquet folder; returns rows written."""
    model = None if model_dir is None else str(Path(model_dir).resolve())
    fn = partial(score_posts_frame, model_dir=model, trust=trust)
    return spark_map_posts(spark, source, out_dir, fn, [("sentiment", "string"), ("score", "double")], partitions)
