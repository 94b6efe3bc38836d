"""Scale-out benchmark (issue 18): the shared queries on DuckDB vs Spark, and batch scoring in-process
vs Spark, on this machine. Spark runs at 1 and 2 local workers (local[1], local[2]); every Spark answer
is checked against DuckDB's in the same run (max relative difference).

    .venv/bin/python bench/scale.py [--rows 10000000] [--events 10000000] [--posts 50000] [--workers 1 2]

Data is generated into a temporary folder as Parquet (what a workspace holds): A/B rows (3 variants,
4 segments, 30 days, a binary and a revenue metric with a covariate) and an event log (500k users
over a year, their signups in users). Posts for scoring are real reviews and tweets from ../shared/datasets, repeated with
new ids. Spark is slower here (one machine, JVM start, Arrow hops): the point is that it runs and agrees.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.cohorts.retention import retention_from_engine  # noqa: E402
from core.query import aggregates as A  # noqa: E402
from core.query.engine import DuckDBEngine, SparkEngine, spark_session  # noqa: E402

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def make_data(folder: Path, rows: int, events: int, posts: int) -> dict:
    import duckdb

    paths = {
        "ad_events": folder / "ad_events.parquet",
        "interactions": folder / "interactions.parquet",
        "posts": folder / "posts.parquet",
        "users": folder / "users.parquet",
    }
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""COPY (SELECT ['A', 'B', 'C'][1 + (i % 3)] AS variant, 'seg' || CAST(hash(i) % 4 AS VARCHAR) AS segment,
        TIMESTAMP '2026-01-01' + to_seconds(CAST(hash(i + 7) % (30 * 86400) AS BIGINT)) AS ts,
        CAST(random() < 0.05 + 0.005 * (i % 3) AS DOUBLE) AS converted,
        CASE WHEN random() < 0.1 THEN NULL ELSE random() * 20 END AS revenue, random() * 30 AS pre
        FROM range({rows}) t(i)) TO '{paths["ad_events"]}' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'u' || CAST(hash(i) % 500000 AS VARCHAR) AS user_id,
        TIMESTAMP '2025-01-01' + to_seconds(CAST(hash(i + 3) % (365 * 86400) AS BIGINT)) AS ts
        FROM range({events}) t(i)) TO '{paths["interactions"]}' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'u' || CAST(i AS VARCHAR) AS user_id,
        TIMESTAMP '2024-12-01' + to_seconds(CAST(hash(i + 5) % (365 * 86400) AS BIGINT)) AS signup_at
        FROM range(500000) t(i)) TO '{paths["users"]}' (FORMAT parquet)""")
    con.close()
    zh = pd.read_csv(DATASETS / "waimai_10k" / "waimai_10k.csv")["review"].astype(str)
    en = pd.read_csv(DATASETS / "twitter_airline_sentiment" / "Tweets.csv")["text"].astype(str)
    texts = pd.concat([zh, en], ignore_index=True)
    texts = texts.iloc[np.arange(posts) % len(texts)].reset_index(drop=True)
    from core.query.score import save_parquet

    save_parquet(pd.DataFrame({"post_id": [f"p{i}" for i in range(posts)], "text": texts}), paths["posts"])
    return paths


def queries(eng) -> dict:
    """name -> callable giving a sorted frame (what the engines must agree on)."""
    return {
        "ab sums per variant (CUPED)": lambda: A.ab_sums(eng, "ad_events", "variant", "revenue", "pre"),
        "ab sums per variant x segment x day": lambda: A.ab_sums(
            eng, "ad_events", "variant", "converted", by=("segment",), day="ts"
        ),
        "retention (month, classic)": lambda: retention_from_engine(eng, period="month").counts.reset_index(),
        "retention (week, unbounded, signup cohorts)": lambda: retention_from_engine(
            eng, "week", "unbounded", cohorts="users", cohort_col="signup_at"
        ).counts.reset_index(),
    }


def max_rel_diff(a: pd.DataFrame, b: pd.DataFrame) -> float:
    worst = 0.0
    for c in a.columns:
        if pd.api.types.is_numeric_dtype(a[c]):
            x, y = a[c].to_numpy(float), b[c].to_numpy(float)
            both = ~(np.isnan(x) & np.isnan(y))
            worst = max(
                worst, float(np.max(np.abs(x[both] - y[both]) / np.maximum(np.abs(x[both]), 1e-300), initial=0.0))
            )
        elif a[c].astype(str).tolist() != b[c].astype(str).tolist():
            return float("inf")
    return worst


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    from core.query.score import read_table, write_parquet
    from core.text.scoring import score_posts_frame, spark_score_posts

    folder = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        paths, secs = timed(lambda: make_data(folder, args.rows, args.events, args.posts))
        print(f"data: {args.rows:,} A/B rows, {args.events:,} events, {args.posts:,} posts generated in {secs:.1f} s\n")
        duck = DuckDBEngine()
        for t in ("ad_events", "interactions", "users"):
            duck.register(t, paths[t])
        ref = {}
        for name, fn in queries(duck).items():
            ref[name], secs = timed(fn)
            ref[name + " s"] = secs
        posts = read_table(paths["posts"])
        _, score_s = timed(lambda: write_parquet(score_posts_frame(posts), folder / "scored_duckdb"))
        rows = []
        for name in queries(duck):
            rows.append({"work": name, "duckdb s": ref[name + " s"]})
        rows.append({"work": f"score {args.posts:,} posts (lexicon)", "duckdb s": score_s})
        for w in args.workers:
            spark = spark_session(f"local[{w}]")
            eng = SparkEngine(spark=spark)
            for t in ("ad_events", "interactions", "users"):
                eng.register(t, paths[t])
                eng.sql(f"SELECT count(*) AS n FROM {t}")  # warm-up: JVM start and JIT are not the query's
            for row, (name, fn) in zip(rows, queries(eng).items()):
                got, secs = timed(fn)
                row[f"spark local[{w}] s"] = secs
                row[f"max rel diff local[{w}]"] = max_rel_diff(ref[name], got)
            _, secs = timed(
                lambda: spark_score_posts(spark, paths["posts"], folder / f"scored_{w}", None, partitions=2 * w)
            )
            rows[-1][f"spark local[{w}] s"] = secs
            got = read_table(folder / f"scored_{w}").sort_values("post_id").reset_index(drop=True)
            want = read_table(folder / "scored_duckdb").sort_values("post_id").reset_index(drop=True)
            rows[-1][f"max rel diff local[{w}]"] = max_rel_diff(
                want[["post_id", "sentiment", "score"]], got[["post_id", "sentiment", "score"]]
            )
            spark.stop()
        table = pd.DataFrame(rows)
        pd.set_option("display.width", 200)
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
        print()
        post_row = rows[-1]
        print(
            f"scoring throughput (posts/s): in-process {args.posts / post_row['duckdb s']:,.0f}; "
            + "; ".join(f"spark local[{w}] {args.posts / post_row[f'spark local[{w}] s']:,.0f}" for w in args.workers)
        )
        for w in args.workers:
            ratio = [r[f"spark local[{w}] s"] / r["duckdb s"] for r in rows]
            print(f"spark local[{w}] / duckdb wall time: " + ", ".join(f"{x:.1f}x" for x in ratio))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
