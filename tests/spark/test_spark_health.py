"""DuckDB = Spark to 1e-9 for every community-health count, on the sample and on an edge-case table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.query import health as hq
from core.query.engine import DuckDBEngine, SparkEngine
from tests.health.test_metrics import edge_posts

pytestmark = pytest.mark.slow


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if a[c].dtype.kind in "fi":
            assert np.allclose(a[c].astype(float), b[c].astype(float), rtol=1e-9, atol=1e-9, equal_nan=True), c
        else:
            assert (a[c].astype(str) == b[c].astype(str)).all(), c


def test_health_counts_duckdb_equals_spark(spark, sample_ws):
    posts = sample_ws.read("posts")[["post_id", "user_id", "ts", "parent_id", "community"]]
    edge = edge_posts().drop(columns=["text"])
    for frame, groupings in ((posts, (True,)), (edge, (False, True))):
        duck = DuckDBEngine.of_frames(posts=frame)
        sp = SparkEngine(spark=spark)
        sp.spark.conf.set("spark.sql.shuffle.partitions", "2")  # this engine's session only: small tables
        sp.register_frame("posts", frame)
        hq.prepare(duck, freq="week")
        hq.prepare(sp, freq="week")
        for by_period in groupings:
            _same(
                hq.health_counts(duck, by_period=by_period, prepared=True),
                hq.health_counts(sp, by_period=by_period, prepared=True),
            )
        duck.close()
