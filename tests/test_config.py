"""One place for settings: every environment setting is read in core/config.py (typed, at call time,
documented in CONTRIBUTING.md); the app turns a workspace name into a folder through one core rule;
a missing data-set folder fails the tests in CI instead of skipping them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import config
from core.data.workspace import create_workspace, workspace_by_name
from core.errors import ConfigError
from tests.conftest import require_shared_datasets

REPO = Path(__file__).resolve().parents[1]
# an environment read: os.environ.get("X") / os.environ["X"] / os.getenv("X") / environ.get(X)
READ = re.compile(r"""(?:os\.environ(?:\.get\(|\[)|os\.getenv\(|environ\.get\()\s*([^\s,)\]]+)""")
# other tools' protocols, read where those tools are driven (see core/config.py's docstring)
OTHER_TOOLS = {
    "core/models/engine.py": {'"LOCAL_RANK"', '"WORLD_SIZE"'},
    "core/query/engine.py": {'"PYSPARK_GATEWAY_PORT"', '"PYTHONPATH"', '"JAVA_HOME"'},
}


def test_environment_is_read_in_core_config_only():
    files = [*REPO.joinpath("core").rglob("*.py"), *REPO.joinpath("ui").rglob("*.py")]
    files += [*REPO.joinpath("pages").glob("*.py"), REPO / "app.py"]
    reads = {}
    for f in files:
        rel = f.relative_to(REPO).as_posix()
        names = set(READ.findall(f.read_text(encoding="utf-8"))) - OTHER_TOOLS.get(rel, set())
        if names and rel != "core/config.py":
            reads[rel] = sorted(names)
    assert reads == {}


def test_every_setting_is_documented_for_engineers():
    names = set(re.findall(r'"((?:CE|PG)_?[A-Z_]+)"', (REPO / "core" / "config.py").read_text()))
    assert {"CE_DATA_DIR", "CE_LANG", "CE_DEBUG", "PGPASSWORD"} <= names
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert sorted(n for n in names if f"`{n}`" not in contributing) == []


def test_settings_are_read_when_asked_and_bad_values_fall_back(monkeypatch, tmp_path):
    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path))
    assert config.workspaces_dir() == tmp_path / "workspaces"
    monkeypatch.delenv("CE_ACCESS_FILE", raising=False)
    assert config.access_file() == tmp_path / "access.toml"
    for value, lang in (("zh", "zh"), ("fr", "en"), ("", "en")):
        monkeypatch.setenv("CE_LANG", value)
        assert config.default_language() == lang
    for value, gb in (("0.5", 0.5), ("lots", config.DEFAULT_CACHE_GB), ("-1", config.DEFAULT_CACHE_GB)):
        monkeypatch.setenv("CE_CACHE_GB", value)
        assert config.cache_budget_bytes() == int(gb * 2**30)
    monkeypatch.setenv("CE_STATES_MAX_MB", "3")
    assert config.states_budget_bytes() == 3 * 2**20
    for value, epochs in (("2", 2), ("0", None), ("x", None)):
        monkeypatch.setenv("CE_SENT_EPOCHS", value)
        assert config.sentiment_page_epochs() == epochs
    monkeypatch.setenv("CE_CHURN_EPOCHS", "0")
    assert config.churn_page_epochs() == config.DEFAULT_CHURN_EPOCHS
    monkeypatch.setenv("CE_DEBUG", " ")
    assert not config.debug()
    monkeypatch.setenv("CE_DEBUG", "1")
    assert config.debug()


def test_the_app_turns_names_into_folders_through_one_core_rule(tmp_path, monkeypatch):
    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path))
    assert workspace_by_name(" 酒店-2026 ").path == tmp_path / "workspaces" / "酒店-2026"
    for typed in ("../x", str(tmp_path / "elsewhere"), ".", "a" * 65):
        with pytest.raises(ConfigError):
            workspace_by_name(typed)
    ws = create_workspace("team")
    assert ws.db_path.exists() and ws.db_path.parent == workspace_by_name("team").path
    ui = "\n".join(
        f.read_text(encoding="utf-8")
        for f in [*REPO.joinpath("ui").rglob("*.py"), *REPO.joinpath("pages").glob("*.py")]
    )
    assert "workspace.duckdb" not in ui and "open_workspace(" not in ui and "workspaces_dir" not in ui


def test_missing_data_sets_skip_on_a_clone_and_fail_in_ci(tmp_path):
    missing = tmp_path / "datasets"
    with pytest.raises(pytest.skip.Exception):
        require_shared_datasets(missing, {})
    for ci in ("true", "1"):
        with pytest.raises(pytest.fail.Exception, match="CI=true"):
            require_shared_datasets(missing, {"CI": ci})
    missing.mkdir()
    assert require_shared_datasets(missing, {"CI": "true"}) == missing
