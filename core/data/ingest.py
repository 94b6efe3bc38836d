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

import json
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from core.data.csvfile import sha256_file, sniff, utf8_copy
from core.data.mapping import missing_required, suggest_mapping, suggest_table
from core.data.schemas import SCHEMAS
from core.data.workspace import KEEP_VERSIONS, Workspace
from core.errors import ConfigError, InputError

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y.%m.%d", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y%m%d",
    "%a %b %d %H:%M:%S %Y", "%d %b %Y", "%b %d, %Y",
]
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


def preview_file(ws: Workspace | None, path: str | Path, name: str | None = None, table: str | None = None,
                 encoding: str | None = None) -> FilePreview:
    """Sniff a file and suggest (or recall) its table and mapping. Raises InputError for unreadable files."""
    fmt = sniff(path, name, encoding)
    remembered = ws.remembered_mapping(fmt.header) if ws is not None else None
    if remembered and (table is None or remembered[0] == table):
        return FilePreview(name or Path(path).name, fmt.encoding, fmt.delimiter, fmt.header, fmt.sample_rows[:20],
                           remembered[0], _complete(remembered[1], fmt.header), True)
    table = table or suggest_table(fmt.header, fmt.sample_rows)
    return FilePreview(name or Path(path).name, fmt.encoding, fmt.delimiter, fmt.header, fmt.sample_rows[:20],
                       table, suggest_mapping(fmt.header, fmt.sample_rows, table), False)


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


def resolve_mapping(header: list[str], sample_rows: list[list[str]], table: str, given: dict | None,
                    name: str) -> dict[str, str | None]:
    """Combine a user's (partial) mapping with suggestions for the rest; validate it against the schema."""
    schema = SCHEMAS[table]
    valid = {f.name for f in schema.fields}
    given = {k: (v or None) for k, v in (given or {}).items()}
    for col, fld in given.items():
        if col not in header:
            raise ConfigError(f"the mapping names column '{col}', which the file does not have "
                              f"(columns: {', '.join(header)})", file=name)
        if fld is not None and fld not in valid:
            raise ConfigError(f"'{fld}' is not a field of table '{table}' (fields: {', '.join(sorted(valid))})",
                              file=name)
    mapping = suggest_mapping(header, sample_rows, table)
    claimed = {v for v in given.values() if v}
    mapping = {c: (given[c] if c in given else (None if mapping[c] in claimed else mapping[c])) for c in header}
    fields = [f for f in mapping.values() if f]
    dup = sorted({f for f in fields if fields.count(f) > 1})
    if dup:
        raise ConfigError(f"more than one column is mapped to {', '.join(dup)}", file=name)
    missing = missing_required(mapping, table)
    if missing:
        raise InputError(f"table '{table}' needs a column for {', '.join(missing)}; the file has "
                         f"{', '.join(header)}. Map one of them (CLI: --map COLUMN={missing[0].split(' ')[0]})",
                         file=name)
    extras = {c for c, f in mapping.items() if not f}
    clash = sorted(extras & valid)
    if clash:
        raise ConfigError(f"column(s) {', '.join(clash)} have a canonical field's name but another column is "
                          "mapped to that field; rename or unmap one of them", file=name)
    return mapping


# ---- SQL expressions per kind -----------------------------------------------------------------------
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _clean(col: str) -> str:
    return f"NULLIF(trim({col}), '')"


def _number_expr(v: str, decimal_comma: bool) -> str:
    s = f"regexp_replace({v}, '^[$€£¥￥]|[$€£¥￥%]$|\\s', '', 'g')"
    thousands = f"CASE WHEN regexp_full_match({s}, '[-+]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?') THEN replace({s}, ',', '')"
    if decimal_comma:
        thousands += (f" WHEN regexp_full_match({s}, '[-+]?\\d{{1,3}}(\\.\\d{{3}})*,\\d+') "
                      f"THEN replace(replace({s}, '.', ''), ',', '.')")
    flag = (f"CASE lower({v}) WHEN 'true' THEN 1 WHEN 'yes' THEN 1 WHEN 'y' THEN 1 WHEN '是' THEN 1 "
            f"WHEN 'false' THEN 0 WHEN 'no' THEN 0 WHEN 'n' THEN 0 WHEN '否' THEN 0 END")
    return f"COALESCE(TRY_CAST(({thousands} ELSE {s} END) AS DOUBLE), {flag})"


