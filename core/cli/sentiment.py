"""`python -m core sentiment fit|predict`: train a sentiment classifier, or score texts.

    sentiment fit TRAIN.csv --text C --label C --model-dir DIR [--epochs N] [--seed S] [--max-seconds S]
        [--device auto|cpu|cuda]
        stdout: JSON {labels, languages: {lang: {n_train, n_test, attention, tfidf_lr, lexicon}}}
    sentiment predict IN.csv --text C [--model-dir DIR] --out OUT.csv
        OUT.csv: input columns + sentiment + score (-1..1). Without --model-dir every text is scored
        by the lexicon of its language (VADER / Chinese lexicon) and labelled with VADER's own +-0.05
        cut-offs (a score of 0 is neutral); with it, `sentiment` uses the
        training file's label names.
Labels may be strings ("positive", "Yes") or numbers (0/1, 1-5); unlabelled rows are skipped in fit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from core.cli import about_file, add_read_options, check_range, skipped_rows
from core.errors import ConfigError, InputError


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
    pred.set_defaults(func=run)


def read_text_csv(path: str, columns: list[str]) -> pd.DataFrame:
    """A CSV (any encoding/delimiter an ingest reads) as strings; `columns` must exist."""
    from core.data.csvfile import read_csv_frame

    return read_csv_frame(path, required=tuple(columns))


def run(args) -> int:
    if args.sentiment_command == "fit":
        return _fit(args)
    return _predict(args)


def _fit(args) -> int:
    from dataclasses import replace

    from core.export import check_output
    from core.models.artefact import check_writable
    from core.text.analysis import labelled_texts
    from core.text.classifier import ClassifierConfig, fit_sentiment_classifier

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
    if args.max_seconds is not None:  # else the trainer's default budget
        config.train = replace(config.train, max_seconds=args.max_seconds)
    with about_file(Path(args.csv).name):
        clf = fit_sentiment_classifier(texts, labels, config)
    clf.save(args.model_dir)
    summary = {
        "labels": clf.label_names,
        "model_dir": str(args.model_dir),
        "languages": {
            lang: {
                "n_train": clf.train_info[lang]["n_train"],
                "n_test": clf.train_info[lang]["n_test"],
                **{e.scorer: {"macro_f1": round(e.macro_f1, 4), "accuracy": round(e.accuracy, 4)} for e in evals},
            }
            for lang, evals in clf.evaluations.items()
        },
        **skipped_rows(args),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _predict(args) -> int:
    from core.export import check_output, write_csv
    from core.text.language import detect_languages
    from core.text.lexicon import DEFAULT_THRESHOLDS, label_scores, lexicon_scores

    check_output(args.out, [args.csv, args.model_dir])
    df = read_text_csv(args.csv, [args.text])
    texts = df[args.text].tolist()
    if args.model_dir:
        from core.text.classifier import SentimentClassifier

        pred = SentimentClassifier.load(args.model_dir).predict(texts)
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
