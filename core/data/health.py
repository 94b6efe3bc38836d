"""Data health of a stored table: rows, time range, nulls per column, duplicate rows, a preview.

A table version never changes, so its figures are kept on disk in the workspace (`kept_table_health`):
a restarted server, another process or the CLI reads them instead of scanning the table again (the
duplicate-row count groups by every column: seconds on a large table).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.data.schemas import SCHEMAS
from core.data.workspace import TableInfo, Workspace

HEALTH_DIR = "health"  # <workspace>/health/: one Parquet per table version (the preview; figures in its metadata)
META_KEY = b"community_economy.health"
LOG = logging.getLogger(__name__)


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


def filled_columns(health: TableHealth) -> list[str]:
    """The table's columns holding at least one value (`core.capabilities.table_columns`, read from
    the health figures instead of a scan of their own)."""
    cols = health.columns
    return [str(c) for c, nulls in zip(cols["column"], cols["nulls"]) if nulls < health.rows]


# ---- kept per table version ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def health_code_version() -> str:
    """A short hash of this module: figures kept by other code are not read."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def kept_health_path(ws: Workspace, info: TableInfo) -> Path:
    """Where the figures of this table version are kept: named by table and version, plus a hash of
    what makes the version unique (its source's sha256, rows and creation time: a workspace deleted
    and made again restarts its versions at 1) and of this module's code."""
    ident = hashlib.sha256(f"{info.sha256}|{info.rows}|{info.created_at}".encode()).hexdigest()[:16]
    return ws.path / HEALTH_DIR / f"{info.table}__v{info.version}-{ident}-{health_code_version()}.parquet"


def kept_table_health(ws: Workspace, info: TableInfo) -> TableHealth:
    """`table_health` of the table version `info`, read from the workspace when it was computed before
    (by any process), else computed and kept (written atomically). A kept file that cannot be read is
    computed again; figures that cannot be written (a read-only folder, a value Parquet cannot hold)
    are returned all the same."""
    path = kept_health_path(ws, info)
    if path.exists():
        try:
            return _read_health(path)
        except Exception:  # noqa: BLE001 - a damaged or foreign file: the table is the truth, scan it again
            LOG.warning("kept health figures %s unreadable; computing them again", path, exc_info=True)
    health = table_health(ws, info.table)
    try:
        _write_health(health, path)
    except (OSError, TypeError, ValueError, NotImplementedError) as exc:  # pyarrow's errors subclass these
        LOG.info("health figures of %s v%d not kept: %s", info.table, info.version, exc)
    return health


def _time_text(value) -> list | None:
    """A time bound as [kind, ISO text], read back as the same type (a date stays a date)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    raise TypeError(f"a time of type {type(value).__name__} is not kept")


def _time_value(kept: list | None):
    if kept is None:
        return None
    kind, text = kept
    return dt.datetime.fromisoformat(text) if kind == "datetime" else dt.date.fromisoformat(text)


def _write_health(health: TableHealth, path: Path) -> None:
    meta = {
        "table": health.table,
        "rows": int(health.rows),
        "time_column": health.time_column,
        "time_min": _time_text(health.time_min),
        "time_max": _time_text(health.time_max),
        "duplicate_rows": int(health.duplicate_rows),
        "columns": {c: health.columns[c].tolist() for c in health.columns.columns},
    }
    preview = pa.Table.from_pandas(health.preview, preserve_index=False)
    preview = preview.replace_schema_metadata({**(preview.schema.metadata or {}), META_KEY: json.dumps(meta)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(preview, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_health(path: Path) -> TableHealth:
    kept = pq.read_table(path)
    meta = json.loads(kept.schema.metadata[META_KEY])
    times = [_time_value(meta[k]) for k in ("time_min", "time_max")]
    return TableHealth(
        meta["table"],
        meta["rows"],
        meta["time_column"],
        times[0],
        times[1],
        meta["duplicate_rows"],
        pd.DataFrame(meta["columns"]),
        kept.to_pandas(),
    )
