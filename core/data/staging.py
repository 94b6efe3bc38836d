"""Temp files of writes to a workspace, and what dead writers leave behind.

Each write holds a lock of its own (`.staging/<token>.lock`) while its temp files exist, so
`sweep_leftovers` deletes exactly the temp files of writers that died (a lock nobody holds) and, under
the writer lock, table files no version refers to (a kill between rename and commit). Works on any
workspace-like object (`Folder`: its folder, its DuckDB file and its writer connection), so that
`core.data.workspace` can use it without an import cycle.
"""

from __future__ import annotations

import shutil
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

TABLES_DIR = "tables"  # immutable Parquet files, one per table version


class Folder(Protocol):
    """What this module needs of a workspace."""

    path: Path
    db_path: Path

    def writer(self) -> AbstractContextManager[Any]: ...


STAGING_DIR = ".staging"  # per-ingest temp files: <token>/ (DuckDB spill, UTF-8 copy) and <token>.lock


class WriteToken:
    """Temp-file ownership of one write: `with WriteToken(ws) as t:` holds `.staging/<t.name>.lock`
    while its files (`t.dir`, `tables/.tmp-<t.name>*`) exist, and removes them on exit. A writer
    that dies releases the lock with its process, so `sweep_leftovers` may then remove its files."""

    def __init__(self, ws: Folder):
        self.ws = ws
        self.name = uuid.uuid4().hex
        self.dir = ws.path / STAGING_DIR / self.name
        self._lock: Any = None

    def __enter__(self) -> WriteToken:
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        (self.ws.path / TABLES_DIR).mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.dir.parent / f"{self.name}.lock"))
        self._lock.acquire()  # before any file exists: a sweeper never sees our files unlocked
        self.dir.mkdir()
        return self

    def __exit__(self, *exc) -> None:
        _remove_token_files(self.ws, self.name)
        self._lock.release()
        (self.dir.parent / f"{self.name}.lock").unlink(missing_ok=True)


def new_write_token(ws: Folder) -> WriteToken:
    return WriteToken(ws)


def _remove_token_files(ws: Folder, token: str) -> int:
    n = 0
    staging = ws.path / STAGING_DIR
    for p in list(staging.glob(f"{token}*")) + list((ws.path / TABLES_DIR).glob(f".tmp-{token}*")):
        if p.name == f"{token}.lock":
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        n += 1
    return n


def remove_orphan_versions(ws: Folder, con) -> int:
    """Under the writer lock: delete table files no catalog row refers to (renamed into place by a
    writer killed before its commit, or pruned by one killed right after it)."""
    tables = ws.path / TABLES_DIR
    if not tables.is_dir():
        return 0
    referenced = {r[0] for r in con.execute("SELECT physical FROM _versions WHERE physical IS NOT NULL").fetchall()}
    n = 0
    for p in tables.glob("*.parquet"):
        if not p.name.startswith(".") and p.name not in referenced:
            p.unlink(missing_ok=True)
            n += 1
    return n


def sweep_leftovers(ws: Folder, orphans: bool = True) -> int:
    """Delete what dead writers left in `ws`; returns how many files/folders went.

    Temp files go when their writer's lock is free (its process ended); a live ingest in any process
    keeps its own. `orphans`: also take the writer lock and delete unreferenced table files. Upload
    folders of the old layout (`<ws>/.uploads`) go too: uploads now live per session outside workspaces.
    """
    n = 0
    staging, tables = ws.path / STAGING_DIR, ws.path / TABLES_DIR
    tokens: set[str] = set()
    if staging.is_dir():
        tokens |= {p.name.split(".")[0] for p in staging.iterdir()}
    if tables.is_dir():
        tokens |= {p.name[len(".tmp-") :].split("-")[0].split(".")[0] for p in tables.glob(".tmp-*")}
    for token in sorted(t for t in tokens if t):
        lock_path = staging / f"{token}.lock"
        staging.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # a live writer
        try:
            n += _remove_token_files(ws, token)
        finally:
            lock.release()
            lock_path.unlink(missing_ok=True)
    legacy = ws.path / ".uploads"
    if legacy.is_dir():
        shutil.rmtree(legacy, ignore_errors=True)
        n += 1
    if orphans and ws.db_path.exists():
        with ws.writer() as con:
            n += remove_orphan_versions(ws, con)
    return n