def _time_expr(v: str, fmt: str | None) -> str:
    stripped = f"regexp_replace({v}, '\\s*(Z|UTC|[+-]\\d{{2}}:?\\d{{2}})$', '')"
    fmts = _lit(fmt) if fmt else "[" + ", ".join(_lit(f) for f in TIME_FORMATS) + "]"
    return (f"COALESCE(CASE WHEN regexp_full_match({v}, '\\d{{12,13}}') THEN make_timestamp(CAST({v} AS BIGINT) * 1000) "
            f"WHEN regexp_full_match({v}, '\\d{{9,10}}(\\.\\d+)?') "
            f"THEN make_timestamp(CAST(CAST({v} AS DOUBLE) * 1000000 AS BIGINT)) END, "
            f"try_strptime({stripped}, {fmts}))")


def _pick_time_format(con, v: str) -> str | None:
    """The first format that parses every sampled value of column expression `v` (None: try all per row)."""
    sample = f"(SELECT {v} AS x FROM raw WHERE {v} IS NOT NULL LIMIT 2000)"
    checks = ", ".join(
        f"count(*) FILTER (WHERE try_strptime(regexp_replace(x, '\\s*(Z|UTC|[+-]\\d{{2}}:?\\d{{2}})$', ''), "
        f"{_lit(f)}) IS NULL AND NOT regexp_full_match(x, '\\d{{9,13}}(\\.\\d+)?'))" for f in TIME_FORMATS)
    row = con.execute(f"SELECT count(*), {checks} FROM {sample}").fetchone()
    if row[0] == 0:
        return None
    for f, misses in zip(TIME_FORMATS, row[1:]):
        if misses == 0:
            return f
    return None


def _kind_expr(kind: str, v: str, fmt: str | None, decimal_comma: bool) -> tuple[str, str]:
    """(typed SQL expression, human description of the expected values)."""
    if kind == "time":
        return _time_expr(v, fmt), "a date/time"
    if kind == "number":
        return _number_expr(v, decimal_comma), "a number"
    return v, "text"


