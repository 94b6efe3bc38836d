"""`--engine spark --spark-master local[2]` through the CLI, for real (its own JVM): the same output
as the DuckDB path, nothing on stderr."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_cli_spark_engine_matches_duckdb(run_cli, sample_ws, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("no Java: `make test` installs openjdk-17-jre-headless")
    from core.query.score import read_table

    ws = str(sample_ws.path)
    outs = {}
    for engine in ("duckdb", "spark"):
        scored = tmp_path / f"scored_{engine}"
        proc = run_cli(
            "score",
            "posts",
            "--workspace",
            ws,
            "--out",
            scored,
            "--engine",
            engine,
            "--spark-master",
            "local[2]",
            "--partitions",
            "2",
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        outs[engine] = read_table(scored).sort_values("post_id").reset_index(drop=True)
    a, b = outs["duckdb"], outs["spark"]
    assert len(a) == len(b) == len(sample_ws.read("posts", ["post_id"]))
    assert a["post_id"].tolist() == b["post_id"].tolist() and a["sentiment"].tolist() == b["sentiment"].tolist()
    np.testing.assert_allclose(a["score"], b["score"], atol=1e-9)
    assert (pd.to_datetime(a["ts"]).to_numpy() == pd.to_datetime(b["ts"]).to_numpy()).all()
