"""Training speed beside quality, for issue 14's rows: each model through the public function its page
calls, into a fresh model cache (every run trains for real), under the budget its page trains with.

    .venv/bin/python bench/train_speed.py [--only sentiment,reco,churn,telco,gat,din] [--big] [--device cpu]
                                          [--budget MINUTES]

Prints one table: seconds, the issue's time target, the quality reached, its floor, and pass/fail
on both. Rows (targets on 2 CPU cores; issue 14):
- sentiment: airline tweets (14,640, deduplicated), the page flow: encode, train, blend, score;
  <= 300 s; attention blended with LR macro-F1 >= 0.78 on the fit's own 80/20 held-out split;
- reco: the bundled sample (2,000 members), `evaluate` as the page runs it; <= 180 s; SASRec
  NDCG@10 (full ranking) within 5% of 0.662 (the README's figure before issue 14);
- reco-1m (`--big`): a MovieLens-1M-sized synthetic log (6,040 members, 3,706 items, 1M events,
  members walking series in order); <= 900 s on the CPU, <= 120 s on a GPU; NDCG@10 reported;
- churn: the sample's 2,000 members; <= 60 s; AUC >= 0.80 (bench/churn.py's floor);
- telco: Telco 7,043; <= 90 s; AUC >= best baseline - 0.005;
- gat: community placement on the sample graph; <= 20 s; validation accuracy reported;
- din: the sample's ad test response model; <= 20 s; Qini of DIN beside the two-model logistic.
Every model runs under the pages' budget control's default (5 min per fit on the CPU, none on a
GPU), as the training panel runs them; `--budget` sets another (0: none).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.rows import emit_rows  # noqa: E402
from bench.rows import row as bench_row  # noqa: E402

DATASETS = REPO.parent / "shared" / "datasets"
RECO_NDCG_BEFORE = 0.662  # README, bench/recommend.py on the sample before issue 14

ROWS: list[dict] = []


def record(model: str, data: str, seconds: float, target: float, quality: str, floor: str, ok: bool | None, how=""):
    ROWS.append(
        {
            "model": model,
            "data": data,
            "seconds": f"{seconds:.0f}",
            "target s": f"<= {target:.0f}",
            "time": "pass" if seconds <= target else "FAIL",
            "quality": quality,
            "floor": floor,
            "quality ok": "" if ok is None else ("pass" if ok else "FAIL"),
            "how it ended": how,
        }
    )
    print("  " + " | ".join(str(v) for v in ROWS[-1].values()), flush=True)


def _bench_rows() -> list[dict]:
    """make bench's rows: each model's seconds against its target, its quality against its floor."""
    out = []
    for r in ROWS:
        name = f"{r['model']} on {r['data']}"
        out.append(
            bench_row(f"{name}: training s", float(r["seconds"]), None, None, r["target s"], r["time"] == "pass")
        )
        if r["quality ok"]:
            out.append(bench_row(f"{name}: {r['quality']}", None, None, None, r["floor"], r["quality ok"] == "pass"))
    return out


def ended(metrics: dict) -> str:
    """'budget at epoch 7/30' / 'early_stop at 12/100' / 'epochs 30/30', from a model's metrics."""
    from core.models.engine import stopped_by

    by = stopped_by(metrics) or "?"
    return f"{by} at {metrics.get('epochs_run')}/{metrics.get('epochs') or '?'} on {metrics.get('device')}"


def timed(fn: Callable):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


BUDGET: list = []  # [seconds or None] once main has read --budget: every row trains under it


def on(device: str, config):
    """`config` with its device set (its own `device` field, or its nested TrainConfig's, `train`)
    and the run's budget as its trainer's `max_seconds` (as the pages hand theirs to `fit`)."""
    target = config.train if hasattr(config, "train") and not hasattr(config, "device") else config
    target.device = device
    if BUDGET and hasattr(target, "max_seconds"):
        target.max_seconds = BUDGET[0]
    return config


def sample_ws():
    from core.data.sample import sample_workspace

    return sample_workspace(users=2000, seed=0)


# ---------------------------------------------------------------------------------------------


