"""How long each stage of a churn training takes, and how often it reports (issue 25 item 10: the
baselines' stage sat at "0/2" for minutes). An event log from ../shared/datasets through the page's
own fit, into a fresh model cache, with a progress callback that prints each stage's first report and
the count and span of its reports.

    .venv/bin/python bench/churn_stages.py [cdnow|online_retail] [--epochs N]

Measured (2 shared cores, load ~3, one torch thread, --epochs 1, December 2026): CDNOW (23,570
customers, purchase days only) 14.9 s in all: linear start 0.4 s (3 reports), one epoch 5.0 s (119),
permutation importance 0.4 s (9), baselines 0.6 s (6: the regression, then the boosted trees,
early-stopped within 30 rounds, reporting every 10); online retail (4,137 customers) 5.3 s, baselines
0.4 s (12 reports: no early stopping below 10,000 rows, all 100 rounds). The same fit with the card's
amounts (CDNOW's cds and dollars as features): 29.6 s under load ~6, baselines 1.2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "datasets"


def events(name: str) -> tuple[pd.DataFrame, str, str]:
    if name == "cdnow":
        raw = pd.read_csv(DATA / "cdnow" / "CDNOW_master.txt", sep=r"\s+", dtype=str)  # its header names them
        frame = pd.DataFrame(
            {"customer_id": raw["customer_id"], "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype(str)}
        )
        return frame, "customer_id", "date"
    frame = pd.read_csv(DATA / "online_retail_cohorts" / "online_cohorts.csv", dtype=str)
    return frame, "CustomerID", "InvoiceDate"


def main() -> None:
    from core.cohorts.churn import ChurnConfig, ChurnPredictor
    from core.cohorts.datasets import event_log_dataset

    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="cdnow", choices=["cdnow", "online_retail"])
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    frame, user, ts = events(args.data)
    data = event_log_dataset(frame, user, ts)
    config = ChurnConfig()
    config.train.epochs = args.epochs
    stages: dict = {}  # stage -> [first seconds, last seconds, reports]
    start = time.monotonic()

    def progress(p) -> None:
        now = time.monotonic() - start
        seen = stages.setdefault(p.stage or "epochs", [now, now, 0])
        seen[1], seen[2] = now, seen[2] + 1

    with tempfile.TemporaryDirectory() as cache:
        ChurnPredictor(config).fit(data, progress=progress, cache_dir=cache)
    total = time.monotonic() - start
    print(f"{args.data}: {len(data.labels):,} users, {total:.1f} s")
    for stage, (first, last, reports) in stages.items():
        print(f"  {stage:24s} from {first:6.1f} s to {last:6.1f} s, {reports:4d} reports")


if __name__ == "__main__":
    main()
