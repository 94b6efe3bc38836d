"""CSV ingest: a file on disk -> a new version of a canonical table, all or nothing.

Pipeline (nothing is ever loaded whole into pandas):
1. `sniff` the head: encoding, delimiter, header (duplicate/blank headers, empty files fail here);
2. settle the column mapping (given, remembered for this header, or suggested) and check required fields;
3. stream-decode to UTF-8 when needed (`utf8_copy`), then DuckDB parses every field as text into a
   private staging database (parallel, spills to disk);
4. convert each mapped column to its kind in SQL (dates in many formats and unix s/ms, numbers with
   thousands separators, yes/no flags); rows that do not convert fail the ingest with the column, the
   first rows and values, unless `skip_bad_rows` drops and counts them;
5. one short transaction copies the typed table into the workspace as a new version and moves the view.
A failure or a kill anywhere before step 5 commits leaves the workspace exactly as it was.
"""

from __future__ import annotations

import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from core import access
from core.access import Actor
from core.data import audit
from core.data.append import append_onto, overlap_error, repeated_key_rows
from core.data.convert import ConversionPlan, conversion_plan, one_row, sql_text, strict_plan
from core.data.csvfile import MAX_LINE_BYTES, name_list, readable_copy, sha256_file, shaped_copy
from core.data.mapping import missing_required, suggest_mapping, suggest_table
from core.data.schemas import SCHEMAS
from core.data.workspace import TABLES_DIR, Workspace, WriteToken, check_write, sweep_leftovers
from core.errors import ConfigError, InputError, Phrase, Phrases

_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")


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
    from core.data.sources import ReadOptions, open_source

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


# ---- SQL expressions per kind -----------------------------------------------------------------------


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
    """Raised by `ingest_file(require_confirmation=True)` instead of committing; nothing has changed."""

    def __init__(self, check: IngestCheck):
        super().__init__(f"{check.table}: {check.rows_before} -> {check.rows_after} rows, {check.skipped} skipped")
        self.check = check


def ingest_file(
    ws: Workspace,
    path: str | Path,
    table: str,
    mapping: dict | None = None,
    skip_bad_rows: bool = False,
    source_name: str | None = None,
    encoding: str | None = None,
    remember: bool = True,
    memory_limit: str = "512MB",
    mode: str = "replace",
    require_confirmation: bool = False,
    expected_version: int | None | bool = False,
    allow_duplicate: bool = False,
    actor: Actor | None = None,
    read=None,
) -> IngestReport:
    """Ingest the CSV at `path` as a new version of `table` in `ws`. All or nothing.

    `mapping` ({csv column: canonical field or None}) may be partial: unnamed columns are suggested, or
    recalled from an earlier upload with the same header. Raises InputError/ConfigError with a plain
    message naming the file, column and rows; the workspace is then unchanged.

    `mode`: "replace" (the file becomes the table) or "append" (the new version is the current rows
    plus the file's; the file must have the same columns and compatible types). Either way a new
    immutable version, so `Workspace.restore` undoes it. `require_confirmation`: raise
    ConfirmationNeeded (committing nothing) when `IngestCheck.needs_confirmation`; the caller shows it
    and calls again with `expected_version=check.current_version`, which fails if the table changed.

    Duplicate appends: an append of a file whose sha256 a version of the table already recorded, or
    whose rows repeat the table's key (`SCHEMAS[table].key`, when every key field is mapped), raises
    InputError (one line, with how many rows) unless `allow_duplicate`; with `require_confirmation`
    it asks instead (ConfirmationNeeded, `check.duplicate_of` / `check.overlap`).
    `actor` (None: the command line): a signed-in user must own the workspace (or be an admin), or
    create it, becoming its owner (core.access); who it was goes into the audit trail.

    One streaming pass: DuckDB parses the CSV (in parallel), converts every column and writes an
    immutable Parquet file; a short transaction then makes that file the table's current version.

    Other file types (Excel, Parquet, JSON, .gz/.zst/.zip, Stack Exchange XML) go the same way
    through `core.data.sources`; `read` (a ReadOptions) picks the sheet, header row or zip member.
    """
    path = Path(path)
    name = source_name or path.name
    actor = actor or access.CLI
    check_write(ws, actor)  # before reading a byte: a refused user learns nothing from the file
    if table not in SCHEMAS:
        raise ConfigError(f"unknown table '{table}'; choose one of {', '.join(SCHEMAS)}")
    if mode not in ("replace", "append"):
        raise ConfigError(f"unknown mode '{mode}'; use replace or append")
    if not path.is_file():
        raise InputError.keyed("err.csv.not_found" if not path.exists() else "err.csv.not_a_file", file=name)
    from core.data.sources import ReadOptions, open_source

    read = read or ReadOptions()
    read.table = read.table or table
    with open_source(path, name, read, encoding) as src:
        return ingest_opened(
            ws, src, table, mapping, skip_bad_rows, name, remember, memory_limit, mode, require_confirmation,
            expected_version, allow_duplicate, actor,
        )  # fmt: skip


