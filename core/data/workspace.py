"""Workspace storage: one folder per workspace holding an embedded DuckDB file.

Layout: `<data_dir>/workspaces/<name>/workspace.duckdb` plus `tables/<table>__v<n>.parquet`. Each
version of a canonical table is an immutable Parquet file (the scale path: any engine reads it); the
DuckDB file holds the `_versions` catalog (source file, sha256, rows, mapping, time) and one view per
table (`posts`) over its current file. Switching the view and writing the catalog row happen in one
short transaction, so a failed or killed ingest leaves the previous version current and readable, and
readers are never blocked for longer than that transaction.

Concurrency: DuckDB allows one writing process, or many reading ones. We never hold a connection
open between operations: every call opens, works and closes, retrying while another process holds
the file. Writers additionally serialise on a file lock, so the app and the CLI can share a workspace.

Leftovers: each ingest holds a lock of its own (`.staging/<token>.lock`) while its temp files exist,
so `sweep_leftovers` deletes exactly the temp files of writers that died (a lock nobody holds) and,
under the writer lock, table files no version refers to (a kill between rename and commit).

Names: a workspace is a name (letters, digits, '-', '_', CJK; no dots or separators, at most 64
characters) stored under the data folder, or an explicit folder path (it contains a separator),
resolved to an absolute path; such a folder must be new, empty or a workspace already.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock

from core import access
from core.access import Actor
from core.config import workspaces_dir
from core.data import audit
from core.data.schemas import SCHEMAS
from core.data.staging import (
    STAGING_DIR,
    TABLES_DIR,
    WriteToken,
    new_write_token,
    remove_orphan_versions,
    sweep_leftovers,
)
from core.errors import ConfigError

__all__ = ["STAGING_DIR", "TABLES_DIR", "WriteToken", "sweep_leftovers"]  # kept importable from here

DB_FILE = "workspace.duckdb"
KEEP_VERSIONS = 3
LOCK_TIMEOUT_S = 120.0
_NAME_RE = re.compile(r"^[\w\-\u4e00-\u9fff]{1,64}$")
_process_locks: dict[str, threading.RLock] = {}
_process_locks_guard = threading.Lock()

CATALOG_DDL = """
CREATE TABLE IF NOT EXISTS _versions (
    "table" VARCHAR, version INTEGER, physical VARCHAR, source VARCHAR, sha256 VARCHAR, rows BIGINT,
    skipped BIGINT, mapping VARCHAR, encoding VARCHAR, delimiter VARCHAR, created_at TIMESTAMP,
    PRIMARY KEY ("table", version));
CREATE TABLE IF NOT EXISTS _current ("table" VARCHAR PRIMARY KEY, version INTEGER);
CREATE TABLE IF NOT EXISTS _mappings (header_sig VARCHAR PRIMARY KEY, "table" VARCHAR, mapping VARCHAR,
    updated_at TIMESTAMP);
