"""`python -m core <subcommand>`: the headless CLI (contract in README.md, "Headless CLI"; in detail in docs/guide.md).

Each subcommand lives in `core/cli/<name>.py` and exposes `register(subparsers)`, which adds its
parser and sets `func=run`. A user error is one line on stderr and exit code 2; an unexpected
error is one line and exit code 1 (set CE_DEBUG=1 for the traceback). Never a traceback by default.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from core.cli import one_line, run_quietly
from core.config import debug
from core.errors import UserError

SUBCOMMANDS = [
    "sample",
    "ingest",
    "tables",
    "communities",
    "sentiment",
    "abtest",
    "churn",
    "recommend",
    "score",
    "aggregate",
    "health",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: one line, exit 2
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Community-economy analytics, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f"core.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_quietly(args.func, args)
    except UserError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI contract is one line, never a traceback
        if debug():
            raise
        msg = str(exc).splitlines()[0] if str(exc) else ""
        print(f"internal error: {type(exc).__name__}: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
