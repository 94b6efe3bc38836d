"""Excel workbooks (.xlsx/.xlsm/.xls/.xlsb/.ods) through python-calamine (Rust, fast).

The chosen sheet is converted once to a Parquet file of text columns in the scratch folder, in
batches; the ingest then maps and checks it like a CSV. Cells keep the text a CSV export would show:
date cells (Excel serials with a date format) as ISO timestamps, whole numbers without '.0', booleans
as true/false. The header is the first non-empty row, or row `header_row` (1-based); a header with
blank names (a title row above it, merged header cells) is refused with a hint to pick the row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.data.mapping import missing_required, suggest_mapping
from core.data.sources.base import ReadOptions, check_header
from core.errors import InputError

BATCH = 50_000


def _cell(v) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def _workbook(path: Path, name: str):
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors and plain ValueError/OSError
        raise InputError.keyed("err.src.bad_workbook", file=name, reason=" ".join(str(exc).split())[:200]) from None


def sheet_names(path: Path, name: str) -> list[str]:
    return list(_workbook(path, name).sheet_names)


def _header_at(rows, header_row: int | None) -> tuple[int, list]:
    """(1-based row number, values) of the header: row `header_row`, else the first non-empty row."""
    for i, row in enumerate(rows, start=1):
        if header_row is not None:
            if i == header_row:
                return i, row
        elif any(_cell(v) is not None for v in row):
            return i, row
    return 0, []


def sheet_header(path: Path, name: str, sheet: str, header_row: int | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and first 20 rows (text) of one sheet, for the page's sheet picker."""
    wb = _workbook(path, name)
    rows = wb.get_sheet_by_name(sheet).to_python(nrows=(header_row or 50) + 20)
    at, head = _header_at(rows, header_row)
    header = [_cell(v) or "" for v in head]
    while header and header[-1] == "":
        header.pop()
    sample = [[_cell(v) or "" for v in r[: len(header)]] for r in rows[at : at + 20]]
    return header, sample


def fitting_sheet(path: Path, name: str, table: str, header_row: int | None = None) -> str | None:
    """The first sheet whose header maps to `table` (its required fields found), else None."""
    for s in sheet_names(path, name):
        try:
            header, sample = sheet_header(path, name, s, header_row)
        except Exception:  # noqa: BLE001 - a sheet that cannot be read is simply not the default
            continue
        if header and all(header) and not missing_required(suggest_mapping(header, sample, table), table):
            return s
    return None


def pick_sheet(path: Path, name: str, table: str | None, header_row: int | None = None) -> str:
    """The first sheet whose header maps to `table`, else the first sheet."""
    names = sheet_names(path, name)
    if not names:
        raise InputError.keyed("err.src.no_sheets", file=name)
    return (fitting_sheet(path, name, table, header_row) if table else None) or names[0]


def _resolve_sheet(names: list[str], sheet: str, name: str) -> str:
    if sheet in names:
        return sheet
    if sheet.isdigit() and int(sheet) < len(names):
        return names[int(sheet)]
    raise InputError.keyed("err.src.no_sheet", file=name, sheet=sheet, sheets=", ".join(names))


def stage(path: Path, name: str, options: ReadOptions, scratch: Path) -> tuple[Path, str]:
    """Convert the chosen sheet to `scratch/sheet.parquet` (text columns); returns it and the sheet's name."""

    wb = _workbook(path, name)
    names = list(wb.sheet_names)
    if options.sheet is not None:
        sheet = _resolve_sheet(names, str(options.sheet), name)
    else:
        sheet = pick_sheet(path, name, options.table, options.header_row)
    where = f" (sheet {sheet})"
    ws = wb.get_sheet_by_name(sheet)
    rows = ws.iter_rows()
    at, head = 0, []
    for at, row in enumerate(rows, start=1):
        if options.header_row is not None:
            if at == options.header_row:
                head = row
                break
        elif any(_cell(v) is not None for v in row):
            head = row
            break
    header = [_cell(v) or "" for v in head]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise InputError.keyed("err.src.empty_sheet", file=name + where)
    if "" in header or len(header) < (ws.width or 0) or _merged_header(ws, at):
        blank = [i + 1 for i, h in enumerate(header) if h == ""]
        raise InputError.keyed(
            "err.src.title_row", file=name + where, row=at, positions=", ".join(map(str, blank[:20])) or "-"
        )
    header = check_header(header, name, where)
    width = len(header)
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(width)])
    out = scratch / "sheet.parquet"
    n, line = 0, at
    empty = ("", None)
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[list] = []
        for row in rows:
            line += 1
            if not any(v not in empty for v in row):
                continue  # blank rows in a sheet are layout, not data
            if len(row) > width and any(v not in empty for v in row[width:]):
                raise InputError.keyed("err.src.beyond_header", file=name + where, rows=[line])
            batch.append(row[:width] if len(row) >= width else list(row) + [None] * (width - len(row)))
            if options.preview_rows is not None and n + len(batch) >= options.preview_rows:
                break
            if len(batch) >= BATCH:
                writer.write_table(_table(batch, schema))
                n += len(batch)
                batch = []
        if batch:
            writer.write_table(_table(batch, schema))
            n += len(batch)
    if n == 0:
        raise InputError.keyed("err.csv.no_rows", file=name + where)
    # column names go back in by the relation: the Parquet file keeps positions only
    (scratch / "sheet.header").write_text("\n".join(header), encoding="utf-8")
    return out, sheet


def header_of(staged: Path) -> list[str]:
    return staged.with_suffix(".header").read_text(encoding="utf-8").split("\n")


def _table(batch, schema):

    return pa.Table.from_arrays([_column(list(c)) for c in zip(*batch)], schema=schema)


def _column(values: list):
    """One column of cells as text, column-wise in Arrow where the cells are all of one kind (the
    common case: the same text `_cell` gives, many times faster), else cell by cell."""

    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {str}:
        arr = pa.array(values, pa.string())
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    values = [None if v == "" else v for v in values]  # empty cells
    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {float, int}:  # whole numbers in full without '.0' (ids), as _cell writes them
        nums = pa.array(values, pa.float64())
        whole = pc.and_(pc.equal(pc.floor(nums), nums), pc.less(pc.abs(nums), 2.0**53))
        as_int = pc.cast(pc.cast(pc.if_else(whole, nums, 0.0), pa.int64()), pa.string())
        return pc.if_else(whole, as_int, pc.cast(nums, pa.string()))
    if kinds == {dt.datetime}:
        text = pc.strftime(pa.array(values, pa.timestamp("us")), format="%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(text, pattern=r"\.000000$", replacement="")
    return pa.array([_cell(v) for v in values], pa.string())


def _merged_header(ws, header_row: int) -> bool:
    """True when merged cells span the header row (calamine's ranges are 0-based (row, col) pairs)."""
    try:
        ranges = ws.merged_cell_ranges or []
    except Exception:  # not every format reports merged cells
        return False
    return any(start[0] <= header_row - 1 <= end[0] and end[1] > start[1] for start, end in ranges)
