"""How each column of an upload becomes a typed column, in SQL: the conversion plan of an ingest
(numbers with thousands separators or decimal commas, full-width digits, dates in many formats and
unix seconds or milliseconds, yes/no flags), each conversion with a flag that says where it failed.
The formats are told from the sample rows; a later row that disagrees is caught by the flags."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y%m%d",
    "%a %b %d %H:%M:%S %Y",
    "%d %b %Y",
    "%b %d, %Y",
]


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _clean(col: str) -> str:
    return f"NULLIF(trim({col}), '')"


def _number_expr(v: str, decimal_comma: bool) -> str:
    # fast path first: COALESCE only evaluates later arguments for rows the earlier ones left NULL
    s = f"regexp_replace({v}, '^[$€£¥￥]|[$€£¥￥%]$|\\s', '', 'g')"
    thousands = f"CASE WHEN regexp_full_match({s}, '[-+]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?') THEN replace({s}, ',', '')"
    if decimal_comma:
        thousands += (
            f" WHEN regexp_full_match({s}, '[-+]?\\d{{1,3}}(\\.\\d{{3}})*,\\d+') "
            f"THEN replace(replace({s}, '.', ''), ',', '.')"
        )
    flag = (
        f"CASE lower({v}) WHEN 'true' THEN 1 WHEN 'yes' THEN 1 WHEN 'y' THEN 1 WHEN '是' THEN 1 "
        f"WHEN 'false' THEN 0 WHEN 'no' THEN 0 WHEN 'n' THEN 0 WHEN '否' THEN 0 END"
    )
    return f"COALESCE(TRY_CAST({v} AS DOUBLE), TRY_CAST(({thousands} ELSE {s} END) AS DOUBLE), {flag})"


_TZ = "'\\s*(Z|UTC|[+-]\\d{2}:?\\d{2})$'"

# NFKC of the characters Chinese platforms write in numbers and dates: full-width ASCII (４８０,
# ２０２６－０１－０２, ：, ．, ，, ￥) and the ideographic space. Derived from unicodedata's NFKC itself;
# applied in SQL (translate) to values with non-ASCII characters (a no-op on 年, 月, 日, ¥).
_WIDE = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\uffe5"
_NFKC_FROM, _NFKC_TO = zip(*((c, unicodedata.normalize("NFKC", c)) for c in _WIDE))
assert all(len(c) == 1 for c in _NFKC_TO)


def _nfkc(v: str) -> str:
    return f"translate({v}, {sql_text(''.join(_NFKC_FROM))}, {sql_text(''.join(_NFKC_TO))})"


def _number_any(v: str, decimal_comma: bool) -> str:
    """A number; a value with non-ASCII characters is read after NFKC (full-width digits). A CASE, not
    COALESCE: DuckDB evaluates only the branch a row takes (COALESCE cost 4x on a clean file)."""
    return f"CASE WHEN strlen({v}) = length({v}) THEN {_number_expr(v, decimal_comma)} ELSE {_number_expr(_nfkc(v), decimal_comma)} END"


def _time_any(v: str, fmt: str | None) -> str:
    """A date/time; a value with non-ASCII characters is read after NFKC (full-width digits, dashes)."""
    return f"CASE WHEN strlen({v}) = length({v}) THEN {_time_expr(v, fmt)} ELSE {_time_expr(_nfkc(v), fmt)} END"


def _time_expr(v: str, fmt: str | None) -> str:
    """Detected format first (fast), then unix seconds/milliseconds, then every known format."""
    all_fmts = "[" + ", ".join(sql_text(f) for f in TIME_FORMATS) + "]"
    epoch = (
        f"CASE WHEN regexp_full_match({v}, '\\d{{12,13}}') THEN make_timestamp(CAST({v} AS BIGINT) * 1000) "
        f"WHEN regexp_full_match({v}, '\\d{{9,10}}(\\.\\d+)?') "
        f"THEN make_timestamp(CAST(CAST({v} AS DOUBLE) * 1000000 AS BIGINT)) END"
    )
    slow = f"try_strptime(regexp_replace({v}, {_TZ}, ''), {all_fmts})"
    first = (
        [f"try_strptime({v}, {sql_text(fmt)})", f"try_strptime(regexp_replace({v}, {_TZ}, ''), {sql_text(fmt)})"]
        if fmt
        else []
    )
    return "COALESCE(" + ", ".join(first + [epoch, slow]) + ")"


def _sample_kind(con, values: list[str]) -> tuple[str, str | None]:
    """Kind of a column from its sampled values: ('time', format|None), ('number', None) or ('text', None)."""
    vals = [v.strip() for v in values if v and v.strip()]
    if not vals:
        return "text", None
    x = "x"
    # the first format first, alone: ISO times, the common case, cost one small query instead of 28 checks
    first = TIME_FORMATS[0]
    misses = one_row(
        con,
        f"SELECT count(*) FILTER (WHERE try_strptime(regexp_replace(x, {_TZ}, ''), {sql_text(first)}) IS NULL) "
        "FROM (SELECT unnest(?::VARCHAR[]) AS x)",
        [vals],
    )[0]
    if misses == 0:
        return "time", first
    num = _number_expr(x, True)
    checks = ", ".join(
        f"count(*) FILTER (WHERE try_strptime(regexp_replace(x, {_TZ}, ''), {sql_text(f)}) IS NULL)"
        for f in TIME_FORMATS
    )
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE ({num}) IS NULL), "
        f"count(*) FILTER (WHERE TRY_CAST(x AS DOUBLE) IS NULL), {checks} "
        "FROM (SELECT unnest(?::VARCHAR[]) AS x)",
        [vals],
    ).fetchone()
    num_bad, not_plain_num = row[0], row[1]
    for f, misses in zip(TIME_FORMATS, row[2:]):
        if misses == 0:
            return "time", f
    return ("number", None) if num_bad == 0 and not_plain_num < len(vals) else ("text", None)


def _pick_time_format(con, values: list[str]) -> str | None:
    kind, fmt = _sample_kind(con, values)
    return fmt if kind == "time" else None


@dataclass
class ConversionPlan:
    """How each CSV column becomes a typed column, and which conversions must be checked."""

    query: str  # SELECT ... FROM {source}
    helper_cols: list[str]  # check columns kept in the file but hidden by the view
    checks: list[tuple[str, str, str, str]]  # (csv column, field, bad flag name, expected)
    extra_checks: list[tuple[int, str]]  # (column index, flag name) for inferred extras


def one_row(con, sql: str, params: list | None = None) -> tuple:
    """The one row an aggregate query returns."""
    row = con.execute(sql, params).fetchone()
    if row is None:  # an aggregate always returns a row; this is DuckDB breaking its contract
        raise RuntimeError(f"no row from: {sql[:80]}")
    return row


def conversion_plan(con, fmt, mapping: dict, schema, text_extras: set[int], row_offset: int = 0) -> ConversionPlan:
    select, outer, hidden, checks, extra_checks = [], [], [], [], []
    decimal_comma = fmt.delimiter not in (",", " ")
    samples = [
        [unicodedata.normalize("NFKC", r[i]) if i < len(r) else "" for r in fmt.sample_rows]
        for i in range(len(fmt.header))
    ]
    for i, col in enumerate(fmt.header):
        raw = quote_name(f"c{i}")
        v = _clean(raw)
        fld = mapping.get(col)
        if fld:
            f = schema.field(fld)
            if f.kind == "time":
                expr, expect = _time_any(v, _pick_time_format(con, samples[i])), "time"
            elif f.kind == "number":
                expr, expect = _number_any(v, decimal_comma), "number"
            elif f.kind == "text":  # free text keeps its own spacing; blank means missing
                expr, expect = f"CASE WHEN {v} IS NULL THEN NULL ELSE {raw} END", "text"
            else:
                expr, expect = v, "text"
            select.append(f"{expr} AS {quote_name(fld)}")
            if f.kind in ("time", "number") or f.required:
                # flags are computed in an outer query over the converted column, so each
                # conversion runs once per value
                x, w = quote_name(fld), f"__v_{i}"
                bad = f"({w} IS NOT NULL AND {x} IS NULL)"
                if f.required:
                    bad = f"({x} IS NULL)"
                    expect = expect if f.kind in ("time", "number") else "required"
                select.append(f"{v} AS {w}")
                flag = f"__bad_{i}"
                outer.append(f"{bad} AS {flag}")
                outer.append(f"CASE WHEN {bad} THEN {w} END AS __raw_{i}")
                hidden.append(w)
                checks.append((col, fld, flag, expect))
        else:
            kind, tfmt = ("text", None) if i in text_extras else _sample_kind(con, samples[i])
            if kind == "number":
                expr = _number_any(v, decimal_comma)
                integral = all(re.fullmatch(r"[-+]?\d+", x.strip()) for x in samples[i] if x.strip())
                if integral:
                    expr = f"TRY_CAST({expr} AS BIGINT)"
            elif kind == "time":
                expr = _time_any(v, tfmt)
            else:
                select.append(f"{v} AS {quote_name(col)}")
                continue
            select.append(f"{expr} AS {quote_name(col)}")
            select.append(f"{v} AS __v_{i}")
            hidden.append(f"__v_{i}")
            flag = f"__xbad_{i}"  # the sample said number/time but a later row disagrees: keep it as text
            outer.append(f"(__v_{i} IS NOT NULL AND {quote_name(col)} IS NULL) AS {flag}")
            extra_checks.append((i, flag))
    if schema.name == "posts" and "post_id" not in mapping.values():
        # numbered from the row; an append continues after the rows already there
        select.insert(0, f"'r' || CAST(row_number() OVER () + {int(row_offset)} AS VARCHAR) AS post_id")
    select = [s.replace("{", "{{").replace("}", "}}") for s in select]  # the query is a format template
    query = f"SELECT {', '.join(select)} FROM {{source}}"
    if hidden:
        query = f"SELECT * EXCLUDE ({', '.join(hidden)}), {', '.join(outer)} FROM ({query})"
    return ConversionPlan(query, [c.split(" AS ")[-1] for c in outer], checks, extra_checks)


@dataclass
class StrictPlan:
    """The clean-file plan: each column converted by the one reading the sample chose, with casts that
    raise on the first value they cannot read (then the checked `conversion_plan` runs instead, and its
    flags name the column, rows and values). No check columns are written; `required` lists the output
    columns that must have no empty value (their null counts come from the file's metadata).
    `types`: the type DuckDB's CSV reader gives each column c0..cN (its own number and time parsing,
    with `timestamp_format`), VARCHAR for those converted in SQL."""

    query: str  # SELECT ... FROM {source}
    required: list[str]
    types: list[str]
    timestamp_format: str | None = None


def strict_plan(con, fmt, mapping: dict, schema, row_offset: int = 0, native: bool = False) -> StrictPlan | None:
    """A plan that gives exactly what `conversion_plan` gives on a file whose every value reads the way
    its column's sample did, or fails (DuckDB raises) on any other file. None when a column has no
    single reading (times without one sampled format, e.g. unix seconds). `native`: the CSV reader
    parses numbers and times itself (times of one format: the first time column's)."""
    select: list[str] = []
    required: list[str] = []
    types = ["VARCHAR"] * len(fmt.header)
    stamp: str | None = None
    samples = [
        [unicodedata.normalize("NFKC", r[i]) if i < len(r) else "" for r in fmt.sample_rows]
        for i in range(len(fmt.header))
    ]

    def read_as(i: int, kind: str, tfmt: str | None) -> str:
        nonlocal stamp
        raw = quote_name(f"c{i}")
        if kind == "number":
            if native:
                types[i] = "DOUBLE"
                return raw
            return f"CAST({_clean(raw)} AS DOUBLE)"
        if native and stamp in (None, tfmt):
            stamp, types[i] = tfmt, "TIMESTAMP"
            return raw
        return f"strptime({_clean(raw)}, {sql_text(str(tfmt))})"

    for i, col in enumerate(fmt.header):
        raw = quote_name(f"c{i}")
        v = _clean(raw)
        fld = mapping.get(col)
        f = schema.field(fld) if fld else None
        if f is not None:
            kind = f.kind
            tfmt = _pick_time_format(con, samples[i]) if kind == "time" else None
            if f.required:
                required.append(f.name)
        else:
            kind, tfmt = _sample_kind(con, samples[i])
        if kind == "time" and tfmt is None:
            return None
        if kind in ("time", "number"):
            expr = read_as(i, kind, tfmt)
            integral = f is None and all(re.fullmatch(r"[-+]?\d+", x.strip()) for x in samples[i] if x.strip())
            if kind == "number" and integral:
                expr = f"CAST({expr} AS BIGINT)"
        elif kind == "text" and f is not None:  # free text keeps its own spacing; blank means missing
            expr = f"CASE WHEN {v} IS NULL THEN NULL ELSE {raw} END"
        else:
            expr = v
        select.append(f"{expr} AS {quote_name(fld or col)}")
    if schema.name == "posts" and "post_id" not in mapping.values():
        select.insert(0, f"'r' || CAST(row_number() OVER () + {int(row_offset)} AS VARCHAR) AS post_id")
    select = [s.replace("{", "{{").replace("}", "}}") for s in select]
    return StrictPlan(f"SELECT {', '.join(select)} FROM {{source}}", required, types, stamp)
