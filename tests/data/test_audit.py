"""The audit trail (core.data.audit): every ingest, append, replace, restore, training and access
change, with who and when, append-only in the workspace's own DuckDB file; Home's versions list
shows who made each version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.access import Actor
from core.data import audit
from core.data.ingest import Reviewed, ingest_file
from core.data.workspace import Workspace, create_workspace
from core.errors import ConfigError

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ALICE = Actor("alice@example.com", enforced=False)  # local/CLI rules, recorded under her name


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("user_id,segment\n" + "\n".join(rows) + "\n")
    return path


def test_every_change_is_recorded_with_who_and_when(tmp_path):
    ws = Workspace(tmp_path / "w")
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) - dt.timedelta(seconds=1)
    ingest_file(ws, _csv(tmp_path / "a.csv", ["u1,a", "u2,b"]), "users")  # the command line
    ingest_file(ws, _csv(tmp_path / "b.csv", ["u3,c"]), "users", mode="append", actor=ALICE)
    ingest_file(ws, _csv(tmp_path / "c.csv", ["u4,d"]), "users", actor=ALICE)
    ws.restore("users", 2)
    audit.log(ws, "alice@example.com", "training", detail="churn:abc")
    # a commit that fails (the table changed under the reviewer) leaves no row behind
    with pytest.raises(ConfigError):
        ingest_file(ws, _csv(tmp_path / "d.csv", ["u5,e"]), "users", reviewed=Reviewed(1), actor=ALICE)

    trail = audit.trail(ws)
    assert [(e.who, e.action, e.version, e.detail) for e in trail] == [
        ("cli", "ingest", 1, "a.csv"),
        ("alice@example.com", "append", 2, "b.csv"),
        ("alice@example.com", "replace", 3, "c.csv"),
        ("cli", "restore", 4, "b.csv"),
        ("alice@example.com", "training", None, "churn:abc"),
    ]
    times = [dt.datetime.fromisoformat(e.at) for e in trail]
    assert times == sorted(times) and start <= times[0] <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # every version has its row, made in the same transaction as the version itself
    assert audit.version_authors(ws, "users") == {v.version: trail[i].who for i, v in enumerate(ws.history("users"))}
    # in the workspace's own file, readable by any DuckDB client
    con = duckdb.connect(str(ws.db_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM _audit").fetchone()[0] == len(trail)
    finally:
        con.close()


def test_access_changes_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CE_ACCESS_FILE", str(tmp_path / "access.toml"))
    ws = create_workspace("team-a", Actor("Alice@Example.com", enforced=True))
    ingest_file(ws, _csv(tmp_path / "a.csv", ["u1,a"]), "users", actor=Actor("alice@example.com", enforced=True))
    assert [(e.who, e.action, e.detail) for e in audit.trail(ws)] == [
        ("Alice@Example.com", "access", "owner: alice@example.com"),
        ("alice@example.com", "ingest", "a.csv"),
    ]


def test_home_versions_list_shows_who_made_each_version(tmp_path, monkeypatch):
    monkeypatch.setenv("CE_WORKSPACE", "audit-home")
    ws = create_workspace("audit-home")
    ingest_file(ws, _csv(tmp_path / "a.csv", ["u1,a", "u2,b"]), "users")
    ingest_file(ws, _csv(tmp_path / "b.csv", ["u3,c"]), "users", mode="append", actor=ALICE)
    for lang, cli in (("en", "command line"),):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["ws"] = "audit-home"
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        shown = [x.value for x in at.text]
        # newest first: v2 by alice, then v1 from the command line
        assert shown.index("v2") < shown.index("alice@example.com") < shown.index("v1") < shown.index(cli)
        local = {"en": "Local mode: no sign-in", "zh": "本地模式：无需登录"}[lang]  # no [auth]: said on Home
        assert any(c.value.startswith(local) for c in at.caption)


def _train_click_script():
    import threading

    import streamlit as st

    from ui import state, training

    st.session_state.setdefault(state.WORKSPACE, "audit-train")
    training.training_panel("audit-train:job", lambda progress, cancel: threading.Event().wait(0.01))


def test_a_train_click_is_recorded_but_not_a_cache_load(tmp_path):
    ws = create_workspace("audit-train")
    ingest_file(ws, _csv(tmp_path / "a.csv", ["u1,a"]), "users")
    at = AppTest.from_function(_train_click_script, default_timeout=60)
    at.run()
    assert [e.action for e in audit.trail(ws)] == ["ingest"]  # drawing the button records nothing
    at.button(key="train:audit-train:job").click().run()
    assert not at.exception
    assert [(e.who, e.action, e.detail) for e in audit.trail(ws)][1:] == [("local", "training", "audit-train:job")]
