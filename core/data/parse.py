"""The typed file of an ingest: the source parsed and converted into a staged Parquet file, its values
checked (errors name the file, the column, the rows and their values), and the rows kept.

A clean file goes in one pass (`parse_clean`: strict casts, no check columns, DuckDB streaming Arrow
batches in file order to pyarrow's Parquet writer on a second core); any other file, or one whose rows
may be skipped, through the checked conversion (`parse`), whose flag columns say which values did not
convert."""

from __future__ import annotations

import queue
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.data.convert import ConversionPlan, conversion_plan, one_row, sql_text, strict_plan
from core.data.csvfile import MAX_LINE_BYTES, readable_copy, shaped_copy
from core.data.sources import source_error
from core.errors import InputError, Phrase, Phrases

_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")
# the clean path's stream (`stream_to_parquet`), sized on a 1M-row, 43 MiB CSV (bench/ingest.py): batches
# of 61,440 rows or an 8 MiB read buffer cost 10 to 20 MiB more at the peak for no less time, and
# pyarrow's default 1 MiB data pages ~8 MiB of page buffers more. With DuckDB on two threads, batches
# of 30,720 rows cost 92 MiB extra (2.1x the file), of 8,192 rows 80-84 MiB (1.86-1.95x)
STREAM_BATCH = 8192  # rows per Arrow batch, and so per row group of the staged file (at most)
STREAM_THREADS = 2  # DuckDB's threads while it streams: the rows still come in file order (its default
# preserve_insertion_order); one thread left the file's reading 2.0-2.2x pandas' (1.65x when the box is
# busy), two give 2.2-2.8x in the same runs
STREAM_BATCH_BYTES = 3 << 20  # ... and about this much text: fewer rows when the sampled rows are long
STREAM_BUFFER = 2 << 20  # DuckDB's CSV read buffer (at least the longest line allowed)
STREAM_PAGE = 128 << 10  # pyarrow's data page size
DICTIONARY_MAX = 1024  # a text column with at most this many values in its first batch is dictionary-encoded


@dataclass
class Parsed:
    """What `parse` staged: the plan it converted with, the staged file as a DuckDB relation, and the
    rows skipped so far (malformed lines, with the first few shown)."""

    plan: ConversionPlan
    stage_rel: str
    skipped: int
    skipped_lines: list[str]
    rows: int | None = None  # known without a check (the clean path: the file's metadata)


def parse(
    con, src, mapping: dict, schema, work_dir: Path, stage: Path, name: str, skip_bad_rows: bool, memory_limit: str,
    row_offset: int,
) -> Parsed:  # fmt: skip
    """Parse and convert the source into `stage` (Parquet) in one streaming pass: a readable UTF-8
    copy (and a shaped one for ragged rows) of a CSV, or the source's relation; every column
    converted by the `conversion_plan`. Retried with a longer line buffer, or with extra columns kept as text
    when a late row does not fit the type the sample suggested."""

    path, fmt = src.path, src.fmt
    con.execute(
        f"SET memory_limit = {sql_text(memory_limit)}; SET temp_directory = {sql_text(str(work_dir))}; "
        "SET preserve_insertion_order = true; SET enable_progress_bar = false"
    )
    # DuckDB's line buffer costs memory per thread: 2 MiB unless the sample or a failed first
    # try shows longer lines (then up to MAX_LINE_BYTES)
    longest = max(sum(len(c) + 1 for c in r) for r in [fmt.header, *fmt.sample_rows])
    line_limit = 2 << 20 if 4 * longest < (2 << 20) else MAX_LINE_BYTES
    if not skip_bad_rows:
        clean = parse_clean(con, src, mapping, schema, stage, line_limit, row_offset)
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
            source = src.relation or f"read_csv({sql_text(str(csv_path))}, {opts})"
            stream_to_parquet(con, plan.query.format(source=source), stage, _batch_rows(fmt))
        except (duckdb.Error, OSError) as exc:  # OSError: DuckDB's error once the stream had begun
            if src.relation is not None:
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
    return Parsed(plan, stage_rel, skipped, skipped_lines)


def _csv_options(
    fmt, line_limit: int, types: list[str] | None = None, stamp: str | None = None, buffer_size: int = 8 << 20
) -> str:
    """DuckDB read_csv options for a file `fmt` describes: columns named c0..cN, as text unless
    `types` says (times then in the format `stamp`); DuckDB's read buffer at least `buffer_size`."""
    types = types or ["VARCHAR"] * len(fmt.header)
    cols_sql = "{" + ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(types)) + "}"
    delim = "," if fmt.whitespace else fmt.delimiter
    return (
        f"auto_detect = false, header = true, delim = {sql_text(delim)}, quote = '\"', "
        f"escape = '\"', columns = {cols_sql}, max_line_size = {line_limit}, "
        f"buffer_size = {max(line_limit, buffer_size)}" + (f", timestampformat = {sql_text(stamp)}" if stamp else "")
    )