# ---- the ingest -----------------------------------------------------------------------------------------
def ingest_file(ws: Workspace, path: str | Path, table: str, mapping: dict | None = None,
                skip_bad_rows: bool = False, source_name: str | None = None, encoding: str | None = None,
                remember: bool = True, memory_limit: str = "1GB") -> IngestReport:
    """Ingest the CSV at `path` as a new version of `table` in `ws`. All or nothing.

    `mapping` ({csv column: canonical field or None}) may be partial: unnamed columns are suggested, or
    recalled from an earlier upload with the same header. Raises InputError/ConfigError with a plain
    message naming the file, column and rows; the workspace is then unchanged.
    """
    import duckdb

    path = Path(path)
    name = source_name or path.name
    if table not in SCHEMAS:
        raise ConfigError(f"unknown table '{table}'; choose one of {', '.join(SCHEMAS)}")
    if not path.exists():
        raise InputError("file not found", file=str(path))
    fmt = sniff(path, name, encoding)
    if mapping is None:
        remembered = ws.remembered_mapping(fmt.header)
        if remembered and remembered[0] == table:
            mapping = remembered[1]
    mapping = resolve_mapping(fmt.header, fmt.sample_rows, table, mapping, name)
    schema = SCHEMAS[table]

    staging = ws.path / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    stage_db = staging / f"{token}.duckdb"
    stage_csv = staging / f"{token}.csv"
    try:
        src = utf8_copy(path, fmt.encoding, stage_csv, name)
        digest = sha256_file(path)
        con = duckdb.connect(str(stage_db))
        try:
            con.execute(f"SET memory_limit = {_lit(memory_limit)}; SET temp_directory = {_lit(str(staging))}; "
                        "SET preserve_insertion_order = true")
            positional = {f"c{i}": "VARCHAR" for i in range(len(fmt.header))}
            cols_sql = "{" + ", ".join(f"{_lit(k)}: 'VARCHAR'" for k in positional) + "}"
            opts = (f"auto_detect = false, header = true, delim = {_lit(fmt.delimiter)}, quote = '\"', "
                    f"escape = '\"', columns = {cols_sql}, max_line_size = 10000000")
            if skip_bad_rows:
                opts += ", ignore_errors = true, store_rejects = true"
            try:
                con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv({_lit(str(src))}, {opts})")
            except duckdb.Error as exc:
                raise _csv_error(exc, name) from None
            skipped_lines: list[str] = []
            skipped = 0
            if skip_bad_rows:
                skipped = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
                skipped_lines = [f"line {r[0]}" for r in con.execute(
                    "SELECT DISTINCT line FROM reject_errors ORDER BY line LIMIT 5").fetchall()]
            total = con.execute("SELECT count(*) FROM raw").fetchone()[0]
            if total == 0:
                raise InputError("no data rows could be read" if skipped else "the file has a header but no data rows",
                                 file=name)

            select, bad_conds, checks = [], [], []
            decimal_comma = fmt.delimiter != ","
            for i, col in enumerate(fmt.header):
                v = _clean(_q(f"c{i}"))
                fld = mapping.get(col)
                if fld:
                    f = schema.field(fld)
                    tfmt = _pick_time_format(con, v) if f.kind == "time" else None
                    expr, expect = _kind_expr(f.kind, v, tfmt, decimal_comma)
                    if f.kind in ("id", "category"):
                        expr = v
                    elif f.kind == "text":  # free text keeps its own spacing; blank means missing
                        expr = f"CASE WHEN {v} IS NULL THEN NULL ELSE {_q(f'c{i}')} END"
                    select.append(f"{expr} AS {_q(fld)}")
                    cond = f"({v} IS NOT NULL AND ({expr}) IS NULL)"
                    if f.required:
                        cond = f"({v} IS NULL OR ({expr}) IS NULL)"
                        expect = expect if f.kind in ("time", "number") else "a value (it is required)"
                    if f.kind in ("time", "number") or f.required:
                        bad_conds.append(cond)
                        checks.append((col, fld, v, cond, expect))
                else:
                    select.append(f"{_infer_extra(con, v, decimal_comma)} AS {_q(col)}")

            if checks:
                counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {c[3]})" for c in checks)
                                     + " FROM raw").fetchone()
                problems = [(c, n) for c, n in zip(checks, counts) if n]
                if problems and not skip_bad_rows:
                    (col, fld, v, cond, expect), n = problems[0]
                    ex = con.execute(f"SELECT rowid + 1, {v} FROM raw WHERE {cond} ORDER BY rowid LIMIT 5").fetchall()
                    shown = "; ".join(f"row {r} = {repr(val) if val is not None else 'empty'}" for r, val in ex)
                    others = "".join(f"; also column '{c[0]}': {k} rows" for c, k in problems[1:])
                    raise InputError(
                        f"{n} of {total} rows are not {expect} (mapped to '{fld}'): {shown}{others}. "
                        "Fix those rows, map another column, or choose to skip bad rows",
                        file=name, column=col, rows=[r for r, _ in ex])
                if problems:
                    bad_rows = con.execute(f"SELECT rowid + 1 FROM raw WHERE {' OR '.join(bad_conds)} "
                                           "ORDER BY rowid LIMIT 5").fetchall()
                    n_bad = con.execute(f"SELECT count(*) FROM raw WHERE {' OR '.join(bad_conds)}").fetchone()[0]
                    skipped += n_bad
                    skipped_lines += [f"row {r[0]}" for r in bad_rows]
            if table == "posts" and "post_id" not in mapping.values():
                select.insert(0, "'r' || CAST(rowid + 1 AS VARCHAR) AS post_id")
            where = f"WHERE NOT ({' OR '.join(bad_conds)})" if bad_conds and skip_bad_rows else ""
            con.execute(f"CREATE TABLE typed AS SELECT {', '.join(select)} FROM raw {where} ORDER BY rowid")
            rows = con.execute("SELECT count(*) FROM typed").fetchone()[0]
            if rows == 0:
                raise InputError("every row was bad; nothing to ingest", file=name)
            con.execute("DROP TABLE raw; CHECKPOINT")
        finally:
            con.close()

        version = _commit(ws, stage_db, table, name, digest, rows, skipped, mapping, fmt, remember)
        return IngestReport(table, version, rows, skipped, digest, name, mapping, fmt.encoding, fmt.delimiter,
                            skipped_lines)
    finally:
        for p in (stage_db, stage_csv, Path(str(stage_db) + ".wal")):
            p.unlink(missing_ok=True)


