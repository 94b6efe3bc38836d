"""Sequential-recommender benchmark: quality of SASRec (full-softmax CE, "SASRec+", and the
original one-negative BCE) against popularity and item-kNN on one leave-last-out split, and
training speed.

    .venv/bin/python bench/recommend.py [--datasets sample,beer] [--losses ce,bce] [--epochs N]
                                        [--device auto|cpu|cuda] [--amp] [--threads N]
                                        [--no-speed] [--no-settings] [--big] [--jobs N]

Data sets: `sample` = the generated sample workspace's interactions (2,000 users, ~100k rows);
`beer` = user–tag interactions derived from ../shared/datasets/beer_stackexchange/Posts.xml (a
user engages with a tag by asking or answering a question carrying it); `otto` = the 20-session
OTTO sample (smoke test only: far too small to mean anything).

Quality table: HR@10 / NDCG@10 under full ranking (history excluded; the headline) and under the
"100 sampled negatives" protocol (only for comparison with published numbers), with each NDCG's
ratio to popularity's. Floors (issue 3): on the sample, SASRec NDCG@10 >= 1.5x popularity and
above item-kNN (full ranking).
Speed table: training sequences (windows) per second and seconds per epoch of the chosen device,
and the same model's one-epoch speed on CPU fp32 measured in this process as the reference.
Settings table (issue 14): the recommender's previous settings (100 epochs, early stopping after
at least 300 steps with 150 steps' patience, validation on up to 5,000 users, a 50-item window,
batches in plain shuffled order) against today's defaults (`RecommendConfig()`), trained and
evaluated by `evaluate` on the sample: wall and CPU seconds of the whole evaluation, epochs, and
test NDCG@10, with ratios against the previous settings. `--big` adds a MovieLens-1M-sized
synthetic log (6,040 users, 3,706 items, 1M events walking planted series: bench/train_speed.py's
`synthetic_1m`) trained with today's defaults only (the target there is a time: <= 15 min on
CPU). `--jobs N` runs the rows in N processes at once (use --threads 1 then): CPU seconds stay
comparable, wall seconds only on a machine with N free cores.
Imports only torch, numpy, pandas, scipy and this repo (runs on the GPU box).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.models.engine import TrainConfig  # noqa: E402
from core.recommend.data import SequenceData, build_sequences, leave_last_out  # noqa: E402
from core.recommend.recommender import RecommendConfig, default_train, evaluate  # noqa: E402

SHARED = REPO.parent / "shared" / "datasets"


def load(name: str, users: int) -> SequenceData | None:
    """Sequences for one bench data set, or None when its files are absent."""
    if name == "sample":
        from core.data.sample import generate_sample

        out = Path(tempfile.mkdtemp(prefix="reco-sample-"))
        generate_sample(out, users=users, seed=0)
        return build_sequences(pd.read_csv(out / "interactions.csv"), source="sample")
    if name == "beer":
        from core.recommend.stackexchange import user_tag_interactions

        path = SHARED / "beer_stackexchange" / "Posts.xml"
        if not path.exists():
            return None
        return build_sequences(user_tag_interactions(path), source=str(path))
    if name == "otto":
        path = SHARED / "otto_sessions_sample" / "train.jsonl"
        if not path.exists():
            return None
        rows = []
        for line in path.read_text().splitlines():
            s = json.loads(line)
            rows.extend((s["session"], e["aid"], e["ts"]) for e in s["events"])
        return build_sequences(pd.DataFrame(rows, columns=["user_id", "item_id", "ts"]), source=str(path))
    raise SystemExit(f"unknown data set {name!r}")


PREVIOUS = dict(max_len=50, val_users=5000, min_steps=300, patience_steps=150, bucket=1)
PREVIOUS_TRAIN = dict(epochs=100, batch_size=128, lr=1e-3, patience=5, max_seconds=None)  # no budget then


def settings_run(job: tuple[str, str, int, int]) -> dict:
    """One row of the settings table, in its own process: load the data set, then train and evaluate
    with the setting on a fresh cache: seconds (wall, CPU), epochs, test NDCG@10."""
    name, setting, users, threads = job
    if threads:
        import torch

        torch.set_num_threads(threads)
    if name == "sample":
        data = load("sample", users)
    else:
        from train_speed import synthetic_1m  # bench/ is on the path when a bench runs as a script

        data = build_sequences(synthetic_1m(), source="synthetic")
    assert data is not None
    train = {"num_threads": threads} if threads else {}
    if setting == "previous":
        config = RecommendConfig(**PREVIOUS, train=TrainConfig(**PREVIOUS_TRAIN, **train))
    else:
        config = RecommendConfig(train=replace(default_train(), **train))
    started, cpu = time.perf_counter(), time.process_time()
    report = evaluate(data, config, cache_dir=tempfile.mkdtemp(prefix="reco-cache-"))
    t = report.training
    row = {
        "dataset": name,
        "setting": setting,
        "window": report.recommender.model.config.max_len,
        "epochs_run": t["epochs_run"],
        "stopped_by": t["stopped_by"],
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "NDCG@10": report.metric("SASRec").ndcg,
        "popularity NDCG@10": report.metric("Popularity").ndcg,
    }
    print(
        f"  settings: {name} / {setting}: {row['epochs_run']} epochs ({row['stopped_by']}), {row['wall_s']:.0f} s wall, "
        f"{row['cpu_s']:.0f} CPU s, NDCG@10 {row['NDCG@10']:.4f}",
        flush=True,
    )
    return row


def settings_table(args: argparse.Namespace) -> pd.DataFrame:
    """Previous settings against today's on the sample (and today's on the 1M synthetic with --big);
    the rows run in `--jobs` worker processes (one torch thread each with --threads 1)."""
    from concurrent.futures import ProcessPoolExecutor

    jobs = [("sample", "previous", args.users, args.threads), ("sample", "today", args.users, args.threads)]
    if args.big:
        jobs.append(("synthetic 1M", "today", args.users, args.threads))
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = list(pool.map(settings_run, jobs))
    else:
        rows = [settings_run(job) for job in jobs]
    table = pd.DataFrame(rows)
    prev = table[(table["dataset"] == "sample") & (table["setting"] == "previous")].iloc[0]
    table["wall ratio"] = table["wall_s"] / prev["wall_s"]
    table["cpu ratio"] = table["cpu_s"] / prev["cpu_s"]
    table["NDCG ratio"] = table["NDCG@10"] / prev["NDCG@10"]
    table.loc[table["dataset"] != "sample", ["wall ratio", "cpu ratio", "NDCG ratio"]] = float("nan")  # other data
    return table


def one_epoch_speed(data: SequenceData, config: RecommendConfig, device: str, amp: bool) -> dict:
    """Train one epoch (no validation) and time it: windows/s and seconds."""
    import torch

    from core.models.sasrec import train_sasrec, training_windows

    split = leave_last_out(data)
    n_windows = len(training_windows(split.train, config.window(data))[0])
    tc = replace(config.train, epochs=1, device=device, amp=amp)
    _, result = train_sasrec(split.train, config.model_config(data), tc)
    if device != "cpu" and torch.cuda.is_available():
        torch.cuda.synchronize()
    seconds = result.history[0]["seconds"]
    return {
        "device": result.device,
        "amp": amp and result.device.startswith("cuda"),
        "windows": n_windows,
        "seconds_per_epoch": seconds,
        "windows_per_second": n_windows / max(seconds, 1e-9),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="sample,beer")
    ap.add_argument("--losses", default="ce,bce")
    d = default_train()
    ap.add_argument("--epochs", type=int, default=d.epochs)
    ap.add_argument("--patience", type=int, default=d.patience)
    ap.add_argument("--max-len", type=int, default=None, help="history window (default: from the data)")
    ap.add_argument("--lr", type=float, default=d.lr)
    ap.add_argument("--batch-size", type=int, default=d.batch_size)
    ap.add_argument("--users", type=int, default=2000, help="sample size (users)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--amp", action="store_true", help="bf16/fp16 autocast (CUDA only)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--max-seconds", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--no-settings", action="store_true", help="skip the previous-vs-today settings table")
    ap.add_argument("--big", action="store_true", help="settings table: add the 1M-interaction synthetic log")
    ap.add_argument("--jobs", type=int, default=1, help="settings table: rows run in this many processes at once")
    args = ap.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    quality, speed, training = [], [], []
    for name in [d for d in args.datasets.split(",") if d]:
        data = load(name, args.users)
        if data is None:
            print(f"# {name}: data set files are absent, skipped")
            continue
        print(
            f"# {name}: {data.n_users} users, {data.n_items} items, "
            f"{sum(len(s) for s in data.sequences)} distinct user-item pairs ({data.rows} rows)",
            flush=True,
        )
        rows_by_model = {}
        for loss in [x for x in args.losses.split(",") if x]:
            train = TrainConfig(
                epochs=args.epochs,
                patience=args.patience,
                lr=args.lr,
                batch_size=args.batch_size,
                device=args.device,
                amp=args.amp,
                seed=args.seed,
                max_seconds=args.max_seconds,
            )
            cfg = RecommendConfig(max_len=args.max_len, loss=loss, train=train)
            started = time.perf_counter()
            report = evaluate(data, cfg, cache_dir=tempfile.mkdtemp(prefix="reco-cache-"))
            wall = time.perf_counter() - started
            label = "SASRec+ (CE)" if loss == "ce" else "SASRec (BCE, 1 neg.)"
            for m in report.metrics:
                model = label if m.model == "SASRec" else m.model
                if m.model != "SASRec" and model in rows_by_model.get(m.protocol, {}):
                    continue  # baselines are the same for every loss
                rows_by_model.setdefault(m.protocol, {})[model] = m
            t = report.training
            epochs = [h["seconds"] for h in report.history]
            training.append(
                {
                    "dataset": name,
                    "model": label,
                    "epochs_run": t["epochs_run"],
                    "stopped_by": t["stopped_by"],
                    "best_val_ndcg10": t["val_ndcg10"],
                    "s/epoch (incl. val)": float(np.mean(epochs)) if epochs else None,
                    "wall_s": wall,
                    "device": t["device"],
                }
            )
            print(f"  {label}: {t['epochs_run']} epochs ({t['stopped_by']}), {wall:.0f} s", flush=True)
        for protocol, models in rows_by_model.items():
            pop = models["Popularity"].ndcg
            for model, m in models.items():
                quality.append(
                    {
                        "dataset": name,
                        "protocol": protocol,
                        "model": model,
                        "HR@10": m.hr,
                        "NDCG@10": m.ndcg,
                        "NDCG / popularity": m.ndcg / pop if pop else float("nan"),
                        "users": m.users,
                    }
                )
        if not args.no_speed:
            cfg = RecommendConfig(max_len=args.max_len, train=TrainConfig(batch_size=args.batch_size, lr=args.lr))
            ref = one_epoch_speed(data, cfg, "cpu", False)
            speed.append(dict(dataset=name, run="reference: CPU fp32", **ref, ratio=1.0))
            if args.device != "cpu" and torch.cuda.is_available():
                run = one_epoch_speed(data, cfg, args.device, args.amp)
                speed.append(
                    dict(
                        dataset=name,
                        run=f"{run['device']}{' + autocast' if run['amp'] else ''}",
                        **run,
                        ratio=ref["seconds_per_epoch"] / run["seconds_per_epoch"],
                    )
                )

    settings = None if args.no_settings else settings_table(args)

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    print("\n## Quality (leave-last-out; full ranking excludes each user's history)")
    print(pd.DataFrame(quality).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print("\n## Training")
    print(pd.DataFrame(training).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if speed:
        print("\n## Speed (one epoch of training windows, no validation; ratio = reference s / run s)")
        print(pd.DataFrame(speed).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if settings is not None:
        print("\n## Settings (issue 14): previous vs today's defaults; ratios against the sample's previous run")
        print(settings.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(
        f"\ntorch {torch.__version__}, threads {torch.get_num_threads()}, "
        f"cuda {'yes: ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no'}"
    )
    q = pd.DataFrame(quality)
    if not q.empty and "sample" in set(q["dataset"]):
        full = q[(q["dataset"] == "sample") & (q["protocol"] == "full ranking")].set_index("model")["NDCG@10"]
        best = max((v for k, v in full.items() if k.startswith("SASRec")), default=float("nan"))
        ok = best >= 1.5 * full["Popularity"] and best > full["Item-kNN"]
        print(f"floor on sample (NDCG@10 >= 1.5x popularity and > item-kNN): {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
