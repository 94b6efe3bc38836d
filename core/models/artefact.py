"""One format for every `--model-dir` folder (churn, recommend, sentiment): files + `meta.json`.

    <model_dir>/
        meta.json      {"artefact": 1, "kind", "code_version", "created_at", "config": {...},
                        "files": {name: {"sha256", "bytes"}}, "sha256": <of the fields above>}
        weights...     whatever the model writes (torch state dict / safetensors / npz), no pickle

`write_model_dir(dir, kind, code_version, config, write_files)` lets `write_files(tmp)` write the
model's files into a temporary sibling folder, records the sha256 of every one in `meta.json` and
renames the folder into place (a rename is atomic on POSIX: a reader sees the old model or the new
one, never half of one; a failure leaves no temporary folder). It refuses a target that is a file,
a non-empty folder that is not one of our model folders, and a model folder of another kind.

`read_model_dir(dir, kind, code_version)` verifies the folder before anything is deserialised:
meta.json readable and unedited (its own sha256), the kind and code version ours, every recorded
file present with its size and sha256. Any failure raises `ConfigError` with one line ("fit it again"); the
loader then reads weights only with `torch.load(..., weights_only=True)` / safetensors.

Replacing a model moves the old folder aside (`.<name>.old-*`) and renames the new one in; a
process killed between those two renames leaves no folder at the name, so `read_model_dir` and
`write_model_dir` first put a verified aside copy back (`_recover`): a reader always finds the old
model or the new one, never a mix and never nothing.

Signed: meta.json also carries `signature`, an HMAC-SHA256 of everything else in it (and so of
every file's sha256), keyed by a secret kept in the data folder (`core.config.model_key_path()`,
32 random bytes made on first use, mode 0600, created atomically: two processes racing get the
same key). `read_model_dir` refuses a folder whose signature is missing (unsigned: made by hand or
by an older version) or does not match (edited, even with its sha256 recomputed, or made with
another data folder's key) unless `trust=True` (the CLI's `--trust-model-dir`); the sha256 checks
still apply then. This protects against accidental and casual edits and against folders from
another installation; it does not protect against anyone who can read the key file.

`info` (write_model_dir) adds fields to meta.json's top level (the model cache records its key,
metrics, data fingerprint and timings there); they are covered by meta.json's sha256 too.

The model cache (`core/models/cache.py`) stores every entry in this format; `sha256_file` is the
one hashing helper.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from core.config import model_key_path
from core.errors import ConfigError

META = "meta.json"
WEIGHTS = "weights.pt"  # one torch state dict (write_weights_dir / read_weights)
ARTEFACT_VERSION = 1

log = logging.getLogger(__name__)


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _meta_digest(meta: dict) -> str:
    """sha256 of meta.json's own content (kind, code version, config, files): an edited meta.json fails."""
    body = {k: v for k, v in meta.items() if k not in ("sha256", "created_at", SIGNATURE)}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


SIGNATURE = "signature"
KEY_BYTES = 32


def _read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(key) != KEY_BYTES:
        raise ValueError("wrong length")
    return key


