"""Who may see and change which workspace (core.access), with the README's own example access file,
real workspaces and real ingests; the unknown-workspace link in the app (AppTest); and what
`make run`'s command line listens on (the socket table) and sweeps at start."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from filelock import FileLock
from streamlit.testing.v1 import AppTest

from core import access
from core.data import audit
from core.data.ingest import ingest_file
from core.data.workspace import STAGING_DIR, TABLES_DIR, Workspace, create_workspace, open_workspace
from core.errors import ConfigError
from core.i18n import t

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "access.toml"
APP = str(REPO / "app.py")
ALICE = access.Actor("alice@example.com", enforced=True)
BOB = access.Actor("Bob@Example.org", enforced=True)  # e-mails compare without case
CAROL = access.Actor("carol@example.net", enforced=True)  # in "@example.net", a member of support
LEAD = access.Actor("lead@example.net", enforced=True)
EVE = access.Actor("eve@notexample.net", enforced=True)


@pytest.fixture()
def team(tmp_path, monkeypatch):
    """A data folder of its own with the README's access file and three small workspaces."""
    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CE_ACCESS_FILE", str(tmp_path / "access.toml"))
    shutil.copy(EXAMPLE, tmp_path / "access.toml")
    csv = tmp_path / "users.csv"
    csv.write_text("user_id,segment\nu1,a\nu2,b\nu3,a\n")
    for name in ("marketing", "support", "research"):
        ingest_file(open_workspace(name), csv, "users")  # the command line: no check, who = cli
    return tmp_path


def test_the_readme_shows_the_example_files_as_they_are():
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Deploying for a team") :]
    for name in ("secrets.toml", "access.toml"):
        assert "```toml\n" + (EXAMPLE.parent / name).read_text() + "```" in section, name


def test_roles_follow_the_example_file(team):
    policy = access.load_policy()
    names = ["sample", "marketing", "support", "research"]
    assert access.visible(ALICE, names, policy) == ["sample", "marketing", "research"]
    assert access.visible(BOB, names, policy) == ["sample", "support", "research"]
    assert access.visible(CAROL, names, policy) == ["sample", "support"]  # by domain
    assert access.visible(EVE, names, policy) == ["sample"]  # a domain is matched whole
    assert access.visible(LEAD, names, policy) == names
    assert access.visible(access.LOCAL, names, policy) == names  # local mode ignores the file
    assert access.can(BOB, "research", "train", policy) and not access.can(BOB, "research", "write", policy)
    assert access.can(ALICE, "research", "write", policy) and not access.can(ALICE, "sample", "write", policy)


def test_core_refuses_a_member_and_hides_what_is_not_theirs(team):
    research = open_workspace("research")
    before = research.history("users")
    csv = team / "more.csv"
    csv.write_text("user_id,segment\nu9,z\n")
    with pytest.raises(access.AccessDenied) as member:
        ingest_file(research, csv, "users", mode="append", actor=BOB)
    assert "not change its data" in str(member.value)
    with pytest.raises(access.AccessDenied):
        research.restore("users", 1, actor=BOB)
    assert research.history("users") == before  # unchanged

    # another's workspace answers exactly as one that does not exist (in both languages)
    errors = {}
    for name in ("support", "no-such"):
        with pytest.raises(access.AccessDenied) as exc:
            access.require(ALICE, name, "view")
        errors[name] = exc.value
    with pytest.raises(access.AccessDenied) as restore:
        open_workspace("support").restore("users", 1, actor=ALICE)
    for lang in ("en", "zh"):
        assert errors["support"].text(lang) == t("auth.err.no_workspace", lang, workspace="support")
        assert errors["no-such"].text(lang) == t("auth.err.no_workspace", lang, workspace="no-such")
        assert restore.value.text(lang) == errors["support"].text(lang)

    # the owner may: recorded under their e-mail, in the audit trail and the version list
    report = ingest_file(research, csv, "users", mode="append", actor=ALICE)
    assert audit.version_authors(research, "users") == {1: "cli", report.version: "alice@example.com"}


def test_a_creator_becomes_owner_without_losing_the_admins_comments(team):
    original = (team / "access.toml").read_text()
    ws = create_workspace("alice-new", ALICE)
    text = (team / "access.toml").read_text()
    assert text.startswith(original)  # comments and layout kept; the grant is appended
    assert access.load_policy().role("alice@example.com", "alice-new") == "owner"
    assert not access.can(BOB, "alice-new", "view")
    assert [(e.who, e.action) for e in audit.trail(ws)] == [("alice@example.com", "access")]
    with pytest.raises(access.AccessDenied) as taken:
        create_workspace("alice-new", BOB)
    assert "taken" in str(taken.value)
    with pytest.raises(access.AccessDenied):
        create_workspace("support", ALICE)  # listed for others: taken, not created
    # a first upload into a new name claims it as well (the app's upload from the sample)
    csv = team / "users.csv"
    ingest_file(open_workspace("bob-new"), csv, "users", actor=BOB)
    assert access.load_policy().role("bob@example.org", "bob-new") == "owner"