def _infer_extra(con, v: str, decimal_comma: bool) -> str:
    """An unmapped column becomes a number or a time when every value converts, else stays text."""
    num = _number_expr(v, decimal_comma)
    row = con.execute(f"SELECT count({v}), count(*) FILTER (WHERE {v} IS NOT NULL AND ({num}) IS NULL), "
                      f"count(*) FILTER (WHERE {v} IS NOT NULL AND NOT regexp_full_match({v}, '[-+]?\\d+')) "
                      "FROM raw").fetchone()
    if row[0] and row[1] == 0:
        bools = con.execute(f"SELECT count(*) FILTER (WHERE TRY_CAST({v} AS DOUBLE) IS NULL) FROM raw "
                            f"WHERE {v} IS NOT NULL").fetchone()[0]
        if bools == row[0]:
            return v  # all yes/no words: keep the words, analyses decide
        return f"CAST({num} AS BIGINT)" if row[2] == 0 else num
    if row[0]:
        tfmt = _pick_time_format(con, v)
        if tfmt and re.search(r"%[dYm]", tfmt):
            return _time_expr(v, tfmt)
    return v


def _csv_error(exc: Exception, name: str) -> InputError:
    text = str(exc)
    m = _LINE_RE.search(text)
    reason = next((ln.strip() for ln in text.splitlines()[1:] if ln.strip() and not ln.startswith("Original Line")
                   and "Possible fixes" not in ln and not ln.strip().startswith("*")), "")
    original = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("Original Line")), "")
    if m:
        shown = f" ({original[:80]!r})" if original else ""
        return InputError(f"line {m.group(1)} is not valid CSV: {reason.rstrip('.')}{shown}. Fix the line or choose "
                          "to skip bad rows", file=name, rows=[int(m.group(1))])
    return InputError(f"the file is not valid CSV: {text.splitlines()[0] if text else type(exc).__name__}", file=name)


def _commit(ws: Workspace, stage_db: Path, table: str, name: str, digest: str, rows: int, skipped: int,
            mapping: dict, fmt, remember: bool) -> int:
    """Copy the typed staging table into the workspace as a new version, in one transaction."""
    with ws.writer() as con:
        con.execute(f"ATTACH {_lit(str(stage_db))} AS stg (READ_ONLY)")
        try:
            con.execute("BEGIN TRANSACTION")
            version = con.execute('SELECT coalesce(max(version), 0) + 1 FROM _versions WHERE "table" = ?',
                                  [table]).fetchone()[0]
            physical = f"{table}__v{version}"
            con.execute(f"CREATE TABLE {_q(physical)} AS SELECT * FROM stg.typed")
            con.execute("INSERT INTO _versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
                        [table, version, physical, name, digest, rows, skipped, json.dumps(mapping, ensure_ascii=False),
                         fmt.encoding, fmt.delimiter])
            con.execute('INSERT OR REPLACE INTO _current VALUES (?, ?)', [table, version])
            con.execute(f"CREATE OR REPLACE VIEW {_q(table)} AS SELECT * FROM {_q(physical)}")
            if remember:
                con.execute("INSERT OR REPLACE INTO _mappings VALUES (?, ?, ?, now()::TIMESTAMP)",
                            [ws.header_signature(fmt.header), table, json.dumps(mapping, ensure_ascii=False)])
            for (old,) in con.execute('SELECT physical FROM _versions WHERE "table" = ? AND version <= ? '
                                      'AND physical IS NOT NULL', [table, version - KEEP_VERSIONS]).fetchall():
                con.execute(f"DROP TABLE IF EXISTS {_q(old)}")
                con.execute('UPDATE _versions SET physical = NULL WHERE physical = ?', [old])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute("DETACH stg")
    return version


def clear_staging(ws: Workspace) -> None:
    """Remove leftovers of ingests that were killed midway (they were never part of the workspace)."""
    shutil.rmtree(ws.path / ".staging", ignore_errors=True)
