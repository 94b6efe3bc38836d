"""Uploads: each session's file is its own, outside every workspace, and dead sessions' files are swept."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from core.data.ingest import ingest_file, preview_file
from core.data.uploads import discard_upload, process_dir, save_upload, sweep_uploads, uploads_root
from core.data.workspace import Workspace
from core.errors import InputError

DATA = b"user_id,item_id,ts\nu1,i1,2024-01-01\nu2,i2,2024-01-02\n"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_two_sessions_uploading_the_same_bytes_get_files_of_their_own(data_dir, tmp_path):
    a = save_upload("session-a", io.BytesIO(DATA), "events.csv")
    b = save_upload("session-b", io.BytesIO(DATA), "events.csv")
    assert a.path != b.path and a.sha256 == b.sha256 and a.size == b.size == len(DATA)
    assert a.path.read_bytes() == b.path.read_bytes() == DATA
    assert uploads_root() in a.path.parents and not any(p.name == "workspaces" for p in a.path.parents)
    ws_a, ws_b = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    ingest_file(ws_a, a.path, "interactions", source_name=a.name)
    discard_upload(a.path)  # session a is done: session b's file is untouched
    assert b.path.exists()
    report = ingest_file(ws_b, b.path, "interactions", source_name=b.name)
    assert report.rows == 2 and ws_b.info("interactions").source == "events.csv"


def test_messages_name_the_users_file_never_the_server_path(data_dir, tmp_path):
    bad = save_upload("s", io.BytesIO(b"a,a\n1,2\n"), "mine.csv")
    with pytest.raises(InputError) as err:
        preview_file(None, bad.path, name="mine.csv")
    assert str(err.value).startswith("mine.csv: ") and str(bad.path.parent) not in str(err.value)
    gone = save_upload("s", io.BytesIO(DATA), "gone.csv")
    discard_upload(gone.path)
    with pytest.raises(InputError) as err:
        ingest_file(Workspace(tmp_path / "w"), gone.path, "interactions", source_name="gone.csv")
    assert str(err.value) == "gone.csv: file not found"


def test_sweep_removes_uploads_of_ended_processes_and_closed_sessions(data_dir, cli_env):
    env = dict(cli_env, CE_DATA_DIR=str(data_dir))
    code = (
        "import io; from core.data.uploads import save_upload; "
        "print(save_upload('other', io.BytesIO(b'x,y\\n1,2\\n'), 'x.csv').path)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    dead = __import__("pathlib").Path(out.stdout.strip())
    assert dead.exists()  # the process that saved it has ended without cleaning up
    open_ = save_upload("open-session", io.BytesIO(DATA), "a.csv")
    closed = save_upload("closed-session", io.BytesIO(DATA), "b.csv")
    n = sweep_uploads(session_alive=lambda sid: sid != "closed-session")
    assert n == 2 and not dead.exists() and not closed.path.exists() and open_.path.exists()
    assert not dead.parent.parent.exists()  # the ended process's folder and its lock are gone
    assert not (uploads_root() / f"{dead.parent.parent.name}.lock").exists()
    assert process_dir().exists()


def test_app_start_sweeps_leftovers_of_every_workspace_and_of_ended_servers(sample_ws, cli_env, isolated_data_dir):
    from core.data.workspace import open_workspace

    ws = open_workspace("start-sweep")
    src = isolated_data_dir / "e.csv"
    src.write_text("src,dst\na,b\n", encoding="utf-8")
    ingest_file(ws, src, "edges")
    dead_tmp = ws.path / "tables" / ".tmp-0123abcd.parquet"  # a killed ingest's file: no live lock
    dead_tmp.write_bytes(b"x" * 1000)
    orphan = ws.path / "tables" / "edges__v9.parquet"
    orphan.write_bytes(b"y")
    ended = uploads_root() / "p999999-deadbeef"  # a server process that is gone (its lock is free)
    (ended / "session").mkdir(parents=True)
    (ended / "session" / "f.csv").write_text("a\n1\n")
    out = subprocess.run(
        [sys.executable, "-m", "core.data.prepare"], env=cli_env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    import re

    removed = re.search(r"removed (\d+) leftover file", out.stdout)
    assert removed and int(removed.group(1)) >= 3, out.stdout  # other tests' leftovers may be there too
    assert not dead_tmp.exists() and not orphan.exists() and not ended.exists()
    assert ws.read("edges")["dst"].tolist() == ["b"]
