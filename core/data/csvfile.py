"""Reading real CSV exports: encoding, delimiter, header, and a UTF-8 copy for DuckDB to stream.

Encodings: UTF-8 with or without BOM, UTF-16 (BOM or NUL pattern), GB18030/GBK from Chinese Excel,
and Windows-1252 as a last resort for mostly-ASCII Western files. Detection reads the first MiB, and
more (up to MAX_LINE_BYTES) while the header and first data row are not complete; `utf8_copy` then
decodes the whole file in chunks (never all in memory) and fails with the byte offset and line of the
first undecodable byte.

Besides delimited files with a header, headerless edge lists (SNAP's `0 1` per line, KONECT/Pajek-like
`.txt`/`.tsv`, `#`/`%` comment lines; also saved with commas, semicolons or pipes) are recognised: two or
three numeric columns become `src`, `dst` (, `weight`), and a first line of numbers is an edge. More than MAX_COLUMNS columns are refused at once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from core.data.encoding import detect_encoding, undecodable
from core.errors import InputError

SAMPLE_BYTES = 1 << 20
MAX_LINE_BYTES = 8 << 20  # the longest line the sniffer and DuckDB read (a 1 MB text field is fine)
MAX_COLUMNS = 2000  # wider files are refused: no export we serve has more, and 100k columns hang every step
CHUNK = 4 << 20
DELIMITERS = [",", ";", "\t", "|"]
COMMENT_PREFIXES = ("#", "%")  # comment lines of headerless edge lists (SNAP, KONECT)
_NUMBER_TOKEN = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
EDGE_LIST_HEADERS = {2: ["src", "dst"], 3: ["src", "dst", "weight"]}


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # a Python codec name; "utf-8" means DuckDB can read the file as is
    delimiter: str  # " " for a whitespace-separated edge list (runs of spaces/tabs)
    header: list[str]
    sample_rows: list[list[str]]
    headerless: bool = False  # True: `header` was supplied by us (src, dst[, weight]), every line is data
    # every sampled row ends with one empty field more than the header (an Excel/forum export's trailing
    # delimiter; the header may end with it too): that field is dropped from every row
    trailing_empty: bool = False
    # a sampled row has more fields than the header: the rows are read through `shaped_copy`, which
    # names the line (or skips and counts it)
    ragged: bool = False

    @property
    def whitespace(self) -> bool:
        return self.delimiter == " "

    @property
    def needs_shaping(self) -> bool:
        """Rows must pass `shaped_copy` before a fast reader (DuckDB, pandas) sees them."""
        return self.trailing_empty or self.ragged


def name_list(names: list[str], limit: int = 20) -> str:
    """Column names for an error message: the first `limit`, then how many there are in all."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names):,} columns)"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def _whitespace_edge_list(text: str) -> list[list[str]] | None:
    """Rows of a headerless, whitespace-separated list of 2 or 3 numbers per line (comments skipped), else None."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(COMMENT_PREFIXES):
            continue
        if any(d in stripped for d in ",;|"):
            return None
        tokens = stripped.split()
        if len(tokens) not in EDGE_LIST_HEADERS or not all(_NUMBER_TOKEN.fullmatch(t) for t in tokens):
            return None
        if rows and len(tokens) != len(rows[0]):
            return None
        rows.append(tokens)
        if len(rows) > 200:
            break
    return rows or None


def _data_lines(text: str, n: int) -> list[str]:
    """The first `n` non-blank, non-comment lines of `text`, stripped, without splitting all of a 1 MiB
    head into lines (a line cut at the end of a slice is never among those returned)."""
    size = 65536
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        kept = [s for s in (ln.strip() for ln in (lines if whole else lines[:-1])) if s]
        kept = [s for s in kept if not s.startswith(COMMENT_PREFIXES)]
        if whole or len(kept) >= n:
            return kept[:n]
        size *= 4


def _delimited_edge_list(text: str) -> tuple[list[list[str]], str] | None:
    """(rows, delimiter) of a headerless edge list written with commas, semicolons or pipes (a SNAP or
    KONECT list saved as CSV): every line, the first included, 2 or 3 numbers. A first line of numbers
    is read as data, not as column names (src, dst[, weight] are ours), so no edge is lost."""
    lines = _data_lines(text, 201)
    for delimiter in (",", ";", "|"):
        if not lines or delimiter not in lines[0]:
            continue
        rows = [[token.strip() for token in line.split(delimiter)] for line in lines]
        width = len(rows[0])
        if width in EDGE_LIST_HEADERS and all(
            len(r) == width and all(_NUMBER_TOKEN.fullmatch(token) for token in r) for r in rows
        ):
            return rows[:200], delimiter
    return None


def _read_head(path: Path, name: str, encoding: str | None) -> tuple[str, str, bool]:
    """(decoded text of the head, encoding, whole file read). Reads 1 MiB, more while the header and a
    first data row are incomplete, up to MAX_LINE_BYTES; a cut last line is dropped."""
    size = SAMPLE_BYTES
    with open(path, "rb") as fh:
        while True:
            fh.seek(0)
            head = fh.read(size)
            complete = len(head) < size
            if not head.strip():
                raise InputError.keyed("err.csv.empty", file=name)
            enc = encoding or detect_encoding(head[:SAMPLE_BYTES], name)
            try:
                text = codecs.getincrementaldecoder(enc)().decode(head, final=complete)
            except UnicodeDecodeError as exc:
                raise undecodable(enc, exc.start, head[: exc.start].count(b"\n") + 1, name) from None
            except LookupError:
                raise InputError.keyed("err.csv.unknown_encoding", file=name, encoding=enc) from None
            text = text.lstrip("\ufeff")
            if complete:
                return text, enc, True
            cut = text[: text.rfind("\n") + 1]
            # enough when two non-blank lines are complete (a quoted newline may need more, the
            # parser below then says so)
            if sum(1 for ln in cut.splitlines() if ln.strip()) >= 2:
                return cut, enc, False
            if size >= MAX_LINE_BYTES:
                what = "line" if "\n" not in text.strip("\r\n") else "row"
                raise InputError.keyed(f"err.csv.long_first_{what}", file=name, mib=MAX_LINE_BYTES >> 20)
            size = min(size * 4, MAX_LINE_BYTES)


def sniff(path: str | Path, name: str | None = None, encoding: str | None = None) -> CsvFormat:
    """Read the head of `path`: encoding, delimiter, header and up to 200 sample rows.

    Raises InputError for an empty file, a header-only file, duplicate or blank headers, more than
    MAX_COLUMNS columns, or a first line longer than MAX_LINE_BYTES.
    """
    path = Path(path)
    name = name or path.name
    text, enc, _complete = _read_head(path, name, encoding)
    edges = _whitespace_edge_list(text)
    if edges:
        return CsvFormat(
            encoding=enc,
            delimiter=" ",
            header=list(EDGE_LIST_HEADERS[len(edges[0])]),
            sample_rows=edges[:200],
            headerless=True,
        )
    delimited = _delimited_edge_list(text)
    if delimited:
        rows, delimiter = delimited
        header = list(EDGE_LIST_HEADERS[len(rows[0])])
        return CsvFormat(encoding=enc, delimiter=delimiter, header=header, sample_rows=rows, headerless=True)
    first = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(text[:65536])  # csv.Sniffer is slow on long lines; the start decides
    if first.count(delimiter) >= MAX_COLUMNS:  # refuse before parsing 200 rows of a very wide file
        raise _too_wide(first.count(delimiter) + 1, name)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [r for _, r in zip(range(201), reader)]
    except csv.Error as exc:
        raise InputError.keyed("err.csv.bad_rows", file=name, reason=str(exc)) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError.keyed("err.csv.empty", file=name)
    if len(rows[0]) > MAX_COLUMNS:
        raise _too_wide(len(rows[0]), name)
    header = [unicodedata.normalize("NFC", h.strip()) for h in rows[0]]
    data = rows[1:]
    trailing = _trailing_empty(header, data)
    if trailing:
        header = header[: len(header) - 1] if header[-1] == "" else header
        data = [r[: len(header)] if len(r) > len(header) else r for r in data]
    if any(h == "" for h in header):
        pos = [i + 1 for i, h in enumerate(header) if h == ""]
        raise InputError.keyed("err.csv.blank_names", file=name, positions=", ".join(map(str, pos[:20])))
    dups = sorted(h for h, n in Counter(header).items() if n > 1)
    if dups:
        raise InputError.keyed("err.csv.repeated_names", file=name, names=name_list(dups))
    if not data:
        raise InputError.keyed("err.csv.no_rows", file=name)
    ragged = any(len(r) > len(header) for r in data)
    return CsvFormat(
        encoding=enc, delimiter=delimiter, header=header, sample_rows=data, trailing_empty=trailing, ragged=ragged
    )


def _trailing_empty(header: list[str], rows: list[list[str]]) -> bool:
    """True when every row carries one trailing empty field beyond the header: rows one field longer
    than the header ending in an empty one, or a header whose last name is blank over rows whose last
    field is empty (both the header and the rows end with the delimiter)."""
    if not rows or len(header) < 2:
        return False
    width = len(header)
    if header[-1] == "" and all(h for h in header[:-1]):
        return all(len(r) == width and not r[-1].strip() for r in rows)
    return all(len(r) == width + 1 and not r[-1].strip() for r in rows)


def _too_wide(n: int, name: str) -> InputError:
    return InputError.keyed("err.csv.too_wide", file=name, n=f"{n:,}", most=f"{MAX_COLUMNS:,}")


def utf8_copy(path: str | Path, encoding: str, dest: str | Path, name: str | None = None) -> Path:
    """Stream-decode `path` from `encoding` and write UTF-8 to `dest`; validate UTF-8 input in place.

    Returns the path DuckDB should read (the original for plain UTF-8). Raises InputError naming the byte
    offset and line of the first undecodable byte.
    """
    path, dest = Path(path), Path(dest)
    name = name or path.name
    plain_utf8 = encoding in ("utf-8", "utf-8-sig")  # DuckDB reads these as they are
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset, lines = 0, 1
    out = None if plain_utf8 else open(dest, "w", encoding="utf-8", newline="")
    try:
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                final = not chunk
                try:
                    text = decoder.decode(chunk, final=final)
                except UnicodeDecodeError as exc:
                    line = lines + chunk[: exc.start].count(b"\n")
                    raise undecodable(encoding, offset + exc.start, line, name) from None
                if out is not None and text:
                    out.write(text)
                offset += len(chunk)
                lines += chunk.count(b"\n")
                if final:
                    break
    except BaseException:
        if out is not None:
            out.close()
            dest.unlink(missing_ok=True)
        raise
    if out is None:
        return path
    out.close()
    return dest


def readable_copy(path: str | Path, fmt: CsvFormat, dest: str | Path, name: str | None = None) -> Path:
    """The file DuckDB should parse for `fmt`: `utf8_copy` for delimited files; for a headerless edge
    list, a UTF-8 copy with our header and without comment lines (streamed), comma-separated for a
    whitespace one, else in its own delimiter. Raises InputError naming the original line of a row with
    another number of values."""
    if not fmt.headerless:
        return utf8_copy(path, fmt.encoding, dest, name)
    out_delimiter = "," if fmt.whitespace else fmt.delimiter
    path, dest = Path(path), Path(dest)
    name = name or path.name
    width = len(fmt.header)
    decoder = codecs.getincrementaldecoder(fmt.encoding)(errors="strict")
    line_no, offset, carry = 0, 0, ""
    try:
        with open(path, "rb") as fh, open(dest, "w", encoding="utf-8", newline="") as out:
            out.write(out_delimiter.join(fmt.header) + "\n")
            while True:
                chunk = fh.read(CHUNK)
                final = not chunk
                try:
                    text = carry + decoder.decode(chunk, final=final)
                except UnicodeDecodeError as exc:
                    raise undecodable(fmt.encoding, offset + exc.start, line_no + 1, name) from None
                offset += len(chunk)
                lines = text.split("\n")
                carry = "" if final else lines.pop()
                rows = []
                for line in lines:
                    line_no += 1
                    if fmt.whitespace:
                        tokens = line.split()
                    else:
                        tokens = [tok.strip() for tok in line.split(fmt.delimiter)] if line.strip() else []
                    if not tokens or tokens[0].startswith(COMMENT_PREFIXES):
                        continue
                    if len(tokens) != width:
                        raise InputError.keyed(
                            "err.csv.uneven_line",
                            file=name,
                            line=line_no,
                            n=len(tokens),
                            width=width,
                            header=", ".join(fmt.header),
                        )
                    rows.append(out_delimiter.join(tokens))
                if rows:
                    out.write("\n".join(rows) + "\n")
                if final:
                    break
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return dest


@dataclass
class Shaped:
    """What `shaped_copy` wrote: the file to parse, and the rows it skipped (skip_bad_rows)."""

    path: Path
    skipped: int = 0
    examples: list[str] | None = None  # "line N: '<start of the line>'" for the first five skipped


def _clip_line(fields: list[str], delimiter: str, limit: int = 60) -> str:
    text = delimiter.join(fields)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def shaped_copy(src: str | Path, fmt: CsvFormat, dest: str | Path, name: str, skip_bad_rows: bool = False) -> Shaped:
    """The one rule for rows with more fields than the header, for every reader (ingest and analysis).

    `src` is UTF-8 (what `utf8_copy` returns). A trailing empty field that every row carries
    (`fmt.trailing_empty`) is dropped; any other row with more fields than the header fails with
    InputError naming its line, or, with `skip_bad_rows`, is left out and counted. Writes a UTF-8 CSV
    with `fmt.header` to `dest` (streamed); rows with fewer fields pass unchanged (the reader decides).
    """
    src, dest = Path(src), Path(dest)
    width = len(fmt.header)
    skipped, examples = 0, list[str]()
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    try:
        with (
            open(src, encoding="utf-8-sig", newline="") as fh,
            open(dest, "w", encoding="utf-8", newline="") as out,
        ):
            reader = csv.reader(fh, delimiter=fmt.delimiter)
            writer = csv.writer(out, delimiter=fmt.delimiter, lineterminator="\n")
            writer.writerow(fmt.header)
            end = 0
            for i, row in enumerate(reader):
                start, end = end + 1, reader.line_num
                if i == 0 or not any(c.strip() for c in row):  # the header (written above); blank lines
                    continue
                if fmt.trailing_empty and len(row) == width + 1 and not row[-1].strip():
                    row = row[:width]
                if len(row) > width:
                    if not skip_bad_rows:
                        raise InputError.keyed(
                            "err.csv.extra_fields",
                            file=name,
                            rows=None,
                            line=start,
                            n=len(row),
                            width=width,
                            start=_clip_line(row, fmt.delimiter),
                        )
                    skipped += 1
                    if len(examples) < 5:
                        examples.append(f"line {start}: {_clip_line(row, fmt.delimiter)}")
                    continue
                writer.writerow(row)
    except csv.Error as exc:
        dest.unlink(missing_ok=True)
        raise InputError.keyed("err.csv.unreadable", file=name, reason=str(exc)) from None
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return Shaped(dest, skipped, examples)


def sha256_file(path: str | Path) -> str:
    """The file's sha256, read through one small reused buffer (no chunk-sized allocations)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_size(path: str | Path) -> int:
    return os.path.getsize(path)


