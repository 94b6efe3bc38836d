"""The CLI test runner (tests/cli_runner.py) answers as `python -m core` in a fresh interpreter does:
the same exit code, stdout and stderr, in the environment and folder it is given."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import cli_runner


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["nosuch"], ["tables", "--workspace", "{tmp}/absent"], ["tables", "--workspace", "rel"]],
)
def test_a_forked_command_answers_as_a_fresh_interpreter(argv, cli_env, tmp_path):
    argv = [a.format(tmp=tmp_path) for a in argv]
    (tmp_path / "rel").mkdir()
    env = dict(cli_env, CE_LANG="zh")
    fresh = subprocess.run(
        [sys.executable, "-m", "core", *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    forked = cli_runner.run(argv, env, cwd=tmp_path, timeout=120)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
