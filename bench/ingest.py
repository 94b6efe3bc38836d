"""Ingest throughput and peak memory beside plain pandas.read_csv on the same generated file.

    python bench/ingest.py [--rows 1000000] [--repeat 2]

Each measurement runs in a fresh subprocess; a thread samples its RSS every 5 ms during the read.
"delta" is that peak minus the RSS just before the read (what the read itself costs); the floor in the
issue is about that cost against the file size. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, threading, time
sys.path.insert(0, sys.argv[3])
import psutil, duckdb
import pandas as pd
from core.data.ingest import ingest_file
from core.data.workspace import Workspace
mode, path = sys.argv[1], sys.argv[2]
proc = psutil.Process()
# ru_maxrss would also count transient peaks from the imports above: sample RSS during the read instead
peak = [proc.memory_info().rss]
before = peak[0]
done = threading.Event()
def watch():
    while not done.is_set():
        peak[0] = max(peak[0], proc.memory_info().rss)
        time.sleep(0.005)
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
t0 = time.perf_counter()
if mode == "pandas":
    df = pd.read_csv(path)
    rows = len(df)
else:
    ws = Workspace(sys.argv[4])
    rows = ingest_file(ws, path, "interactions").rows
secs = time.perf_counter() - t0
done.set()
watcher.join()
peak[0] = max(peak[0], proc.memory_info().rss)
print(json.dumps({"rows": rows, "seconds": secs, "peak": peak[0], "before": before}))
"""


def make_file(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    chunk = 250_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("user_id,item_id,ts,action,value\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            df = pd.DataFrame(
                {
                    "user_id": np.char.add("u", rng.integers(0, 100_000, n).astype(str)),
                    "item_id": np.char.add("i", rng.integers(0, 20_000, n).astype(str)),
                    "ts": (
                        pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 3 * 10**7, n), unit="s")
                    ).strftime("%Y-%m-%d %H:%M:%S"),
                    "action": rng.choice(["view", "like", "share", "purchase"], n),
                    "value": np.round(rng.random(n) * 100, 2),
                }
            )
            df.to_csv(fh, header=False, index=False)


def measure(mode: str, path: Path, work: Path) -> dict:
    ws = work / f"ws-{mode}-{time.time_ns()}"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(REPO), str(ws)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        work = Path(tmp)
        path = work / "interactions.csv"
        make_file(path, args.rows)
        size = path.stat().st_size
        results = {}
        for mode in ("pandas", "ours"):
            runs = [measure(mode, path, work) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            results[mode] = {
                "rows": best["rows"],
                "seconds": best["seconds"],
                "peak": max(r["peak"] for r in runs),
                "delta": max(r["peak"] - r["before"] for r in runs),
            }
    mb = 1024 * 1024
    print(f"file: {args.rows:,} rows, {size / mb:.1f} MiB; best of {args.repeat} runs; cores: {os.cpu_count()}")
    print(f"{'reader':<28}{'rows/s':>12}{'seconds':>10}{'peak RSS MiB':>14}{'delta MiB':>11}{'delta/file':>12}")
    for mode, label in (("pandas", "pandas.read_csv (plain)"), ("ours", "ingest_file (typed, DuckDB)")):
        r = results[mode]
        print(
            f"{label:<28}{r['rows'] / r['seconds']:>12,.0f}{r['seconds']:>10.2f}{r['peak'] / mb:>14.0f}"
            f"{r['delta'] / mb:>11.0f}{r['delta'] / size:>12.2f}"
        )
    p, o = results["pandas"], results["ours"]
    print(
        f"throughput ratio ours/pandas: {p['seconds'] / o['seconds']:.2f}x  "
        f"(floor >= 1.0); read cost ours/file size: {o['delta'] / size:.2f} (floor < 2.0)"
    )


if __name__ == "__main__":
    main()
