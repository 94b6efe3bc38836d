"""Layering rules that keep core reusable: core never imports Streamlit, not even inside a function;
core.models needs only torch, numpy and pandas (so model benchmarks run on a GPU box without the app's
packages): at import time, checked by importing every module with the other packages blocked, and in
every import statement of its files, checked by reading them (a lazy import fails only when called)."""

from __future__ import annotations

import ast
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


MODELS_MAY_IMPORT = {"torch", "numpy", "pandas", "core", "__future__"} | set(sys.stdlib_module_names)
# lazily imported, only where the GPU box never goes (blocked in the import-time check below)
MODELS_LAZY_EXTRAS = {"cache.py": {"filelock"}}


def _imported_packages(path: Path) -> set[str]:
    """Top-level package of every absolute import statement in the file, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_import_statement_in_core_names_streamlit():
    files = sorted((REPO / "core").rglob("*.py"))
    assert len(files) > 100
    offenders = [str(f.relative_to(REPO)) for f in files if "streamlit" in _imported_packages(f)]
    assert offenders == []


def test_core_models_import_statements_name_torch_numpy_pandas_only():
    files = sorted((REPO / "core" / "models").rglob("*.py"))
    assert any(f.name == "din.py" for f in files)
    extra = {
        str(f.relative_to(REPO)): sorted(
            _imported_packages(f) - MODELS_MAY_IMPORT - MODELS_LAZY_EXTRAS.get(f.name, set())
        )
        for f in files
    }
    assert {k: v for k, v in extra.items() if v} == {}


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