def ingest_opened(
    ws: Workspace,
    src,
    table: str,
    mapping: dict | None,
    skip_bad_rows: bool,
    name: str,
    remember: bool = True,
    memory_limit: str = "512MB",
    mode: str = "replace",
    require_confirmation: bool = False,
    expected_version: int | None | bool = False,
    allow_duplicate: bool = False,
    actor: Actor | None = None,
) -> IngestReport:
    """`ingest_file` once the source is open (core.data.sources.Opened: a CSV, or a relation of text
    columns from Excel, Parquet, JSON, an archive, a forum dump or a database query). Every caller
    (the page's database source too) goes through the same access check as `ingest_file`.

    Steps: access check -> the mapping (`_settle_mapping`) -> a repeated file (`_duplicate_version`)
    -> parse and convert into a staged Parquet file (`_parse`) -> check the conversions (`_check_values`)
    -> the kept rows (`_write_kept`) -> repeated rows (`repeated_key_rows`) -> an append's union
    (`append_onto`) -> confirmation -> `Workspace.commit_version`."""
    actor = actor or access.CLI
    new = check_write(ws, actor)  # a database query is checked here, before anything is written
    fmt = src.fmt
    mapping = _settle_mapping(ws, fmt, table, mapping, name)
    schema = SCHEMAS[table]

    sweep_leftovers(ws, orphans=False)  # temp files of dead writers; orphan versions go in the commit
    previous = ws.current_file(table)
    appending = mode == "append" and previous is not None
    rows_before = previous[3] if previous is not None else None
    # the file as uploaded (a query: its rows as fetched), hashed while DuckDB parses it (hashlib
    # leaves the GIL), unless an append needs it first to refuse a repeated file
    hashing = ThreadPoolExecutor(1)
    pending = hashing.submit(sha256_file, src.original)
    duplicate_of = None
    if appending and not allow_duplicate:
        try:
            duplicate_of = _duplicate_version(ws, table, pending.result(), name, refuse=not require_confirmation)
        except BaseException:
            hashing.shutdown()
            raise
    with hashing, WriteToken(ws) as token:
        stage = ws.path / TABLES_DIR / f".tmp-{token.name}.parquet"
        final = ws.path / TABLES_DIR / f".tmp-{token.name}-final.parquet"
        con = duckdb.connect()
        try:
            row_offset = (rows_before or 0) if appending else 0
            parsed = _parse(con, src, mapping, schema, token.dir, stage, name, skip_bad_rows, memory_limit, row_offset)
            rows, bad = _check_values(con, parsed, name, skip_bad_rows)
            _write_kept(con, stage, final, bad)
            key = tuple(k for k in schema.key if k in mapping.values())
            overlap = 0
            if appending and key and key == schema.key:
                assert previous is not None
                overlap = repeated_key_rows(con, previous[1], final, key)
                if overlap and not (allow_duplicate or require_confirmation):
                    raise overlap_error(overlap, previous, key, rows, table, name)
            hidden = parsed.plan.helper_cols
            if appending:
                assert previous is not None  # appending means there is a current version
                append_onto(con, previous, final, stage, hidden, table, name)
                stage.replace(final)
                hidden = []
                rows += previous[3]  # rows_before
            con.close()
            check = IngestCheck(
                table,
                mode if previous is not None else "replace",
                rows_before,
                rows,
                parsed.skipped,
                parsed.skipped_lines,
                previous[0] if previous else None,
                overlap,
                duplicate_of,
                key if overlap else (),
            )
            digest = pending.result()
            if require_confirmation and check.needs_confirmation:
                raise ConfirmationNeeded(check)
            # an append was built on the current version: commit only onto that one; a confirmed
            # replace only onto the version the user reviewed; a plain replace onto whatever is current
            onto: int | bool | None = expected_version
            if expected_version is False and appending and previous is not None:
                onto = previous[0]
            version = ws.commit_version(
                final,
                table,
                source=name,
                sha256=digest,
                rows=rows,
                skipped=parsed.skipped,
                mapping=mapping,
                encoding=fmt.encoding,
                delimiter=fmt.delimiter,
                hidden=hidden,
                action="append" if appending else "replace",
                expect_current=onto,
                remember_header=fmt.header if remember else None,
                who=actor.who,
            )
            if new and access.claim_workspace(actor, ws.name):  # the creator owns what they made
                audit.log(ws, actor.who, "access", detail=f"owner: {actor.email}")
            return IngestReport(
                table,
                version,
                rows,
                parsed.skipped,
                digest,
                name,
                mapping,
                fmt.encoding,
                fmt.delimiter,
                parsed.skipped_lines,
                rows_before,
                "append" if appending else "replace",
                overlap,
                duplicate_of,
            )
        finally:
            con.close()


