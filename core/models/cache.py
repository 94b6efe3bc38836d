"""Disk cache of trained models: train once per (data, config, code version), load ever after.

    art = get_or_train("sasrec", fingerprint(df), asdict(cfg), train_fn, code_version=CODE_VERSION)
    model.load_state_dict(art.state_dict)      # art.trained is False when it came from the cache

Layout: `<cache_dir>/<kind>/<key>/{weights.pt, meta.json}`, the one model-folder format of
`core.models.artefact` (the same as every CLI `--model-dir`): `meta.json` records the kind, config,
code version, creation time and the sha256 of every file, plus the key, metrics, extra, data
fingerprint and training seconds; an artefact that fails verification is treated as absent and
retrained (logged). Writes go to a temp folder that is renamed into place, so readers never see
half an artefact.
A per-key lock file (fcntl) makes a second process asking for the same key wait for the first
and then load its result, so a key is never trained twice. Weights load with weights_only=True.

One size budget for the whole cache (`core.config.cache_budget_bytes()`, $CE_CACHE_GB, default 5
GB): trained models and the encoder states' shards (core/text/encoder.py) are entries of one LRU
(`evict_lru`, `trim_cache`). Reading an entry marks it used (its folder's mtime); after every write
the least recently used entries go first until the cache fits, never the one just written and never
one in use (a model entry whose key lock someone holds: it is being trained, written or read).
An evicted entry is renamed away, then deleted, so a reader never sees half of one.

Imports only torch, numpy, pandas and stdlib (torch lazily, so fingerprinting is cheap).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.config import cache_budget_bytes, model_cache_dir
from core.errors import ConfigError
from core.models.artefact import WEIGHTS, read_model_dir, write_model_dir

if TYPE_CHECKING:
    import torch


log = logging.getLogger(__name__)
META = "meta.json"


@dataclass
class Artifact:
    """A trained model on disk: weights, the config that made it, metrics and extra info."""

    key: str
    state_dict: dict[str, torch.Tensor]
    config: dict
    metrics: dict
    extra: dict
    path: Path
    trained: bool  # True when this call trained it, False when loaded
    meta: dict = field(default_factory=dict)  # everything meta.json holds (seconds, created_at, ...)


# ---------------------------------------------------------------------------------------------
# fingerprints


def _feed(h: hashlib._Hash, part: Any) -> None:
    """Hash `part` into `h` with a type tag, so 1, "1" and [1] differ."""

    if part is None:
        h.update(b"N;")
    elif isinstance(part, bool):
        h.update(b"b" + (b"1" if part else b"0") + b";")
    elif isinstance(part, (int, np.integer)):
        h.update(b"i" + str(int(part)).encode() + b";")
    elif isinstance(part, (float, np.floating)):
        h.update(b"f" + repr(float(part)).encode() + b";")
    elif isinstance(part, str):
        data = part.encode("utf-8")
        h.update(b"s" + str(len(data)).encode() + b":" + data)
    elif isinstance(part, (bytes, bytearray, memoryview)):
        data = bytes(part)
        h.update(b"y" + str(len(data)).encode() + b":" + data)
    elif isinstance(part, Path):
        _feed(h, str(part))
    elif isinstance(part, pd.DataFrame):
        h.update(b"D")
        _feed(h, [str(c) for c in part.columns])
        _feed(h, [str(t) for t in part.dtypes])
        _feed(h, pd.util.hash_pandas_object(part, index=True).to_numpy())
    elif isinstance(part, pd.Series):
        h.update(b"S")
        _feed(h, str(part.name))
        _feed(h, str(part.dtype))
        _feed(h, pd.util.hash_pandas_object(part, index=True).to_numpy())
    elif isinstance(part, np.ndarray):
        arr = np.ascontiguousarray(part)
        if arr.dtype == object:
            _feed(h, arr.tolist())
            return
        h.update(b"A" + str(arr.dtype).encode() + str(arr.shape).encode())
        h.update(arr.tobytes())
    elif type(part).__module__.startswith("torch") and hasattr(part, "detach"):  # a tensor
        _feed(h, part.detach().cpu().numpy())
    elif isinstance(part, dict):
        h.update(b"{" + str(len(part)).encode())
        for k in sorted(part, key=str):
            _feed(h, str(k))
            _feed(h, part[k])
        h.update(b"}")
    elif isinstance(part, (list, tuple)):
        h.update(b"[" + str(len(part)).encode())
        for item in part:
            _feed(h, item)
        h.update(b"]")
    elif dataclasses.is_dataclass(part) and not isinstance(part, type):
        _feed(h, type(part).__name__)
        _feed(h, dataclasses.asdict(part))
    else:
        raise TypeError(f"cannot fingerprint a {type(part).__name__}")


def fingerprint(*parts: Any) -> str:
    """sha256 hex digest over DataFrames, Series, arrays, tensors, dicts, lists, dataclasses,
    str/bytes/numbers. Stable across processes and runs (no Python hash randomisation)."""
    h = hashlib.sha256()
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def cache_key(kind: str, data_fingerprint: str, config: dict, code_version: str) -> str:
    """The cache key: a hash of (kind, data fingerprint, config, model code version)."""
    return fingerprint("model-cache-v1", kind, data_fingerprint, _jsonable(config), code_version)


# ---------------------------------------------------------------------------------------------
# reading and writing artefacts


def _jsonable(obj: Any) -> Any:
    """Round-trip through JSON so what is hashed equals what is stored (tuples → lists etc.)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    return json.loads(json.dumps(obj, sort_keys=True, default=_json_default))


