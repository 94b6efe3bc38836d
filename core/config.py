"""Where the project keeps its files: one data directory, overridable by CE_DATA_DIR (tests use a tmp dir)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Root for workspaces and the model cache: $CE_DATA_DIR, else <repo>/data."""
    return Path(os.environ.get("CE_DATA_DIR") or REPO_ROOT / "data")


def workspaces_dir() -> Path:
    return data_dir() / "workspaces"


def model_cache_dir() -> Path:
    return data_dir() / "cache" / "models"


def model_key_path() -> Path:
    """The secret that signs model folders (core.models.artefact): one per data directory."""
    return data_dir() / "model-signing.key"


DEFAULT_CACHE_GB = 5.0


def cache_budget_bytes() -> int:
    """The disk the whole model cache (trained models and stored encoder states) may take:
    $CE_CACHE_GB gigabytes (GiB; default 5). Past it the least recently used entries go first."""
    try:
        gb = float(os.environ.get("CE_CACHE_GB", DEFAULT_CACHE_GB))
    except ValueError:
        gb = DEFAULT_CACHE_GB
    return int((gb if gb >= 0 else DEFAULT_CACHE_GB) * 2**30)