def _settle_mapping(ws: Workspace, fmt, table: str, mapping: dict | None, name: str) -> dict:
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


@dataclass
class _Parsed:
    """What `_parse` staged: the plan it converted with, the staged file as a DuckDB relation, and the
    rows skipped so far (malformed lines, with the first few shown)."""

    plan: ConversionPlan
    stage_rel: str
    skipped: int
    skipped_lines: list[str]
    rows: int | None = None  # known without a check (the clean path: the file's metadata)


def _parse(
    con, src, mapping: dict, schema, work_dir: Path, stage: Path, name: str, skip_bad_rows: bool, memory_limit: str,
    row_offset: int,
) -> _Parsed:  # fmt: skip
    """Parse and convert the source into `stage` (Parquet) in one streaming pass: a readable UTF-8
    copy (and a shaped one for ragged rows) of a CSV, or the source's relation; every column
    converted by the `conversion_plan`. Retried with a longer line buffer, or with extra columns kept as text
    when a late row does not fit the type the sample suggested."""
    import duckdb

    path, fmt = src.path, src.fmt
    con.execute(
        f"SET memory_limit = {sql_text(memory_limit)}; SET temp_directory = {sql_text(str(work_dir))}; "
        "SET preserve_insertion_order = true"
    )
    # DuckDB's line buffer costs memory per thread: 2 MiB unless the sample or a failed first
    # try shows longer lines (then up to MAX_LINE_BYTES)
    longest = max(sum(len(c) + 1 for c in r) for r in [fmt.header, *fmt.sample_rows])
    line_limit = 2 << 20 if 4 * longest < (2 << 20) else MAX_LINE_BYTES
    if not skip_bad_rows:
        clean = _parse_clean(con, src, mapping, schema, stage, line_limit, row_offset)
        if clean is not None:
            return clean
    csv_path = readable_copy(path, fmt, work_dir / "source.csv", name) if src.relation is None else None
    shaped_skips: list[str] = []
    shaped_skipped = 0
    if csv_path is not None and fmt.needs_shaping:  # a trailing delimiter on every row, or long
        # rows: the one row rule
        shaped = shaped_copy(csv_path, fmt, work_dir / "shaped.csv", name, skip_bad_rows)
        csv_path, shaped_skipped, shaped_skips = shaped.path, shaped.skipped, shaped.examples or []
    text_extras: set[int] = set()
    for _attempt in range(4):
        opts = _csv_options(fmt, line_limit)
        if skip_bad_rows and src.relation is None:
            opts += ", ignore_errors = true, store_rejects = true"
        plan = conversion_plan(con, fmt, mapping, schema, text_extras, row_offset)
        try:
            # a small dictionary budget: high-cardinality ids give up on dictionaries at once
            # (building them doubled the write time), low-cardinality columns keep them
            source = src.relation or f"read_csv({sql_text(str(csv_path))}, {opts})"
            con.execute(
                f"COPY ({plan.query.format(source=source)}) TO {sql_text(str(stage))} "
                "(FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 16384)"
            )
        except duckdb.Error as exc:
            if src.relation is not None:
                from core.data.sources import source_error

                raise source_error(exc, name) from None
            if "maximum line size" in str(exc).lower() and line_limit < MAX_LINE_BYTES:
                line_limit = MAX_LINE_BYTES
                continue
            if "Expected Number of Columns" in str(exc) and not fmt.needs_shaping and csv_path:
                shaped_copy(csv_path, fmt, work_dir / "shaped.csv", name)  # names a long row's line
            raise _csv_error(exc, name) from None
        stage_rel = f"read_parquet({sql_text(str(stage))}, file_row_number = true)"
        if not plan.extra_checks:
            break
        hits = one_row(con, "SELECT " + ", ".join(f"bool_or({f})" for _, f in plan.extra_checks) + f" FROM {stage_rel}")
        late = {i for (i, _), hit in zip(plan.extra_checks, hits) if hit}
        if not late:
            break
        text_extras |= late
    skipped_lines: list[str] = list(shaped_skips)
    skipped = shaped_skipped
    if skip_bad_rows and src.relation is None:
        skipped += one_row(con, "SELECT count(DISTINCT line) FROM reject_errors")[0]
        skipped_lines += [
            f"line {r[0]}: {_clip(r[1])}"
            for r in con.execute(
                "SELECT line, any_value(csv_line) FROM reject_errors GROUP BY line ORDER BY line LIMIT 5"
            ).fetchall()
        ][:5]
    return _Parsed(plan, stage_rel, skipped, skipped_lines)


