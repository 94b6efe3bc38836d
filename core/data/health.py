"""Data health of a stored table: rows, time range, nulls per column, duplicate rows, a preview."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.data.schemas import SCHEMAS
from core.data.workspace import Workspace


@dataclass
class TableHealth:
    table: str
    rows: int
    time_column: str | None
    time_min: pd.Timestamp | None
    time_max: pd.Timestamp | None
    duplicate_rows: int
    columns: pd.DataFrame  # column, type, nulls, null_share, distinct
    preview: pd.DataFrame


def _q(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'


def table_health(ws: Workspace, table: str, preview_rows: int = 20) -> TableHealth:
    """Compute health figures in DuckDB (one scan per figure family), never loading the table into pandas."""
    with ws.connect() as con:
        desc = con.execute(f"DESCRIBE {_q(table)}").fetchall()
        cols = [(r[0], r[1]) for r in desc]
        agg = ", ".join(f"count(*) - count({_q(c)}), approx_count_distinct({_q(c)})" for c, _ in cols)
        row = con.execute(f"SELECT count(*), {agg} FROM {_q(table)}").fetchone()
        n = row[0]
        stats = pd.DataFrame(
            {
                "column": [c for c, _ in cols],
                "type": [t for _, t in cols],
                "nulls": [row[1 + 2 * i] for i in range(len(cols))],
                "distinct": [row[2 + 2 * i] for i in range(len(cols))],
            }
        )
        stats["null_share"] = (stats["nulls"] / max(n, 1)).round(4)
        all_cols = ", ".join(_q(c) for c, _ in cols)
        dups = con.execute(
            f"SELECT coalesce(sum(k - 1), 0) FROM (SELECT count(*) AS k FROM {_q(table)} "
            f"GROUP BY {all_cols} HAVING k > 1)"
        ).fetchone()[0]
        tcol = SCHEMAS[table].time_field if table in SCHEMAS else None
        tmin = tmax = None
        if tcol and tcol in dict(cols):
            tmin, tmax = con.execute(f"SELECT min({_q(tcol)}), max({_q(tcol)}) FROM {_q(table)}").fetchone()
        else:
            tcol = None
        preview = con.execute(f"SELECT * FROM {_q(table)} LIMIT {int(preview_rows)}").df()
    return TableHealth(table, n, tcol, tmin, tmax, int(dups), stats, preview)
