"""Reading real CSV exports: encoding, delimiter, header, and a UTF-8 copy for DuckDB to stream.

Encodings: UTF-8 with or without BOM, UTF-16 (BOM or NUL pattern), GB18030/GBK from Chinese Excel,
and Windows-1252 as a last resort for mostly-ASCII Western files. Detection reads the first MiB;
`utf8_copy` then decodes the whole file in chunks (never all in memory) and fails with the byte
offset and line of the first undecodable byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError

SAMPLE_BYTES = 1 << 20
CHUNK = 4 << 20
DELIMITERS = [",", ";", "\t", "|"]


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # a Python codec name; "utf-8" means DuckDB can read the file as is
    delimiter: str
    header: list[str]
    sample_rows: list[list[str]]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def detect_encoding(head: bytes, name: str) -> str:
    """Pick a codec for a file whose first bytes are `head`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4:
        # UTF-16 without BOM: ASCII characters leave a NUL in every other byte
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    if b"\x00" in head:
        raise InputError("this looks like a binary file, not a CSV (it contains NUL bytes)", file=name)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        # Mostly valid multi-byte UTF-8 with a few bad spots: a damaged UTF-8 file, not GBK (GBK text
        # breaks UTF-8 at nearly every character; only by chance does a pair look like UTF-8). The
        # full decode will then name the line of the damage.
        text = head.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        good = sum(1 for c in text if ord(c) > 127) - bad
        if good >= 20 * bad:
            return "utf-8"
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        wide = [c for c in text if ord(c) > 127]
        if wide and sum(_is_cjk(c) for c in wide) >= 0.6 * len(wide):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    non_ascii = sum(b > 127 for b in head)
    if non_ascii < 0.05 * max(len(head), 1):
        try:
            head.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    raise InputError("the file has bytes that are not valid text in UTF-8, UTF-16, GBK/GB18030 or Windows-1252; "
                     "save it again as 'CSV UTF-8' and retry", file=name)


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def undecodable(encoding: str, byte: int, line: int, name: str) -> InputError:
    return InputError(f"undecodable bytes for {encoding} at byte {byte} (line {line}); the file mixes encodings "
                      "or is not text. Save it again as 'CSV UTF-8' and retry", file=name)


def sniff(path: str | Path, name: str | None = None, encoding: str | None = None) -> CsvFormat:
    """Read the head of `path`: encoding, delimiter, header and up to 200 sample rows.

    Raises InputError for an empty file, a header-only file, duplicate or blank headers.
    """
    path = Path(path)
    name = name or path.name
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if not head.strip():
        raise InputError("the file is empty", file=name)
    enc = encoding or detect_encoding(head, name)
    try:
        text = codecs.getincrementaldecoder(enc)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise undecodable(enc, exc.start, head[: exc.start].count(b"\n") + 1, name) from None
    except LookupError:
        raise InputError(f"unknown encoding '{enc}'", file=name) from None
    text = text.lstrip("\ufeff")
    if len(head) == SAMPLE_BYTES:  # drop a possibly cut last line
        text = text[: text.rfind("\n") + 1] or text
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [r for _, r in zip(range(201), reader)]
    except csv.Error as exc:
        raise InputError(f"the first rows are not valid CSV: {exc}", file=name) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError("the file is empty", file=name)
    header = [unicodedata.normalize("NFC", h.strip()) for h in rows[0]]
    if any(h == "" for h in header):
        pos = [i + 1 for i, h in enumerate(header) if h == ""]
        raise InputError(f"the header has blank column names (column position {', '.join(map(str, pos))})",
                         file=name)
    seen: set[str] = set()
    dups = sorted({h for h in header if h in seen or seen.add(h)})
    if dups:
        raise InputError(f"the header repeats column names: {', '.join(dups)}; rename them so each is unique",
                         file=name)
    if len(rows) < 2:
        raise InputError("the file has a header but no data rows", file=name)
    return CsvFormat(encoding=enc, delimiter=delimiter, header=header, sample_rows=rows[1:])


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


def sha256_file(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def file_size(path: str | Path) -> int:
    return os.path.getsize(path)


def read_csv_frame(source: str | Path | bytes, name: str | None = None, required: tuple[str, ...] = (),
                   as_text: bool = True, whitespace_ok: bool = False, encoding: str | None = None):
    """A whole CSV as a pandas DataFrame, for the headless subcommands and page uploads.

    The one reader every analysis uses: the same encoding/delimiter sniffing and plain errors as an
    ingest (GBK, UTF-16, BOMs, ; tab |). `source` is a path or the raw bytes of an upload.
    `as_text`: every column as str with "" for empty cells (callers convert what they need); else
    pandas infers numbers. `whitespace_ok`: a file without any delimiter is split on runs of
    whitespace (fixed-width exports such as CDNOW's). `required` columns must exist, else
    InputError naming the missing one and the columns there are.
    """
    import tempfile

    import pandas as pd

    if isinstance(source, (bytes, bytearray)):
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as tmp:
            tmp.write(source)
        try:
            return read_csv_frame(tmp.name, name or "upload.csv", required, as_text, whitespace_ok, encoding)
        finally:
            os.unlink(tmp.name)
    path = Path(source)
    name = name or path.name
    if not path.is_file():
        raise InputError("file not found", file=str(source))
    fmt = sniff(path, name, encoding)
    sep = fmt.delimiter
    if whitespace_ok and len(fmt.header) == 1 and len(fmt.header[0].split()) > 1:
        sep = r"\s+"
    enc = "utf-8-sig" if fmt.encoding == "utf-8" else fmt.encoding
    kwargs = {"dtype": str, "keep_default_na": False} if as_text else {}
    try:
        df = pd.read_csv(path, encoding=enc, sep=sep, **kwargs)
    except UnicodeDecodeError as exc:
        raise undecodable(fmt.encoding, exc.start, 0, name) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"not a readable CSV ({str(exc).splitlines()[0]})", file=name) from None
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    for col in required:
        if col and col not in df.columns:
            raise InputError(f"no such column; the columns are: {', '.join(df.columns)}", file=name, column=col)
    return df