def bench_sentiment(cache: Path, device: str) -> None:
    from core.text.classifier import ClassifierConfig, fit_sentiment_classifier

    df = pd.read_csv(DATASETS / "twitter_airline_sentiment" / "Tweets.csv").drop_duplicates("tweet_id")
    texts, labels = df["text"].fillna("").astype(str).tolist(), df["airline_sentiment"].astype(str).tolist()
    clf, s = timed(lambda: fit_sentiment_classifier(texts, labels, on(device, ClassifierConfig()), cache_dir=cache))
    lang = next(iter(clf.evaluations))
    f1 = {e.scorer: e.macro_f1 for e in clf.evaluations[lang]}["attention"]
    info = clf.train_info.get(lang, {})
    record("sentiment", f"airline {len(texts):,}", s, 300, f"macro-F1 {f1:.3f}", ">= 0.78", f1 >= 0.78, ended(info))


def _reco(name: str, data, cache: Path, device: str, target: float, floor: float | None) -> None:
    from core.recommend.recommender import RecommendConfig, evaluate

    config = on(device, RecommendConfig())
    report, s = timed(lambda: evaluate(data, config, cache_dir=cache))
    ndcg = report.metric("SASRec").ndcg
    ok = None if floor is None else ndcg >= floor
    record(
        "recommender",
        f"{name} ({data.n_users:,} members, {data.rows:,} events)",
        s,
        target,
        f"NDCG@10 {ndcg:.3f}",
        "" if floor is None else f">= {floor:.3f} (0.95 x {RECO_NDCG_BEFORE})",
        ok,
        ended(report.training),
    )


def bench_reco(cache: Path, device: str) -> None:
    from core.recommend.data import build_sequences

    data = build_sequences(sample_ws().read("interactions"), source="interactions")
    _reco("sample", data, cache, device, 180, 0.95 * RECO_NDCG_BEFORE)