ALTER TABLE _versions ADD COLUMN IF NOT EXISTS action VARCHAR;
ALTER TABLE _versions ADD COLUMN IF NOT EXISTS hidden VARCHAR;
"""
HELPER_PREFIXES = ("__bad_", "__raw_", "__xbad_")  # ingest's conversion-check columns (older versions)


@dataclass(frozen=True)
class TableInfo:
    table: str
    version: int
    rows: int
    sha256: str
    source: str
    mapping: dict = field(default_factory=dict)
    created_at: str = ""
    skipped: int = 0
    encoding: str = ""
    delimiter: str = ""
    action: str = ""  # "replace", "append", "restore v2" (empty for versions made before this was kept)
    kept: bool = True  # its Parquet file still exists (the last KEEP_VERSIONS are kept), so it can be restored


def _process_lock(path: Path) -> threading.RLock:
    with _process_locks_guard:
        return _process_locks.setdefault(str(path.resolve()), threading.RLock())


def _is_lock_conflict(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg or "resource temporarily" in msg)


class Workspace:
    """A named folder with one DuckDB file. Cheap to construct; opens connections per call."""

    def __init__(self, path: str | Path):
        self.path = Path(path).absolute()  # views name files by absolute path, readable from any folder
        self.name = self.path.name
        self.db_path = self.path / DB_FILE

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # ---- connections --------------------------------------------------------------------------------
    @contextmanager
    def connect(self, read_only: bool = True):
        """A short-lived DuckDB connection; waits (up to LOCK_TIMEOUT_S) while another process writes."""

        if read_only and not self.db_path.exists():
            raise ConfigError(f"workspace '{self.name}' has no data yet")
        self.path.mkdir(parents=True, exist_ok=True)
        lock = _process_lock(self.db_path)
        with lock:  # one DuckDB instance per file per process avoids config clashes between threads
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            delay = 0.05
            while True:
                try:
                    con = duckdb.connect(str(self.db_path), read_only=read_only)
                    break
                except duckdb.IOException as exc:
                    if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(delay)
                    delay = min(delay * 1.5, 0.5)
            try:
                if not read_only:
                    con.execute(CATALOG_DDL)
                yield con
            finally:
                con.close()

    @contextmanager
    def writer(self):
        """Exclusive write access across processes (file lock) and a read-write connection."""
        self.path.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path / ".writer.lock"), timeout=LOCK_TIMEOUT_S):
            with self.connect(read_only=False) as con:
                yield con

    # ---- catalog ------------------------------------------------------------------------------------
    def _catalog(self, current_only: bool = True, table: str | None = None) -> list[TableInfo]:
        if not self.db_path.exists():
            return []
        with self.connect() as con:
            has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_versions'").fetchone()[0]
            if not has:
                return []
            cols = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = '_versions'"
                ).fetchall()
            }
            action = "v.action" if "action" in cols else "NULL"
            q = (
                'SELECT v."table", v.version, v.rows, v.sha256, v.source, v.mapping, '
                "strftime(v.created_at, '%Y-%m-%d %H:%M:%S'), v.skipped, v.encoding, v.delimiter, "
                f"{action}, v.physical IS NOT NULL FROM _versions v"
            )
            if current_only:
                q += ' JOIN _current c ON c."table" = v."table" AND c.version = v.version'
            params = []
            if table:
                q += ' WHERE v."table" = ?'
                params.append(table)
            rows = con.execute(q + ' ORDER BY v."table", v.version', params).fetchall()
        return [
            TableInfo(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(r[5] or "{}"),
                r[6],
                r[7] or 0,
                r[8] or "",
                r[9] or "",
                r[10] or "",
                bool(r[11]),
            )
            for r in rows
        ]

    def tables(self) -> list[TableInfo]:
        """Current version of every table in the workspace."""
        return self._catalog()

    def history(self, table: str) -> list[TableInfo]:
        """Every recorded version of `table`, oldest first (`kept` says which can still be restored)."""
        return self._catalog(current_only=False, table=table)

    def version_with_sha(self, table: str, sha256: str) -> int | None:
        """The newest recorded version of `table` whose source file had this sha256, or None."""
        same = [v.version for v in self.history(table) if v.sha256 == sha256]
        return same[-1] if same else None

    def current_file(self, table: str) -> tuple[int, Path, list[str], int] | None:
        """(version, Parquet path, hidden helper columns, rows) of the table's current version, or None."""
        if not self.db_path.exists():
            return None
        with self.connect() as con:
            if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_current'").fetchone()[0]:
                return None
            cols = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = '_versions'"
                ).fetchall()
            }
            hidden = "v.hidden" if "hidden" in cols else "NULL"
            row = con.execute(
                f"SELECT v.version, v.physical, {hidden}, v.rows FROM _versions v JOIN _current c "
                'ON c."table" = v."table" AND c.version = v.version WHERE v."table" = ?',
                [table],
            ).fetchone()
        if row is None:
            return None
        path = self.path / TABLES_DIR / row[1]
        return row[0], path, json.loads(row[2]) if row[2] else _hidden_columns(path), row[3]

    # ---- writing versions -----------------------------------------------------------------------------
    def commit_version(
        self,
        staged: Path,
        table: str,
        *,
        source: str,
        sha256: str,
        rows: int,
        skipped: int,
        mapping: dict,
        encoding: str,
        delimiter: str,
        hidden: list[str],
        action: str,
        expect_current: int | None | bool = False,
        remember_header: list[str] | None = None,
        who: str = "cli",
    ) -> int:
        """Make the staged Parquet file `table`'s new current version in one short transaction; returns it.

        `expect_current`: the version the caller built on or showed the user (None: no table yet);
        if another writer changed the table since, ConfigError and nothing changes. False: no check.
        Files of versions older than the last KEEP_VERSIONS are deleted after the commit.
        `who` (an e-mail, 'cli', 'local') goes into the audit trail in the same transaction.
        """
        with self.writer() as con:
            remove_orphan_versions(self, con)
            con.execute("BEGIN TRANSACTION")
            try:
                current = con.execute('SELECT version FROM _current WHERE "table" = ?', [table]).fetchone()
                current = current[0] if current else None
                if expect_current is not False and current != expect_current:
                    raise ConfigError(
                        f"table '{table}' changed while you were reviewing it or while this ran "
                        f"(now version {current}); look at it again and retry"
                    )
                version = con.execute(
                    'SELECT coalesce(max(version), 0) + 1 FROM _versions WHERE "table" = ?', [table]
                ).fetchone()[0]
                physical = f"{table}__v{version}.parquet"
                target = self.path / TABLES_DIR / physical
                staged.replace(target)  # a kill after this but before COMMIT leaves an orphan file, swept later
                con.execute(
                    'INSERT INTO _versions ("table", version, physical, source, sha256, rows, skipped, '
                    "mapping, encoding, delimiter, created_at, action, hidden) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?)",
                    [
                        table,
                        version,
                        physical,
                        source,
                        sha256,
                        rows,
                        skipped,
                        json.dumps(mapping, ensure_ascii=False),
                        encoding,
                        delimiter,
                        action,
                        json.dumps(hidden),
                    ],
                )
                con.execute("INSERT OR REPLACE INTO _current VALUES (?, ?)", [table, version])
                audit.record(con, who, audit.version_action(action, current), table, version, source)
                # the view names the file by absolute path: readers in any process resolve it the same way
                # (conversion-check columns stay in the file, out of sight: dropping them costs a pass)
                hide = f" EXCLUDE ({', '.join(_q(h) for h in hidden)})" if hidden else ""
                con.execute(
                    f"CREATE OR REPLACE VIEW {_q(table)} AS SELECT *{hide} FROM read_parquet({_lit(str(target))})"
                )
                if remember_header is not None:
                    con.execute(
                        "INSERT OR REPLACE INTO _mappings VALUES (?, ?, ?, now()::TIMESTAMP)",
                        [self.header_signature(remember_header), table, json.dumps(mapping, ensure_ascii=False)],
                    )
                old = con.execute(
                    'SELECT physical FROM _versions WHERE "table" = ? AND version <= ? AND physical IS NOT NULL',
                    [table, version - KEEP_VERSIONS],
                ).fetchall()
                con.execute(
                    'UPDATE _versions SET physical = NULL WHERE "table" = ? AND version <= ?',
                    [table, version - KEEP_VERSIONS],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        for (p,) in old:  # pruned only after the commit: a reader of the previous version is never cut off
            (self.path / TABLES_DIR / p).unlink(missing_ok=True)
        return version

    def restore(self, table: str, version: int, actor: Actor | None = None) -> int:
        """Make a kept earlier version of `table` current again, as a new version (so it can be undone).

        The new version's file is a hard link to the old one (a copy where links are not possible).
        Returns the new version number; ConfigError for an unknown, pruned or already current version.
        `actor` (None: the command line) must be an owner or admin when signed in (core.access).
        """
        access.require(actor or access.CLI, self.name, "write")
        infos = {i.version: i for i in self.history(table)}
        if not infos:
            raise ConfigError(f"workspace '{self.name}' has no '{table}' table")
        info = infos.get(version)
        if info is None:
            raise ConfigError(
                f"table '{table}' has no version {version} (versions: {', '.join(str(v) for v in infos)})"
            )
        if not info.kept:
            raise ConfigError(
                f"version {version} of '{table}' is no longer kept (only the last {KEEP_VERSIONS} versions are)"
            )
        current = self.info(table).version
        if current == version:
            raise ConfigError(f"version {version} is already the current version of '{table}'")
        with self.connect() as con:
            physical, hidden = con.execute(
                'SELECT physical, hidden FROM _versions WHERE "table" = ? AND version = ?', [table, version]
            ).fetchone()
        src = self.path / TABLES_DIR / physical
        token = new_write_token(self)
        with token:
            staged = self.path / TABLES_DIR / f".tmp-{token.name}-restore.parquet"
            try:
                os.link(src, staged)
            except OSError:
                shutil.copyfile(src, staged)
            try:
                return self.commit_version(
                    staged,
                    table,
                    source=info.source,
                    sha256=info.sha256,
                    rows=info.rows,
                    skipped=info.skipped,
                    mapping=info.mapping,
                    encoding=info.encoding,
                    delimiter=info.delimiter,
                    hidden=json.loads(hidden) if hidden else _hidden_columns(src),
                    action=f"restore v{version}",
                    expect_current=current,
                    who=(actor or access.CLI).who,
                )
            finally:
                staged.unlink(missing_ok=True)

    def has(self, table: str) -> bool:
        return any(t.table == table for t in self.tables())

    def info(self, table: str) -> TableInfo:
        for t in self.tables():
            if t.table == table:
                return t
        raise ConfigError(f"workspace '{self.name}' has no '{table}' table")

    # ---- reading ------------------------------------------------------------------------------------
    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """The current version of `table` as a typed DataFrame (times as datetime64, ids as strings)."""
        if table not in SCHEMAS:
            raise ConfigError(f"unknown table '{table}'; tables are {', '.join(SCHEMAS)}")
        self.info(table)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        with self.connect() as con:
            return con.execute(f'SELECT {cols} FROM "{table}"').df()

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only query against the workspace (canonical tables are views)."""
        with self.connect() as con:
            return con.execute(query, params or []).df()

    # ---- remembered mappings --------------------------------------------------------------------------
    @staticmethod
    def header_signature(header: list[str]) -> str:

        return hashlib.sha256("\x1f".join(h.strip().lower() for h in header).encode()).hexdigest()[:32]

    def remembered_mapping(self, header: list[str]) -> tuple[str, dict] | None:
        """(table, mapping) confirmed earlier for a file with this exact header, if any."""
        if not self.db_path.exists():
            return None
        with self.connect() as con:
            try:
                row = con.execute(
                    'SELECT "table", mapping FROM _mappings WHERE header_sig = ?', [self.header_signature(header)]
                ).fetchone()
            except Exception as exc:  # noqa: BLE001 - a workspace made before _mappings existed
                if "_mappings" in str(exc):
                    return None
                raise
        return (row[0], json.loads(row[1])) if row else None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _hidden_columns(parquet: Path) -> list[str]:
    """Conversion-check columns of a version file written before the catalog recorded them."""

    con = duckdb.connect()
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_lit(str(parquet))})").fetchall()]
    finally:
        con.close()
    return [c for c in cols if c.startswith(HELPER_PREFIXES)]


def _shown(text: str, limit: int = 40) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit] + "..."


def validate_name(name: str) -> str:
    """A workspace name: letters, digits, '-', '_' or CJK, 1 to 64 characters (no dots, no separators)."""
    name = name.strip()
    if not _NAME_RE.match(name):
        raise ConfigError(
            f"'{_shown(name)}' is not a valid workspace name: use letters, digits, '-' or '_' "
            "(no dots or slashes, at most 64 characters)"
        )
    return name


# what a workspace folder may hold before its first commit (an ingest that failed leaves these)
_OWN_ENTRIES = {DB_FILE, f"{DB_FILE}.wal", TABLES_DIR, ".staging", ".writer.lock", ".sample.lock", "source"}


def _is_path(text: str) -> bool:
    return "/" in text or os.sep in text or text.startswith("~")


def list_workspaces() -> list[str]:
    root = workspaces_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / DB_FILE).exists())


def workspace_by_name(name: str) -> Workspace:
    """The workspace called `name` in the data folder (it need not exist yet). Names only: the app's
    rule, where whatever a user types is a name and a path is a ConfigError (validate_name)."""
    return Workspace(workspaces_dir() / validate_name(name))


def open_workspace(name_or_path: str | Path) -> Workspace:
    """A workspace by name (under data/workspaces) or by explicit folder path (resolved to absolute).

    ConfigError (one line) for an invalid name, a path naming a file, or a folder that holds other
    things but no workspace (so `./` or `..` never turn a project folder into a workspace).
    """
    text = str(name_or_path).strip()
    if not _is_path(text):
        return workspace_by_name(text)
    p = Path(text).expanduser().absolute()
    p = Path(os.path.normpath(p))
    shown = _shown(str(name_or_path), 80)
    if any(len(part.encode()) > 255 for part in p.parts):
        raise ConfigError(f"workspace folder '{shown}': a part of the path is longer than 255 bytes")
    if p.exists() and not p.is_dir():
        raise ConfigError(f"workspace folder '{shown}' is a file, not a folder")
    if p.is_dir() and not (p / DB_FILE).exists() and any(e.name not in _OWN_ENTRIES for e in p.iterdir()):
        raise ConfigError(
            f"workspace folder '{shown}' already holds other files and is not a workspace; "
            "name a new or empty folder, or give a workspace name"
        )
    return Workspace(p)


def sweep_all_workspaces() -> int:
    """Start-up sweep: `sweep_leftovers` for every workspace under the data folder."""
    root = workspaces_dir()
    if not root.is_dir():
        return 0
    return sum(sweep_leftovers(Workspace(p)) for p in sorted(root.iterdir()) if (p / DB_FILE).exists())


SAMPLE_NAME = "sample"  # the reserved name of the bundled sample (built by core.data.sample)


def check_write(ws: Workspace, actor: Actor) -> bool:
    """Raise AccessDenied unless `actor` may change `ws` (core.access); True when `ws` does not exist
    yet (a signed-in creator then claims it with `access.claim_workspace` once it does)."""
    if ws.db_path.exists():
        access.require(actor, ws.name, "write")
        return False
    access.require(actor, ws.name, "write", exists=False)
    return True


def create_workspace(name: str, actor: Actor | None = None) -> Workspace:
    """The empty workspace `name` (an existing one the actor may change is returned as it is). A
    signed-in creator becomes its owner in the access file, recorded in its audit trail; a name that
    is someone else's reads as taken."""
    actor = actor or access.CLI
    ws = workspace_by_name(name)
    if ws.db_path.exists() and not access.can(actor, ws.name, "view"):
        raise access.AccessDenied.keyed("auth.err.taken", workspace=ws.name)
    new = check_write(ws, actor)
    with ws.writer():
        pass  # creates the DuckDB file and its catalog
    if new and access.claim_workspace(actor, ws.name):
        audit.log(ws, actor.who, "access", detail=f"owner: {actor.email}")
    return ws
