"""Ingest throughput and peak memory beside plain pandas.read_csv on the same generated file.

    python bench/ingest.py [--rows 1000000] [--repeat 3] [--formats csv,parquet,jsonl,xlsx,csv.gz,csv.zst,zip]
    python bench/ingest.py --quick       # make bench: 1M rows, the CSV only, best of 2

Rows for `make bench` (bench/rows.py): throughput against pandas.read_csv (issue 29: >= 2x) and the
read's extra memory against the file's size (<= 2x), both on the CSV.

Every other format holds the same rows as the CSV and goes through the same ingest (core/data/sources):
its time and peak memory are printed beside the CSV's (`--formats csv` for the CSV rows alone).

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
sys.path.insert(0, str(REPO))

from bench.rows import emit_rows, row  # noqa: E402

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
t0, c0 = time.perf_counter(), time.process_time()
if mode == "pandas":
    df = pd.read_csv(path)
    rows = len(df)
else:
    ws = Workspace(sys.argv[4])
    rows = ingest_file(ws, path, "interactions").rows
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
done.set()
watcher.join()
peak[0] = max(peak[0], proc.memory_info().rss)
print(json.dumps({"rows": rows, "seconds": secs, "cpu": cpu, "peak": peak[0], "before": before}))
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


def convert(csv: Path, fmt: str) -> Path:
    """The same rows as `csv` in another format (DuckDB for Parquet/JSON, openpyxl write-only for xlsx)."""
    import gzip
    import shutil
    import zipfile

    import duckdb

    out = csv.with_name(f"interactions.{fmt}")
    src = f"read_csv('{csv}', all_varchar = false)"
    if fmt == "parquet":
        duckdb.execute(f"COPY (SELECT * FROM {src}) TO '{out}' (FORMAT parquet)")
    elif fmt == "jsonl":
        duckdb.execute(f"COPY (SELECT * FROM {src}) TO '{out}' (FORMAT json)")
    elif fmt == "csv.gz":
        with open(csv, "rb") as fh, gzip.open(out, "wb", compresslevel=6) as gz:
            shutil.copyfileobj(fh, gz, 4 << 20)
    elif fmt == "csv.zst":
        import zstandard

        with open(csv, "rb") as fh, open(out, "wb") as dst:
            zstandard.ZstdCompressor().copy_stream(fh, dst)
    elif fmt == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(csv, "interactions.csv")
    elif fmt == "xlsx":
        import csv as csvmod

        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        sheet = wb.create_sheet("data")
        with open(csv, encoding="utf-8", newline="") as fh:
            rows = csvmod.reader(fh)
            sheet.append(next(rows))
            for r in rows:
                sheet.append([r[0], r[1], r[2], r[3], float(r[4])])
        wb.save(out)
    else:
        raise SystemExit(f"unknown format {fmt}")
    return out


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
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default="csv", help="comma-separated: csv,parquet,jsonl,xlsx,csv.gz,csv.zst,zip")
    ap.add_argument("--quick", action="store_true", help="make bench: 1M rows, the CSV only, best of 2")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.repeat, args.formats = 1_000_000, 2, "csv"
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        work = Path(tmp)
        path = work / "interactions.csv"
        make_file(path, args.rows)
        size = path.stat().st_size
        results = {}
        files = {"pandas": path, "ours": path}
        files.update({f"ours:{f}": convert(path, f) for f in formats if f != "csv"})
        # pandas and ours take turns, so a burst of load elsewhere hits both alike
        runs_of: dict[str, list[dict]] = {mode: [] for mode in files}
        for _ in range(args.repeat):
            for mode, file in files.items():
                runs_of[mode].append(measure(mode.split(":")[0], file, work))
        for mode, file in files.items():
            runs = runs_of[mode]
            best = min(runs, key=lambda r: r["seconds"])
            results[mode] = {
                "rows": best["rows"],
                "seconds": best["seconds"],
                "cpu": min(r["cpu"] for r in runs),
                "peak": max(r["peak"] for r in runs),
                "delta": max(r["peak"] - r["before"] for r in runs),
                "size": file.stat().st_size,
            }
    mb = 1024 * 1024
    print(f"file: {args.rows:,} rows, {size / mb:.1f} MiB; best of {args.repeat} runs; cores: {os.cpu_count()}")
    print(
        f"{'reader':<28}{'rows/s':>12}{'seconds':>10}{'CPU s':>8}{'peak RSS MiB':>14}{'delta MiB':>11}"
        f"{'delta/file':>12}"
    )
    for mode, label in (("pandas", "pandas.read_csv (plain)"), ("ours", "ingest_file (typed, DuckDB)")):
        r = results[mode]
        print(
            f"{label:<28}{r['rows'] / r['seconds']:>12,.0f}{r['seconds']:>10.2f}{r['cpu']:>8.2f}{r['peak'] / mb:>14.0f}"
            f"{r['delta'] / mb:>11.0f}{r['delta'] / size:>12.2f}"
        )
    if len(results) > 2:
        print(
            f"\n{'format (same rows)':<28}{'file MiB':>10}{'seconds':>10}{'x CSV':>8}{'peak RSS MiB':>14}{'delta MiB':>11}"
        )
        csv_secs = results["ours"]["seconds"]
        for mode, r in results.items():
            if mode == "pandas":
                continue
            label = "csv" if mode == "ours" else mode.split(":")[1]
            print(
                f"{label:<28}{r['size'] / mb:>10.1f}{r['seconds']:>10.2f}{r['seconds'] / csv_secs:>8.2f}"
                f"{r['peak'] / mb:>14.0f}{r['delta'] / mb:>11.0f}"
            )
    p, o = results["pandas"], results["ours"]
    speed, memory = p["seconds"] / o["seconds"], o["delta"] / size
    print(
        f"throughput ratio ours/pandas: {speed:.2f}x (floor >= 2.0); read cost ours/file size: {memory:.2f} "
        "(floor <= 2.0)"
    )
    emit_rows(
        "ingest",
        [
            row(
                f"ingest {args.rows:,}-row CSV, rows/s (ref: pandas.read_csv)",
                o["rows"] / o["seconds"],
                p["rows"] / p["seconds"],
                speed,
                ">= 2x",
                speed >= 2.0,
            ),
            row(
                f"ingest {args.rows:,}-row CSV, extra memory MiB (ref: file MiB)",
                o["delta"] / mb,
                size / mb,
                memory,
                "<= 2x",
                memory <= 2.0,
            ),
        ],
    )


if __name__ == "__main__":
    main()
