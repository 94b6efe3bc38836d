"""Batch scoring of a Parquet table: every post (lexicon or a trained sentiment classifier) or every
member (churn), in-process or on Spark through `mapInPandas`.

The scoring function is the same on both paths (`score_posts_frame` / `score_users_frame`). On Spark
only the model folder's *path* travels to the executors; each Python worker loads the verified
artefact (`core.models.artefact`, `weights_only`) once, on its first batch, and keeps it for every
later batch (`_load_*` are cached per process). Nothing is pickled through the driver but the path.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError

POST_KEEP = ("post_id", "user_id", "ts", "community")  # carried from the input next to the scores


@lru_cache(maxsize=4)
def _load_sentiment(model_dir: str, trust: bool = False):
    from core.text.classifier import SentimentClassifier

    return SentimentClassifier.load(model_dir, trust=trust)


@lru_cache(maxsize=4)
def _load_churn(model_dir: str, trust: bool = False):
    from core.cohorts.churn import ChurnPredictor

    predictor = ChurnPredictor.load(model_dir, trust=trust)
    if predictor.meta_.get("extra", {}).get("mode", "snapshot") != "snapshot":
        raise ConfigError(
            f"{model_dir}: batch scoring of members needs a model fitted on a snapshot table "
            "(churn fit --id ... --label ...); an event-log model describes users from the whole log"
        )
    return predictor


def post_columns(columns) -> list[str]:
    if "text" not in columns:
        raise InputError("no 'text' column to score", file="posts", column="text")
    return [c for c in POST_KEEP if c in columns]


def score_posts_frame(posts: pd.DataFrame, model_dir: str | None = None, trust: bool = False) -> pd.DataFrame:
    """Kept columns (ids as text) + sentiment + score (-1..1) for every row of `posts`. `trust`: accept a
    model folder this data folder did not sign (`--trust-model-dir`)."""
    texts = posts["text"].astype(object).where(posts["text"].notna(), "").astype(str).tolist()
    if model_dir:
        pred = _load_sentiment(str(model_dir), trust).predict(texts)
        sentiment, score = pred["sentiment"].to_numpy(dtype=object), pred["score"].to_numpy(dtype=float)
    else:
        from core.text.language import detect_languages
        from core.text.lexicon import DEFAULT_THRESHOLDS, label_scores, lexicon_scores

        score = lexicon_scores(texts).astype(float) if texts else np.zeros(0)
        sentiment = label_scores(score, detect_languages(texts), DEFAULT_THRESHOLDS) if texts else np.zeros(0, object)
    out = _ids(posts, post_columns(posts.columns))
    out["sentiment"] = pd.Series(sentiment, dtype=object).astype(str).to_numpy()
    out["score"] = np.asarray(score, dtype=float)
    return out


def score_users_frame(
    users: pd.DataFrame, model_dir: str, id_col: str = "user_id", trust: bool = False
) -> pd.DataFrame:
    """id (text) + churn_probability for every row of a snapshot table."""
    from core.cohorts.datasets import snapshot_dataset

    predictor = _load_churn(str(model_dir), trust)
    if users.empty:
        return pd.DataFrame({"id": pd.Series(dtype=object), "churn_probability": pd.Series(dtype=float)})
    data = snapshot_dataset(users, id_col, None, source="users")
    prob = predictor.predict_proba(data.features, source="users")
    return pd.DataFrame({"id": prob.index.astype(str), "churn_probability": prob.to_numpy(dtype=float)})


def _ids(frame: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(frame)))
    for c in keep:
        col = frame[c].reset_index(drop=True)
        if c != "ts":
            col = col.astype(object).where(col.notna(), None)
            col = col.map(lambda v: v if v is None else str(v))
        out[c] = col
    return out


# ---- in-process -------------------------------------------------------------------------------------


def read_table(path) -> pd.DataFrame:
    """A Parquet file or folder as pandas (DuckDB reads it; helper columns of an ingest left out)."""
    from core.query.engine import DuckDBEngine

    with DuckDBEngine() as eng:
        eng.register("t", path, exclude=_hidden(path))
        return eng.sql('SELECT * FROM "t"')


def _hidden(path) -> list[str]:
    import pyarrow.parquet as pq

    from core.data.workspace import HELPER_PREFIXES
    from core.query.engine import parquet_files

    names = pq.read_schema(parquet_files(path)[0]).names
    return [c for c in names if c.startswith(HELPER_PREFIXES)]


def save_parquet(frame: pd.DataFrame, path) -> None:
    """pandas -> Parquet with microsecond timestamps (what DuckDB writes; Spark refuses nanoseconds)."""
    frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)


def write_parquet(frame: pd.DataFrame, out_dir: str | Path) -> Path:
    """One part file in a fresh folder (the layout Spark writes), renamed into place."""
    import os
    import shutil
    import tempfile

    out = Path(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        save_parquet(frame, tmp / "part-00000.parquet")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


# ---- Spark ------------------------------------------------------------------------------------------


def _spark_types(frame_schema, keep: list[str], extra: list[tuple[str, str]]):
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    fields = []
    for c in keep:
        field = frame_schema[c]
        fields.append(StructField(c, field.dataType if c == "ts" else StringType(), True))
    for name, kind in extra:
        fields.append(StructField(name, DoubleType() if kind == "double" else StringType(), True))
    return StructType(fields)


def spark_score_posts(
    spark, source, out_dir, model_dir: str | None = None, partitions: int | None = None, trust: bool = False
):
    """Score every post of a Parquet file/folder on Spark into a Parquet folder; returns rows written."""
    from pyspark.sql import functions as F

    from core.query.engine import parquet_files

    df = spark.read.parquet(*parquet_files(source))
    keep = post_columns(df.columns)
    df = df.select(*[F.col(c) if c in ("ts", "text") else F.col(c).cast("string").alias(c) for c in keep + ["text"]])
    if partitions:
        df = df.repartition(partitions)
    schema = _spark_types(df.schema, keep, [("sentiment", "string"), ("score", "double")])
    model = None if model_dir is None else str(Path(model_dir).resolve())

    def score(batches):  # runs on the executors: only `model` (a path) is captured
        for batch in batches:
            yield score_posts_frame(batch, model, trust)

    df.mapInPandas(score, schema).write.mode("overwrite").parquet(str(out_dir))
    return spark.read.parquet(str(out_dir)).count()


def spark_score_users(
    spark,
    source,
    out_dir,
    model_dir: str,
    id_col: str = "user_id",
    partitions: int | None = None,
    trust: bool = False,
):
    """Churn probability of every row of a snapshot Parquet table on Spark; returns rows written."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    from core.query.engine import parquet_files

    df = spark.read.parquet(*parquet_files(source))
    hidden = [c for c in df.columns if c.startswith(_helper_prefixes())]
    df = df.drop(*hidden)
    if id_col not in df.columns:
        raise InputError("no such column", file="users", column=id_col)
    if partitions:
        df = df.repartition(partitions)
    schema = StructType([StructField("id", StringType(), True), StructField("churn_probability", DoubleType(), True)])
    model = str(Path(model_dir).resolve())
    _load_churn(model, trust)  # refuse a wrong model on the driver, before any task starts

    def score(batches):
        for batch in batches:
            yield score_users_frame(batch, model, id_col, trust)

    df.mapInPandas(score, schema).write.mode("overwrite").parquet(str(out_dir))
    return spark.read.parquet(str(out_dir)).count()


def _helper_prefixes() -> tuple:
    from core.data.workspace import HELPER_PREFIXES

    return tuple(HELPER_PREFIXES)