def test_the_access_file_is_never_left_broken(team):
    path = team / "access.toml"
    path.write_text('admins = []\nworkspaces = { support = { owners = ["bob@example.org"] } }\n')
    before = path.read_text()
    with pytest.raises(ConfigError):  # appending a [workspaces.x] table here would not parse
        access.claim_workspace(ALICE, "alice-new", path)
    assert path.read_text() == before and not list(team.glob(".access.toml.tmp-*"))
    path.write_text('admins = ["not-an-email"]\n')
    with pytest.raises(ConfigError) as bad:
        access.load_policy(path)
    assert str(path) in str(bad.value) and "not-an-email" in str(bad.value) and "\n" not in str(bad.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_workspace_link_says_so_and_shows_the_picker(lang, tmp_path):
    if not open_workspace("picked-small").db_path.exists():
        ingest_file(open_workspace("picked-small"), _users(tmp_path), "users")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = "no-such-workspace"
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("auth.ws_missing", lang, workspace="no-such-workspace")]
    assert not at.title  # no page drawn from another workspace
    assert at.query_params["ws"] in ("no-such-workspace", ["no-such-workspace"])  # the link is kept
    pick = at.selectbox(key="ws_pick")
    assert pick.value is None and {"sample", "picked-small"} <= set(pick.options)
    if lang == "zh":
        return
    pick.select("picked-small").run()  # the picked workspace opens, and the link names it
    assert not at.exception and at.title[0].value == t("home.title", lang) and not at.warning
    assert at.query_params["ws"] in ("picked-small", ["picked-small"])
    assert at.sidebar.selectbox(key="workspace").value == "picked-small"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_with_auth_configured_only_the_sign_in_screen_is_drawn(lang, tmp_path):
    """[auth] set (here through AppTest's secrets), nobody signed in: a title, one line, the button."""
    import tomllib

    if not open_workspace("picked-small").db_path.exists():
        ingest_file(open_workspace("picked-small"), _users(tmp_path), "users")
    auth = tomllib.loads((EXAMPLE.parent / "secrets.toml").read_text())["auth"]
    for secret in (auth["cookie_secret"], "a-long-random-secret-" + "x" * 24):
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["auth"] = dict(auth, cookie_secret=secret)
        at.query_params["ws"] = "picked-small"
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        assert [x.value for x in at.title] == [t("auth.sign_in_title", lang)]
        assert [m.value for m in at.markdown] == [t("auth.sign_in_text", lang)]
        assert not at.selectbox and not at.sidebar.children and not at.caption and not at.warning
        if secret.startswith("REPLACE-ME"):  # the README's placeholder: public, so nobody is signed in
            assert [e.value for e in at.error] == [t("auth.placeholder_secret", lang)] and not at.button
        else:
            assert [b.label for b in at.button] == [t("auth.sign_in", lang)] and not at.error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_listens_on_loopback_and_sweeps_at_start(tmp_path):
    data = tmp_path / "data"
    dead = data / "uploads" / "p1-dead" / "session"  # a killed server's upload (its lock is free)
    dead.mkdir(parents=True)
    (dead / "x.csv").write_text("a\n")
    ws = data / "workspaces" / "w"
    ingest_file(Workspace(ws), _users(tmp_path), "users")
    (ws / STAGING_DIR / "deadbeef").mkdir(parents=True)  # a killed ingest's temp files
    (ws / TABLES_DIR / ".tmp-deadbeef-x.parquet").write_bytes(b"x")
    live = FileLock(str(ws / STAGING_DIR / "cafe.lock"))
    live.acquire()  # an ingest still running in another process keeps its files
    (ws / STAGING_DIR / "cafe").mkdir()

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "HOST"}
    dry = subprocess.run(["make", "-n", "run", f"PORT={port}"], cwd=REPO, env=env, capture_output=True, text=True)
    command = next(line for line in dry.stdout.splitlines() if "ui.serve" in line)
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + command],
        cwd=REPO,
        env=dict(env, CE_DATA_DIR=str(data)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "make run's server did not start"
                time.sleep(0.3)
        listening = [c.laddr for c in psutil.Process(proc.pid).net_connections("inet") if c.status == "LISTEN"]
        assert listening and all(ipaddress.ip_address(a.ip).is_loopback for a in listening), listening
        # swept at start (by the warm-up thread, while the server already answers): no page was opened
        leftovers = [
            data / "uploads" / "p1-dead",
            ws / STAGING_DIR / "deadbeef",
            ws / TABLES_DIR / ".tmp-deadbeef-x.parquet",
        ]
        while any(p.exists() for p in leftovers) and time.time() < deadline:
            time.sleep(0.1)
        assert [p for p in leftovers if p.exists()] == []
        assert (ws / STAGING_DIR / "cafe").exists() and Workspace(ws).read("users").shape[0] == 3
    finally:
        live.release()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _users(tmp_path: Path) -> Path:
    csv = tmp_path / "u.csv"
    csv.write_text("user_id,segment\nu1,a\nu2,b\nu3,a\n")
    return csv