def parse_clean(con, src, mapping: dict, schema, stage: Path, line_limit: int, row_offset: int) -> Parsed | None:
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
    opts = _csv_options(fmt, line_limit, plan.types, plan.timestamp_format, buffer_size=STREAM_BUFFER)
    source = src.relation or f"read_csv({sql_text(str(src.path))}, {opts})"
    try:
        total, empties = stream_to_parquet(con, plan.query.format(source=source), stage, _batch_rows(fmt))
    except (duckdb.Error, OSError):  # a cast that failed mid-stream reaches pyarrow's reader as an OSError
        stage.unlink(missing_ok=True)
        return None
    if total == 0 or any(empties.get(f) != 0 for f in plan.required):
        stage.unlink(missing_ok=True)
        return None
    checked = ConversionPlan(plan.query, [], [], [])
    return Parsed(checked, f"read_parquet({sql_text(str(stage))}, file_row_number = true)", 0, [], total)


def _batch_rows(fmt) -> int:
    """Rows per streamed batch: STREAM_BATCH, fewer for long rows (posts, reviews) so that a batch
    holds about STREAM_BATCH_BYTES of the sampled rows' text, and never under 1,024."""
    width = max(1.0, sum(sum(len(v) + 1 for v in r) for r in fmt.sample_rows) / max(1, len(fmt.sample_rows)))
    return max(1024, min(STREAM_BATCH, int(STREAM_BATCH_BYTES / width)))


def stream_to_parquet(con, query: str, path: Path, batch_rows: int = STREAM_BATCH) -> tuple[int, dict[str, int]]:
    """Write the rows of `query` to `path` (Parquet, snappy) in their order, on two cores in little
    memory: DuckDB reads and converts (STREAM_THREADS threads, the rows in file order) while a
    second thread has pyarrow encode and compress the batch before. Returns
    (rows, empty values per column). Raises what DuckDB raises (an OSError once the stream has
    begun); `path` is then the caller's to delete."""
    batches: queue.Queue = queue.Queue(maxsize=1)
    failed: list[BaseException] = []
    nulls: dict[str, int] = {}
    rows = 0

    def write() -> None:
        nonlocal rows
        writer = None
        try:
            while (batch := batches.get()) is not None:
                if failed:
                    continue  # drain what the reader still hands over
                try:
                    if writer is None:
                        writer = pq.ParquetWriter(
                            path,
                            batch.schema,
                            compression="snappy",
                            use_dictionary=_few_values(batch),
                            data_page_size=STREAM_PAGE,
                        )
                    writer.write_batch(batch)
                    rows += batch.num_rows
                    for name, column in zip(batch.schema.names, batch.columns):
                        nulls[name] = nulls.get(name, 0) + column.null_count
                except BaseException as exc:  # raised on the reader's thread
                    failed.append(exc)
        finally:
            try:
                if writer is not None:
                    writer.close()
            except BaseException as exc:
                failed.append(exc)

    con.execute(f"SET threads = {STREAM_THREADS}")
    writing = threading.Thread(target=write, name="ingest-write", daemon=True)
    writing.start()
    try:
        reader = con.sql(query).to_arrow_reader(batch_rows)
        for batch in reader:
            batches.put(batch)
            if failed:
                break
    finally:
        batches.put(None)
        writing.join()
        con.execute("RESET threads")
    if failed:
        raise failed[0]
    if rows == 0:  # no batch came: the file still says which columns there are
        pq.write_table(reader.schema.empty_table(), path, compression="snappy")
    return rows, nulls


def _few_values(batch) -> list[str]:
    """The text columns worth a dictionary (DuckDB's COPY gives low-cardinality columns one; building
    one for ids only costs time and memory): those with at most DICTIONARY_MAX values in the first batch."""
    text = [f.name for f in batch.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    return [c for c in text if pc.count_distinct(batch.column(c)).as_py() <= DICTIONARY_MAX]


def check_values(con, parsed: Parsed, name: str, skip_bad_rows: bool) -> tuple[int, str | None]:
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


def write_kept(con, stage: Path, final: Path, bad: str | None) -> None:
    """The new version's file: the staged rows, or (skip_bad_rows) those not matching `bad`, written
    once more (the common, clean case never does)."""
    if bad is not None:
        meta = pq.ParquetFile(stage).metadata  # batches as long as the staged row groups
        rows = meta.row_group(0).num_rows if meta.num_row_groups else STREAM_BATCH
        stream_to_parquet(
            con, f"SELECT * FROM read_parquet({sql_text(str(stage))}) WHERE NOT ({bad})", final, max(1024, rows)
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