_SKIP_BAD_ROWS: ContextVar[bool] = ContextVar("skip_bad_rows", default=False)
_SKIPPED: ContextVar[list[dict] | None] = ContextVar("skipped_rows", default=None)


@contextmanager
def reading(skip_bad_rows: bool) -> Iterator[list[dict]]:
    """Within this block `read_csv_frame` skips (and counts) rows with more fields than the header
    unless told otherwise; yields the list each read appends {file, skipped, examples} to. The CLI
    wraps every subcommand in it (`--skip-bad-rows`), so readers deep in core need no new argument."""
    skipped: list[dict] = []
    flag, log = _SKIP_BAD_ROWS.set(skip_bad_rows), _SKIPPED.set(skipped)
    try:
        yield skipped
    finally:
        _SKIP_BAD_ROWS.reset(flag)
        _SKIPPED.reset(log)


def skipped_reads() -> list[dict]:
    """{file, skipped, examples} of every read with skipping on, in the current `reading` block."""
    return list(_SKIPPED.get() or [])


def read_csv_frame(
    source: str | Path | bytes,
    name: str | None = None,
    required: tuple[str, ...] = (),
    as_text: bool = True,
    whitespace_ok: bool = False,
    encoding: str | None = None,
    skip_bad_rows: bool | None = None,
):
    """A whole CSV as a pandas DataFrame, for the headless subcommands and page uploads.

    The one reader every analysis uses: the same encoding/delimiter sniffing, row rule and plain
    errors as an ingest (GBK, UTF-16, BOMs, ; tab |; a trailing delimiter on every row dropped; a row
    with more fields than the header an error naming its line, or skipped and counted with
    `skip_bad_rows`, default: the CLI's `--skip-bad-rows` via `reading`). `source` is a path or the
    raw bytes of an upload. `as_text`: every column as str with "" for empty cells (callers convert
    what they need); else pandas infers numbers. `whitespace_ok`: a file without any delimiter is split
    on runs of whitespace (fixed-width exports such as CDNOW's). `required` columns must exist, else
    InputError naming the missing one and the columns there are.
    """

    if isinstance(source, (bytes, bytearray)):
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as tmp:
            tmp.write(source)
        try:
            return read_csv_frame(
                tmp.name, name or "upload.csv", required, as_text, whitespace_ok, encoding, skip_bad_rows
            )
        finally:
            os.unlink(tmp.name)
    path = Path(source)
    name = name or path.name
    if not path.is_file():
        raise InputError.keyed("err.csv.not_found", file=str(source))
    skip = _SKIP_BAD_ROWS.get() if skip_bad_rows is None else skip_bad_rows
    fmt = sniff(path, name, encoding)
    try:
        df = _frame(path, fmt, name, as_text, whitespace_ok)
    except _TooManyFields:  # a long row past the sampled head: the row rule names it (or skips it)
        df = None
    if df is None or fmt.needs_shaping:
        with tempfile.TemporaryDirectory(prefix="ce-read-") as work:
            utf8 = utf8_copy(path, fmt.encoding, Path(work) / "utf8.csv", name)
            shaped = shaped_copy(utf8, fmt, Path(work) / "shaped.csv", name, skip)
            df = _frame(shaped.path, replace(fmt, encoding="utf-8"), name, as_text, whitespace_ok)
        if df is None:  # pandas still finds a long row: not one the row rule sees (quoting); say so
            raise InputError.keyed("err.csv.unreadable", file=name, reason="rows with more fields than the header")
        log = _SKIPPED.get()
        if log is not None and skip:
            log.append({"file": name, "skipped": shaped.skipped, "examples": shaped.examples or []})
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    for col in required:
        if col and col not in df.columns:
            raise InputError.keyed("err.csv.no_column", file=name, column=col, names=name_list(list(df.columns)))
    return df


