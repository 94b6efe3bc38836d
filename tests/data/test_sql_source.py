"""PostgreSQL as a source, against a real server this module starts: Debian's PostgreSQL 15, `initdb`
in a temporary folder as the unprivileged `postgres` user, on a free port, 127.0.0.1 only, stopped
by its PID. Rows come as Arrow batches; the password is never recorded or logged."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from core.data.ingest import ingest_file, ingest_opened
from core.data.sources.sql import open_query, redact
from core.data.workspace import Workspace
from core.errors import ConfigError, InputError

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "s3cret-Pa55-语"  # non-ASCII on purpose: it must survive URL quoting
USER = "analyst"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def pg():
    """(url with the password, folder of the server) of a fresh PostgreSQL server."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 is not installed here (make postgresql installs it)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is missing: PostgreSQL refuses to run as root")
    root = Path(tempfile.mkdtemp(prefix="ce-pg-"))
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    data = root / "data"
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}", "--auth=scram-sha-256",
             "-E", "UTF8", "--locale=C", "--no-sync"]
        ),
        check=True, capture_output=True,
    )  # fmt: skip
    pwfile.unlink()
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", opts, "-w", "start"]),
        check=True,
        capture_output=True,
    )
    pid = int((data / "postmaster.pid").read_text().split()[0])
    url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/postgres"
    try:
        yield url, port
    finally:
        os.kill(pid, signal.SIGINT)  # fast shutdown of this server only, by its PID
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


def _sql(url: str, statement: str) -> None:
    import adbc_driver_postgresql.dbapi as pgdb

    with pgdb.connect(url.replace(PASSWORD, "s3cret-Pa55-%E8%AF%AD")) as conn, conn.cursor() as cur:
        cur.execute(statement)
        conn.commit()


@pytest.fixture(scope="module")
def events(pg):
    url, _ = pg
    _sql(
        url,
        "CREATE TABLE events AS SELECT 'u' || (g % 97) AS 用户, timestamp '2024-03-01 08:00' + g * interval '61 seconds' "
        "AS 时间, CASE WHEN g % 7 = 0 THEN NULL ELSE round(g * 0.37, 2)::float8 END AS 金额, g % 5 AS 数量 "
        "FROM generate_series(1, 5000) g",
    )
    return url


