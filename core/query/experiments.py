"""The A/B engine's scan: per-group sums of metric columns, every metric in one DuckDB GROUP BY.

Plain numpy arrays in (group codes, float columns), plain numpy arrays out; `core.experiments`
builds its statistics from them. Each call has a connection of its own (to one in-memory DuckDB
database per process), sees the arrays without copying them, and closes it before it returns.

    sums = pair_sums(codes, 3, {"revenue": y, "pre_spend": x}, [("revenue", "pre_spend")])
    n, sum_y, sum_yy, sum_x, sum_xx, sum_xy = sums[("revenue", "pre_spend")]

DuckDB reads NaN in a float column as NULL and leaves it out of a sum: callers pass columns without
missing values (or drop those rows first), so every sum covers the same rows as `n`.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import duckdb  # lazily, as everywhere in core: `python -m core` starts without it
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import duckdb

Pair = tuple[str, str | None]


_DB: duckdb.DuckDBPyConnection | None = None
_DB_LOCK = threading.Lock()


def cursor() -> duckdb.DuckDBPyConnection:
    """A connection of its own (views registered on it are its own) to one in-memory DuckDB
    database kept for the process: starting a database costs more than some scans."""

    global _DB
    with _DB_LOCK:
        if _DB is None:
            _DB = duckdb.connect()
        return _DB.cursor()


def narrow_codes(groups: np.ndarray, size: int) -> np.ndarray:
    """Group codes in [0, size) in the narrowest integer type: DuckDB groups an 8-bit key about
    twice as fast as a 64-bit one (it can use a perfect hash instead of a hash table)."""
    for dtype in (np.int8, np.int16, np.int32):
        if size <= np.iinfo(dtype).max:
            return groups if groups.dtype == dtype else groups.astype(dtype)
    return groups


def pair_sums_sql(
    table: str, pairs: Sequence[tuple[str, str | None]], squares: bool = True, binary: Collection[str] = ()
) -> tuple[str, list]:
    """(SQL, layout) for the sums of each (y, x) pair per group `g` of `table` (columns named as
    given, already safe identifiers). The layout lists, per distinct pair, the result columns that
    hold [n, sum y, (sum y^2,) and with x: sum x, sum x^2, sum xy]; a sum two pairs share (the
    covariate's, a column's square) is computed once, and a `binary` column's (0/1) square is
    its sum."""

    def square(c: str) -> str:
        return f"sum({c})" if c in binary else f"sum({c} * {c})"

    exprs: dict[str, str] = {"count(*)": "s0"}
    layout = []
    for y, x in dict.fromkeys(pairs):
        parts = [f"sum({y})"] + ([square(y)] if squares else [])
        if x:
            parts += [f"sum({x})", square(x), f"sum({y} * {x})"]
        layout.append(((y, x), ["s0"] + [exprs.setdefault(e, f"s{len(exprs)}") for e in parts]))
    select = ", ".join(f"{e} AS {name}" for e, name in exprs.items())
    return f"SELECT g, {select} FROM {table} GROUP BY g", layout


def pair_sums(
    groups: np.ndarray,
    size: int,
    columns: Mapping[str, np.ndarray],
    pairs: Sequence[Pair],
    squares: bool = True,
    binary: Collection[str] = (),
) -> dict[Pair, list[np.ndarray]]:
    """{(y, x): [n, sum y, (sum y^2,) (sum x, sum x^2, sum xy)]} per group code in [0, size), each
    an array of `size` floats (0 for a group without rows), all pairs in one scan of the rows.
    `binary`: columns known to hold only 0 and 1 (their squares are not summed again)."""
    names = sorted({c for p in pairs for c in p if c})
    alias = {c: f"c{i}" for i, c in enumerate(names)}
    aliased = [(alias[y], alias[x] if x else None) for y, x in pairs]
    sql, layout = pair_sums_sql("rows_", aliased, squares, {alias[c] for c in binary if c in alias})
    frame = pd.DataFrame({"g": narrow_codes(groups, size), **{alias[c]: columns[c] for c in names}}, copy=False)
    con = cursor()
    try:
        con.register("rows_", frame)
        res = con.execute(sql).fetchnumpy()
    finally:
        con.close()
    g = np.asarray(res["g"], dtype=np.int64)
    back = {a: c for c, a in alias.items()}
    out: dict[Pair, list[np.ndarray]] = {}
    for (y, x), keys in layout:
        cols = []
        for k in keys:
            col = np.zeros(size)
            col[g] = np.asarray(res[k], dtype=float)
            cols.append(col)
        out[(back[y], back[x] if x else None)] = cols
    return out
