"""Compressed files: .gz (gzip), .zst (zstandard) and .zip holding data files.

The data file is unpacked as it streams into the scratch folder, counting bytes: the upload limit
(MAX_UNPACKED, 4 GB) applies to the uncompressed size, and a file that grows past it (a zip bomb) is
refused at that point, never unpacked whole. A zip's declared sizes are checked before a byte is read.
A zip with several data files needs `member` (the page lists them); folders and macOS metadata are
ignored.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

from core.errors import ConfigError, InputError

MAX_UNPACKED = 4 << 30
CHUNK = 4 << 20


def _inner_name(name: str) -> str:
    low = name.lower()
    for ext in (".gz", ".zstd", ".zst"):
        if low.endswith(ext):
            return name[: -len(ext)]
    return name


def data_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        i
        for i in zf.infolist()
        if not i.is_dir() and not i.filename.startswith("__MACOSX/") and not Path(i.filename).name.startswith(".")
    ]


def members(path: Path, name: str) -> list[str]:
    """The data files in a zip, for the page's member picker."""
    with _zip(path, name) as zf:
        return [i.filename for i in data_members(zf)]


def _zip(path: Path, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError.keyed("err.src.bad_archive", file=name, reason=str(exc)) from None


def _size(n: int) -> str:
    return f"{n / (1 << 30):g} GB" if n >= 1 << 30 else f"{n / (1 << 20):g} MB"


def _copy(stream, dest: Path, label: str) -> None:
    size = 0
    with open(dest, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_UNPACKED:
                raise InputError.keyed("err.src.too_big_unpacked", file=label, size=_size(MAX_UNPACKED))
            out.write(chunk)


def unpack(path: Path, name: str, member: str | None, scratch: Path) -> tuple[Path, str, str]:
    """Unpack the data file of `path` into `scratch`: (its copy, its own file name, the name messages use)."""

    low = name.lower()
    if low.endswith(".zip") or (not low.endswith((".gz", ".zst", ".zstd")) and zipfile.is_zipfile(path)):
        return _unzip(path, name, member, scratch)
    inner = _inner_name(name)
    dest = scratch / ("unpacked-" + Path(inner).name.replace("/", "_"))
    import zstandard

    try:
        if low.endswith((".zst", ".zstd")):
            with open(path, "rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as reader:
                _copy(reader, dest, name)
        else:
            with gzip.open(path, "rb") as reader:
                _copy(reader, dest, name)
    except InputError:
        dest.unlink(missing_ok=True)
        raise
    except (OSError, EOFError, ValueError, zstandard.ZstdError) as exc:  # truncated, or not this format
        dest.unlink(missing_ok=True)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError.keyed("err.src.bad_archive", file=name, reason=reason) from None
    return dest, inner, name


def _unzip(path: Path, name: str, member: str | None, scratch: Path) -> tuple[Path, str, str]:
    with _zip(path, name) as zf:
        files = data_members(zf)
        if not files:
            raise InputError.keyed("err.src.empty_archive", file=name)
        if member is not None:
            pick = next((i for i in files if i.filename == member), None)
            if pick is None:
                raise ConfigError.keyed(
                    "err.src.no_member", file=name, member=member, members=", ".join(i.filename for i in files[:20])
                )
        elif len(files) == 1:
            pick = files[0]
        else:
            raise ConfigError.keyed("err.src.pick_member", file=name, members=", ".join(i.filename for i in files[:20]))
        label = f"{name} ({pick.filename})"
        if pick.file_size > MAX_UNPACKED:
            raise InputError.keyed("err.src.too_big_unpacked", file=label, size=_size(MAX_UNPACKED))
        dest = scratch / ("member-" + Path(pick.filename).name)
        try:
            with zf.open(pick) as reader:
                _copy(reader, dest, label)
        except InputError:
            dest.unlink(missing_ok=True)
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            dest.unlink(missing_ok=True)
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError.keyed("err.src.bad_archive", file=label, reason=reason) from None
    return dest, Path(pick.filename).name, label
