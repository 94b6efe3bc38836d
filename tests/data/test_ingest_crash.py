"""An ingest killed midway (SIGKILL) leaves the previous table version current, intact and readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from core.data.ingest import ingest_file
from core.data.workspace import Workspace

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    n = 1_500_000
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("big") / "interactions.csv"
    pd.DataFrame(
        {
            "user_id": rng.integers(0, 50_000, n).astype(str),
            "item_id": rng.integers(0, 5_000, n).astype(str),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
        }
    ).to_csv(path, index=False)
    return path, n


def _spawn(ws: Workspace, path, cli_env):
    return subprocess.Popen(
        [sys.executable, "-m", "core", "ingest", str(path), "--table", "interactions", "--workspace", str(ws.path)],
        cwd=REPO,
        env=cli_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_midway_keeps_previous_version(tmp_path, big_csv, cli_env):
    big, n_big = big_csv
    ws = Workspace(tmp_path / "ws")
    small = tmp_path / "small.csv"
    small.write_text("user_id,item_id,ts\nu1,i1,2024-01-01\nu2,i2,2024-01-02\n", encoding="utf-8")
    ingest_file(ws, small, "interactions")
    original = ws.read("interactions")

    # 1) kill while the big file is being parsed into its Parquet version: nothing committed yet
    proc = _spawn(ws, big, cli_env)
    deadline = time.time() + 120
    while not list((ws.path / "tables").glob(".tmp-*.parquet")) and time.time() < deadline:
        assert proc.poll() is None, "the ingest ended before it could be killed"
        time.sleep(0.02)
    time.sleep(0.1)
    assert proc.poll() is None, "the ingest finished before the kill: make the file bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    info = ws.info("interactions")
    assert (info.version, info.rows) == (1, 2)
    pd.testing.assert_frame_equal(ws.read("interactions"), original)

    # 2) kills at later moments (possibly in the commit): the table is always one whole version
    for delay in (1.5, 3.0, 6.0):
        proc = _spawn(ws, big, cli_env)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        info = ws.info("interactions")
        got = ws.read("interactions")
        assert len(got) == info.rows
        assert info.rows in (2, n_big)
        if info.rows == 2:
            pd.testing.assert_frame_equal(got, original)

    # 3) the workspace still takes a normal ingest afterwards
    report = ingest_file(ws, small, "interactions")
    assert ws.info("interactions").version == report.version and len(ws.read("interactions")) == 2


_HOLDER = """
import sys, time
from pathlib import Path
from core.data.workspace import Workspace, WriteToken
ws = Workspace(sys.argv[1])
with WriteToken(ws) as t:
    (t.dir / "spill.tmp").write_bytes(b"x" * 1000)
    (ws.path / "tables" / f".tmp-{t.name}.parquet").write_bytes(b"y")
    print(t.name, flush=True)
    time.sleep(120)
"""


def _leftovers(ws: Workspace) -> set[str]:
    return {p.name for p in (ws.path / "tables").glob(".tmp-*")} | {
        p.name for p in (ws.path / ".staging").iterdir() if not p.name.endswith(".lock")
    }


def test_leftovers_of_killed_writers_go_at_the_next_write_and_live_writers_keep_theirs(tmp_path, big_csv, cli_env):
    from core.data.workspace import sweep_leftovers

    big, _ = big_csv
    ws = Workspace(tmp_path / "ws")
    small = tmp_path / "small.csv"
    small.write_text("user_id,item_id,ts\nu1,i1,2024-01-01\n", encoding="utf-8")
    ingest_file(ws, small, "interactions")
    # a real ingest killed while writing its Parquet file leaves temp files behind
    proc = _spawn(ws, big, cli_env)
    deadline = time.time() + 120
    while not list((ws.path / "tables").glob(".tmp-*.parquet")) and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    dead = _leftovers(ws)
    assert dead, "the killed ingest left nothing to sweep"
    # a live writer in another process, holding its token lock
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(ws.path)],
        cwd=REPO,
        env=cli_env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        token = holder.stdout.readline().strip()
        live = {n for n in _leftovers(ws) if token in n}
        assert live and not live & dead
        # an orphan version file (renamed into place by a writer killed before its commit) and an
        # upload folder of the old layout
        (ws.path / "tables" / "interactions__v7.parquet").write_bytes(b"orphan")
        (ws.path / ".uploads").mkdir()
        (ws.path / ".uploads" / "207a.csv").write_text("a,b\n")
        ingest_file(ws, small, "interactions")  # the next write sweeps
        assert _leftovers(ws) == live  # the dead writer's files are gone, the live writer's stay
        assert not (ws.path / "tables" / "interactions__v7.parquet").exists() and not (ws.path / ".uploads").exists()
        assert ws.info("interactions").version == 2 and len(ws.read("interactions")) == 1
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    assert sweep_leftovers(ws) == len(live)  # its writer died too: now they go
    assert _leftovers(ws) == set()
    assert {p.name for p in (ws.path / "tables").glob("*.parquet")} == {
        "interactions__v1.parquet",
        "interactions__v2.parquet",
    }
