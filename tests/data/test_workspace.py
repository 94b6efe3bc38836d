"""Workspace storage: names, concurrent readers and a writer in another process, the sample workspace."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from core.data.ingest import ingest_file
from core.data.schemas import SCHEMAS
from core.data.workspace import Workspace, list_workspaces, open_workspace, validate_name
from core.errors import ConfigError


def test_names_are_validated():
    assert validate_name(" 我的社区-2 ") == "我的社区-2"
    for bad in ["", "../etc", "a/b", "x" * 65, "semi;colon"]:
        with pytest.raises(ConfigError):
            validate_name(bad)


def test_workspace_arguments_are_names_or_absolute_folders(tmp_path, monkeypatch):
    from core.config import workspaces_dir

    assert open_workspace("团队_a-1").path == workspaces_dir() / "团队_a-1"
    for bad in [".", "..", "a.b", "x" * 300, "名字\n第二行"]:
        with pytest.raises(ConfigError) as err:
            open_workspace(bad)
        assert "\n" not in str(err.value) and len(str(err.value)) < 200
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        open_workspace(str(afile))
    busy = tmp_path / "project"
    (busy / "src").mkdir(parents=True)
    monkeypatch.chdir(busy)
    for path in ("./", "../project", str(busy)):  # a folder with other things in it never becomes a workspace
        with pytest.raises(ConfigError, match="holds other files and is not a workspace"):
            open_workspace(path)
    with pytest.raises(ConfigError, match="longer than 255 bytes"):
        open_workspace("new/" + "y" * 300)
    # a relative folder path is resolved to an absolute one: its views read from any folder
    ws = open_workspace("rel/ws")
    assert ws.path == busy / "rel" / "ws" and ws.path.is_absolute()
    src = busy / "e.csv"
    src.write_text("src,dst\na,b\n", encoding="utf-8")
    ingest_file(ws, src, "edges")
    monkeypatch.chdir(tmp_path)
    assert open_workspace(str(busy / "rel" / "ws")).read("edges")["dst"].tolist() == ["b"]
    assert open_workspace(str(busy / "rel" / "ws")).path == ws.path  # an existing workspace folder opens


def test_reading_a_missing_table_or_workspace_is_a_user_error(tmp_path):
    ws = Workspace(tmp_path / "empty")
    with pytest.raises(ConfigError, match="has no 'posts' table"):
        ws.read("posts")
    assert ws.tables() == [] and not ws.has("posts")
    with pytest.raises(ConfigError, match="unknown table"):
        ws.read("payments")


def test_reads_keep_working_while_another_process_ingests(tmp_path, cli_env):
    """The app reads while the CLI writes the same workspace: reads wait briefly and never fail."""
    ws = Workspace(tmp_path / "shared")
    small = tmp_path / "s.csv"
    small.write_text("user_id,item_id,ts\nu1,i1,2024-01-01\n", encoding="utf-8")
    ingest_file(ws, small, "interactions")
    big = tmp_path / "big.csv"
    with open(big, "w") as fh:
        fh.write("user_id,item_id,ts\n")
        for i in range(300_000):
            fh.write(f"u{i % 977},i{i % 131},2024-01-{1 + i % 28:02d}\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "ingest", str(big), "--table", "interactions", "--workspace", str(ws.path)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = set()
    while proc.poll() is None:
        seen.add(len(ws.read("interactions")))
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read()
    seen.add(len(ws.read("interactions")))
    assert seen <= {1, 300_000} and 300_000 in seen


def test_sample_workspace_has_every_table(sample_ws, ground_truth):
    assert {t.table for t in sample_ws.tables()} == set(SCHEMAS)
    assert "sample" in list_workspaces()
    assert open_workspace("sample").path == sample_ws.path
    users = sample_ws.read("users")
    assert len(users) == ground_truth["users"] == 2000
    posts = sample_ws.read("posts")
    assert posts["text"].str.contains(r"[\u4e00-\u9fff]").any() and posts["text"].str.contains("[a-z]").any()
