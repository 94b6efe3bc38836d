"""Layering rules that keep core reusable: core never imports Streamlit, not even inside a function;
core.models needs only torch, numpy and pandas (so model benchmarks run on a GPU box without the app's
packages): at import time, checked by importing every module with the other packages blocked, and in
every import statement of its files, checked by reading them (a lazy import fails only when called).
No import cycle among core modules, counting imports inside functions; an import inside a function
names a module `core.lazy` lists, and the CLI parser and the home page load none of them."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import networkx as nx

import core
from core.lazy import HEAVY, HEAVY_CORE, is_lazy

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


ALLOWED_IN_CYCLES: set[str] = set()  # none: every cycle of core is a failure


@cache
def _core_files() -> dict[str, Path]:
    """module name -> file, for every module of core."""
    out = {}
    for path in (REPO / "core").rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _resolve(name: str) -> str:
    """The core module an imported name lives in (`core.text.e5.token_ids` -> `core.text.e5`)."""
    mods = _core_files()
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name


@cache
def _imports() -> tuple[tuple[str, str, int, str, bool], ...]:
    """(importing module, file, line, imported module, inside a function) for every import statement of
    core; `from core.x import y` names core.x.y when y is a module, else core.x (as /work/tools/cycles.py)."""
    rows = []
    for mod, path in _core_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        inner = {
            id(node)
            for fn in ast.walk(tree)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(fn)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")
                    up = up[: len(up) - (node.level - 1)] if node.level > 1 else up
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names if _resolve(f"{base}.{a.name}") == f"{base}.{a.name}"]
                names = subs or [base]
            else:
                continue
            for name in names:
                target = _resolve(name) if name.split(".")[0] == "core" else name
                rows.append((mod, str(path.relative_to(REPO)), node.lineno, target, id(node) in inner))
    return tuple(rows)


def test_no_import_cycle_among_core_modules_counting_imports_inside_functions():
    graph = nx.DiGraph()
    graph.add_nodes_from(_core_files())
    for mod, _, _, target, _ in _imports():
        if target.split(".")[0] == "core" and target != mod:
            graph.add_edge(mod, target)
    assert graph.number_of_edges() > 300
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert [c for c in cycles if not set(c) <= ALLOWED_IN_CYCLES] == []


ANALYSES = ("core.cohorts", "core.graph", "core.text", "core.health", "core.experiments", "core.recommend")


def test_query_layer_imports_no_analysis():
    """core.query sits below the analyses: it returns plain frames and dicts, each analysis builds its
    own result from them (imports inside functions count)."""
    query = [(f, line, target) for mod, f, line, target, _ in _imports() if mod.startswith("core.query")]
    assert len(query) > 10
    upward = ANALYSES + ("core.models", "core.viz", "core.cli")
    assert [f"{f}:{line} {t}" for f, line, t in query if t.startswith(upward)] == []


def _guarded() -> set[tuple[str, int]]:
    """(file, line) of every import inside a `try:` whose handler catches ImportError: optional by
    construction (core/lazy.py)."""
    caught = ("ImportError", "ModuleNotFoundError")
    rows = set()
    for path in _core_files().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name)
                and h.type.id in caught
                or isinstance(h.type, ast.Tuple)
                and any(getattr(e, "id", "") in caught for e in h.type.elts)
                for h in node.handlers
            ):
                for stmt in node.body:
                    for sub in ast.walk(stmt):
                        if isinstance(sub, (ast.Import, ast.ImportFrom)):
                            rows.add((str(path.relative_to(REPO)), sub.lineno))
    return rows


def test_every_import_inside_a_function_names_a_module_core_lazy_lists():
    inside = [(f, line, target) for _, f, line, target, inner in _imports() if inner]
    assert len(inside) > 50
    optional = _guarded()
    assert len(optional) >= 3
    assert [
        f"{f}:{line} {target}" for f, line, target in inside if not is_lazy(target) and (f, line) not in optional
    ] == []


def test_core_lazy_lists_modules_that_load_a_heavy_package_at_import():
    """Every HEAVY_CORE module imports its package at its top, directly or through core modules it
    imports at their tops (so taking it lazily saves that import); HEAVY names no core package."""
    top = nx.DiGraph()
    direct: dict[str, set[str]] = {m: set() for m in _core_files()}
    for mod, _, _, target, inner in _imports():
        if inner:
            continue
        if target.split(".")[0] == "core":
            top.add_edge(mod, target)
        elif target.split(".")[0] in HEAVY:
            direct[mod].add(target.split(".")[0])
    loads = {m: set(direct[m]).union(*(direct[d] for d in nx.descendants(top, m))) for m in top if m in direct}
    wrong = {m: p for m, p in HEAVY_CORE.items() if p not in loads.get(m, direct.get(m, set()))}
    assert wrong == {}
    assert not any(name.split(".")[0] == "core" for name in HEAVY)


FAST_PATHS = """
import ast, importlib, json, sys
from core.__main__ import build_parser
build_parser()
parser = sorted(m for m in sys.modules)
for page in ("app.py", "pages/home.py"):  # what the router and the home page import at their tops
    for node in ast.parse(open(page, encoding="utf-8").read()).body:
        if isinstance(node, ast.Import):
            for a in node.names:
                importlib.import_module(a.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            importlib.import_module(node.module)
print(json.dumps([parser, sorted(sys.modules)]))
"""


def test_cli_parser_and_home_page_load_no_heavy_package():
    """`python -m core` builds its parser from every subcommand and the app opens on the home page:
    neither pays for torch, pyspark, sklearn, scipy.stats ... (core.lazy.HEAVY)."""
    import json

    from core.lazy import heavy_loaded

    r = subprocess.run([sys.executable, "-c", FAST_PATHS], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    parser, home = json.loads(r.stdout.strip().splitlines()[-1])
    assert "core.cli.aggregate" in parser and "pandas" in parser and "streamlit" in home
    assert heavy_loaded(parser) == [] and heavy_loaded(home) == []
