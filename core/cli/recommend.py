"""`python -m core recommend fit|predict`: train the sequential recommender, write top-k lists.

    python -m core recommend fit INTERACTIONS.csv --user C --item C --time C --model-dir DIR
        stdout: JSON {users, items, interactions, val_ndcg10, epochs_run, seconds, device, trained}
    python -m core recommend predict --model-dir DIR --k K --out OUT.csv
        OUT.csv: user,item,rank   (never an item the user already interacted with)

`fit` trains on every user's history but the last item (which drives early stopping), through the
model cache, so fitting the same data with the same settings twice trains once.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from core.cli import about_file, add_read_options, check_range, skipped_rows
from core.data.csvfile import read_csv_frame
from core.errors import ConfigError, InputError
from core.export import check_output, write_csv
from core.models.artefact import check_writable
from core.models.budget import AUTO
from core.recommend.data import build_sequences


def register(subparsers) -> None:
    parser = subparsers.add_parser("recommend", help="sequential recommender (SASRec): fit, predict")
    sub = parser.add_subparsers(dest="recommend_command", required=True, parser_class=type(parser))

    fit = sub.add_parser("fit", help="train on an interactions CSV")
    fit.add_argument("interactions", help="CSV with one row per user-item interaction")
    fit.add_argument("--user", default="user_id", help="user id column (default user_id)")
    fit.add_argument("--item", default="item_id", help="item id column (default item_id)")
    fit.add_argument("--time", default="ts", help="timestamp column (default ts)")
    fit.add_argument("--model-dir", required=True, help="folder to write the model into")
    # trainer flags (default: the recommender's own settings, core.recommend.recommender.default_train)
    fit.add_argument("--epochs", type=int, help="maximum epochs (early stopping ends sooner)")
    fit.add_argument("--max-len", type=int, help="history window in items (default: from the data's history lengths)")
    fit.add_argument("--hidden", type=int, default=64)
    fit.add_argument("--layers", type=int, default=2)
    fit.add_argument("--heads", type=int, default=2)
    fit.add_argument("--dropout", type=float, default=0.2)
    fit.add_argument("--lr", type=float)
    fit.add_argument("--batch-size", type=int)
    fit.add_argument("--patience", type=int)
    fit.add_argument(
        "--loss",
        choices=["ce", "bce"],
        default="ce",
        help="ce: full-softmax cross-entropy (SASRec+, default); bce: original one negative",
    )
    fit.add_argument(
        "--max-seconds", type=float, help="training time budget; the best epoch so far is kept (default: the trainer's)"
    )
    fit.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    fit.add_argument("--seed", type=int, default=0)
    add_read_options(fit)
    fit.set_defaults(func=run)

    predict = sub.add_parser("predict", help="top-k unseen items for every user")
    predict.add_argument("--model-dir", required=True)
    predict.add_argument(
        "--trust-model-dir",
        action="store_true",
        help="accept a model folder this data folder did not sign (made elsewhere or by an older version)",
    )
    predict.add_argument("--k", type=int, default=10)
    predict.add_argument("--out", required=True, help="CSV to write: user,item,rank")
    predict.set_defaults(func=run)


def _read_csv(path: str):
    """The whole CSV as strings, empty cells as NaN; read like an ingest reads (encoding, delimiter)."""

    df = read_csv_frame(path)
    return df.mask(df == "")


def run(args: argparse.Namespace) -> int:
    if args.recommend_command == "fit":
        return _fit(args)
    return _predict(args)


def _fit(args: argparse.Namespace) -> int:

    check_range(args.epochs, "--epochs", 1, 10_000)  # trainer flags: None keeps the default
    check_range(args.max_len, "--max-len", 2, 10_000)
    check_range(args.hidden, "--hidden", 1, 4096)
    check_range(args.layers, "--layers", 1, 64)
    check_range(args.heads, "--heads", 1, 64)
    if args.hidden % args.heads:
        raise ConfigError(f"--hidden ({args.hidden}) must be a multiple of --heads ({args.heads})")
    check_range(args.dropout, "--dropout", 0.0, 1.0, high_open=True)
    check_range(args.lr, "--lr", 0.0, 10.0, low_open=True)
    check_range(args.batch_size, "--batch-size", 1, 1_000_000)
    check_range(args.patience, "--patience", 1, 10_000)
    check_range(args.max_seconds, "--max-seconds", 0.0, None, low_open=True)
    check_output(args.model_dir, [args.interactions], option="--model-dir", folder=True)
    check_writable(args.model_dir, "recommend")  # before training, not after it
    df = _read_csv(args.interactions)
    data = build_sequences(df, args.user, args.item, args.time, source=args.interactions)
    if not any(len(s) >= 2 for s in data.sequences):
        raise InputError(
            "no user has two or more interactions; the model learns what a user does next",
            file=args.interactions,
            column=args.user,
        )
    from core.recommend.recommender import RecommendConfig, SequentialRecommender, default_train  # imports torch

    flags = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "patience": args.patience,
        "seed": args.seed,
        "device": args.device,
    }
    config = RecommendConfig(
        max_len=args.max_len,
        hidden=args.hidden,
        n_layers=args.layers,
        n_heads=args.heads,
        dropout=args.dropout,
        loss=args.loss,
        train=replace(default_train(), **{k: v for k, v in flags.items() if v is not None}),
    )
    with about_file(args.interactions):
        rec = SequentialRecommender(config).fit(data, budget=AUTO if args.max_seconds is None else args.max_seconds)
    rec.save(args.model_dir)
    m = rec.metrics
    summary = {
        "users": data.n_users,
        "items": data.n_items,
        "interactions": data.rows,
        "val_ndcg10": m.get("val_ndcg10"),
        "epochs_run": m.get("epochs_run"),
        "seconds": round(float(m.get("seconds") or 0.0), 2),
        "device": m.get("device"),
        "stopped_by": m.get("stopped_by"),
        "trained": m.get("trained"),
        "model_dir": str(args.model_dir),
    }
    json.dump({**summary, **skipped_rows(args)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from core.recommend.recommender import SequentialRecommender

    check_range(args.k, "--k", 1, 100_000)
    out_path = check_output(args.out, [args.model_dir])
    rec = SequentialRecommender.load(args.model_dir, trust=args.trust_model_dir)
    out = rec.recommend(k=args.k)[["user", "item", "rank"]]
    write_csv(out, out_path, inputs=[args.model_dir])
    json.dump({"users": int(out["user"].nunique()), "rows": len(out), "k": args.k, "out": str(out_path)}, sys.stdout)
    sys.stdout.write("\n")
    return 0
