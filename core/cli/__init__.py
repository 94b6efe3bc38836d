"""Helpers every subcommand shares: option ranges, the output/model folder checks, a quiet run.

The CLI contract (README "Headless CLI"): exit 0 on success, 2 with one line on stderr for a user
error (bad file, column, option, model folder), 1 with one line for a bug; never a traceback.
Outputs go through `core.export.write_csv` (never over an input, atomic, formula cells neutralised),
model folders through `core.models.artefact` (verified on load, never written over foreign files).
"""

from __future__ import annotations

import logging
import math
import os
import sys
import warnings
from contextlib import contextmanager

from core.config import DEFAULT_MASTER, ENGINES
from core.config import debug as debugging
from core.data.csvfile import reading, skipped_reads
from core.errors import ConfigError, UserError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `cat` gives when its reader goes away


def check_range(value, option: str, low=None, high=None, *, low_open: bool = False, high_open: bool = False):
    """`value` when it lies in [low, high] (or the open ends asked for); ConfigError naming the option."""
    if value is None:
        return value
    bad = isinstance(value, float) and not math.isfinite(value)
    if low is not None:
        bad = bad or (value <= low if low_open else value < low)
    if high is not None:
        bad = bad or (value >= high if high_open else value > high)
    if bad:
        lo = "" if low is None else ("> " if low_open else ">= ") + f"{low}"
        hi = "" if high is None else ("< " if high_open else "<= ") + f"{high}"
        raise ConfigError(f"{option} must be {' and '.join(p for p in (lo, hi) if p)} (got {value})")
    return value


@contextmanager
def about_file(name: str):
    """A user error raised inside that names no file (deep in core, which does not know it) is
    re-raised naming `name`: every CLI message about the data names the input file."""
    try:
        yield
    except UserError as exc:
        if exc.file:
            raise
        raise type(exc)(exc.plain, file=name, column=exc.column, rows=exc.rows) from exc


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (a user error never spans lines on stderr)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def run_quietly(func, args) -> int:
    """Run a subcommand: library warnings (torch, sklearn, jieba's log) kept off stderr unless
    CE_DEBUG is set; a reader that closes stdout early (`| head`) ends the run quietly."""
    debug = debugging()
    try:
        with warnings.catch_warnings(), reading(bool(getattr(args, "skip_bad_rows", False))):
            if not debug:
                warnings.simplefilter("ignore")
                _quiet_loggers()
            code = int(func(args) or 0)
            sys.stdout.flush()
            return code
    except BrokenPipeError:
        # Python would print "Exception ignored ... BrokenPipeError" at exit: point stdout at devnull
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _quiet_loggers() -> None:
    for name in ("jieba", "torch", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


def add_engine_options(parser) -> None:
    """--engine duckdb|spark and --spark-master, for the subcommands whose work can run on Spark."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="duckdb (default: embedded, one machine) or spark (a cluster, or local[N])",
    )
    parser.add_argument(
        "--spark-master",
        default=DEFAULT_MASTER,
        help=f"Spark master URL with --engine spark (default {DEFAULT_MASTER}; spark://host:7077, yarn, k8s://...)",
    )


def add_read_options(parser) -> None:
    """--skip-bad-rows, for every subcommand that reads a CSV (the same row rule as `ingest`)."""
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="skip (and count) rows with more fields than the header instead of failing",
    )


def skipped_rows(args) -> dict:
    """With --skip-bad-rows: {"skipped_rows": n, "skipped_examples": [...]} for the JSON a subcommand
    prints (rows the CSV reader left out, the first five named by line); else {}."""
    if not getattr(args, "skip_bad_rows", False):
        return {}
    reads = skipped_reads()
    return {
        "skipped_rows": sum(r["skipped"] for r in reads),
        "skipped_examples": [f"{r['file']}: {e}" for r in reads for e in r["examples"]][:5],
    }
