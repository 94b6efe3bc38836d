"""Uploads waiting to be ingested: one folder per browser session, outside every workspace.

Layout: `<data_dir>/uploads/<process>/<session>/<random>.<ext>`. Every upload gets a name of its own,
so two sessions sending the same bytes never share (or delete) each other's file, and nothing is
saved inside a workspace (the sample's folder stays clean). `<process>` is locked by the serving
process for its lifetime (`<process>.lock`, taken before the folder exists): a sweep removes the
folders of processes that ended, and, for its own process, the folders of sessions the caller says
are gone. Messages about an upload name the user's file, never these paths.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.config import data_dir
from core.data.workspace import sweep_all_workspaces

_owners: dict[str, tuple[Path, object]] = {}  # uploads root -> (this process's folder, its held lock)
_owners_guard = threading.Lock()
_started: set[str] = set()  # data dirs swept at start by this process
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}")


@dataclass(frozen=True)
class Upload:
    path: Path  # where the bytes are (never shown to the user)
    name: str  # the user's file name (what messages say)
    sha256: str
    size: int


def uploads_root() -> Path:
    return data_dir() / "uploads"


def process_dir() -> Path:
    """This process's upload folder, created and locked on first use (per data folder)."""
    from filelock import FileLock

    root = uploads_root()
    with _owners_guard:
        if str(root) not in _owners:
            root.mkdir(parents=True, exist_ok=True)
            token = f"p{os.getpid()}-{uuid.uuid4().hex[:8]}"
            lock = FileLock(str(root / f"{token}.lock"))
            lock.acquire()  # held until the process ends; taken before the folder exists
            (root / token).mkdir()
            _owners[str(root)] = (root / token, lock)
        return _owners[str(root)][0]


def _session_folder(session_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", session_id)[:80] or "session"
    return process_dir() / safe


def save_upload(session_id: str, stream, name: str) -> Upload:
    """Stream a file-like `stream` into the session's upload folder under a fresh name."""
    folder = _session_folder(session_id)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix if _SUFFIX.fullmatch(Path(name).suffix or "") else ""
    path = folder / f"{uuid.uuid4().hex}{suffix.lower()}"
    h, size = hashlib.sha256(), 0
    if hasattr(stream, "seek"):
        stream.seek(0)
    try:
        with open(path, "wb") as out:
            for chunk in iter(lambda: stream.read(8 << 20), b""):
                h.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Upload(path, name, h.hexdigest(), size)


def discard_upload(path: str | Path) -> None:
    """Delete one saved upload (ingested or discarded) and its session folder once empty."""
    path = Path(path)
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass  # other uploads of the session are still pending, or the folder is already gone


def sweep_uploads(session_alive: Callable[[str], bool] | None = None) -> int:
    """Remove uploads nobody can ingest any more; returns how many folders went.

    Folders of other processes go when their lock is free (the process ended). In this process's
    folder, session folders go when `session_alive(session_id)` is False (not checked when None).
    """
    root = uploads_root()
    if not root.is_dir():
        return 0
    with _owners_guard:
        mine = _owners.get(str(root), (None, None))[0]
    n = 0
    for d in sorted(root.iterdir()):
        if mine is not None and d == mine:
            if session_alive is not None:
                for s in list(d.iterdir()):
                    if s.is_dir() and not session_alive(s.name):
                        shutil.rmtree(s, ignore_errors=True)
                        n += 1
        elif d.is_dir():
            n += _remove_if_unlocked(root / f"{d.name}.lock", d)
        elif d.suffix == ".lock" and not (root / d.stem).exists() and (mine is None or d.stem != mine.name):
            _remove_if_unlocked(d, None)  # a lock whose folder is gone
    return n


def _remove_if_unlocked(lock_path: Path, folder: Path | None) -> int:
    """Remove `folder` (may be None) and its lock file when no live process holds the lock."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return 0  # its process is alive
    try:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        lock.release()
        lock_path.unlink(missing_ok=True)
    return 1 if folder is not None else 0


def sweep_at_start(session_alive: Callable[[str], bool] | None = None) -> int:
    """Once per process and data folder: sweep dead uploads and every workspace's leftovers."""
    key = str(data_dir())
    if key in _started:
        return 0
    _started.add(key)
    return sweep_uploads(session_alive) + sweep_all_workspaces()
