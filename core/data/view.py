"""What the home page shows, computed once: the tables' summary, each table's health card, what each
view unlocks, each table's versions, and the messages of an ingest or a restore.

Messages are kept as facts, a translation key and its arguments (`Note`), never as text: a page
renders them in the language of the moment, so switching to 简体中文 after an ingest shows its report
in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.viz.format import fmt_count, fmt_date

Note = tuple[str, dict]  # (translation key, its arguments)

# DuckDB's column types as a reader names them (the key of `home.type.<kind>`)
_TYPE_KINDS = (
    ("TIMESTAMP", "time"),
    ("DATE", "time"),
    ("BOOL", "flag"),
    ("INT", "number"),
    ("DOUBLE", "number"),
    ("FLOAT", "number"),
    ("DECIMAL", "number"),
    ("REAL", "number"),
    ("VARCHAR", "text"),
)


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "whitespace"}


def delimiter_kind(delimiter: str) -> str:
    """The name of a sniffed delimiter (the key of `home.delim.<kind>`); 'other' for anything else."""
    return DELIMITERS.get(delimiter, "other")


def type_kind(duckdb_type: str) -> str:
    """'VARCHAR' -> 'text', 'BIGINT' -> 'number', 'TIMESTAMP' -> 'time', 'BOOLEAN' -> 'flag'; else 'other'."""
    upper = str(duckdb_type).upper()
    return next((kind for prefix, kind in _TYPE_KINDS if prefix in upper), "other")


@dataclass
class TableCard:
    """One table's health: figures, its columns (column, type kind, nulls, null_share, distinct), a preview."""

    table: str
    rows: int
    duplicates: int
    first: str | None  # first and last time of the table's time column, as dates ('2026-01-05')
    last: str | None
    columns: pd.DataFrame
    preview: pd.DataFrame


@dataclass
class Unlock:
    """What a view can show from the workspace: `shown` parts, and per missing part what it needs."""

    view: str
    available: bool
    shown: list[str]
    needs: dict[str, str]


@dataclass
class HomeView:
    summary: pd.DataFrame  # table, rows, version, source, loaded
    cards: list[TableCard]
    unlocks: list[Unlock]


def table_card(health) -> TableCard:
    """A core.data.health.TableHealth as the page shows it."""
    columns = health.columns.assign(type=health.columns["type"].map(type_kind))
    columns = columns[["column", "type", "nulls", "null_share", "distinct"]]
    first = fmt_date(pd.Timestamp(health.time_min).normalize()) if health.time_min is not None else None
    last = fmt_date(pd.Timestamp(health.time_max).normalize()) if health.time_max is not None else None
    return TableCard(health.table, int(health.rows), int(health.duplicate_rows), first, last, columns, health.preview)


def home_view(infos, healths, support) -> HomeView:
    """`infos`: the workspace's current TableInfo list; `healths`: {table: TableHealth};
    `support`: core.capabilities.view_capabilities of the workspace."""
    summary = pd.DataFrame(
        {
            "table": [i.table for i in infos],
            "rows": [int(i.rows) for i in infos],
            "version": [int(i.version) for i in infos],
            "source": [i.source for i in infos],
            "loaded": [i.created_at for i in infos],
        }
    )
    cards = [table_card(healths[i.table]) for i in infos]
    unlocks = [Unlock(v, s.available, list(s.shown), dict(s.needs)) for v, s in support.items()]
    return HomeView(summary, cards, unlocks)


def ingest_notes(report, *, file: str, workspace: str) -> list[Note]:
    """The success message of an ingest (an IngestReport) as facts, plus the first skipped rows."""
    before = report.rows_before or 0
    args = {
        "rows": fmt_count(report.rows),
        "table": report.table,
        "version": report.version,
        "file": file,
        "skipped": fmt_count(report.skipped),
        "workspace": workspace,
        "before": fmt_count(before),
        "added": fmt_count(report.rows - before),
    }
    if report.mode == "append":
        key = "home.appended"
    elif report.rows_before is not None:
        key = "home.replaced"
    else:
        key = "home.ingested"
    notes: list[Note] = [(key, args)]
    if report.skipped_examples:
        notes.append(("home.skipped_first", {"examples": "; ".join(report.skipped_examples)}))
    return notes


def confirmation_notes(check) -> list[Note]:
    """Rows before -> after of the table (an IngestCheck), and what was skipped, for the user to confirm."""
    if check.rows_before is None:
        notes: list[Note] = [("home.confirm_new", {"table": check.table, "after": fmt_count(check.rows_after)})]
    else:
        args = {"table": check.table, "before": fmt_count(check.rows_before), "after": fmt_count(check.rows_after)}
        notes = [(f"home.confirm_{check.mode}", args)]
    if check.duplicate_of is not None:
        notes.append(("home.confirm_duplicate", {"table": check.table, "version": check.duplicate_of}))
    if check.overlap:
        notes.append(
            (
                "home.confirm_overlap",
                {"n": fmt_count(check.overlap), "fields": ", ".join(check.key), "table": check.table},
            )
        )
    if check.duplicate_of is not None or check.overlap:
        notes.append(("home.confirm_repeat_ask", {}))
    if check.skipped:
        examples = "; ".join(check.skipped_examples)
        notes.append(("home.confirm_skipped", {"skipped": fmt_count(check.skipped), "examples": examples}))
    return notes


def version_rows(history, current: int) -> list[dict]:
    """A table's versions, newest first: version, rows, source, loaded, action (a Note or None) and
    state ('current', 'kept': can be restored, or 'gone')."""
    rows = []
    first = min((v.version for v in history), default=None)
    for v in reversed(history):
        action = None
        if v.action:
            kind = v.action.split(" ")[0]
            action = (f"home.action_{kind}", {"version": v.action.split(" v")[-1]})
            if kind == "replace" and v.version == first:  # nothing was there to replace
                action = ("journey.action_first", {})
        state = "current" if v.version == current else ("kept" if v.kept else "gone")
        rows.append(
            {
                "version": v.version,
                "rows": fmt_count(v.rows),
                "source": v.source,
                "loaded": v.created_at,
                "action": action,
                "state": state,
            }
        )
    return rows
