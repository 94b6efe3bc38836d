"""Churn inputs in SQL: an event log reduced to one row per user (issue 29).

The log stays in DuckDB (a CSV read there, or a frame registered there); Python gets back what the
features and labels are made of, a few rows per user: each user's first and last event, counts,
active days and sums before a cutoff (`user_event_stats`), events per user per week
(`weekly_event_counts`), and the rows the label rule reads (`label_log`). On 10M events for 200,000
users the log never becomes Python objects (it used to be two columns of 10M Python strings).

`load_event_csv` reads a CSV into the table `events(user_id, ts, <value columns>)` with the rules of
`core.cohorts.activity.activity_from_table` and the CLI's numeric columns: rows without a user (blank
ids too) or an unreadable time are dropped; mostly-numeric columns (95% of rows) other than the user and
the time become DOUBLE value columns. Times: 8-digit YYYYMMDD when nearly all values are (CDNOW), else
ISO-like dates read by DuckDB and the other distinct strings read by `parse_times` (pandas, per value).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from core.data.csvfile import CsvFormat, readable_copy, sniff
from core.errors import InputError
from core.query.engine import DuckDBEngine

EVENTS = "events"
NUMERIC_SHARE = 0.95  # a column whose values are numbers in this share of rows is a value column
COMPACT_SHARE = 0.9  # more than this share of 8-digit values: the column is YYYYMMDD dates
# ISO-like times DuckDB reads exactly as pandas does (no offsets: DuckDB's cast would drop them)
_ISO_FORMATS = (
    "["
    + ", ".join(
        f"'%Y-%m-%d{t}'" for t in (" %H:%M:%S", "", "T%H:%M:%S", " %H:%M", "T%H:%M", " %H:%M:%S.%f", "T%H:%M:%S.%f")
    )
    + "]"
)
MEMORY_LIMIT = "500MB"  # DuckDB spills to a temporary folder beyond this (issue 29: 1.5 GB peak in all)


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


class NotPlainCsv(Exception):
    """The file is not one DuckDB reads as is (a whitespace-separated export, an edge list): the
    caller reads it the general way."""


def _ts_literal(ts: pd.Timestamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(ts).isoformat(sep=' ')}'"


def event_engine() -> DuckDBEngine:
    engine = DuckDBEngine()
    engine.con.execute(f"SET memory_limit = {_lit(MEMORY_LIMIT)}")
    engine.con.execute(f"SET temp_directory = {_lit(tempfile.gettempdir())}")
    engine.con.execute("SET enable_progress_bar = false")
    engine.con.execute("SET preserve_insertion_order = false")
    return engine


def _csv_source(path: Path, fmt: CsvFormat, work: Path, name: str) -> Path:
    """The file DuckDB parses: the original when it is plain UTF-8, else a streamed copy."""
    if fmt.headerless or fmt.needs_shaping or (len(fmt.header) == 1 and len(fmt.header[0].split()) > 1):
        raise NotPlainCsv  # edge lists, whitespace exports, ragged rows: the general reader's rules
    if fmt.encoding != "utf-8":
        return readable_copy(path, fmt, work / "utf8.csv", name)
    return path


def stage_event_csv(
    engine: DuckDBEngine, path: str | Path, user_col: str, time_col: str, source: str
) -> tuple[list[str], pd.Series, int]:
    """Read the CSV at `path` into `engine` in one pass (the first step of `events` from a file):
    returns its value columns, the distinct time strings DuckDB did not read (for `parse_times`;
    none for compact dates) and how many rows DuckDB read a time in. `finish_events` then makes the
    table `events`.

    Raises InputError naming the file and the column when a column is missing, or NotPlainCsv for a
    file the general reader must take."""
    path = Path(path)
    fmt = sniff(path, source)
    names = _columns(fmt)
    for col in (user_col, time_col):
        if col not in names:
            shown = ", ".join(map(str, names[:12]))
            raise InputError(f"no such column; the columns are: {shown}", file=source, column=col)
    con = engine.con
    others = [c for c in names if c not in (user_col, time_col)]
    t = f"trim({_ident(time_col)})"
    numbers = "".join(f", TRY_CAST(trim({_ident(c)}) AS DOUBLE) AS {_ident(c)}" for c in others)
    with tempfile.TemporaryDirectory(prefix="ce-churn-") as work:
        csv = _csv_source(path, fmt, Path(work), source)
        types = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in names)
        read = (
            f"read_csv({_lit(str(csv))}, delim = {_lit(fmt.delimiter)}, header = true, quote = '\"', "
            f"escape = '\"', null_padding = true, auto_detect = false, columns = {{{types}}})"
        )
        # every row (blank users too: the shares below are over the whole column, as pandas reads it)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE raw_events AS
            SELECT {_ident(user_col)} AS user_id, ts_fast, CASE WHEN ts_fast IS NULL THEN ts_text END AS ts_text,
                   length(ts_text) = 8 AND regexp_full_match(ts_text, '[0-9]{{8}}') AS compact{numbers}
            FROM (SELECT *, {t} AS ts_text, TRY_STRPTIME({t}, {_ISO_FORMATS}) AS ts_fast FROM {read})"""
        )
    shares = con.execute(
        "SELECT count(*), count(ts_fast), count(*) FILTER (WHERE compact)"
        + "".join(f", count({_ident(c)})" for c in others)
        + " FROM raw_events"
    ).fetchone() or (0, 0, 0)
    rows = max(int(shares[0]), 1)
    values = [c for c, n in zip(others, shares[3:]) if n / rows >= NUMERIC_SHARE]
    if shares[2] / rows > COMPACT_SHARE:  # YYYYMMDD for every value, as parse_times reads it
        con.execute("UPDATE raw_events SET ts_fast = TRY_STRPTIME(ts_text, '%Y%m%d'), ts_text = NULL")
        parsed = con.execute("SELECT count(ts_fast) FROM raw_events").fetchone()
        return values, pd.Series([], dtype=str), int(parsed[0]) if parsed else 0
    other = con.execute("SELECT DISTINCT ts_text FROM raw_events WHERE ts_text IS NOT NULL AND ts_text <> ''")
    return values, other.fetchdf()["ts_text"], int(shares[1])