def _cli(cli_env: dict, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    from tests import cli_runner

    return cli_runner.run(args, {**cli_env, **(env or {})}, cwd=os.getcwd(), timeout=300)


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_query_ingests_like_its_csv_export_and_no_password_is_kept(events, tmp_path, isolated_data_dir, caplog):
    url = events
    ws = Workspace(isolated_data_dir / "workspaces" / "sql-test")
    caplog.set_level(logging.DEBUG)
    with open_query(url, 'SELECT * FROM events ORDER BY "时间";', row_limit=5000) as src:
        report = ingest_opened(ws, src, "interactions", None, False, src.detail)
    got = ws.read("interactions")
    # the same rows exported as CSV by the server, then ingested as a CSV
    export = tmp_path / "events.csv"
    with open(export, "wb") as fh:
        subprocess.run(
            [str(PG_BIN / "psql"), url.replace(PASSWORD, "s3cret-Pa55-%E8%AF%AD"), "-qAt", "-c",
             'COPY (SELECT * FROM events ORDER BY "时间") TO STDOUT WITH (FORMAT csv, HEADER)'],
            check=True, stdout=fh,
        )  # fmt: skip
    ws2 = Workspace(tmp_path / "csv-ws")
    ingest_file(ws2, export, "interactions")
    pd.testing.assert_frame_equal(got, ws2.read("interactions"))
    assert report.rows == 5000 and got["value"].isna().sum() == 5000 // 7
    assert report.source == f"postgresql://{USER}@127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}/postgres"
    secret = [PASSWORD.encode(), b"s3cret-Pa55"]
    for f in _files_under(isolated_data_dir) + _files_under(ws.path):
        data = f.read_bytes()
        assert not any(s in data for s in secret), f
    assert not any("s3cret" in r.getMessage() for r in caplog.records)


def test_row_limit_is_refused_not_cut(events):
    with pytest.raises(InputError, match=r"the query returned more than 4,999 rows, the row limit"):
        with open_query(events, "SELECT * FROM events", row_limit=4999):
            pass


def test_wrong_password_bad_query_and_server_down_each_one_line(events, pg):
    url, port = pg
    bad = url.replace(PASSWORD, "wrong-password")
    with pytest.raises(InputError) as err:
        with open_query(bad, "SELECT 1"):
            pass
    assert (
        str(err.value)
        == f"postgresql://{USER}@127.0.0.1:{port}/postgres: the database refused the user name or password"
    )
    with pytest.raises(InputError) as err:
        with open_query(url, "SELECT * FROM no_such_table"):
            pass
    msg = str(err.value)
    assert "could not run the query" in msg and "no_such_table" in msg and "\n" not in msg and "s3cret" not in msg
    down = _free_port()
    with pytest.raises(InputError) as err:
        with open_query(f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{down}/postgres", "SELECT 1"):
            pass
    msg = str(err.value)
    assert msg.startswith(f"postgresql://{USER}@127.0.0.1:{down}/postgres: could not connect to the database")
    assert "\n" not in msg and "s3cret" not in msg
    with pytest.raises(ConfigError, match="should look like postgresql://"):
        redact("mysql://x@y/z")


def test_read_only_transaction(events):
    _sql(events, "CREATE SEQUENCE IF NOT EXISTS seq")
    with pytest.raises(InputError, match=r"could not run the query: .*read-only transaction"):
        with open_query(events, "SELECT nextval('seq')"):
            pass


@pytest.mark.slow
def test_a_million_rows_equal_their_csv_export(pg, cli_env, tmp_path):
    url, _ = pg
    _sql(
        url,
        "CREATE TABLE big AS SELECT 'u' || (g % 10007) AS user_id, 'i' || (g % 503) AS item_id, "
        "timestamp '2024-01-01' + g * interval '1 second' AS ts, "
        "CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 1000) * 0.25 END::float8 AS value FROM generate_series(1, 1000000) g",
    )
    ws = tmp_path / "ws"
    no_pw = url.replace(":" + PASSWORD, "")  # the CLI's password comes from PGPASSWORD
    r = _cli(cli_env, "ingest", "--from-sql", no_pw, "--query", "SELECT * FROM big ORDER BY ts", "--table",
             "interactions", "--workspace", ws, env={"PGPASSWORD": PASSWORD})  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 1_000_000 and "s3cret" not in r.stdout + r.stderr
    export = tmp_path / "big.csv"
    with open(export, "wb") as fh:
        subprocess.run(
            [str(PG_BIN / "psql"), url.replace(PASSWORD, "s3cret-Pa55-%E8%AF%AD"), "-qAt", "-c",
             "COPY (SELECT * FROM big ORDER BY ts) TO STDOUT WITH (FORMAT csv, HEADER)"],
            check=True, stdout=fh,
        )  # fmt: skip
    ws2 = Workspace(tmp_path / "csv-ws")
    ingest_file(ws2, export, "interactions")
    got, want = Workspace(ws).read("interactions"), ws2.read("interactions")
    assert len(got) == 1_000_000
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.slow  # three runs of the home page (AppTest) against the server: over 10 s on a busy machine
def test_home_page_database_source(events, repo_root, sample_ws, isolated_data_dir):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(repo_root / "pages" / "home.py"), default_timeout=120)
    at.run()
    assert any("At most 1,000,000 rows are loaded" in c.value for c in at.caption)  # the limit is shown
    no_pw = events.replace(":" + PASSWORD, "")
    at.text_input(key="db_url").set_value(no_pw)
    at.text_input(key="db_password").set_value("wrong")
    at.text_area(key="db_query").set_value("SELECT * FROM events")
    at.selectbox(key="db_table").set_value("interactions")
    at.text_input(key="db_target").set_value("from-db")
    at.button(key="db_load").click().run()
    assert [e.value for e in at.error] == [f"{redact(no_pw)}: the database refused the user name or password"]
    assert at.session_state["db_password"] == ""  # forgotten after the attempt
    at.text_input(key="db_password").set_value(PASSWORD)
    at.button(key="db_load").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    ok = [s.value for s in at.success]
    assert any(f"{redact(no_pw)}: 5,000 rows ingested into 'interactions' of workspace 'from-db'" in s for s in ok), ok
    assert at.session_state["db_password"] == ""
    for f in _files_under(isolated_data_dir):
        assert b"s3cret" not in f.read_bytes(), f
