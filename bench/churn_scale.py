"""`churn fit` at scale (issue 29): wall time and peak memory of the CLI on a generated event log.

    .venv/bin/python bench/churn_scale.py             # 10,000,000 events, 200,000 users, 12 months
    .venv/bin/python bench/churn_scale.py --quick     # 3,000 users, 6 months (~150,000 events)
    .venv/bin/python bench/churn_scale.py --csv /tmp/churn10m.csv   # keep (or reuse) the generated log

The log (user_id, ts, amount) is generated with planted churn: each user signs up during the first 70%
of the span, is active at a rate of their own, and may stop (an exponential lifetime); a user who stops
thins out before the last event (falling activity), so the trend and recency features carry the label.
The command measured is what an analyst runs, `python -m core churn fit LOG.csv --user user_id --time ts
--model-dir DIR` with every default, in a fresh process; its peak memory is the largest resident set
of that process (sampled every 0.1 s). Rows: wall time and peak GB beside issue 29's floors (full size:
<= 180 s, <= 1.5 GB; the quick size: <= 60 s, the 3,000-user floor) and the model's test AUC beside
the best baseline's (quality: reported, and the model must beat chance).
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

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.rows import emit_rows, row  # noqa: E402

FULL = {"users": 200_000, "events": 10_000_000, "days": 365}
QUICK = {"users": 3_000, "events": 150_000, "days": 182}
FLOORS = {"full": (180.0, 1.5), "quick": (60.0, 1.5)}  # seconds, GB


def make_events(path: Path, users: int, events: int, days: int, seed: int = 0) -> None:
    """Write a planted churn event log (user_id, ts, amount) as CSV, ordered by time."""
    import duckdb

    rng = np.random.default_rng(seed)
    span = days * 86400
    start = int(pd.Timestamp("2025-01-01").timestamp())
    signup = rng.uniform(0, 0.7 * span, users)
    lifetime = rng.exponential(0.6 * span, users)
    stop = np.minimum(signup + lifetime, span)
    rate = rng.lognormal(0.0, 0.8, users)  # events per day, up to a scale
    weight = rate * (stop - signup)
    counts = rng.multinomial(events, weight / weight.sum())
    uid = np.repeat(np.arange(users, dtype=np.int64), counts)
    u = rng.random(events)
    churned = np.repeat(stop < span, counts)
    u = np.where(churned, 1.0 - np.sqrt(1.0 - u), u)  # churners thin out toward their stop
    ts = start + (np.repeat(signup, counts) + u * np.repeat(stop - signup, counts)).astype(np.int64)
    amount = np.round(rng.lognormal(2.5, 0.9, events), 2)
    frame = pd.DataFrame({"uid": uid, "ts": ts, "amount": amount})
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("frame", frame)
    con.execute(
        "COPY (SELECT 'u' || lpad(CAST(uid AS VARCHAR), 7, '0') AS user_id, "
        "strftime(make_timestamp(ts * 1000000), '%Y-%m-%d %H:%M:%S') AS ts, amount FROM frame ORDER BY ts) "
        f"TO '{path}' (HEADER, DELIMITER ',')"
    )
    con.close()


def run_fit(csv: Path, model_dir: Path, src: Path = REPO) -> tuple[float, float, float, dict]:
    """(wall seconds, CPU seconds, peak RSS GB, the fit's JSON summary) of `churn fit` in a fresh
    process running the code tree `src` (this checkout, or another's core/ for a before/after)."""
    import resource

    import psutil

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)

    cmd = [sys.executable, "-m", "core", "churn", "fit", str(csv), "--user", "user_id", "--time", "ts"]
    cmd += ["--model-dir", str(model_dir)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True)))
        except psutil.Error:
            pass
        time.sleep(0.1)
    wall = time.perf_counter() - t
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"churn fit failed ({proc.returncode}): {err.strip()[-2000:]}")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return wall, cpu, peak / 1e9, json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3,000 users over 6 months")
    parser.add_argument("--csv", help="the log to use (generated there when missing)")
    parser.add_argument("--src", help="measure this code tree instead (e.g. `git archive main core` unpacked)")
    args = parser.parse_args()
    size, label = (QUICK, "quick") if args.quick else (FULL, "full")
    max_s, max_gb = FLOORS[label]
    os.environ.setdefault("CE_DATA_DIR", tempfile.mkdtemp(prefix="churn_scale_"))
    with tempfile.TemporaryDirectory(prefix="churn_scale_") as work:
        csv = Path(args.csv) if args.csv else Path(work) / "events.csv"
        if not csv.exists():
            t = time.perf_counter()
            make_events(csv, size["users"], size["events"], size["days"])
            print(f"generated {csv} ({csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s", flush=True)
        wall, cpu, peak, summary = run_fit(csv, Path(work) / "model", Path(args.src) if args.src else REPO)
    metrics = summary["metrics"]
    ours = metrics["churn_transformer"]["auc"]
    best = max(v["auc"] for k, v in metrics.items() if k != "churn_transformer")
    what = f"churn fit, {size['events']:,} events / {size['users']:,} users"
    print(json.dumps(summary, indent=1))
    load = os.getloadavg()[0]
    print(
        f"{what}: {wall:.1f} s ({cpu:.1f} CPU s, load {load:.1f}), peak {peak:.2f} GB; AUC {ours:.4f} (best {best:.4f})"
    )
    rows = [
        row(f"{what}: wall s", wall, None, None, f"<= {max_s:.0f} s", wall <= max_s),
        row(f"{what}: CPU s (what it costs on an idle machine)", cpu, None, None, f"<= {max_s:.0f} s", cpu <= max_s),
        row(f"{what}: peak GB", peak, None, None, f"<= {max_gb} GB", peak <= max_gb),
        row(f"{what}: model AUC (ref: best baseline)", ours, best, ours / best, "> 0.5 (reported)", ours > 0.5),
    ]
    emit_rows("churn_scale", rows)
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