def finish_events(engine: DuckDBEngine, values: list[str], other_times: pd.DataFrame | None) -> int:
    """The table `events` (user_id, ts, value columns) from the staged rows: a row's time is DuckDB's
    reading or, for the strings it did not read, `other_times` (ts_text -> ts); rows without a user
    (blank ones too) or a time are dropped. Returns the number of events."""
    con = engine.con
    con.execute("CREATE OR REPLACE TEMP TABLE other_times (ts_text VARCHAR, ts TIMESTAMP)")
    if other_times is not None and len(other_times):
        engine.register_frame("other_frame", other_times)
        con.execute("INSERT INTO other_times SELECT ts_text, ts FROM other_frame WHERE ts IS NOT NULL")
        con.unregister("other_frame")
    value_cols = "".join(f", r.{_ident(c)}" for c in values)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {EVENTS} AS
        SELECT r.user_id, coalesce(r.ts_fast, o.ts) AS ts{value_cols}
        FROM raw_events r LEFT JOIN other_times o ON r.ts_fast IS NULL AND r.ts_text = o.ts_text
        WHERE r.user_id IS NOT NULL AND trim(r.user_id) <> '' AND (r.ts_fast IS NOT NULL OR o.ts IS NOT NULL)"""
    )
    con.execute("DROP TABLE raw_events")
    con.execute("DROP TABLE other_times")
    row = con.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()
    return int(row[0]) if row else 0


def _columns(fmt: CsvFormat) -> list[str]:
    names = [str(c).strip().lstrip("\ufeff") for c in fmt.header]
    if fmt.trailing_empty and names and names[-1] == "":
        names = names[:-1]
    return names


def register_events(engine: DuckDBEngine, activity: pd.DataFrame) -> None:
    """An in-memory activity log (user_id, ts[, value columns]) as the table `events`."""
    engine.register_frame(EVENTS, activity)


def log_span(engine: DuckDBEngine, table: str = EVENTS) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last event's time."""
    first, last = engine.con.execute(f"SELECT min(ts), max(ts) FROM {_ident(table)}").fetchone() or (None, None)
    return pd.Timestamp(first), pd.Timestamp(last)


