"""`python -m core churn fit|predict`: churn models from a snapshot table or an event log.

    churn fit TRAIN.csv --id C --label C --model-dir DIR                 snapshot: one row per customer
    churn fit EVENTS.csv --user C --time C [--cutoff DATE] [--inactive-days N] --model-dir DIR
    churn predict IN.csv --id C --model-dir DIR --out OUT.csv            OUT.csv: id,churn_probability
    churn predict EVENTS.csv --user C --time C --model-dir DIR --out OUT.csv   (as of the end of the log)

`fit` prints a JSON summary (users, churn rate, cutoff, AUC / PR-AUC / Brier of the model and the
baselines on the same test rows, `scorer`: the model whose probabilities `predict` writes, the best
on the test rows, and `notes`); a model no better than chance or than its baseline is also said on
stderr, one `warning:` line each (exit 0: the model is saved, and says so in its meta.json).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from core.cli import about_file, add_read_options, check_range, skipped_rows
from core.cohorts.datasets import (
    event_log_csv_dataset,
    read_csv_bytes,
    snapshot_dataset,
)
from core.config import DEFAULT_CHURN_EPOCHS
from core.errors import ConfigError, InputError
from core.export import check_output, write_csv
from core.models.artefact import check_writable


def register(subparsers) -> None:
    parser = subparsers.add_parser("churn", help="fit a churn model or score users with one")
    sub = parser.add_subparsers(dest="churn_command", required=True, parser_class=type(parser))
    for name, helptext in (
        ("fit", "train on labelled data (or an event log)"),
        ("predict", "write id,churn_probability for every row / user"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("csv", help="input CSV file")
        p.add_argument("--id", help="customer id column (snapshot data)")
        p.add_argument("--user", help="user column (event log)")
        p.add_argument("--time", help="time column (event log)")
        p.add_argument("--model-dir", required=True, help="folder for the trained model")
        if name == "fit":
            p.add_argument("--label", help="churn label column: yes/no, true/false or 1/0 (snapshot data)")
            p.add_argument(
                "--cutoff",
                help="event log: features up to this date, labels after it "
                "(default: the last --inactive-days of the log)",
            )
            p.add_argument(
                "--inactive-days",
                type=int,
                default=30,
                help="event log: days without activity that count as churn (default 30)",
            )
            p.add_argument("--weeks", type=int, default=12, help="weeks of activity timeline (default 12)")
            p.add_argument("--epochs", type=int, default=DEFAULT_CHURN_EPOCHS)
            p.add_argument("--seed", type=int, default=0)
        else:
            p.add_argument("--out", required=True, help="output CSV: id,churn_probability")
            p.add_argument(
                "--trust-model-dir",
                action="store_true",
                help="accept a model folder this data folder did not sign (made elsewhere or by an older version)",
            )
        add_read_options(p)
        p.set_defaults(func=run)


def _read_csv(path: str) -> pd.DataFrame:

    file = Path(path)
    if not file.is_file():
        raise InputError("file not found", file=path)
    return read_csv_bytes(file.read_bytes(), source=file.name)


def _mode(args) -> str:
    events = bool(args.user or args.time)
    if events and args.id:
        raise ConfigError("give either --id (snapshot data) or --user and --time (event log), not both")
    if events:
        if not (args.user and args.time):
            raise ConfigError("an event log needs both --user and --time")
        return "events"
    if not args.id:
        raise ConfigError("give --id (snapshot data) or --user and --time (event log)")
    return "snapshot"


def run(args) -> int:
    from core.cohorts.churn import ChurnConfig, ChurnPredictor, note_text
    from core.models.engine import with_train

    mode = _mode(args)
    if args.churn_command == "fit":
        check_range(args.epochs, "--epochs", 1, 10_000)
        check_range(args.weeks, "--weeks", 1, 520)
        check_range(args.inactive_days, "--inactive-days", 1, 36_500)
        check_output(args.model_dir, [args.csv], option="--model-dir", folder=True)
        check_writable(args.model_dir, "churn")  # before training, not after it
    else:
        check_output(args.out, [args.csv, args.model_dir])
    source = Path(args.csv).name
    if mode == "events" and not Path(args.csv).is_file():
        raise InputError("file not found", file=args.csv)
    df = _read_csv(args.csv) if mode == "snapshot" else None  # an event log is read in DuckDB (issue 29)
    if args.churn_command == "fit":
        if mode == "snapshot" and not args.label:
            raise ConfigError("snapshot data needs --label (the churn column)")
        if mode == "events" and args.label:
            raise ConfigError("an event log derives its labels: drop --label, or use --id for snapshot data")
        if mode == "snapshot":
            data = snapshot_dataset(df, args.id, args.label, source=source)
        else:
            try:
                cutoff = pd.Timestamp(args.cutoff) if args.cutoff else None
            except ValueError as exc:
                raise ConfigError(f"--cutoff '{args.cutoff}' is not a date (use YYYY-MM-DD)") from exc
            data = event_log_csv_dataset(
                args.csv,
                args.user,
                args.time,
                cutoff=cutoff,
                inactive_days=args.inactive_days,
                weeks=args.weeks,
                source=source,
            )
        config = with_train(ChurnConfig(), epochs=args.epochs, seed=args.seed)
        with about_file(source):
            predictor = ChurnPredictor(config).fit(data)
        extra = {
            "mode": mode,
            "weeks": data.features.n_weeks,
            "inactive_days": data.inactive_days,
            "cutoff": None if data.cutoff is None else str(data.cutoff.date()),
        }
        predictor.save(args.model_dir, extra=extra)
        metrics = predictor.result_.metrics
        labels = data.labels
        assert labels is not None  # a fit's dataset always has them
        notes = [note_text(n) for n in predictor.result_.notes]
        summary = {
            "mode": mode,
            "users": int(len(labels)),
            "churn_rate": float(labels.mean()),
            "cutoff": extra["cutoff"],
            "inactive_days": data.inactive_days if mode == "events" else None,
            "model_dir": str(args.model_dir),
            "metrics": {
                r["model"]: {k: round(float(r[k]), 4) for k in ("auc", "pr_auc", "brier")}
                for r in metrics.to_dict(orient="records")
            },
            "scorer": predictor.result_.scorer,  # the model churn_probability comes from (also in meta.json)
            "notes": notes,
        }
        for note in notes:  # a model no better than chance or than its baseline: said aloud
            print(f"warning: {note}", file=sys.stderr)
        print(json.dumps({**summary, **skipped_rows(args)}))
        return 0

    predictor = ChurnPredictor.load(args.model_dir, trust=args.trust_model_dir)
    trained_mode = predictor.meta_.get("extra", {}).get("mode", "snapshot")
    if trained_mode != mode:
        hint = "--user and --time" if trained_mode == "events" else "--id"
        raise ConfigError(f"the model in {args.model_dir} was trained on {trained_mode} data: use {hint}")
    if mode == "snapshot":
        data = snapshot_dataset(df, args.id, None, source=source)
    else:
        weeks = int(predictor.meta_.get("extra", {}).get("weeks", predictor.encoder_.n_weeks))
        data = event_log_csv_dataset(args.csv, args.user, args.time, weeks=weeks, source=source, with_labels=False)
    with about_file(source):
        prob = predictor.predict_proba(data.features, source=source)
    out = pd.DataFrame({"id": prob.index, "churn_probability": prob.to_numpy().round(6)})
    write_csv(out, args.out, inputs=[args.csv, args.model_dir])
    print(json.dumps({"rows": len(out), "out": str(args.out), **skipped_rows(args)}))
    return 0
