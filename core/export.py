"""Every CSV the product writes goes through here: formula cells neutralised, files written atomically.

CSV formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return as a formula, so text from uploads (`=HYPERLINK(...)`,
`@SUM(...)`, `-2+3+cmd|'/c calc'!A0`) could run on the analyst's machine when they open an export.
`neutralise_formulas` prefixes such text cells with `'`, as OWASP recommends; Excel and LibreOffice
show the cell as the text it was.

What stays as it is:
- numeric columns (a churn probability, a score of -0.5): numbers are never touched;
- a text cell that *is* a plain number (`-0.5`, `+3`, `-1e5`, as in an id or value column read as
  text): a spreadsheet reads it as that number and no formula runs, so it is written unchanged and
  round-trips. Anything else after the sign (`-0.5+A1`, `- hello`) is prefixed.

Files are UTF-8 with CRLF line ends (RFC 4180), so a carriage return inside a cell is quoted.
`csv_bytes(df)` is what the pages hand to `st.download_button`; `write_csv(df, out, inputs=...)`
is what every CLI subcommand writes with: it refuses an `--out` that is a folder, one of the
input files or a file inside an input folder (a `--model-dir`), writes a temporary sibling file and renames it into place (no half-written file, no
stray temporary file on failure).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from core.errors import ConfigError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# RFC 4180 line ends (what Excel writes): with them the csv writer quotes a cell holding a bare CR,
# which with "\n" alone it would not (and a reader would split the row there).
LINE_END = "\r\n"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value):
    """`'` + value for a text cell a spreadsheet would run as a formula; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with every formula-like text cell (and column name) neutralised; numbers untouched."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if (
            pd.api.types.is_object_dtype(series)
            or pd.api.types.is_string_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype)
        ):
            out[col] = series.astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of `df`, formula cells neutralised (for page downloads)."""
    return neutralise_formulas(df).to_csv(index=False, lineterminator=LINE_END).encode("utf-8")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(out: Path | str, inputs=(), option: str = "--out", folder: bool = False) -> Path:
    """`out` as a Path, refused (ConfigError) when it would overwrite an input, or (unless `folder`,
    as for a `--model-dir`) when it is a folder."""
    out = Path(out)
    if out.is_dir() and not folder:
        raise ConfigError(f"{option} {out} is a folder; give a file name such as {out / 'out.csv'}")
    for inp in inputs:
        if inp is None:
            continue
        inp = Path(inp)
        if _same_file(out, inp) or out.absolute() == inp.absolute():
            raise ConfigError(
                f"{option} {out} is the input file; outputs never overwrite inputs, give another file name"
            )
        if inp.is_dir() and inp.resolve() in out.absolute().resolve().parents:
            raise ConfigError(
                f"{option} {out} lies inside the input folder {inp}; outputs never overwrite "
                "inputs, give a file elsewhere"
            )
    return out


def write_csv(df: pd.DataFrame, out: Path | str, inputs=(), option: str = "--out") -> Path:
    """Write `df` as UTF-8 CSV to `out` atomically, formula cells neutralised (see the module docstring)."""
    out = check_output(out, inputs, option)
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise ConfigError(f"{option} {out}: its folder {parent} cannot be created (a file is in the way)") from exc
    except OSError as exc:
        raise ConfigError(f"{option} {out}: its folder cannot be created ({exc.strerror})") from exc
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise ConfigError(f"{option} {out}: cannot write in {parent} ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            neutralise_formulas(df).to_csv(fh, index=False, lineterminator=LINE_END)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return out