def label_log(engine: DuckDBEngine, cutoff, inactive_days: int, table: str = EVENTS) -> pd.DataFrame:
    """The rows the label rule (`churn_labels_from_activity`) reads, as an activity log (user_id, ts):
    each user's first event on or before the cutoff, each user's first event in the window
    (cutoff, cutoff + inactive_days], and the log's first and last events. Who is eligible, who
    returned, and the log's span are the same as in the whole log."""
    cutoff = pd.Timestamp(cutoff)
    end = cutoff + pd.Timedelta(days=inactive_days)
    c, e, t = _ts_literal(cutoff), _ts_literal(end), _ident(table)
    return engine.sql(
        f"""WITH per_user AS (
            SELECT user_id, min(ts) FILTER (WHERE ts <= {c}) AS before_cutoff,
                   min(ts) FILTER (WHERE ts > {c} AND ts <= {e}) AS in_window
            FROM {t} GROUP BY user_id)
        SELECT user_id, before_cutoff AS ts FROM per_user WHERE before_cutoff IS NOT NULL
        UNION ALL SELECT user_id, in_window FROM per_user WHERE in_window IS NOT NULL
        UNION ALL (SELECT user_id, ts FROM {t} ORDER BY ts DESC LIMIT 1)
        UNION ALL (SELECT user_id, ts FROM {t} ORDER BY ts LIMIT 1)"""
    ).astype({"ts": "datetime64[ns]"})


def active_users(engine: DuckDBEngine, cutoff, table: str = EVENTS) -> list[str]:
    """Users with an event on or before the cutoff."""
    rows = engine.con.execute(
        f"SELECT DISTINCT CAST(user_id AS VARCHAR) FROM {_ident(table)} WHERE ts <= {_ts_literal(cutoff)}"
    ).fetchall()
    return [r[0] for r in rows]


def user_event_stats(engine: DuckDBEngine, cutoff, value_cols: list[str], table: str = EVENTS) -> pd.DataFrame:
    """Per user with an event on or before the cutoff (index user_id): first, last (times), events,
    active_days (distinct days), events_last_30d (after cutoff - 30 days) and total_<col> per value column."""
    c = _ts_literal(cutoff)
    since = _ts_literal(pd.Timestamp(cutoff) - pd.Timedelta(days=30))
    daily = "".join(f", fsum({_ident(v)}) AS {_ident('v_' + v)}" for v in value_cols)
    totals = "".join(f", coalesce(fsum({_ident('v_' + v)}), 0) AS {_ident('total_' + v)}" for v in value_cols)
    # per user and day first, then per user: a day is a row, so active days are a count (a DISTINCT
    # per user over 10M events took several times as long)
    out = engine.sql(
        f"""WITH days AS (
            SELECT user_id, CAST(ts AS DATE) AS day, min(ts) AS first, max(ts) AS last, count(*) AS events,
                   count(*) FILTER (WHERE ts > {since}) AS recent{daily}
            FROM {_ident(table)} WHERE ts <= {c} GROUP BY 1, 2)
        SELECT CAST(user_id AS VARCHAR) AS user_id, min(first) AS first, max(last) AS last,
               sum(events) AS events, count(*) AS active_days, sum(recent) AS events_last_30d{totals}
        FROM days GROUP BY 1"""
    )
    return out.astype({"first": "datetime64[ns]", "last": "datetime64[ns]"}).set_index("user_id")


def weekly_event_counts(engine: DuckDBEngine, cutoff, weeks: int, table: str = EVENTS) -> pd.DataFrame:
    """(user_id, week, events) for the `weeks` weeks ending at the cutoff, week 0 the latest: week k
    covers [cutoff - 7(k+1) days, cutoff - 7k days), and the cutoff itself is in week 0."""
    c = _ts_literal(cutoff)
    week_us = 7 * 86_400 * 1_000_000
    ago = f"(epoch_us({c}) - epoch_us(ts))"
    return engine.sql(
        f"""SELECT CAST(user_id AS VARCHAR) AS user_id,
            CAST(CASE WHEN {ago} = 0 THEN 0 ELSE ({ago} - 1) // {week_us} END AS INTEGER) AS week,
            count(*) AS events
        FROM {_ident(table)} WHERE ts <= {c} AND ts >= {c} - INTERVAL {7 * weeks} DAY GROUP BY 1, 2"""
    )
