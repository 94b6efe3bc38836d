"""What every source module shares: the user's read options, the opened source the ingest reads, text
columns over a DuckDB relation, and one-line errors. The format modules (excel, tabular, compressed,
stackexchange, sql) import this module, never the package, so the package can import them at its top.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.data.csvfile import CsvFormat, name_list
from core.errors import InputError


@dataclass
class ReadOptions:
    """What the user chose about a file: its sheet (name or 0-based index as text), header row
    (1-based, Excel), zip member, and for a forum dump which table to build."""

    sheet: str | None = None
    header_row: int | None = None
    member: str | None = None
    table: str | None = None  # the canonical table asked for (picks the sheet; forum dumps: posts/users)
    preview_rows: int | None = None  # read only this many rows where a format must be converted (previews)


@dataclass
class Opened:
    """A source ready to ingest. `relation` None: `path` is a CSV for the CSV reader (fmt from its sniff)."""

    path: Path  # the file read: the CSV (maybe an unpacked copy) or the file the relation reads
    original: Path  # the user's file (its sha256 is recorded), or the staged file of a database query
    fmt: CsvFormat  # header and sample rows as text
    relation: str | None  # DuckDB FROM-expression with VARCHAR columns c0..cN, in header order
    kind: str  # csv, excel, parquet, json, xml, sql
    detail: str = ""  # the sheet or member read, for messages


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A private folder for unpacked or converted copies, removed on exit (never inside a workspace)."""
    d = Path(tempfile.mkdtemp(prefix="ce-source-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_header(header: list[str], name: str, where: str = "") -> list[str]:
    """Column names as the CSV reader wants them: NFC, stripped, none blank, none twice."""
    header = [unicodedata.normalize("NFC", str(h).strip()) for h in header]
    if not header:
        raise InputError.keyed("err.csv.empty", file=name)
    if any(h == "" for h in header):
        pos = [i + 1 for i, h in enumerate(header) if h == ""]
        raise InputError.keyed("err.csv.blank_names", file=name + where, positions=", ".join(map(str, pos[:20])))
    dups = sorted(h for h, n in Counter(header).items() if n > 1)
    if dups:
        raise InputError.keyed("err.csv.repeated_names", file=name + where, names=name_list(dups))
    return header


def from_relation(
    base: str,
    path: Path,
    original: Path,
    name: str,
    kind: str,
    detail: str = "",
    columns: list[tuple[str, str]] | None = None,
) -> Opened:
    """An Opened over the DuckDB relation `base`: `columns` (header, SQL expression over base) default
    to base's own columns; each becomes VARCHAR c<i>, the text the CSV path would have read."""
    con = duckdb.connect()
    try:
        if columns is None:
            described = con.execute(f"DESCRIBE SELECT * FROM {base}").fetchall()
            columns = [(r[0], text_expr(quote(r[0]), r[1], name, r[0], kind)) for r in described]
        where = f" ({detail})" if detail else ""
        header = check_header([c for c, _ in columns], name, where)
        select = ", ".join(f"{expr} AS c{i}" for i, (_, expr) in enumerate(columns))
        relation = f"(SELECT {select} FROM {base})"
        try:
            sample = con.execute(f"SELECT * FROM {relation} LIMIT 200").fetchall()
        except duckdb.Error as exc:
            raise source_error(exc, name + where) from None
    finally:
        con.close()
    rows = [["" if v is None else v for v in r] for r in sample]
    if not rows:
        raise InputError.keyed("err.csv.no_rows", file=name + where)
    return Opened(path, original, CsvFormat("utf-8", ",", header, rows), relation, kind, detail)


_SCALAR_OK = ("VARCHAR", "BOOLEAN", "DATE", "TIME", "UUID")
_NUMERIC = tuple(
    "TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT FLOAT DOUBLE DECIMAL".split()
)


def text_expr(col: str, duck_type: str, name: str, column: str, kind: str) -> str:
    """A column of `duck_type` as the text the CSV reader would have seen (timestamps in UTC ISO
    form, numbers in their shortest exact form). InputError for types with no text form."""
    t = duck_type.upper()
    if t.endswith("]") or t.startswith(("MAP", "UNION", "STRUCT", "BLOB", "BIT")):
        if kind == "json" and t.endswith("[]"):
            return f"CAST(to_json({col}) AS VARCHAR)"  # a list in a record: kept as its JSON text
        raise InputError.keyed("err.src.unsupported_type", file=name, column=column, type=duck_type)
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return f"CAST(timezone('UTC', {col}) AS VARCHAR)"
    numeric = t.startswith(_NUMERIC)
    if numeric or t.startswith(("TIMESTAMP", "DATE", "TIME")) or t in _SCALAR_OK or t == "JSON":
        return f"CAST({col} AS VARCHAR)"
    raise InputError.keyed("err.src.unsupported_type", file=name, column=column, type=duck_type)


def source_error(exc: Exception, name: str) -> InputError:
    """DuckDB's error reading a non-CSV source, as one line."""
    text = " ".join(str(exc).split())
    return InputError.keyed("err.src.unreadable", file=name, reason=text[:300])
