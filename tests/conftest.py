"""Shared fixtures: an isolated data dir, the generated sample community, the real public data sets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"
SAMPLE_USERS = 2000  # the real sample size: views are checked on what users see


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory):
    """Point CE_DATA_DIR at a temp folder for the whole run so tests never touch data/."""
    d = tmp_path_factory.mktemp("ce_data")
    # CE_WORKSPACE pins new sessions to the sample: otherwise the newest workspace a test created would
    # become every later page test's default
    saved = {k: os.environ.get(k) for k in ("CE_DATA_DIR", "CE_WORKSPACE")}
    os.environ.update(CE_DATA_DIR=str(d), CE_WORKSPACE="sample")
    yield d
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def in_ci(environ=os.environ) -> bool:
    """CI sets CI=true (GitHub Actions, GitLab, most others)."""
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_shared_datasets(path: Path = SHARED_DATASETS, environ=os.environ) -> Path:
    """The public data sets' folder. Missing: a skip on a developer's clone, a failure in CI (where
    a skip would let the reference tests pass without testing anything)."""
    if path.is_dir():
        return path
    message = f"{path} is not present (the public data sets: see CONTRIBUTING.md, 'Test data')"
    if in_ci(environ):
        pytest.fail(f"{message}; CI=true, so the tests that read it fail instead of skipping", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    return require_shared_datasets()


@pytest.fixture(scope="session")
def sample_ws(isolated_data_dir):
    """The sample workspace (all five tables), built once per run in the isolated data dir."""
    from core.data.sample import sample_workspace

    return sample_workspace(users=SAMPLE_USERS, seed=0)


@pytest.fixture(scope="session")
def sample_dir(sample_ws) -> Path:
    """Folder holding the sample CSVs and ground_truth.json (the sources of `sample_ws`)."""
    return sample_ws.path / "source"


@pytest.fixture(scope="session")
def ground_truth(sample_dir) -> dict:
    return json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture()
def cli_env(isolated_data_dir) -> dict:
    """Environment for `python -m core ...` subprocesses: same data dir, repo importable, quiet threads."""
    env = dict(os.environ)
    env["CE_DATA_DIR"] = str(isolated_data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "2")
    return env


@pytest.fixture()
def run_cli(cli_env):
    """run_cli(*args) -> CompletedProcess of `python -m core args...` (text mode, cwd=repo), run in a
    child process forked from a warm one (tests/cli_runner.py: the imports are paid once per worker)."""
    from tests import cli_runner

    def _run(*args, check=False, timeout=300):
        return cli_runner.run(args, cli_env, cwd=REPO, timeout=timeout, check=check)

    return _run


@pytest.fixture()
def one_torch_thread():
    """Tiny models train many times faster on one thread than on two contended ones."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


# Training-heavy test files (real models trained, AppTest pages that train, CLI fits, the adversarial
# corpus): marked `slow` here, in one place, so `make test-fast` (-m "not browser and not slow") skips them.
SLOW_FILES = (
    "tests/app/",
    "tests/adversarial/",
    "tests/cli/",
    "tests/cohorts/test_churn_model.py",
    "tests/graph/test_gat.py",
    "tests/models/test_ddp.py",
    "tests/models/test_lifecycle.py",
    "tests/recommend/test_recommender.py",
    "tests/text/test_classifier.py",
    "tests/text/test_labelled_files.py",
)


# The longest files first (browser, Spark, whole-page AppTests, model fits): pytest-xdist hands files to
# workers in collection order, so the last files to run are short ones and no worker is left with a
# long file while the other idles (longest-processing-time-first). A file's tests stay together.
FIRST_FILES = (
    "tests/browser/test_screenshots.py",
    "tests/text/test_e5.py",
    "tests/cli/test_churn.py",
    "tests/spark/",
    "tests/browser/",
    "tests/app/",
)


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parents[1]
    rank = {}
    for item in items:
        path = Path(str(item.fspath)).resolve()
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else ""
        if rel.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)
        rank[item.nodeid] = next((i for i, p in enumerate(FIRST_FILES) if rel.startswith(p)), len(FIRST_FILES))
    items.sort(key=lambda item: rank[item.nodeid])  # stable: a file's tests keep their order
