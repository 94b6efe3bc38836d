"""`python -m core score posts|users --workspace W [--model-dir DIR [--trust-model-dir]] --out DIR [--engine duckdb|spark]`.

Scores every row of a workspace table (or of `--input`, any Parquet file or folder) and writes a
Parquet folder:
- posts: post_id, user_id, ts, community (those present) + sentiment + score (-1..1), by the lexicon
  (no --model-dir) or by a classifier from `sentiment fit`;
- users: id + churn_probability, by a model from `churn fit --id ... --label ...` (snapshot).

--engine duckdb scores in this process; --engine spark runs the same scoring function on the
executors through mapInPandas, each Python worker loading the model folder once.
stdout: JSON {rows, out, engine, seconds}.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from core.cli import add_engine_options, check_range
from core.cohorts import scoring as churn
from core.data.workspace import open_workspace
from core.errors import ConfigError
from core.query import score as S
from core.query.engine import SparkEngine, parquet_files
from core.text import scoring as sentiment

_OUTPUT_FILES = ("part-", "_SUCCESS", ".part-", "._SUCCESS")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "score",
        help="score every post or member of a table into Parquet (DuckDB or Spark)",
        description="Batch scoring of a workspace table; writes a Parquet folder.",
    )
    p.add_argument("what", choices=["posts", "users"], help="posts: sentiment; users: churn probability")
    p.add_argument("--workspace", default=None, help="workspace name or folder (its current table is scored)")
    p.add_argument("--input", type=Path, default=None, help="a Parquet file or folder instead of a workspace table")
    p.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="posts: a model from 'sentiment fit' (default: lexicon); users: from 'churn fit' (required)",
    )
    p.add_argument(
        "--trust-model-dir",
        action="store_true",
        help="accept a model folder this data folder did not sign (made elsewhere or by an older version)",
    )
    p.add_argument("--id", default="user_id", help="users: the id column (default user_id)")
    p.add_argument("--out", type=Path, required=True, help="output folder of Parquet files (new or a previous output)")
    p.add_argument("--partitions", type=int, default=None, help="Spark: repartition the input into N tasks")
    add_engine_options(p)
    p.set_defaults(func=run)


def _source(args) -> tuple[Path, Path | None]:
    """(Parquet input, workspace folder or None)."""
    if (args.workspace is None) == (args.input is None):
        raise ConfigError("give --workspace W (its current table) or --input PARQUET, one of them")
    if args.input is not None:
        return args.input, None

    ws = open_workspace(args.workspace)
    current = ws.current_file(args.what)
    if current is None:
        raise ConfigError(f"workspace '{ws.name}' has no '{args.what}' table")
    return current[1], ws.path


def check_out_folder(out: Path, source: Path, model_dir: Path | None, workspace: Path | None = None) -> Path:
    """A new folder, an empty one, or a previous output (only part files): never an input, never
    inside the model folder or a workspace, never a folder holding anything else."""
    out = out.absolute()
    for other, what in ((source, "the input"), (model_dir, "the model folder"), (workspace, "the workspace")):
        if other is None:
            continue
        other = Path(other).absolute()
        if out == other or other in out.parents or out in other.parents:
            raise ConfigError(f"--out {out} overlaps {what} ({other})")
    if out.exists():
        if not out.is_dir():
            raise ConfigError(f"--out {out} is a file; give a folder for the Parquet output")
        foreign = [f.name for f in out.iterdir() if not f.name.startswith(_OUTPUT_FILES)]
        if foreign:
            raise ConfigError(f"--out {out} holds other files ({foreign[0]}); give a new or empty folder")
    return out


def run(args: argparse.Namespace) -> int:

    check_range(args.partitions, "--partitions", 1)
    if args.what == "users" and args.model_dir is None:
        raise ConfigError("score users needs --model-dir (a model from 'churn fit --id ... --label ...')")
    source, ws_path = _source(args)
    parquet_files(source)  # a missing or empty input: one line
    out = check_out_folder(args.out, source, args.model_dir, ws_path)
    model = None if args.model_dir is None else str(args.model_dir.resolve())
    # verify the model folder here, before any work (a tampered or foreign folder: one line, exit 2)
    if model is not None:
        (sentiment.load_sentiment_model if args.what == "posts" else churn.load_churn_model)(
            model, args.trust_model_dir
        )
    start = time.perf_counter()
    if args.engine == "spark":
        spark = SparkEngine(args.spark_master).spark
        if args.what == "posts":
            rows = sentiment.spark_score_posts(spark, source, out, model, args.partitions, args.trust_model_dir)
        else:
            rows = churn.spark_score_users(
                spark, source, out, str(model), args.id, args.partitions, args.trust_model_dir
            )
    else:
        table = S.read_table(source)
        frame = (
            sentiment.score_posts_frame(table, model, args.trust_model_dir)
            if args.what == "posts"
            else churn.score_users_frame(table, str(model), args.id, args.trust_model_dir)
        )
        S.write_parquet(frame, out)
        rows = len(frame)
    print(
        json.dumps(
            {
                "rows": int(rows),
                "out": str(out),
                "engine": args.engine,
                "seconds": round(time.perf_counter() - start, 3),
            }
        )
    )
    return 0
