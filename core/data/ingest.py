"""Ingest: a file (or a database query) -> a new version of a canonical table, all or nothing.

`ingest_file(ws, path, table, IngestOptions(...))` runs these named steps (`_ingest`):
1. open the source (`core.data.sources`: CSV, Excel, Parquet, JSON, archives, forum dumps) and sniff
   its head: encoding, delimiter, header (duplicate/blank headers, empty files fail here);
2. settle the column mapping (given, remembered for this header, or suggested; `core.data.preview`);
3. `_target`: the table's current version, and whether the ingest appends to it;
4. `_refuse_repeated_file`: an append of a file already loaded (its sha256, hashed while DuckDB parses);
5. `_typed_file` (`core.data.parse`): parse and convert into a staged Parquet file in one pass (a clean
   file), else through the checked conversion whose errors name the column, rows and values, or drop
   and count them with `skip_bad_rows`;
6. `_repeated_rows` and `_append_previous`: an append's rows already in the table, and the union;
7. `_confirm`: a risky change waits for the user (`ConfirmationNeeded`) when asked to;
8. `_commit`: one short transaction makes the staged file the table's current version.
A failure or a kill anywhere before step 8 commits leaves the workspace exactly as it was.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path

import duckdb

from core import access
from core.access import Actor
from core.data import audit
from core.data.append import append_onto, overlap_error, repeated_key_rows
from core.data.csvfile import sha256_file
from core.data.parse import Parsed, check_values, parse, write_kept
from core.data.preview import FilePreview, nfkc_rows, parse_map_args, preview_file, resolve_mapping, settle_mapping
from core.data.schemas import SCHEMAS
from core.data.sources import Opened, ReadOptions, open_source
from core.data.workspace import TABLES_DIR, Workspace, WriteToken, check_write, sweep_leftovers
from core.errors import ConfigError, InputError

__all__ = [  # the preview helpers callers have always imported from here
    "ConfirmationNeeded",
    "FilePreview",
    "IngestCheck",
    "IngestOptions",
    "IngestReport",
    "Reviewed",
    "ingest_file",
    "ingest_opened",
    "nfkc_rows",
    "parse_map_args",
    "preview_file",
    "resolve_mapping",
]


@dataclass(frozen=True)
class Reviewed:
    """The version of the table the user saw before confirming (None: there was no table then). The
    commit fails if the table has changed since."""

    version: int | None


@dataclass
class IngestOptions:
    """How to ingest a file. `mapping` ({column: canonical field or None}) may be partial: the rest is
    suggested, or recalled from an earlier upload with the same header (`remember` keeps this one).
    `mode`: "replace" (the file becomes the table) or "append" (the current rows plus the file's).
    `ask_first`: raise ConfirmationNeeded instead of committing a risky change (a shrinking replace,
    over 1% of rows skipped, a repeated file or repeated keys); the caller shows it and calls again
    with `reviewed`. `allow_duplicate`: append a repeated file or rows whose key the table has.
    `read`: the sheet, header row or zip member of other file types. `memory_limit`: DuckDB's, for
    this ingest (None: from the file's size, 48 MB to 512 MB)."""

    mapping: dict | None = None
    skip_bad_rows: bool = False
    mode: str = "replace"
    ask_first: bool = False
    reviewed: Reviewed | None = None
    allow_duplicate: bool = False
    source_name: str | None = None
    encoding: str | None = None
    read: ReadOptions | None = None
    remember: bool = True
    memory_limit: str | None = None

    @classmethod
    def of(cls, options: IngestOptions | None = None, **keywords) -> IngestOptions:
        """`options`, or options from keywords (the fields above)."""
        if options is not None:
            if keywords:
                raise TypeError(f"give IngestOptions or keywords, not both ({', '.join(keywords)})")
            return options
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(keywords) - known)
        if unknown:
            raise TypeError(f"unknown ingest option(s): {', '.join(unknown)}")
        return cls(**keywords)


@dataclass
class IngestReport:
    table: str
    version: int
    rows: int
    skipped: int
    sha256: str
    source: str
    mapping: dict
    encoding: str
    delimiter: str
    skipped_examples: list[str] = field(default_factory=list)
    rows_before: int | None = None  # rows of the table's previous current version (None: new table)
    mode: str = "replace"  # "replace" | "append"
    overlap: int = 0  # appended rows whose key (SCHEMAS[table].key) the table already had
    duplicate_of: int | None = None  # an appended file identical (sha256) to this earlier version's


@dataclass(frozen=True)
class IngestCheck:
    """What an ingest is about to do, shown to the user before a risky replace is committed."""

    table: str
    mode: str  # "replace" | "append"
    rows_before: int | None  # rows of the current version (None: the table is new)
    rows_after: int  # rows of the new version
    skipped: int
    skipped_examples: list[str]
    current_version: int | None
    overlap: int = 0  # an append: rows of the file whose key the table already has
    duplicate_of: int | None = None  # an append: the earlier version whose source file is identical
    key: tuple[str, ...] = ()  # the fields `overlap` compares

    @property
    def needs_confirmation(self) -> bool:
        """A replace that shrinks a table, any ingest that skipped more than 1% of the file's rows, or an
        append that repeats a file already loaded or rows already there (by the table's key)."""
        shrinks = self.mode == "replace" and self.rows_before is not None and self.rows_after < self.rows_before
        new_rows = self.rows_after - (self.rows_before or 0) if self.mode == "append" else self.rows_after
        repeats = self.duplicate_of is not None or self.overlap > 0
        return shrinks or repeats or self.skipped > 0.01 * (new_rows + self.skipped)


class ConfirmationNeeded(Exception):
    """Raised by an ingest asked to `ask_first` instead of committing; nothing has changed."""

    def __init__(self, check: IngestCheck):
        super().__init__(f"{check.table}: {check.rows_before} -> {check.rows_after} rows, {check.skipped} skipped")
        self.check = check


def ingest_file(
    ws: Workspace,
    path: str | Path,
    table: str,
    options: IngestOptions | None = None,
    *,
    actor: Actor | None = None,
    **keywords,
) -> IngestReport:
    """Ingest the file at `path` as a new version of `table` in `ws`, all or nothing (`IngestOptions`,
    or its fields as keywords). Raises InputError/ConfigError with a plain message naming the file,
    column and rows; the workspace is then unchanged. `actor` (None: the command line): a signed-in
    user must own the workspace (or be an admin), or create it, becoming its owner (core.access);
    who it was goes into the audit trail."""
    opts = IngestOptions.of(options, **keywords)
    path = Path(path)
    name = opts.source_name or path.name
    actor = actor or access.CLI
    check_write(ws, actor)  # before reading a byte: a refused user learns nothing from the file
    if table not in SCHEMAS:
        raise ConfigError(f"unknown table '{table}'; choose one of {', '.join(SCHEMAS)}")
    if opts.mode not in ("replace", "append"):
        raise ConfigError(f"unknown mode '{opts.mode}'; use replace or append")
    if not path.is_file():
        raise InputError.keyed("err.csv.not_found" if not path.exists() else "err.csv.not_a_file", file=name)
    read = opts.read or ReadOptions()
    read.table = read.table or table
    with open_source(path, name, read, opts.encoding) as src:
        return _ingest(ws, src, table, opts, name, actor)


def ingest_opened(
    ws: Workspace,
    src: Opened,
    table: str,
    mapping: dict | None = None,
    skip_bad_rows: bool = False,
    name: str | None = None,
    *,
    actor: Actor | None = None,
    options: IngestOptions | None = None,
    **keywords,
) -> IngestReport:
    """`ingest_file` once the source is open (a CSV, or a relation of text columns from Excel,
    Parquet, JSON, an archive, a forum dump or a database query); the same access check."""
    opts = IngestOptions.of(options, **keywords)
    if options is None:
        opts.mapping, opts.skip_bad_rows = mapping, skip_bad_rows
    return _ingest(ws, src, table, opts, name or opts.source_name or src.detail or src.path.name, actor or access.CLI)


@dataclass
class _Target:
    """The table an ingest writes: its current version (version, file, hidden columns, rows) or None."""

    previous: tuple[int, Path, list[str], int] | None
    appending: bool

    @property
    def rows_before(self) -> int | None:
        return self.previous[3] if self.previous is not None else None


def _ingest(ws: Workspace, src: Opened, table: str, opts: IngestOptions, name: str, actor: Actor) -> IngestReport:
    """The steps of an ingest (module docstring), from an open source to a committed version."""
    new = check_write(ws, actor)  # a database query is checked here, before anything is written
    mapping = settle_mapping(ws, src.fmt, table, opts.mapping, name)
    target = _target(ws, table, opts.mode)
    with ThreadPoolExecutor(1) as hashing:
        # the file as uploaded (a query: its rows as fetched), hashed while DuckDB parses it
        digest = hashing.submit(sha256_file, src.original)
        duplicate_of = _refuse_repeated_file(ws, table, target, digest, name, opts)
        with WriteToken(ws) as token:
            con = duckdb.connect()
            try:
                final, rows, parsed, hidden = _typed_file(con, ws, src, table, mapping, target, token, name, opts)
                key, overlap = _repeated_rows(con, table, mapping, target, final, rows, name, opts)
                if target.appending:
                    rows, hidden = _append_previous(con, target, final, token, hidden, rows, table, name)
            finally:
                con.close()
            check = IngestCheck(
                table,
                opts.mode if target.previous is not None else "replace",
                target.rows_before,
                rows,
                parsed.skipped,
                parsed.skipped_lines,
                target.previous[0] if target.previous else None,
                overlap,
                duplicate_of,
                key if overlap else (),
            )
            if opts.ask_first and check.needs_confirmation:
                raise ConfirmationNeeded(check)
            version = _commit(ws, final, table, src, name, mapping, target, check, digest.result(), hidden, opts, actor)
    if new and access.claim_workspace(actor, ws.name):  # the creator owns what they made
        audit.log(ws, actor.who, "access", detail=f"owner: {actor.email}")
    return IngestReport(
        table,
        version,
        rows,
        parsed.skipped,
        digest.result(),
        name,
        mapping,
        src.fmt.encoding,
        src.fmt.delimiter,
        parsed.skipped_lines,
        target.rows_before,
        "append" if target.appending else "replace",
        overlap,
        duplicate_of,
    )


def _target(ws: Workspace, table: str, mode: str) -> _Target:
    sweep_leftovers(ws, orphans=False)  # temp files of dead writers; orphan versions go in the commit
    previous = ws.current_file(table)
    return _Target(previous, mode == "append" and previous is not None)


def _refuse_repeated_file(
    ws: Workspace, table: str, target: _Target, digest: Future, name: str, opts: IngestOptions
) -> int | None:
    """An append of a file whose sha256 a version of the table recorded: that version (asked about
    with `ask_first`), an InputError before any parsing (without), or None (not an append, or allowed)."""
    if not target.appending or opts.allow_duplicate:
        return None
    duplicate_of = ws.version_with_sha(table, digest.result())
    if duplicate_of is not None and not opts.ask_first:
        raise InputError.keyed("err.ingest.duplicate_file", file=name, table=table, version=duplicate_of)
    return duplicate_of


def _memory_limit(opts: IngestOptions, src: Opened) -> str:
    """DuckDB's memory limit for this ingest: the one asked for, else the file's size within 48 MB to
    512 MB. The conversion streams (`core.data.parse.stream_to_parquet`, two DuckDB threads, small
    batches) far below it; it bounds what DuckDB holds or spills besides (a window over every row,
    JSON's reader)."""
    if opts.memory_limit:
        return opts.memory_limit
    size = os.path.getsize(src.path) if src.path.is_file() else 0
    return f"{min(512, max(48, size >> 20))}MB"


def _typed_file(
    con, ws: Workspace, src: Opened, table: str, mapping: dict, target: _Target, token: WriteToken, name: str,
    opts: IngestOptions,
) -> tuple[Path, int, Parsed, list[str]]:  # fmt: skip
    """The new rows as a staged Parquet file (core.data.parse): (its path, rows kept, what the parse
    skipped, the check columns it keeps hidden)."""
    stage = ws.path / TABLES_DIR / f".tmp-{token.name}.parquet"
    final = ws.path / TABLES_DIR / f".tmp-{token.name}-final.parquet"
    row_offset = (target.rows_before or 0) if target.appending else 0
    parsed = parse(
        con, src, mapping, SCHEMAS[table], token.dir, stage, name, opts.skip_bad_rows, _memory_limit(opts, src),
        row_offset,
    )  # fmt: skip
    rows, bad = check_values(con, parsed, name, opts.skip_bad_rows)
    write_kept(con, stage, final, bad)
    return final, rows, parsed, parsed.plan.helper_cols


def _repeated_rows(
    con, table: str, mapping: dict, target: _Target, final: Path, rows: int, name: str, opts: IngestOptions
) -> tuple[tuple[str, ...], int]:
    """An append's rows whose key (`SCHEMAS[table].key`, when every key field is mapped) the table
    already has: (the key, how many); an InputError unless allowed or asked about."""
    schema = SCHEMAS[table]
    key = tuple(k for k in schema.key if k in mapping.values())
    if not (target.appending and key and key == schema.key):
        return key, 0
    assert target.previous is not None
    overlap = repeated_key_rows(con, target.previous[1], final, key)
    if overlap and not (opts.allow_duplicate or opts.ask_first):
        raise overlap_error(overlap, target.previous, key, rows, table, name)
    return key, overlap


def _append_previous(
    con, target: _Target, final: Path, token: WriteToken, hidden: list[str], rows: int, table: str, name: str
) -> tuple[int, list[str]]:
    """Rewrite `final` as the current rows followed by the new ones: (rows in all, hidden columns)."""
    assert target.previous is not None  # appending means there is a current version
    union = final.with_name(f".tmp-{token.name}-union.parquet")
    append_onto(con, target.previous, final, union, hidden, table, name)
    union.replace(final)
    return rows + target.previous[3], []


def _commit(
    ws: Workspace, final: Path, table: str, src: Opened, name: str, mapping: dict, target: _Target,
    check: IngestCheck, digest: str, hidden: list[str], opts: IngestOptions, actor: Actor,
) -> int:  # fmt: skip
    """Make `final` the table's current version. An append commits only onto the version it was built
    on; a confirmed ingest only onto the version the user reviewed; a plain replace onto any."""
    onto: int | None | bool = False
    if opts.reviewed is not None:
        onto = opts.reviewed.version
    elif target.appending and target.previous is not None:
        onto = target.previous[0]
    return ws.commit_version(
        final,
        table,
        source=name,
        sha256=digest,
        rows=check.rows_after,
        skipped=check.skipped,
        mapping=mapping,
        encoding=src.fmt.encoding,
        delimiter=src.fmt.delimiter,
        hidden=hidden,
        action="append" if target.appending else "replace",
        expect_current=onto,
        remember_header=src.fmt.header if opts.remember else None,
        who=actor.who,
    )
