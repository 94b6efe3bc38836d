"""core never imports streamlit; the DIN model imports only torch (and stdlib), so it runs on a
GPU box without the app's packages."""

from __future__ import annotations

import ast
import sys

import pytest

MODULES = [
    "core/experiments/analysis.py",
    "core/experiments/columns.py",
    "core/experiments/corrections.py",
    "core/experiments/health.py",
    "core/experiments/inference.py",
    "core/experiments/power.py",
    "core/experiments/response.py",
    "core/experiments/statistics.py",
    "core/experiments/summary.py",
    "core/experiments/uplift.py",
    "core/viz/experiments.py",
    "core/cli/abtest.py",
    "core/models/din.py",
]


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", MODULES)
def test_no_streamlit_in_core(repo_root, module):
    assert "streamlit" not in _imports(repo_root / module)


def test_din_imports_only_torch(repo_root):
    allowed = {"torch", "numpy", "pandas", "__future__"} | set(sys.stdlib_module_names)
    assert _imports(repo_root / "core/models/din.py") <= allowed
