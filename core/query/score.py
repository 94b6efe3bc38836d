"""Batch scoring of a Parquet table, in-process or on Spark through `mapInPandas`: the plumbing.

The query layer reads the table, carries the id columns, runs a scoring function over pandas batches
(on the executors on Spark) and writes Parquet; what a score is stays with the analyses, which hand
their function in: `core.text.scoring` (every post: lexicon or a trained sentiment classifier) and
`core.cohorts.scoring` (every member: churn). On Spark only the function and the model folder's
*path* travel to the executors; each Python worker loads the verified artefact once (the analyses
cache their loaders per process). This module imports none of the analyses.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from core.data.workspace import HELPER_PREFIXES
from core.errors import InputError
from core.query.engine import DuckDBEngine, parquet_files

POST_KEEP = ("post_id", "user_id", "ts", "community")  # carried from the input next to the scores


def post_columns(columns) -> list[str]:
    if "text" not in columns:
        raise InputError("no 'text' column to score", file="posts", column="text")
    return [c for c in POST_KEEP if c in columns]


def id_columns(frame: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """The `keep` columns of `frame` with a fresh index, ids as text (None where missing), ts as it is."""
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
    with DuckDBEngine() as eng:
        eng.register("t", path, exclude=_hidden(path))
        return eng.sql('SELECT * FROM "t"')


def _hidden(path) -> list[str]:
    names = pq.read_schema(parquet_files(path)[0]).names
    return [c for c in names if c.startswith(HELPER_PREFIXES)]


def save_parquet(frame: pd.DataFrame, path) -> None:
    """pandas -> Parquet with microsecond timestamps (what DuckDB writes; Spark refuses nanoseconds)."""
    frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)


def write_parquet(frame: pd.DataFrame, out_dir: str | Path) -> Path:
    """One part file in a fresh folder (the layout Spark writes), renamed into place."""
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


def spark_map_posts(
    spark, source, out_dir, fn: Callable[[pd.DataFrame], pd.DataFrame], extra: list[tuple[str, str]], partitions=None
) -> int:
    """Every post of a Parquet file/folder through `fn` on Spark into a Parquet folder; returns rows
    written. `fn` gets pandas batches of the kept columns (ids as text) and text, runs on the
    executors (pickled: a module-level function or a partial of one) and returns the kept columns
    plus `extra` [(name, "string" | "double")]."""
    from pyspark.sql import functions as F

    df = spark.read.parquet(*parquet_files(source))
    keep = post_columns(df.columns)
    df = df.select(*[F.col(c) if c in ("ts", "text") else F.col(c).cast("string").alias(c) for c in keep + ["text"]])
    if partitions:
        df = df.repartition(partitions)
    schema = _spark_types(df.schema, keep, extra)

    def score(batches):  # runs on the executors: only `fn` is captured
        for batch in batches:
            yield fn(batch)

    df.mapInPandas(score, schema).write.mode("overwrite").parquet(str(out_dir))
    return spark.read.parquet(str(out_dir)).count()


def spark_map_rows(
    spark,
    source,
    out_dir,
    fn: Callable[[pd.DataFrame], pd.DataFrame],
    fields: list[tuple[str, str]],
    id_col: str = "user_id",
    partitions=None,
) -> int:
    """Every row of a Parquet table (helper columns of an ingest left out; InputError without
    `id_col`) through `fn` on Spark into a Parquet folder of `fields` [(name, "string" | "double")];
    returns rows written."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    df = spark.read.parquet(*parquet_files(source))
    hidden = [c for c in df.columns if c.startswith(tuple(HELPER_PREFIXES))]
    df = df.drop(*hidden)
    if id_col not in df.columns:
        raise InputError("no such column", file="users", column=id_col)
    if partitions:
        df = df.repartition(partitions)
    schema = StructType([StructField(n, DoubleType() if k == "double" else StringType(), True) for n, k in fields])

    def score(batches):  # runs on the executors: only `fn` is captured
        for batch in batches:
            yield fn(batch)

    df.mapInPandas(score, schema).write.mode("overwrite").parquet(str(out_dir))
    return spark.read.parquet(str(out_dir)).count()