def _csv_options(fmt, line_limit: int, types: list[str] | None = None, stamp: str | None = None) -> str:
    """DuckDB read_csv options for a file `fmt` describes: columns named c0..cN, as text unless
    `types` says (times then in the format `stamp`)."""
    types = types or ["VARCHAR"] * len(fmt.header)
    cols_sql = "{" + ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(types)) + "}"
    delim = "," if fmt.whitespace else fmt.delimiter
    return (
        f"auto_detect = false, header = true, delim = {sql_text(delim)}, quote = '\"', "
        f"escape = '\"', columns = {cols_sql}, max_line_size = {line_limit}, "
        f"buffer_size = {max(line_limit, 8 << 20)}" + (f", timestampformat = {sql_text(stamp)}" if stamp else "")
    )


def _parse_clean(con, src, mapping: dict, schema, stage: Path, line_limit: int, row_offset: int) -> _Parsed | None:
    """The fast path for a clean file: one pass that reads, converts and writes `stage` with casts
    that raise on the first value they cannot read (`strict_plan`), no check columns, and a plain
    UTF-8 CSV read as it is (DuckDB rejects bytes that are not UTF-8). None when the file is not
    clean (a value that does not convert, an empty required value, no rows, bad bytes or lines) or
    needs a copy first (another encoding, an edge list, ragged rows): then the checked path runs, and
    its errors name the file, column and rows as before."""
    fmt = src.fmt
    if src.relation is None and (fmt.encoding not in ("utf-8", "utf-8-sig") or fmt.headerless or fmt.needs_shaping):
        return None
    plan = strict_plan(con, fmt, mapping, schema, row_offset, native=src.relation is None)
    if plan is None:
        return None
    opts = _csv_options(fmt, line_limit, plan.types, plan.timestamp_format)
    source = src.relation or f"read_csv({sql_text(str(src.path))}, {opts})"
    try:
        con.execute(
            f"COPY ({plan.query.format(source=source)}) TO {sql_text(str(stage))} "
            "(FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 16384)"
        )
    except duckdb.Error:
        stage.unlink(missing_ok=True)
        return None
    meta = f"parquet_metadata({sql_text(str(stage))})"
    total = one_row(con, f"SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata({sql_text(str(stage))})")[0]
    empties = dict(
        con.execute(f"SELECT path_in_schema, sum(stats_null_count) FROM {meta} GROUP BY path_in_schema").fetchall()
    )
    if total == 0 or any(empties.get(f) != 0 for f in plan.required):
        stage.unlink(missing_ok=True)
        return None
    checked = ConversionPlan(plan.query, [], [], [])
    return _Parsed(checked, f"read_parquet({sql_text(str(stage))}, file_row_number = true)", 0, [], total)


