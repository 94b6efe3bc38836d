"""`python -m core sentiment fit|predict`: train a sentiment classifier, or score texts.

    sentiment fit TRAIN.csv --text C --label C --model-dir DIR [--epochs N] [--seed S] [--max-seconds S]
        [--device auto|cpu|cuda]
        stdout: JSON {labels, languages: {lang: {n_train, n_test, attention, tfidf_lr, lexicon, scorer, notes}}}
        `scorer`: what predict scores the language with (the best on the held-out rows); a model no
        better than chance or than its baseline is also said on stderr ("warning: [lang] ...")
    sentiment predict IN.csv --text C [--model-dir DIR] --out OUT.csv
        OUT.csv: input columns + sentiment + score (-1..1). Without --model-dir every text is scored
        by the lexicon of its language (VADER / Chinese lexicon) and labelled with VADER's own +-0.05
        cut-offs (a score of 0 is neutral); with it, `sentiment` uses the
        training file's label names.
    sentiment shifts POSTS.csv --text C --time C [--community C] [--model-dir DIR]
        [--freq day|week|month] --out shifts.json
        shifts.json: {"shifts": [{community, period, direction, mean_score, baseline_mean, z, volume,
        terms}]}, the control-chart shifts (core/text/shifts.py) of the whole-site series (community
        null) and, with --community, of each community's. Scores from the lexicon, or the model.
        stdout: JSON {posts, posts_without_time, periods, freq, shifts, out}
Labels may be strings ("positive", "Yes") or numbers (0/1, 1-5); unlabelled rows are skipped in fit.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from core.cli import about_file, add_read_options, check_range, skipped_rows
from core.cohorts.activity import parse_times
from core.data.csvfile import read_csv_frame
from core.errors import ConfigError, InputError
from core.export import check_output, write_csv
from core.models.artefact import check_writable
from core.models.budget import AUTO
from core.text.analysis import AnalysisConfig, analyse_sentiment, labelled_texts
from core.text.classifier import ClassifierConfig, LabelledTexts, SentimentClassifier, note_text
from core.text.language import detect_languages
from core.text.lexicon import DEFAULT_THRESHOLDS, label_scores, lexicon_scores
from core.text.trends import ALL


def register(subparsers) -> None:
    parser = subparsers.add_parser("sentiment", help="train a sentiment classifier or score texts")
    sub = parser.add_subparsers(dest="sentiment_command", required=True, parser_class=type(parser))
    fit = sub.add_parser("fit", help="train on labelled texts (attention model + TF-IDF baseline)")
    fit.add_argument("csv", help="training CSV")
    fit.add_argument("--text", required=True, help="text column")
    fit.add_argument("--label", required=True, help="label column (strings or numbers)")
    fit.add_argument("--model-dir", required=True, help="folder to write the model into")
    fit.add_argument("--epochs", type=int, default=None, help="maximum epochs (default: per language)")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--max-seconds", type=float, default=None, help="training time budget per language")
    fit.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    add_read_options(fit)
    fit.set_defaults(func=run)
    pred = sub.add_parser("predict", help="score texts: sentiment + score per row")
    pred.add_argument("csv", help="input CSV")
    pred.add_argument("--text", required=True, help="text column")
    pred.add_argument("--model-dir", help="a model from 'sentiment fit' (default: lexicon scoring)")
    pred.add_argument("--out", required=True, help="output CSV")
    add_read_options(pred)
    pred.add_argument(
        "--trust-model-dir",
        action="store_true",
        help="accept a model folder this data folder did not sign (made elsewhere or by an older version)",
    )
    pred.set_defaults(func=run)
    sh = sub.add_parser("shifts", help="find sentiment shifts beyond noise, whole-site and per community")
    sh.add_argument("csv", help="posts CSV")
    sh.add_argument("--text", required=True, help="text column")
    sh.add_argument("--time", required=True, help="time column (a date or date-time)")
    sh.add_argument("--community", help="community column (default: the whole-site series only)")
    sh.add_argument("--model-dir", help="a model from 'sentiment fit' (default: lexicon scoring)")
    sh.add_argument("--freq", choices=("day", "week", "month"), default="week", help="period (default week)")
    sh.add_argument("--out", required=True, help="output JSON file")
    add_read_options(sh)
    sh.add_argument(
        "--trust-model-dir",
        action="store_true",
        help="accept a model folder this data folder did not sign (made elsewhere or by an older version)",
    )
    sh.set_defaults(func=run)


def read_text_csv(path: str, columns: list[str]) -> pd.DataFrame:
    """A CSV (any encoding/delimiter an ingest reads) as strings; `columns` must exist."""

    return read_csv_frame(path, required=tuple(columns))


def run(args) -> int:
    if args.sentiment_command == "fit":
        return _fit(args)
    if args.sentiment_command == "shifts":
        return _shifts(args)
    return _predict(args)


def _fit(args) -> int:

    check_range(args.epochs, "--epochs", 1, 10_000)
    check_range(args.max_seconds, "--max-seconds", 1, 10**7)
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("--device cuda: no CUDA GPU is available here (use auto or cpu)")
    check_output(args.model_dir, [args.csv], option="--model-dir", folder=True)
    check_writable(args.model_dir, "sentiment")  # before training, not after it
    df = read_text_csv(args.csv, [args.text, args.label])
    texts, labels = labelled_texts(df, args.text, args.label, Path(args.csv).name)
    if not pd.Series(texts, dtype=object).fillna("").astype(str).str.strip().ne("").any():
        raise InputError(
            "every labelled row has an empty text; nothing to train on", file=Path(args.csv).name, column=args.text
        )
    config = ClassifierConfig()  # the flags write into its trainer settings; epochs unset: each encoder's own
    config.train = replace(config.train, seed=args.seed, epochs=args.epochs or 0, device=args.device)
    budget = AUTO if args.max_seconds is None else args.max_seconds  # AUTO: the trainer's default budget
    with about_file(Path(args.csv).name):
        clf = SentimentClassifier(config).fit(LabelledTexts(texts, labels), budget=budget)
    clf.save(args.model_dir)
    summary: dict = {
        "labels": clf.label_names,
        "model_dir": str(args.model_dir),
        "languages": {
            lang: {
                "n_train": clf.train_info[lang]["n_train"],
                "n_test": clf.train_info[lang]["n_test"],
                **{e.scorer: {"macro_f1": round(e.macro_f1, 4), "accuracy": round(e.accuracy, 4)} for e in evals},
                "scorer": clf.train_info[lang].get("scorer"),  # what `predict` scores this language with
                "notes": [note_text(n) for n in clf.train_info[lang].get("notes", [])],
            }
            for lang, evals in clf.evaluations.items()
        },
        **skipped_rows(args),
    }
    for lang, info in summary["languages"].items():  # no better than chance or than a baseline: said aloud
        for note in info["notes"]:
            print(f"warning: [{lang}] {note}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _predict(args) -> int:

    check_output(args.out, [args.csv, args.model_dir])
    df = read_text_csv(args.csv, [args.text])
    texts = df[args.text].tolist()
    if args.model_dir:
        pred = SentimentClassifier.load(args.model_dir, trust=args.trust_model_dir).predict(texts)
        sentiment, score = pred["sentiment"].to_numpy(), pred["score"].to_numpy()
    else:
        score = lexicon_scores(texts)
        sentiment = label_scores(score, detect_languages(texts), DEFAULT_THRESHOLDS)
    out = df.copy()
    out["sentiment"] = sentiment
    out["score"] = pd.Series(score).round(4).to_numpy()
    write_csv(out, args.out, inputs=[args.csv, args.model_dir])
    print(
        json.dumps(
            {
                "rows": len(out),
                "out": str(args.out),
                "counts": pd.Series(sentiment).value_counts().to_dict(),
                **skipped_rows(args),
            },
            ensure_ascii=False,
        )
    )
    return 0


def _shifts(args) -> int:

    out_path = check_output(args.out, [args.csv, args.model_dir])
    columns = [args.text, args.time] + ([args.community] if args.community else [])
    source = Path(args.csv).name
    df = read_text_csv(args.csv, columns)
    ts = parse_times(df[args.time], column=args.time, source=source)
    posts = pd.DataFrame({"text": df[args.text].fillna("").astype(str), "ts": ts})
    if args.community:
        posts["community"] = df[args.community].fillna("").astype(str)
    classifier = None
    if args.model_dir:
        classifier = SentimentClassifier.load(args.model_dir, trust=args.trust_model_dir)
    with about_file(source):
        result = analyse_sentiment(posts[posts["ts"].notna()], AnalysisConfig(freq=args.freq), classifier=classifier)
    shifts = [
        {
            "community": None if s.community == ALL else s.community,
            "period": s.period.strftime("%Y-%m-%d"),
            "direction": s.direction,
            "mean_score": round(s.mean_score, 4),
            "baseline_mean": round(s.baseline_mean, 4),
            "z": round(s.z, 2),
            "volume": s.volume,
            "terms": [t for t, _ in s.terms],
        }
        for s in result.shifts
    ]
    _write_json({"shifts": shifts}, out_path)
    summary = {
        "posts": len(posts),
        "posts_without_time": int(posts["ts"].isna().sum()),
        "periods": int(result.trends.loc[result.trends["community"] == ALL, "period"].nunique()),
        "freq": args.freq,
        "shifts": len(shifts),
        "out": str(out_path),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _write_json(obj: dict, out: Path) -> None:
    """`obj` as UTF-8 JSON at `out`, written atomically (a temporary sibling renamed into place)."""

    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise ConfigError(f"--out {out}: cannot write in {parent} ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
