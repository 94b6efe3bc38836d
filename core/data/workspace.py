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
"""

from __future__ import annotations

import json
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.config import workspaces_dir
from core.data.schemas import SCHEMAS
from core.errors import ConfigError

DB_FILE = "workspace.duckdb"
TABLES_DIR = "tables"  # immutable Parquet files, one per table version
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
"""


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


def _process_lock(path: Path) -> threading.RLock:
    with _process_locks_guard:
        return _process_locks.setdefault(str(path.resolve()), threading.RLock())


def _is_lock_conflict(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set" in msg or "resource temporarily" in msg)


class Workspace:
    """A named folder with one DuckDB file. Cheap to construct; opens connections per call."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = self.path.name
        self.db_path = self.path / DB_FILE

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # ---- connections --------------------------------------------------------------------------------
    @contextmanager
    def connect(self, read_only: bool = True):
        """A short-lived DuckDB connection; waits (up to LOCK_TIMEOUT_S) while another process writes."""
        import duckdb

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
        from filelock import FileLock

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
            q = ('SELECT v."table", v.version, v.rows, v.sha256, v.source, v.mapping, '
                 'strftime(v.created_at, \'%Y-%m-%d %H:%M:%S\'), v.skipped, v.encoding, v.delimiter '
                 'FROM _versions v')
            if current_only:
                q += ' JOIN _current c ON c."table" = v."table" AND c.version = v.version'
            params = []
            if table:
                q += ' WHERE v."table" = ?'
                params.append(table)
            rows = con.execute(q + ' ORDER BY v."table", v.version', params).fetchall()
        return [TableInfo(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}"), r[6], r[7] or 0, r[8] or "",
                          r[9] or "") for r in rows]

    def tables(self) -> list[TableInfo]:
        """Current version of every table in the workspace."""
        return self._catalog()

    def history(self, table: str) -> list[TableInfo]:
        return self._catalog(current_only=False, table=table)

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
        import hashlib

        return hashlib.sha256("\x1f".join(h.strip().lower() for h in header).encode()).hexdigest()[:32]

    def remembered_mapping(self, header: list[str]) -> tuple[str, dict] | None:
        """(table, mapping) confirmed earlier for a file with this exact header, if any."""
        if not self.db_path.exists():
            return None
        with self.connect() as con:
            try:
                row = con.execute('SELECT "table", mapping FROM _mappings WHERE header_sig = ?',
                                  [self.header_signature(header)]).fetchone()
            except Exception as exc:  # noqa: BLE001 - a workspace made before _mappings existed
                if "_mappings" in str(exc):
                    return None
                raise
        return (row[0], json.loads(row[1])) if row else None


def validate_name(name: str) -> str:
    name = name.strip()
    if not _NAME_RE.match(name):
        raise ConfigError(f"'{name}' is not a valid workspace name: use letters, digits, '-' or '_' (max 64)")
    return name


def list_workspaces() -> list[str]:
    root = workspaces_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / DB_FILE).exists())


def open_workspace(name_or_path: str | Path) -> Workspace:
    """A workspace by name (under data/workspaces) or by folder path."""
    p = Path(name_or_path)
    if p.is_absolute() or len(p.parts) > 1 or p.exists():
        return Workspace(p)
    return Workspace(workspaces_dir() / validate_name(str(name_or_path)))


SAMPLE_NAME = "sample"
_sample_ready: set[tuple] = set()  # per process: the app checks the sample once, not on every rerun


def sample_workspace(users: int = 2000, seed: int = 0) -> Workspace:
    """The bundled sample community, generated and ingested on first use (a few seconds)."""
    from filelock import FileLock

    from core.data.sample import GENERATOR_VERSION

    ws = Workspace(workspaces_dir() / SAMPLE_NAME)

    def ready() -> bool:
        truth = sample_ground_truth(ws) if ws.db_path.exists() else None
        return (truth is not None and truth.get("generator_version") == GENERATOR_VERSION
                and truth.get("users") == users and truth.get("seed") == seed
                and {t.table for t in ws.tables()} >= set(SCHEMAS))

    key = (str(ws.path), users, seed)
    if key in _sample_ready or ready():
        _sample_ready.add(key)
        return ws
    ws.path.mkdir(parents=True, exist_ok=True)
    with FileLock(str(ws.path / ".sample.lock"), timeout=600):
        if not ready():
            build_sample_workspace(ws, users=users, seed=seed)
    _sample_ready.add(key)
    return ws


def build_sample_workspace(ws: Workspace, users: int = 2000, seed: int = 0) -> dict:
    """Generate the sample CSVs into `<ws>/source/` and ingest all five tables. Returns the ground truth."""
    from core.data.ingest import ingest_file
    from core.data.sample import generate_sample

    src = ws.path / "source"
    truth = generate_sample(src, users=users, seed=seed)
    for table in SCHEMAS:
        ingest_file(ws, src / f"{table}.csv", table)
    return truth


def sample_ground_truth(ws: Workspace) -> dict | None:
    """The planted truth of a sample workspace (None for a user's workspace)."""
    p = ws.path / "source" / "ground_truth.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None