def signing_key() -> bytes:
    """This data folder's model-signing secret, made on first use (0600; `os.link` of a finished
    temporary file makes the creation atomic: whoever links first wins, the others read theirs)."""

    path = model_key_path()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the model-signing key {path} is unreadable or damaged; delete it (models it signed "
            "will then need --trust-model-dir or a refit)"
        ) from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    except OSError as exc:
        raise ConfigError(f"cannot create the model-signing key in {path.parent} ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process made it first: use theirs
            pass
    finally:
        Path(tmp).unlink(missing_ok=True)
    return _read_key(path)


def _meta_signature(meta: dict, key: bytes) -> str:
    """HMAC-SHA256 (keyed by this data folder's secret) of meta.json less its sha256 and signature."""
    body = {k: v for k, v in meta.items() if k not in ("sha256", SIGNATURE)}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _read_meta(path: Path) -> dict | None:
    """meta.json of a folder when it is one of ours (any kind), else None."""
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(meta, dict) or meta.get("artefact") != ARTEFACT_VERSION or not isinstance(meta.get("kind"), str):
        return None
    return meta


def check_writable(model_dir: Path | str, kind: str) -> Path:
    """The folder `write_model_dir` may write; raises ConfigError when it would clobber something else."""
    path = Path(model_dir)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--model-dir {path} is a file, not a folder; give a new or empty folder")
    if path.is_dir() and any(path.iterdir()):
        meta = _read_meta(path)
        if meta is None:
            raise ConfigError(
                f"--model-dir {path} is not empty and holds no model of ours; "
                "give a new or empty folder (nothing was written)"
            )
        if meta["kind"] != kind:
            raise ConfigError(
                f"--model-dir {path} holds a {meta['kind']} model, not a {kind} model; "
                "give another folder (nothing was written)"
            )
    return path


RESERVED = frozenset({"artefact", "kind", "code_version", "created_at", "config", "files", "sha256", SIGNATURE})


def _recover(path: Path) -> None:
    """Put a model moved aside by a replacement that was killed half-way back in place."""
    if path.exists() or path.is_symlink():
        return
    parent = path.absolute().parent
    try:
        aside = sorted(parent.glob(f".{path.name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in aside:
        if _read_meta(old) is not None:
            try:
                os.rename(old, path)
                log.warning("model folder %s: restored the copy a killed replacement moved aside", path)
            except OSError:
                pass
            return


def write_model_dir(
    model_dir: Path | str,
    kind: str,
    code_version: str,
    config: dict,
    write_files: Callable[[Path], None],
    info: dict | None = None,
) -> Path:
    """Write a model folder atomically (see the module docstring); returns its path."""
    _recover(Path(model_dir))
    path = check_writable(model_dir, kind)
    parent = path.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--model-dir {path}: cannot create its parent folder ({exc.strerror})") from exc
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=parent))
    try:
        write_files(tmp)
        files = {}
        for f in sorted(tmp.iterdir()):
            if not f.is_file() or f.name == META:
                raise RuntimeError(f"model writers write plain files, not {f.name}")
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
            files[f.name] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
        meta = {
            "artefact": ARTEFACT_VERSION,
            "kind": kind,
            "code_version": code_version,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "config": config,
            "files": files,
            **{k: v for k, v in (info or {}).items() if k not in RESERVED},
        }
        meta = json.loads(json.dumps(meta, ensure_ascii=False, default=str))  # what load will read back
        meta["sha256"] = _meta_digest(meta)
        meta[SIGNATURE] = _meta_signature(meta, signing_key())
        with open(tmp / META, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(meta, ensure_ascii=False, indent=1, default=str))
            fh.flush()
            os.fsync(fh.fileno())
        trash = None
        if path.exists():  # an empty folder, or an older model of this kind: move it aside first
            trash = parent / f".{path.name}.old-{uuid.uuid4().hex[:8]}"
            os.rename(path, trash)
        os.rename(tmp, path)
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def write_weights_dir(model_dir: Path | str, kind: str, code_version: str, config: dict, state: dict) -> Path:
    """A model folder of one torch state dict (weights.pt) beside its config (made JSON-able)."""
    import torch

    config = json.loads(json.dumps(config, default=str))
    return write_model_dir(model_dir, kind, code_version, config, lambda tmp: torch.save(state, tmp / WEIGHTS))


def read_weights(path: Path, module):
    """`module` (built from a verified folder's config) with the folder's weights.pt loaded, never
    unpickled (`weights_only=True`), in eval mode."""
    import torch

    module.load_state_dict(torch.load(path / WEIGHTS, map_location="cpu", weights_only=True))
    return module.eval()


def read_model_dir(
    model_dir: Path | str, kind: str, code_version: str, fit_hint: str, trust: bool = False
) -> tuple[Path, dict]:
    """(folder, config) of a verified model folder of `kind`; ConfigError (one line) otherwise.

    `fit_hint` is the command that makes one ("python -m core churn fit"). `trust`: accept a folder
    this data folder's key did not sign (logged); its sha256s are still checked. Refusals are logged."""
    try:
        return _verified(model_dir, kind, code_version, fit_hint, trust)
    except ConfigError as exc:
        log.warning("refused model folder: %s", exc)
        raise


def _verified(model_dir: Path | str, kind: str, code_version: str, fit_hint: str, trust: bool) -> tuple[Path, dict]:
    _recover(Path(model_dir))
    path = Path(model_dir)
    if not path.is_dir():
        raise ConfigError(f"--model-dir {path}: no {kind} model here (no such folder); run '{fit_hint}' first")
    if not (path / META).exists():
        raise ConfigError(f"--model-dir {path}: no {kind} model here (no {META}); run '{fit_hint}' first")
    meta = _read_meta(path)
    if meta is None or not isinstance(meta.get("files"), dict) or not isinstance(meta.get("config"), dict):
        raise ConfigError(
            f"--model-dir {path}: {META} is unreadable or not ours; the model folder "
            f"fails its integrity check (run '{fit_hint}' again)"
        )
    if meta["kind"] != kind:
        raise ConfigError(f"--model-dir {path} holds a {meta['kind']} model, not a {kind} model")
    if meta.get("sha256") != _meta_digest(meta):
        raise ConfigError(
            f"--model-dir {path}: {META} was changed (its sha256 does not match); the model "
            f"folder fails its integrity check (run '{fit_hint}' again)"
        )
    _check_signature(path, meta, fit_hint, trust)
    if meta.get("code_version") != code_version:
        raise ConfigError(
            f"--model-dir {path}: the model was made by {meta.get('code_version')}, this code "
            f"is {code_version}; run '{fit_hint}' again"
        )
    for name, rec in meta["files"].items():
        f = path / name
        if Path(name).name != name or name == META or not isinstance(rec, dict):
            raise ConfigError(
                f"--model-dir {path}: {META} lists a bad file name {name!r}; the model folder fails its integrity check"
            )
        if not f.is_file():
            raise ConfigError(
                f"--model-dir {path}: {name} is missing; the model folder fails its "
                f"integrity check (run '{fit_hint}' again)"
            )
        if f.stat().st_size != rec.get("bytes") or sha256_file(f) != rec.get("sha256"):
            raise ConfigError(
                f"--model-dir {path}: {name} was changed or is corrupt (its sha256 differs from "
                f"{META}); the model folder fails its integrity check and cannot be read "
                f"(run '{fit_hint}' again)"
            )
    return path, meta["config"]


def _check_signature(path: Path, meta: dict, fit_hint: str, trust: bool) -> None:
    """Refuse (ConfigError) a folder this data folder's key did not sign, unless `trust`."""
    signature = meta.get(SIGNATURE)
    if isinstance(signature, str) and hmac.compare_digest(signature, _meta_signature(meta, signing_key())):
        return
    why = (
        "is not signed (made by hand or by an older version)"
        if signature is None
        else "has a signature this installation did not make (edited, or made with another data folder)"
    )
    if trust:
        log.warning("model folder %s %s; loaded because it is trusted (--trust-model-dir)", path, why)
        return
    raise ConfigError(
        f"--model-dir {path}: the model folder {why}; run '{fit_hint}' here, or pass "
        "--trust-model-dir if you trust where it came from"
    )
