"""`python -m core aggregate ...` and `python -m core score ...` on DuckDB, run for real: outputs equal
the in-process code, user errors are one line with exit 2. (--engine spark: tests/spark/test_spark_cli.py)"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest


def _one_line_error(proc, *words):
    """Exit 2, one 'error: ...' line on stderr naming every word."""
    line = proc.stderr
    assert (proc.returncode, line.count("\n"), line[:7]) == (2, 1, "error: "), (proc.stdout, proc.stderr)
    assert all(w in line for w in words), line


def test_aggregate_retention_and_ab(run_cli, sample_ws, tmp_path):
    """Retention as the churn page computes it (interactions + posts, first-activity or signup cohorts)."""
    from core.cohorts.activity import assign_cohorts
    from core.cohorts.datasets import tables_activity
    from core.cohorts.retention import retention_matrix

    activity = tables_activity({t: sample_ws.read(t) for t in ("interactions", "posts")})
    users = sample_ws.read("users")
    for extra, cohorts in (
        ((), None),
        (("--cohort", "signup", "--kind", "unbounded", "--max-periods", "8"), "signup"),
    ):
        out = tmp_path / "ret.csv"
        proc = run_cli(
            "aggregate", "retention", "--workspace", sample_ws.path, "--period", "week", *extra, "--out", out
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        got = pd.read_csv(out)
        if cohorts is None:
            want = retention_matrix(activity, period="week").to_long()
        else:
            signup = assign_cohorts(activity, "week", by="signup", users=users)
            want = retention_matrix(activity, signup, period="week", kind="unbounded", max_periods=8).to_long()
            assert got["period"].max() == 7 and json.loads(proc.stdout)["periods"] == 8
        assert got["users"].tolist() == want["users"].tolist() and len(got) > 10
        np.testing.assert_allclose(got["share"], want["share"], rtol=1e-12)

    out = tmp_path / "ab.csv"
    proc = run_cli("aggregate", "ab", "--workspace", sample_ws.path, "--metric", "converted", "--out", out)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    df = sample_ws.read("ad_events")
    means = df.groupby("variant")["converted"].mean()
    assert res["metric"] == "converted" and res["control"] == "A"
    for v in res["variants"]:
        assert v["mean"] == pytest.approx(means[v["name"]], rel=1e-12)
    assert pd.read_csv(out)["n"].sum() == df["converted"].notna().sum()


def test_score_posts_then_trends(run_cli, sample_ws, tmp_path):
    from core.query.score import read_table
    from core.text.scoring import score_posts_frame
    from core.text.trends import sentiment_trends

    scored = tmp_path / "scored"
    proc = run_cli("score", "posts", "--workspace", sample_ws.path, "--out", scored)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    got = read_table(scored)
    want = score_posts_frame(sample_ws.read("posts"))
    assert got["sentiment"].tolist() == want["sentiment"].tolist()
    np.testing.assert_allclose(got["score"], want["score"], atol=1e-12)
    out = tmp_path / "trends.csv"
    proc = run_cli(
        "aggregate", "trends", "--workspace", sample_ws.path, "--scored", scored, "--freq", "month", "--out", out
    )
    assert proc.returncode == 0, proc.stderr
    ref = sentiment_trends(want.dropna(subset=["ts"]), "month")
    assert pd.read_csv(out)["volume"].tolist() == ref["volume"].tolist()
    # a second run over its own previous output is allowed (part files only)
    assert run_cli("score", "posts", "--workspace", sample_ws.path, "--out", scored).returncode == 0


def test_score_and_aggregate_user_errors(run_cli, sample_ws, tmp_path):
    ws = str(sample_ws.path)
    _one_line_error(run_cli("aggregate", "ab", "--workspace", ws, "--out", tmp_path / "a.csv"), "--metric")
    _one_line_error(
        run_cli("aggregate", "ab", "--workspace", ws, "--metric", "nope", "--out", tmp_path / "a.csv"), "nope"
    )
    _one_line_error(run_cli("aggregate", "trends", "--workspace", ws, "--out", tmp_path / "t.csv"), "--scored")
    _one_line_error(run_cli("score", "users", "--workspace", ws, "--out", tmp_path / "u"), "--model-dir")
    _one_line_error(run_cli("score", "posts", "--out", tmp_path / "u"), "--workspace")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    _one_line_error(run_cli("score", "posts", "--workspace", ws, "--out", busy), "notes.txt")
    assert (busy / "notes.txt").read_text() == "mine"
    _one_line_error(run_cli("score", "posts", "--workspace", ws, "--out", sample_ws.path / "tables" / "x"), "overlaps")
    fake = tmp_path / "fake_model"
    fake.mkdir()
    (fake / "meta.json").write_text("{}")
    _one_line_error(run_cli("score", "posts", "--workspace", ws, "--model-dir", fake, "--out", tmp_path / "s"))
    _one_line_error(
        run_cli("score", "posts", "--input", tmp_path / "missing.parquet", "--out", tmp_path / "s"), "missing.parquet"
    )
    _one_line_error(
        run_cli(
            "aggregate",
            "ab",
            "--workspace",
            ws,
            "--metric",
            "converted",
            "--engine",
            "flink",
            "--out",
            tmp_path / "a.csv",
        ),
        "engine",
    )


def test_spark_without_java_is_a_user_error(cli_env, sample_ws, tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in cli_env.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # no java on it
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "aggregate",
            "retention",
            "--workspace",
            str(sample_ws.path),
            "--engine",
            "spark",
            "--out",
            str(tmp_path / "r.csv"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _one_line_error(proc, "Java 17")
    assert not (tmp_path / "r.csv").exists()


def test_signup_cohorts_without_a_users_table_is_a_user_error(run_cli, sample_dir, tmp_path):
    """A workspace holding only posts: first-activity cohorts work, signup cohorts say what is
    missing in one line and write nothing."""
    ws = tmp_path / "posts_only"
    assert run_cli("ingest", sample_dir / "posts.csv", "--table", "posts", "--workspace", ws).returncode == 0
    out = tmp_path / "retention.csv"
    args = ("aggregate", "retention", "--workspace", ws, "--period", "week", "--out", out)
    _one_line_error(run_cli(*args, "--cohort", "signup"), "--cohort signup", "users", "signup_at")
    assert not out.exists()
    ok = run_cli(*args)
    assert ok.returncode == 0, ok.stderr
    assert len(pd.read_csv(out)) > 0
