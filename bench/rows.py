"""Rows for `make bench`'s one table (bench/run.py).

A bench script collects rows (figure, value, reference measured in the same run, ratio, floor,
pass) and calls `emit_rows` at its end: one `BENCH_ROW {json}` line per row on stdout, which
bench/run.py collects from every script's output.
"""

from __future__ import annotations

import json
import os

PREFIX = "BENCH_ROW "


def row(figure: str, value: float, reference: float | None, ratio: float | None, floor: str, ok: bool) -> dict:
    return {"figure": figure, "value": value, "reference": reference, "ratio": ratio, "floor": floor, "pass": ok}


def emit_rows(bench: str, rows: list[dict]) -> None:
    load = os.getloadavg()[0]
    for r in rows:
        print(PREFIX + json.dumps({"bench": bench, "load": round(load, 2), **r}, default=float), flush=True)