def synthetic_1m(users: int = 6040, items: int = 3706, events: int = 1_000_000, seed: int = 0) -> pd.DataFrame:
    """A MovieLens-1M-sized log: each member walks series of consecutive items (the next with
    probability 0.7), else jumps to a Zipf-popular item; about events / users events each."""
    rng = np.random.default_rng(seed)
    lengths = rng.multinomial(events - 20 * users, np.full(users, 1 / users)) + 20
    popular = np.minimum(rng.zipf(1.3, events), items) - 1
    follow = rng.random(events) < 0.7
    seq = np.empty(events, dtype=np.int64)
    user = np.repeat(np.arange(users), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    first = np.zeros(events, dtype=bool)
    first[starts] = True
    current = 0
    for i in range(events):  # 1M steps of plain Python: a few seconds, once
        current = popular[i] if first[i] or not follow[i] else (current + 1) % items
        seq[i] = current
    ts = np.arange(events)
    return pd.DataFrame({"user_id": user.astype(str), "item_id": seq.astype(str), "ts": ts})


def bench_reco_1m(cache: Path, device: str) -> None:
    import torch

    from core.recommend.data import build_sequences

    data = build_sequences(synthetic_1m(), source="synthetic-1m")
    gpu = device != "cpu" and torch.cuda.is_available()
    _reco("1M synthetic", data, cache, device, 120 if gpu else 900, None)


def _churn(name: str, data, cache: Path, device: str, target: float, floor_of: Callable) -> None:
    from core.cohorts.churn import ChurnConfig, ChurnPredictor

    p, s = timed(lambda: ChurnPredictor(on(device, ChurnConfig())).fit(data, cache_dir=cache))
    m = p.result_.metrics.set_index("model")["auc"]
    floor, text = floor_of(m)
    auc = float(m["churn_transformer"])
    how = f"{len(p.result_.history)} epochs"
    record("churn", f"{name} {len(data.labels):,}", s, target, f"AUC {auc:.3f}", text, auc >= floor, how)


def bench_churn(cache: Path, device: str) -> None:
    from core.cohorts.datasets import workspace_dataset

    _churn("sample", workspace_dataset(sample_ws()), cache, device, 60, lambda m: (0.80, ">= 0.80"))


def bench_telco(cache: Path, device: str) -> None:
    from core.cohorts.datasets import snapshot_dataset

    df = pd.read_csv(DATASETS / "telco_churn" / "Telco-Customer-Churn.csv")
    data = snapshot_dataset(df, "customerID", "Churn", source="Telco-Customer-Churn.csv")

    def floor(m):
        best = float(max(m["logistic_regression"], m["gradient_boosting"]))
        return best - 0.005, f">= {best - 0.005:.3f} (best baseline - 0.005)"

    _churn("Telco", data, cache, device, 90, floor)


def bench_gat(cache: Path, device: str) -> None:
    from core.graph.analysis import analyse_communities
    from core.graph.attention import PlacementConfig, place_users

    ws = sample_ws()
    tables = {t: ws.read(t) for t in ("users", "edges", "posts", "interactions") if ws.has(t)}
    analysis = analyse_communities(tables)
    users = tables.get("users")
    placed, s = timed(
        lambda: place_users(analysis.graph, analysis.result, users, on(device, PlacementConfig()), cache_dir=cache)
    )
    acc = float(placed.metrics.get("val_accuracy") or 0.0)
    record("GAT placement", "sample graph", s, 20, f"val accuracy {acc:.3f}", "(reported)", None, ended(placed.metrics))


def bench_din(cache: Path, device: str) -> None:
    from core.experiments.response import DINSettings, response_data, train_response_model

    ws = sample_ws()
    rdata = response_data(
        ws.read("ad_events"),
        ws.read("interactions"),
        variant="variant",
        unit="user_id",
        outcome="converted",
        control="A",
        features=["age_group"],
        time="ts",
    )
    res, s = timed(lambda: train_response_model(rdata, on(device, DINSettings()), cache_dir=cache))
    din, base = res.mean_qini["din"], res.mean_qini["logistic"]
    how = f"{res.epochs_run} epochs"
    record("DIN response", "sample ad test", s, 20, f"Qini {din:.4f} (logistic {base:.4f})", "(reported)", None, how)


BENCHES = {
    "sentiment": bench_sentiment,
    "reco": bench_reco,
    "reco-1m": bench_reco_1m,
    "churn": bench_churn,
    "telco": bench_telco,
    "gat": bench_gat,
    "din": bench_din,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="sentiment,reco,churn,telco,gat,din", help="comma-separated rows")
    ap.add_argument("--big", action="store_true", help="add the 1M-event synthetic recommender row")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--budget", type=float, default=None, help="minutes (0: none); default: the app's default")
    args = ap.parse_args(argv)
    import torch

    from core.models.engine import CPU_BUDGET_SECONDS, pick_device

    names = [n.strip() for n in args.only.split(",") if n.strip()] + (["reco-1m"] if args.big else [])
    unknown = set(names) - set(BENCHES)
    if unknown:
        ap.error(f"unknown rows: {', '.join(sorted(unknown))} (choose from {', '.join(BENCHES)})")
    gpu = pick_device(args.device).type == "cuda"
    budget = (None if gpu else CPU_BUDGET_SECONDS) if args.budget is None else (args.budget * 60 or None)
    BUDGET[:] = [budget]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="train-speed-") as tmp:
        os.environ.setdefault("CE_DATA_DIR", str(Path(tmp) / "data"))  # the sample workspace goes here
        cache = Path(tmp) / "models"
        for name in names:
            print(f"{name} ...", flush=True)
            BENCHES[name](cache, args.device)
    print()
    print(pd.DataFrame(ROWS).to_string(index=False))
    emit_rows("train_speed", _bench_rows())
    print(
        f"\ndevice {args.device} ({'cuda' if gpu else 'cpu'}), budget {budget or 'none'} s, torch {torch.__version__},"
        f" threads {torch.get_num_threads()}, cores {len(os.sched_getaffinity(0))}, load {os.getloadavg()[0]:.1f};"
        f" total {time.perf_counter() - started:.0f} s"
    )
    return 0 if all(r["time"] == "pass" and r["quality ok"] != "FAIL" for r in ROWS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