def _check_values(con, parsed: _Parsed, name: str, skip_bad_rows: bool) -> tuple[int, str | None]:
    """Check every conversion of the staged rows. Values that did not convert fail the ingest (the
    first column, its first rows and values, the other columns' counts) unless `skip_bad_rows`, which
    adds them to `parsed`'s skipped rows and names the first few. No rows at all, or none left, fail.
    Returns (rows kept, the SQL condition of the rows to drop, or None when every row is kept)."""
    plan, stage_rel = parsed.plan, parsed.stage_rel
    if parsed.rows is not None:
        return parsed.rows, None
    flags = [c[2] for c in plan.checks]
    counts = one_row(
        con, "SELECT count(*)" + "".join(f", count(*) FILTER (WHERE {f})" for f in flags) + f" FROM {stage_rel}"
    )
    total, bad_counts = counts[0], counts[1:]
    if total == 0:
        raise InputError.keyed("err.ingest.no_rows_read" if parsed.skipped else "err.csv.no_rows", file=name)
    problems = [(c, n) for c, n in zip(plan.checks, bad_counts) if n]
    any_bad = " OR ".join(flags) or "false"
    if problems and not skip_bad_rows:
        (col, fld, flag, expect), n = problems[0]
        i = flag.rsplit("_", 1)[1]
        ex = con.execute(
            f"SELECT file_row_number + 1, __raw_{i} FROM {stage_rel} WHERE {flag} ORDER BY file_row_number LIMIT 5"
        ).fetchall()
        shown = [
            Phrase("err.ingest.row_value", row=r, value=repr(val))
            if val is not None
            else Phrase("err.ingest.row_empty", row=r)
            for r, val in ex
        ]
        others = [Phrase("err.ingest.also_column", column=c[0], n=k) for c, k in problems[1:]]
        raise InputError.keyed(
            "err.ingest.missing_values" if expect == "required" else "err.ingest.bad_values",
            file=name,
            column=col,
            rows=[r for r, _ in ex],
            n=n,
            total=total,
            expect=Phrase(f"err.expect.{expect}"),
            field=fld,
            shown=Phrases(shown, {"en": "; ", "zh": "；"}),
            others=Phrases(others, {"en": "", "zh": ""}),
        )
    rows = total
    if problems:  # name the first skipped rows with the value that did not convert
        cols = [c[0] for c, _ in problems]
        picks = [f"{c[2]}, __raw_{c[2].rsplit('_', 1)[1]}" for c, _ in problems]
        for r in con.execute(
            f"SELECT file_row_number + 1, {', '.join(picks)} FROM {stage_rel} "
            f"WHERE {any_bad} ORDER BY file_row_number LIMIT 5"
        ).fetchall():
            k = next(k for k in range(len(cols)) if r[1 + 2 * k])  # the first column that failed
            val = r[2 + 2 * k]
            parsed.skipped_lines.append(f"row {r[0]}: {cols[k]} = {_clip(val) if val is not None else 'empty'}")
        parsed.skipped_lines = parsed.skipped_lines[:5]
        parsed.skipped += one_row(con, f"SELECT count(*) FROM {stage_rel} WHERE {any_bad}")[0]
        rows = one_row(con, f"SELECT count(*) FROM {stage_rel} WHERE NOT ({any_bad})")[0]
    if rows == 0:
        raise InputError.keyed("err.ingest.all_bad", file=name)
    return rows, any_bad if problems else None


def _write_kept(con, stage: Path, final: Path, bad: str | None) -> None:
    """The new version's file: the staged rows, or (skip_bad_rows) those not matching `bad`, written
    once more (the common, clean case never does)."""
    if bad is not None:
        con.execute(
            f"COPY (SELECT * FROM read_parquet({sql_text(str(stage))}) WHERE NOT ({bad})) "
            f"TO {sql_text(str(final))} (FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 16384)"
        )
        stage.unlink()
    else:
        stage.replace(final)


def _clip(value, limit: int = 60) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _csv_error(exc: Exception, name: str) -> InputError:
    """DuckDB's multi-line CSV error -> one line: the line number, DuckDB's reason, the start of the line."""
    text = str(exc)
    m = _LINE_RE.search(text)
    # "...CSV Error on Line: N", "Original Line: <may span lines>", the reason, then "Possible fixes:", options
    head = text.split("Possible fixes:", 1)[0]
    marker = "Original Line: "
    original = head.split(marker, 1)[1] if marker in head else ""
    lines = [ln.strip() for ln in original.splitlines() if ln.strip()]
    reason = lines[-1] if len(lines) > 1 else ""
    if reason:
        original = original[: original.rindex(reason)]
    original = " ".join(original.split())
    if m:
        shown = f" ({original[:80]!r})" if original else ""
        return InputError(
            f"line {m.group(1)} is not valid CSV: {reason.rstrip('.')}{shown}. Fix the line or choose to skip bad rows",
            file=name,
            rows=[int(m.group(1))],
        )
    return InputError(f"the file is not valid CSV: {text.splitlines()[0] if text else type(exc).__name__}", file=name)
