"""Before an ingest: what a file looks like (its format, a suggested table and mapping, sample rows),
and the mapping settled from the user's choices, a remembered one and suggestions, checked against
the table's schema."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from core.data.csvfile import name_list
from core.data.mapping import missing_required, suggest_mapping, suggest_table
from core.data.schemas import SCHEMAS
from core.data.sources import ReadOptions, open_source
from core.data.workspace import Workspace
from core.errors import ConfigError, InputError


@dataclass
class FilePreview:
    """What the home page shows before an ingest: format, a suggested table and mapping, sample rows."""

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    sample_rows: list[list[str]]
    table: str
    mapping: dict
    remembered: bool
    kind: str = "csv"  # csv, excel, parquet, json, xml (core.data.sources)
    detail: str = ""  # the sheet or archive member read


def preview_file(
    ws: Workspace | None,
    path: str | Path,
    name: str | None = None,
    table: str | None = None,
    encoding: str | None = None,
    read=None,
) -> FilePreview:
    """Sniff a file and suggest (or recall) its table and mapping. Raises InputError for unreadable files.
    `read` (core.data.sources.ReadOptions): the sheet, header row or zip member of other file types."""
    read = replace(read or ReadOptions(table=table), preview_rows=200)  # a workbook: its first rows only
    with open_source(path, name or Path(path).name, read, encoding) as src:
        fmt = src.fmt
    remembered = ws.remembered_mapping(fmt.header) if ws is not None else None
    recalled = remembered is not None and (table is None or remembered[0] == table)
    if remembered is not None and recalled:
        table, mapping = remembered[0], _complete(remembered[1], fmt.header)
    else:
        rows = nfkc_rows(fmt.sample_rows)  # full-width digits read as the numbers and dates they are
        table = table or suggest_table(fmt.header, rows)
        mapping = suggest_mapping(fmt.header, rows, table)
    return FilePreview(
        name or Path(path).name,
        fmt.encoding,
        fmt.delimiter,
        fmt.header,
        fmt.sample_rows[:20],
        table,
        mapping,
        recalled,
        src.kind,
        src.detail,
    )


def nfkc_rows(rows: list[list[str]]) -> list[list[str]]:
    """Sample rows in NFKC (`４８０` -> `480`), for guessing kinds the way the conversion reads them."""
    return [[unicodedata.normalize("NFKC", c) for c in r] for r in rows]


def _complete(mapping: dict, header: list[str]) -> dict:
    return {c: mapping.get(c) for c in header}


def parse_map_args(items: list[str] | None) -> dict[str, str]:
    """CLI `--map CSV_COLUMN=FIELD` pairs -> dict. A column may contain '='; the field may not."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"--map '{item}' should look like CSV_COLUMN=FIELD")
        col, fld = item.rsplit("=", 1)
        out[col.strip()] = fld.strip()
    return out


def resolve_mapping(
    header: list[str], sample_rows: list[list[str]], table: str, given: dict | None, name: str
) -> dict[str, str | None]:
    """Combine a user's (partial) mapping with suggestions for the rest; validate it against the schema."""
    schema = SCHEMAS[table]
    valid = {f.name for f in schema.fields}
    given = {k: (v or None) for k, v in (given or {}).items()}
    for col, fld in given.items():
        if col not in header:
            raise ConfigError.keyed("err.ingest.unknown_column", file=name, mapped=col, names=name_list(header))
        if fld is not None and fld not in valid:
            raise ConfigError(
                f"'{fld}' is not a field of table '{table}' (fields: {', '.join(sorted(valid))})", file=name
            )
    mapping = suggest_mapping(header, nfkc_rows(sample_rows), table)
    claimed = {v for v in given.values() if v}
    mapping = {c: (given[c] if c in given else (None if mapping[c] in claimed else mapping[c])) for c in header}
    fields = [f for f in mapping.values() if f]
    dup = sorted({f for f in fields if fields.count(f) > 1})
    if dup:
        raise ConfigError.keyed("err.ingest.two_columns", file=name, fields=", ".join(dup))
    missing = missing_required(mapping, table)
    if missing:
        raise InputError.keyed(
            "err.ingest.missing",
            file=name,
            table=table,
            fields=", ".join(missing),
            names=name_list(header),
            field=missing[0].split(" ")[0],
        )
    extras = {c for c, f in mapping.items() if not f}
    clash = sorted(extras & valid)
    if clash:
        raise ConfigError(
            f"column(s) {', '.join(clash)} have a canonical field's name but another column is "
            "mapped to that field; rename or unmap one of them",
            file=name,
        )
    return mapping


def settle_mapping(ws: Workspace, fmt, table: str, mapping: dict | None, name: str) -> dict:
    """The column mapping: the one given, else the one remembered for this header (when it was for
    this table), completed by suggestions and checked for required fields (`resolve_mapping`)."""
    if mapping is None:
        remembered = ws.remembered_mapping(fmt.header)
        if remembered and remembered[0] == table:
            mapping = remembered[1]
    return resolve_mapping(fmt.header, fmt.sample_rows, table, mapping, name)


def _duplicate_version(ws: Workspace, table: str, digest: str, name: str, refuse: bool) -> int | None:
    """The version of `table` whose source file had this sha256 (an append repeating a file), else
    None; with `refuse`, a repeat is an InputError before any parsing."""
    duplicate_of = ws.version_with_sha(table, digest)
    if duplicate_of is not None and refuse:
        raise InputError.keyed("err.ingest.duplicate_file", file=name, table=table, version=duplicate_of)
    return duplicate_of
