"""Batch churn scoring of members: the churn probability of every row of a snapshot table, in-process
or on Spark (`python -m core score users`), by a model from `churn fit --id ... --label ...`.

The scoring function is the same on both paths (`score_users_frame`); on Spark the query layer
(`core.query.score.spark_map_rows`) runs it over pandas batches on the executors, where only the
model folder's *path* arrives and each Python worker loads the verified artefact once
(`load_churn_model` is cached per process).
"""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path

import pandas as pd

from core.cohorts.datasets import snapshot_dataset
from core.errors import ConfigError
from core.query.score import spark_map_rows


@lru_cache(maxsize=4)
def load_churn_model(model_dir: str, trust: bool = False):
    """The verified `ChurnPredictor` of a snapshot `churn fit` folder, loaded once per process;
    ConfigError for a model fitted on an event log."""
    from core.cohorts.churn import ChurnPredictor  # torch at its top: core/lazy.py

    predictor = ChurnPredictor.load(model_dir, trust=trust)
    if predictor.meta_.get("extra", {}).get("mode", "snapshot") != "snapshot":
        raise ConfigError(
            f"{model_dir}: batch scoring of members needs a model fitted on a snapshot table "
            "(churn fit --id ... --label ...); an event-log model describes users from the whole log"
        )
    return predictor


def score_users_frame(
    users: pd.DataFrame, model_dir: str, id_col: str = "user_id", trust: bool = False
) -> pd.DataFrame:
    """id (text) + churn_probability for every row of a snapshot table."""
    predictor = load_churn_model(str(model_dir), trust)
    if users.empty:
        return pd.DataFrame({"id": pd.Series(dtype=object), "churn_probability": pd.Series(dtype=float)})
    data = snapshot_dataset(users, id_col, None, source="users")
    prob = predictor.predict_proba(data.features, source="users")
    return pd.DataFrame({"id": prob.index.astype(str), "churn_probability": prob.to_numpy(dtype=float)})


def spark_score_users(
    spark,
    source,
    out_dir,
    model_dir: str,
    id_col: str = "user_id",
    partitions: int | None = None,
    trust: bool = False,
) -> int:
    """Churn probability of every row of a snapshot Parquet table on Spark; returns rows written."""
    model = str(Path(model_dir).resolve())
    load_churn_model(model, trust)  # refuse a wrong model on the driver, before any task starts
    fn = partial(score_users_frame, model_dir=model, id_col=id_col, trust=trust)
    fields = [("id", "string"), ("churn_probability", "double")]
    return spark_map_rows(spark, source, out_dir, fn, fields, id_col, partitions)
