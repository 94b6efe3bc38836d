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

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.data.csvfile import sniff
from core.data.sources import compressed, excel, stackexchange, tabular
from core.data.sources.base import (
    Opened,
    ReadOptions,
    check_header,
    from_relation,
    lit,
    quote,
    scratch_dir,
    source_error,
    text_expr,
)

__all__ = [
    "Opened",
    "ReadOptions",
    "check_header",
    "from_relation",
    "kind_of",
    "lit",
    "open_source",
    "quote",
    "scratch_dir",
    "sniff_kind",
    "source_error",
    "text_expr",
]

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
    kind = sniff_kind(path, kind_name or name)
    if kind == "packed":
        inner, inner_name, label = compressed.unpack(path, name, options.member, scratch)
        opened = _open(inner, original, label, options, encoding, scratch, inner_name)
        opened.detail = opened.detail or (label[len(name) :].strip(" ()") if label != name else "")
        return opened
    if kind == "excel":
        staged, sheet = excel.stage(path, name, options, scratch)
        cols = [(h, quote(f"c{i}")) for i, h in enumerate(excel.header_of(staged))]
        base = f"read_parquet({lit(str(staged))})"
        return from_relation(base, staged, original, name, "excel", f"sheet {sheet}", cols)
    if kind == "parquet":
        return tabular.open_parquet(path, original, name)
    if kind == "json":
        return tabular.open_json(path, original, name)
    if kind == "xml":
        staged = stackexchange.stage(path, name, options.table, scratch)
        return from_relation(f"read_parquet({lit(str(staged))})", staged, original, name, "xml")
    return Opened(path, original, sniff(path, name, encoding), None, "csv")