class _TooManyFields(Exception):
    """pandas met a row with more fields than the header."""


_PANDAS_LONG_ROW = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


def _frame(path: Path, fmt: CsvFormat, name: str, as_text: bool, whitespace_ok: bool):
    """pandas' fast reader over a file `sniff` described; _TooManyFields (or None after shaping)
    when a row has more fields than the header."""

    sep = fmt.delimiter
    kwargs = {"dtype": str, "keep_default_na": False} if as_text else {}
    if fmt.headerless:  # an edge list: our column names, comment lines skipped
        sep = r"\s+" if fmt.whitespace else fmt.delimiter
        kwargs.update(header=None, names=fmt.header, comment=None)
    elif whitespace_ok and len(fmt.header) == 1 and len(fmt.header[0].split()) > 1:
        sep = r"\s+"
    enc = "utf-8-sig" if fmt.encoding == "utf-8" else fmt.encoding
    if fmt.headerless:  # comment lines may start with '#' or '%' (pandas knows only one comment character)
        with open(path, encoding=enc, newline="") as fh:
            lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith(COMMENT_PREFIXES)]
        reader: Path | io.StringIO = io.StringIO("".join(lines))
        read_enc: str | None = None
    else:
        reader, read_enc = path, enc
    try:
        return pd.read_csv(reader, encoding=read_enc, sep=sep, **kwargs)
    except UnicodeDecodeError as exc:
        raise undecodable(fmt.encoding, exc.start, 0, name) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        if _PANDAS_LONG_ROW.search(str(exc)) and not fmt.headerless:
            if fmt.needs_shaping:
                return None
            raise _TooManyFields() from None
        raise InputError.keyed("err.csv.unreadable", file=name, reason=str(exc).splitlines()[0]) from None