def _json_default(obj: Any) -> Any:

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


class CorruptArtifact(Exception):
    """An artefact folder exists but is incomplete or does not match its recorded checksum."""


def _load(path: Path, key: str, kind: str, code_version: str, lock: str = "try") -> Artifact:
    """Load a complete, verified artefact or raise CorruptArtifact (never returns half of one).
    The key's lock is held shared while reading, so eviction leaves the entry alone. `lock`: "try"
    (someone is writing it: CorruptArtifact at once, never a wait: a page asking whether a model is
    trained must not block on a training), "wait", or "held" (the caller holds it already)."""
    if lock != "held":
        with _read_lock(path.parent / f"{key}.lock", wait=lock == "wait") as free:
            if not free:
                raise CorruptArtifact(f"{path}: being written by another process")
            return _load(path, key, kind, code_version, lock="held")

    try:
        _, config = read_model_dir(path, kind, code_version, "retrain")
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (ConfigError, OSError, ValueError) as exc:
        raise CorruptArtifact(str(exc)) from exc
    if meta.get("key") != key:
        raise CorruptArtifact(f"{path / META}: key mismatch")
    import torch

    try:
        state = torch.load(path / WEIGHTS, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means a bad file
        raise CorruptArtifact(f"{path / WEIGHTS}: cannot be loaded ({exc})") from exc
    with contextlib.suppress(OSError):
        os.utime(path)  # just used: the last to be evicted
    return Artifact(
        key=key,
        state_dict=state,
        config=config,
        metrics=meta.get("metrics", {}),
        extra=meta.get("extra", {}),
        path=path,
        trained=False,
        meta=meta,
    )


def _write(
    root: Path, path: Path, key: str, kind: str, code_version: str, config: dict, state_dict: dict, info: dict
) -> None:
    """Write weights + meta.json in the one model-folder format (core.models.artefact): into a
    temporary sibling, renamed into place. A corrupt leftover at `path` is moved away first."""
    import torch

    root.mkdir(parents=True, exist_ok=True)
    if path.exists():  # a corrupt leftover (we hold the key's lock): move it aside, then write anew
        trash = root / f".trash-{key[:16]}-{uuid.uuid4().hex[:8]}"
        os.rename(path, trash)
        shutil.rmtree(trash, ignore_errors=True)
    state = {k: (v.detach().cpu() if isinstance(v, torch.Tensor) else v) for k, v in state_dict.items()}
    write_model_dir(
        path,
        kind,
        code_version,
        config,
        lambda tmp: torch.save(state, tmp / WEIGHTS),
        info=json.loads(json.dumps(info, default=_json_default)),
    )


@contextlib.contextmanager
def _file_lock(lock_path: Path):
    """An exclusive inter-process lock on `lock_path` (blocks until it is free)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl  # noqa: F401  (held by _flock)
    except ImportError:  # not POSIX: filelock ships with torch
        from filelock import FileLock

        with FileLock(str(lock_path)):
            yield
        return
    with _flock(lock_path, shared=False, wait=True):
        yield


@contextlib.contextmanager
def _flock(lock_path: Path, shared: bool, wait: bool):
    """Yields True while holding `lock_path` (shared or exclusive), False at once when `wait` is False
    and someone holds it in a conflicting mode. Without fcntl (not POSIX) there is nothing to hold: True."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    with open(lock_path, "a+b") as fh:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh.fileno(), mode)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _read_lock(lock_path: Path, wait: bool):
    """Yields True while holding `lock_path` shared, False (at once) when someone holds it exclusively
    and `wait` is False. Without fcntl (not POSIX) there is no read lock: True."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with _flock(lock_path, shared=True, wait=wait) as held:
        yield held


def _root(kind: str, cache_dir: Path | str | None) -> Path:
    if cache_dir is None:
        cache_dir = model_cache_dir()
    if not kind or "/" in kind or kind.startswith("."):
        raise ValueError(f"bad cache kind {kind!r}")
    return Path(cache_dir) / kind


def _torch_version() -> str:
    import torch

    return torch.__version__


def lookup(
    kind: str, data_fingerprint: str, config: dict, *, code_version: str, cache_dir: Path | str | None = None
) -> Artifact | None:
    """The cached artefact for this key, or None when it is absent or corrupt. Never trains."""
    key = cache_key(kind, data_fingerprint, config, code_version)
    path = _root(kind, cache_dir) / key
    if not path.exists():
        return None
    try:
        return _load(path, key, kind, code_version)
    except CorruptArtifact:
        return None


def stored_meta(
    kind: str, data_fingerprint: str, config: dict, *, code_version: str, cache_dir: Path | str | None = None
) -> dict | None:
    """The meta.json of the cached artefact for this key (metrics, extra, seconds), or None: reads no
    weights, so a page can say how a stored model was trained on every rerun."""
    key = cache_key(kind, data_fingerprint, config, code_version)
    try:
        meta = json.loads((_root(kind, cache_dir) / key / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("key") == key else None


def get_or_train(
    kind: str,
    data_fingerprint: str,
    config: dict,
    train_fn: Callable[[Any], tuple[dict, dict, dict]],
    *,
    code_version: str,
    progress: Callable | None = None,
    cache_dir: Path | str | None = None,
    accept: Callable[[Artifact], bool] | None = None,
) -> Artifact:
    """Load the artefact for (kind, data fingerprint, config, code version), or train and store it.
    An artefact that `accept` refuses (e.g. trained under a shorter budget than asked) is trained
    anew and replaced.

    `train_fn(progress) -> (state_dict, metrics, extra)`: metrics and extra must be JSON-able.
    Returns an Artifact; `.trained` says whether this call ran `train_fn`. Another process (or
    thread) training the same key makes this call wait and then load that result. A partial or
    corrupt artefact is retrained. Exceptions from train_fn (e.g. TrainingCancelled) propagate
    and leave nothing in the cache.
    """
    root = _root(kind, cache_dir)
    config = _jsonable(config)
    key = cache_key(kind, data_fingerprint, config, code_version)
    path = root / key
    if path.exists():
        try:
            art = _load(path, key, kind, code_version)
            if accept is None or accept(art):
                return art
        except CorruptArtifact:
            pass  # retrain below, under the lock
    with _file_lock(root / f"{key}.lock"):
        if path.exists():  # someone finished while we waited, a corrupt leftover, or a refused one
            try:
                art = _load(path, key, kind, code_version, lock="held")
                if accept is None or accept(art):
                    return art
            except CorruptArtifact as exc:
                log.warning("model cache: %s; retraining %s", exc, kind)
        started = time.perf_counter()
        state_dict, metrics, extra = train_fn(progress)
        seconds = time.perf_counter() - started
        info = {
            "key": key,
            "data_fingerprint": data_fingerprint,
            "metrics": _jsonable(metrics or {}),
            "extra": _jsonable(extra or {}),
            "train_seconds": seconds,
            "torch_version": _torch_version(),
        }
        _write(root, path, key, kind, code_version, config, state_dict, info)
    art = _load(path, key, kind, code_version, lock="wait")
    art.trained = True
    trim_cache(root.parent, keep=[path])
    return art


# ---------------------------------------------------------------------------------------------
# one size budget for the whole cache: least recently used entries first, never one in use


@dataclass(frozen=True)
class CacheEntry:
    """One evictable thing in the cache: a trained model's folder or an encoder-states shard."""

    path: Path
    size: int  # bytes of its files
    used_ns: int  # last use (the folder's mtime: touched on every read)
    lock: Path | None = None  # held (shared or exclusive) while it is trained, written or read


def _tree_bytes(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.stat(os.path.join(folder, name)).st_size
    return total


def _entry(path: Path, lock: Path | None = None) -> CacheEntry | None:
    try:
        return CacheEntry(path, _tree_bytes(path), path.stat().st_mtime_ns, lock)
    except FileNotFoundError:  # evicted by another process meanwhile
        return None


STATES = "encoder-states"


def state_shards(states_root: Path) -> list[CacheEntry]:
    """The shards of every encoder-states store under `states_root` (<cache>/encoder-states)."""
    found = [_entry(p) for p in states_root.glob("*/shard-*") if not p.name.endswith(".tmp")]
    return [e for e in found if e is not None]


def model_entries(cache_root: Path) -> list[CacheEntry]:
    """Every trained model's folder (<cache>/<kind>/<key>/ with a meta.json) under `cache_root`."""
    out = []
    for kind in sorted(cache_root.iterdir()) if cache_root.is_dir() else []:
        if not kind.is_dir() or kind.name == STATES or kind.name.startswith("."):
            continue
        for path in kind.iterdir():
            if path.name.startswith(".") or not (path / META).is_file():
                continue
            entry = _entry(path, kind / f"{path.name}.lock")
            if entry is not None:
                out.append(entry)
    return out


@contextlib.contextmanager
def _unused(lock: Path | None):
    """Yields True while this process holds `lock` exclusively (nobody else is using the entry), False
    when someone holds it; never blocks."""
    if lock is None or not lock.exists():  # (not POSIX: no lock to probe, the rename is the guard)
        yield True
        return
    with _flock(lock, shared=False, wait=False) as free:
        yield free


def evict_lru(entries: list[CacheEntry], max_bytes: int, keep=()) -> int:
    """Delete the least recently used of `entries` until they fit in `max_bytes`, skipping those in
    `keep` and those in use; returns the bytes freed. The one LRU of the model cache and of the
    encoder states' store."""
    keep = {Path(k) for k in keep}
    total, freed = sum(e.size for e in entries), 0
    for entry in sorted(entries, key=lambda e: e.used_ns):
        if total <= max_bytes:
            break
        if entry.path in keep:
            continue
        with _unused(entry.lock) as free:
            if not free:
                continue
            trash = entry.path.with_name(f".{entry.path.name}.evicted-{uuid.uuid4().hex[:8]}.tmp")
            try:
                os.replace(entry.path, trash)
            except OSError:  # gone already (another process evicted it)
                continue
        shutil.rmtree(trash, ignore_errors=True)
        total, freed = total - entry.size, freed + entry.size
    if freed:
        log.info("model cache: evicted %.1f MB (least recently used first)", freed / 2**20)
    return freed


def trim_cache(cache_dir: Path | str | None = None, max_bytes: int | None = None, keep=()) -> int:
    """Keep the whole cache (every kind's models and the encoder states) under `max_bytes` (default
    `core.config.cache_budget_bytes()`), least recently used entries first; returns the bytes freed."""

    root = Path(cache_dir) if cache_dir is not None else model_cache_dir()
    limit = cache_budget_bytes() if max_bytes is None else max_bytes
    return evict_lru(model_entries(root) + state_shards(root / STATES), limit, keep)
