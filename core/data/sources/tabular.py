"""Parquet and JSON (JSON Lines or an array of records), read by DuckDB as they stream.

Parquet keeps its types (timestamps, numbers, booleans); JSON's are inferred by DuckDB. Nested records
are flattened into columns named with '.' (`user.name`); a JSON list inside a record is kept as its
JSON text. A JSON field holding values of different kinds (a number here, an object there) and
Parquet types with no plain-text form (lists, maps, blobs) are refused, naming the column.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.data.sources.base import Opened, from_relation, lit, quote, source_error, text_expr
from core.errors import InputError


def _flatten(prefix: str, expr: str, typ, name: str, kind: str) -> list[tuple[str, str]]:
    if typ.id == "struct":
        out: list[tuple[str, str]] = []
        for child, ctype in typ.children:
            out += _flatten(f"{prefix}.{child}", f"{expr}.{quote(child)}", ctype, name, kind)
        return out
    return [(prefix, text_expr(expr, str(typ), name, prefix, kind))]


def _columns(con, base: str, name: str, kind: str) -> list[tuple[str, str]]:

    try:
        rel = con.sql(f"SELECT * FROM {base} LIMIT 0")
        described = list(zip(rel.columns, rel.types))
    except duckdb.Error as exc:
        raise source_error(exc, name) from None
    out: list[tuple[str, str]] = []
    for col, typ in described:
        out += _flatten(col, quote(col), typ, name, kind)
    return out


def open_parquet(path: Path, original: Path, name: str) -> Opened:

    base = f"read_parquet({lit(str(path))})"
    con = duckdb.connect()
    try:
        cols = _columns(con, base, name, "parquet")
    finally:
        con.close()
    return from_relation(base, path, original, name, "parquet", "", cols)


def open_json(path: Path, original: Path, name: str) -> Opened:

    base = f"read_json({lit(str(path))}, format = 'auto')"
    con = duckdb.connect()
    try:
        rel = None
        try:
            rel = con.sql(f"SELECT * FROM {base} LIMIT 0")
        except duckdb.Error as exc:
            raise source_error(exc, name) from None
        for col, typ in zip(rel.columns, rel.types):
            if str(typ) == "JSON":
                _mixed(con, base, col, name)
        cols = _columns(con, base, name, "json")
    finally:
        con.close()
    return from_relation(base, path, original, name, "json", "", cols)


def _mixed(con, base: str, col: str, name: str) -> None:
    """A field DuckDB could only type as JSON holds values of different kinds: name the first row
    whose kind differs from the first value's."""
    q = quote(col)
    rows = con.execute(
        f"WITH t AS (SELECT row_number() OVER () AS r, json_type({q}) AS k FROM {base}), "
        "f AS (SELECT k FROM t WHERE k IS NOT NULL AND k <> 'NULL' ORDER BY r LIMIT 1) "
        "SELECT t.r, t.k, f.k FROM t, f WHERE t.k IS NOT NULL AND t.k <> 'NULL' AND t.k <> f.k ORDER BY t.r LIMIT 1"
    ).fetchall()
    if rows:
        r, kind, first = rows[0]
        raise InputError.keyed(
            "err.src.mixed_json", file=name, column=col, rows=[int(r)], first=_kind(first), kind=_kind(kind)
        )


def _kind(json_type: str) -> str:
    """DuckDB's json_type as a reader says it."""
    t = json_type.upper()
    if t in ("UBIGINT", "BIGINT", "DOUBLE", "INTEGER", "HUGEINT"):
        return "number"
    return {"VARCHAR": "text", "OBJECT": "object", "ARRAY": "list", "BOOLEAN": "true/false"}.get(t, t.lower())
