"""`python -m core health --workspace W --out health.json [--community-source posts|graph] [--freq day|week|month]`.

Every community-health metric per community (and the whole site) over the whole span and per
period, with the ranked alerts (README "Community health"). `--out` ending in `.csv` writes the
per-community table; otherwise the JSON {"overall", "communities", "periods", "alerts", ...}, which
is also printed without `--out`... (with `--out` stdout gets a one-line summary). `--engine spark`
runs the same SQL on Spark.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from core.cli import add_engine_options
from core.data.workspace import open_workspace
from core.export import check_output, write_csv
from core.health.view import workspace_health
from core.query.engine import open_engine


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "health",
        help="community health: metrics per community and period, with alerts",
        description="Community health of a workspace's posts; writes JSON (or the table as CSV).",
    )
    p.add_argument("--workspace", required=True, help="workspace name or folder")
    p.add_argument("--out", type=Path, required=True, help="health.json, or a .csv for the per-community table")
    add_options(p)
    add_engine_options(p)
    p.set_defaults(func=run)


def add_options(p) -> None:
    p.add_argument("--community-source", choices=["posts", "graph"], default="posts")
    p.add_argument("--freq", choices=["day", "week", "month"], default="week")
    p.add_argument("--no-sentiment", action="store_true", help="skip scoring the posts' text")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    check_output(args.out, [])
    start = time.perf_counter()
    with open_engine(args.engine, args.spark_master) as eng:
        result = workspace_health(ws, eng, args.community_source, args.freq, not args.no_sentiment)
    if args.out.suffix.lower() == ".csv":
        write_csv(result.table(), args.out)
    else:
        _write_json(result.to_dict(), args.out)
    print(
        json.dumps(
            {
                "out": str(args.out),
                "engine": args.engine,
                "community_source": result.source,
                "communities": len(result.communities),
                "alerts": len(result.alerts),
                "seconds": round(time.perf_counter() - start, 3),
                "overall": result.overall,
            },
            ensure_ascii=False,
        )
    )
    return 0


def _write_json(data: dict, out: Path) -> None:
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
