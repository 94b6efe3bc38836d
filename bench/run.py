"""`make bench`: every benchmark at its quick size, one table at the end.

    .venv/bin/python bench/run.py               # quick sizes (make bench)
    .venv/bin/python bench/run.py --full        # the full sizes (each script's own defaults; long)
    .venv/bin/python bench/run.py --only graph,sentiment_view

Each script runs in its own process. A script that calls bench.rows.emit_rows gives structured rows
(figure, value, reference measured in the same run, ratio, floor, PASS/FAIL); from the others, every
printed line that says PASS or FAIL becomes a row with the line as its figure. The table also says
the machine's load average when each script finished (the box is shared: read ratios, not seconds).
Exit code 1 when a row fails or a script crashes. bench/README.md explains each row.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO.parent))

from bench.rows import PREFIX  # noqa: E402

# name -> (quick arguments, full arguments): scripts in the order they run
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "graph": (["--quick", "--only", "email,lfr,million"], []),
    "sentiment_view": (["--quick"], []),
    "abtest": (["--quick"], []),
    "ingest": (["--quick"], []),
    "churn": (["--only", "telco,speed", "--epochs", "5", "--events", "1000000"], []),
    "churn_scale": (["--quick"], []),
    "sentiment": (["--only", "lexicon", "--n", "2000"], []),
    "recommend": (["--datasets", "sample", "--epochs", "3", "--no-speed"], []),
    "train_speed": (["--only", "churn"], []),
    "scale": (["--rows", "200000", "--events", "200000", "--posts", "2000", "--workers", "1"], []),
    "serve": (["--quick"], []),
    "gpu_check": (["--tiny", "--device", "cpu"], []),
}
VERDICT = re.compile(r"\b(PASS|FAIL)\b")


def rows_of(bench: str, stdout: str, load: float) -> list[dict]:
    rows = []
    for line in stdout.splitlines():
        if line.startswith(PREFIX):
            rows.append(json.loads(line[len(PREFIX) :]))
    if rows:
        return rows
    for line in stdout.splitlines():  # a script without emit_rows: its own floor lines
        verdicts = VERDICT.findall(line)
        if verdicts or "floor" in line.lower():
            text = " ".join(line.split())
            rows.append(
                {
                    "bench": bench,
                    "figure": text[:110] + ("..." if len(text) > 110 else ""),
                    "value": None,
                    "reference": None,
                    "ratio": None,
                    "floor": "(in the line)",
                    # a floor printed without a verdict: read the line (shown as "READ")
                    "pass": ("FAIL" not in verdicts) if verdicts else None,
                    "load": load,
                }
            )
    return rows


def fmt(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def print_table(rows: list[dict]) -> None:
    header = ["bench", "figure", "value", "reference", "ratio", "floor", "result", "load"]
    cells = [
        [r["bench"], r["figure"], fmt(r.get("value")), fmt(r.get("reference")), fmt(r.get("ratio")),
         r.get("floor", ""), {True: "PASS", False: "FAIL", None: "READ"}[r["pass"]], fmt(r.get("load"))]
        for r in rows
    ]  # fmt: skip
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)]
    print("\n" + " | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(c, widths)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="full sizes (each script's defaults)")
    ap.add_argument("--only", default=None, help=f"comma-separated: {','.join(BENCHES)}")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per script")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown bench(es) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    rows: list[dict] = []
    crashed = []
    for name in names:
        quick, full = BENCHES[name]
        cmd = [sys.executable, str(REPO / f"{name}.py"), *(full if args.full else quick)]
        print(f"== {' '.join(cmd[1:])}", flush=True)
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=args.timeout,
                env={**os.environ, "PYTHONPATH": str(REPO.parent)},
            )
        except subprocess.TimeoutExpired:
            crashed.append(f"{name}: over {args.timeout:.0f} s")
            continue
        load = round(os.getloadavg()[0], 2)
        print("\n".join(line for line in proc.stdout.splitlines() if not line.startswith(PREFIX)))
        print(f"({time.perf_counter() - started:.0f} s, load average {load})", flush=True)
        if proc.returncode != 0:
            crashed.append(f"{name}: exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
        got = rows_of(name, proc.stdout, load)
        rows += got
        if not got and proc.returncode == 0:  # prints figures but checks no floor of its own
            rows.append(
                {
                    "bench": name,
                    "figure": "runs to the end (no floor of its own)",
                    "floor": "exit 0",
                    "pass": True,
                    "load": load,
                }
            )
    print_table(rows)
    for c in crashed:
        print(f"CRASHED {c}")
    failed = sum(r["pass"] is False for r in rows)
    unread = sum(r["pass"] is None for r in rows)
    print(f"\n{len(rows)} rows, {failed} FAIL, {unread} READ (a floor without a verdict), {len(crashed)} crashed")
    return 1 if failed or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
