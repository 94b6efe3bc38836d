"""Real-browser fixtures: `streamlit run app.py` on a free port, driven by Debian's Chromium via Playwright.

Never `playwright install`: we launch /usr/bin/chromium (apt package `chromium`, installed by `make test`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(args: list[str], env: dict, log: Path, health: str, cwd: Path = REPO):
    """Run `args` (a server) in its own process group, logging to `log`; yield the process once `health`
    answers over HTTP (the log's tail in the error when it never does); stop the group after."""
    fh = open(log, "w")
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{args[0]} did not answer at {health}:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        fh.close()


def app_command(port: int, *extra: str) -> list[str]:
    """`python -m ui.serve` (streamlit run app.py) headless on 127.0.0.1:`port`."""
    return [
        sys.executable,
        "-m",
        "ui.serve",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]


@contextlib.contextmanager
def running_app(data_dir, log_dir):
    """`python -m ui.serve` (streamlit run app.py) on a free port; yields its base URL, stops it after."""
    port = _free_port()
    env = dict(os.environ, CE_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    url = f"http://127.0.0.1:{port}"
    with serving(app_command(port), env, Path(log_dir) / f"server-{port}.log", url + "/_stcore/health"):
        yield url


@pytest.fixture(scope="session")
def streamlit_url(sample_ws, isolated_data_dir, tmp_path_factory):
    """Base URL of a live app on the test data dir (sample workspace already built), for the session."""
    with running_app(isolated_data_dir, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture()
def fresh_app(sample_ws, isolated_data_dir, tmp_path):
    """A server of its own, for tests about what a fresh server does on its first request."""
    with running_app(isolated_data_dir, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def _browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def browser_page(_browser):
    """A fresh Playwright page (own context) at 1400x1000; closed after the test."""
    context = _browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def wait_for_script(page, timeout_ms: int = 90_000) -> None:
    """Wait until Streamlit's script run has finished (the app marks it on stApp) and the elements of the
    previous run it did not draw again are gone (on a loaded machine they linger as data-stale="true",
    and a locator may then find an element twice)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms)


@pytest.fixture()
def wait_idle():
    """wait_idle(page): block until the current Streamlit script run has finished."""
    return wait_for_script
