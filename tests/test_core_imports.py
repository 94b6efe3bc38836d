"""Layering rules that keep core reusable: core never imports Streamlit; core.models needs only torch,
numpy and pandas at import time (so model benchmarks run on a GPU box without the app's packages)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import core

REPO = Path(__file__).resolve().parents[1]

BLOCKER = """
import importlib, pkgutil, sys
blocked = set(sys.argv[2].split(","))
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{name} is blocked")
sys.meta_path.insert(0, Block())
import core
prefix = sys.argv[1]
mods = [m.name for m in pkgutil.walk_packages(core.__path__, "core.") if m.name.startswith(prefix)]
for name in mods:
    importlib.import_module(name)
print(len(mods))
"""


def _import_all(prefix: str, blocked: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER, prefix, ",".join(blocked)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_core_module_imports_without_streamlit():
    r = _import_all("core", ["streamlit"])
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.strip()) == len(list(pkgutil.walk_packages(core.__path__, "core.")))


def test_core_models_import_with_torch_numpy_pandas_only():
    blocked = [
        "streamlit",
        "sklearn",
        "scipy",
        "duckdb",
        "networkx",
        "igraph",
        "leidenalg",
        "lifelines",
        "statsmodels",
        "jieba",
        "snownlp",
        "vaderSentiment",
        "plotly",
        "transformers",
        "sentence_transformers",
        "filelock",
    ]
    r = _import_all("core.models", blocked)
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.strip()) >= 3
