"""The audit trail: who changed what in a workspace, and when, append-only in its own DuckDB file.

One row per event in `_audit` (time, who, action, table, version, detail). `who` is the signed-in
user's e-mail, `cli` for the command line, or `local` for the app without sign-in. Actions: ingest
(a table's first version), append, replace, restore, training, access (the access file changed for
this workspace). Rows are only ever inserted: nothing in the product updates or deletes them, and a
version's row is written in the same transaction as the version itself, so neither exists without
the other.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIONS = ("ingest", "append", "replace", "restore", "training", "access")
AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS _audit (ts TIMESTAMP, who VARCHAR, action VARCHAR, "table" VARCHAR,
    version INTEGER, detail VARCHAR)
"""


@dataclass(frozen=True)
class AuditEntry:
    at: str  # 'YYYY-MM-DD HH:MM:SS' (UTC, as DuckDB's now())
    who: str
    action: str
    table: str | None
    version: int | None
    detail: str


def version_action(action: str, previous: int | None) -> str:
    """The audit action of a committed version: 'ingest' for a table's first version, else the
    version's own action ('append', 'replace', 'restore v2' -> 'restore')."""
    if previous is None and action in ("replace", "append"):
        return "ingest"
    return action.split(" ")[0]


def record(con, who: str, action: str, table: str | None = None, version: int | None = None, detail: str = "") -> None:
    """Insert one row with an open read-write connection (inside the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    con.execute(AUDIT_DDL)
    con.execute(
        "INSERT INTO _audit VALUES (now()::TIMESTAMP, ?, ?, ?, ?, ?)", [who or "cli", action, table, version, detail]
    )


def log(ws, who: str, action: str, table: str | None = None, version: int | None = None, detail: str = "") -> None:
    """Record one event in workspace `ws` (a core.data.workspace.Workspace) under its writer lock."""
    with ws.writer() as con:
        record(con, who, action, table, version, detail)


def _has_audit(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_audit'").fetchone()[0])


def trail(ws, table: str | None = None) -> list[AuditEntry]:
    """Every recorded event of `ws` (of `table` when given), oldest first; [] before the first."""
    if not ws.db_path.exists():
        return []
    with ws.connect() as con:
        if not _has_audit(con):
            return []
        q = "SELECT strftime(ts, '%Y-%m-%d %H:%M:%S'), who, action, \"table\", version, detail FROM _audit"
        params: list = []
        if table is not None:
            q += ' WHERE "table" = ?'
            params.append(table)
        rows = con.execute(q + " ORDER BY ts, rowid", params).fetchall()
    return [AuditEntry(*r) for r in rows]


AUTHORED = ("ingest", "append", "replace", "restore")  # the events that make a version


def version_authors(ws, table: str) -> dict[int, str]:
    """{version: who made it} for `table` (versions made before the trail existed are absent)."""
    return authors_by_table(trail(ws, table)).get(table, {})


def authors_by_table(entries: list[AuditEntry]) -> dict[str, dict[int, str]]:
    """{table: {version: who made it}} from trail entries (`trail(ws)`: every table in one read)."""
    out: dict[str, dict[int, str]] = {}
    for e in entries:
        if e.version is not None and e.table is not None and e.action in AUTHORED:
            out.setdefault(e.table, {})[e.version] = e.who
    return out
