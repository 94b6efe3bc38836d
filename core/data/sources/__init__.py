"""Every file type an analyst holds, read as the same stream of rows the CSV ingest maps and checks.

`open_source(path, name, ...)` says what a file is (by its name, then its first bytes) and returns an
`Opened`: either a CSV for the CSV reader (the file itself, or its unpacked copy from a .gz/.zst/.zip),
or a DuckDB relation whose columns are the source's columns (Excel sheet, Parquet, JSON, a forum dump,
a database query), with a header and sample rows as text for the mapping. `core.data.ingest` then maps,
converts, checks, versions and stores either one the same way, all or nothing.

One module per format: excel (python-calamine), tabular (Parquet and JSON through DuckDB), compressed
(gzip, zstandard, zip), stackexchange (Posts.xml/Users.xml/Comments.xml, iterparse), sql (PostgreSQL
through ADBC, Arrow batches).
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

from core.data.csvfile import CsvFormat, name_list
from core.errors import InputError

EXCEL = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
PARQUET = (".parquet", ".pq")
JSON = (".json", ".jsonl", ".ndjson")
PACKED = (".gz", ".zst", ".zstd", ".zip")
XML = (".xml",)
# what the upload box accepts (besides csv/txt/tsv)
UPLOAD_TYPES = [
    "csv",
    "txt",
    "tsv",
    "xlsx",
    "xlsm",
    "xls",
    "parquet",
    "json",
    "jsonl",
    "ndjson",
    "gz",
    "zst",
    "zip",
    "xml",
]


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


def kind_of(name: str) -> str:
    """A file's type from its name: csv, excel, parquet, json, packed or xml."""
    low = name.lower()
    for kind, ends in (("excel", EXCEL), ("parquet", PARQUET), ("json", JSON), ("packed", PACKED), ("xml", XML)):
        if low.endswith(ends):
            return kind
    return "csv"


def sniff_kind(path: Path, name: str) -> str:
    """The type by name, then by magic bytes (an upload saved under another suffix)."""
    kind = kind_of(name)
    if kind != "csv":
        return kind
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"\x28\xb5\x2f\xfd")):
        return "packed"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "excel"
    return "csv"


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A private folder for unpacked or converted copies, removed on exit (never inside a workspace)."""
    d = Path(tempfile.mkdtemp(prefix="ce-source-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@contextmanager
def open_source(
    path: str | Path, name: str, options: ReadOptions | None = None, encoding: str | None = None
) -> Iterator[Opened]:
    """Open the user's file `path` (called `name` in messages) for the ingest; temp copies go on exit."""
    path = Path(path)
    options = options or ReadOptions()
    with scratch_dir() as scratch:
        yield _open(path, path, name, options, encoding, scratch)


def _open(
    path: Path,
    original: Path,
    name: str,
    options: ReadOptions,
    encoding: str | None,
    scratch: Path,
    kind_name: str | None = None,
) -> Opened:
    """`name`: what messages call the file; `kind_name`: the file name its type is told by."""
    from core.data.csvfile import sniff

    kind = sniff_kind(path, kind_name or name)
    if kind == "packed":
        from core.data.sources import compressed

        inner, inner_name, label = compressed.unpack(path, name, options.member, scratch)
        opened = _open(inner, original, label, options, encoding, scratch, inner_name)
        opened.detail = opened.detail or (label[len(name) :].strip(" ()") if label != name else "")
        return opened
    if kind == "excel":
        from core.data.sources import excel

        staged, sheet = excel.stage(path, name, options, scratch)
        cols = [(h, quote(f"c{i}")) for i, h in enumerate(excel.header_of(staged))]
        base = f"read_parquet({lit(str(staged))})"
        return from_relation(base, staged, original, name, "excel", f"sheet {sheet}", cols)
    if kind == "parquet":
        from core.data.sources import tabular

        return tabular.open_parquet(path, original, name)
    if kind == "json":
        from core.data.sources import tabular

        return tabular.open_json(path, original, name)
    if kind == "xml":
        from core.data.sources import stackexchange

        staged = stackexchange.stage(path, name, options.table, scratch)
        return from_relation(f"read_parquet({lit(str(staged))})", staged, original, name, "xml")
    return Opened(path, original, sniff(path, name, encoding), None, "csv")


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
    import duckdb

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
