"""`python -m core ARGS` in a real child process, without paying the interpreter start and the imports.

A CLI test used to start a fresh interpreter for every command, and each one imported pandas, DuckDB,
torch and scikit-learn again: about 3 s of a 2-core machine per command, over a hundred commands in the
suite. Here one "forkserver" process per test worker imports those once (`PRELOAD`), and every command
runs in a child forked from it: its own process (pid, memory, exit code), its own environment and
working directory, its stdout and stderr written at the file-descriptor level to files (so what Java,
C libraries and Python write all lands where a shell would see it), and the stdin of a process with
none. What a command does is exactly what `python -m core` does (`core.__main__.main`); only the
start-up is shared. The forkserver itself never runs a command, so no thread pool or state of one
command reaches the next.

`TEST_CLI_SUBPROCESS=1` runs real `python -m core` interpreters instead (to rule the runner out).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRELOAD = ("numpy", "pandas", "pyarrow", "duckdb", "scipy.stats", "sklearn.linear_model", "torch", "core.__main__")

_ctx = None
_log = None


def _context():
    """The forkserver context, its server started from the repository folder with the repository first
    on its path, and its stderr (where a child that fails before running the command reports why) in
    a log that `run` shows when a command dies silently."""
    global _ctx, _log
    if _ctx is None:
        from multiprocessing import forkserver

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tests.cli_runner_preload"])
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        _log = tempfile.NamedTemporaryFile(prefix="cli-forkserver-", suffix=".log", delete=False)  # noqa: SIM115
        saved = os.dup(2)
        with _from_repo():
            os.dup2(_log.fileno(), 2)
            try:
                forkserver.ensure_running()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
        _ctx = ctx
    return _ctx


@contextlib.contextmanager
def _from_repo():
    """Start a child as from a fresh `python -m core` in the repository: the folder and `__main__` a
    child is prepared with are the parent's at that moment (a test may be elsewhere, and an in-process
    Streamlit run leaves its page as `__main__`, which the child would then run again)."""
    here, main = os.getcwd(), sys.modules.get("__main__")
    os.chdir(REPO)
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main  # type: ignore[assignment]
        os.chdir(here)


def _child(argv: list[str], env: dict, cwd: str, out: str, err: str) -> None:
    """In the forked child: the environment, directory and descriptors of `python -m core`, then main()."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own stdout
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.argv = [str(REPO / "core" / "__main__.py"), *argv]
    code = 1
    try:
        from core.__main__ import main

        code = main(argv)
    except SystemExit as exc:  # argparse's own exits
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        atexit._run_exitfuncs()  # what an interpreter does when it ends (e.g. Spark's gateway shutdown)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code or 0)


def run(args, env: dict, *, cwd: Path | str = REPO, timeout: float = 300, check: bool = False):
    """`python -m core *args` with `env` in `cwd`: a CompletedProcess (text stdout/stderr), like
    `subprocess.run(..., capture_output=True, text=True)`."""
    argv = [str(a) for a in args]
    cmd = [sys.executable, "-m", "core", *argv]
    if os.environ.get("TEST_CLI_SUBPROCESS") == "1":
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=check)
    with tempfile.TemporaryDirectory(prefix="cli-") as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        proc = _context().Process(target=_child, args=(argv, dict(env), str(cwd), out, err))
        with _from_repo():
            proc.start()
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            raise subprocess.TimeoutExpired(cmd, timeout)
        stdout = Path(out).read_bytes().decode("utf-8", errors="replace") if os.path.exists(out) else ""
        stderr = Path(err).read_bytes().decode("utf-8", errors="replace") if os.path.exists(err) else ""
    if proc.exitcode == 1 and not stdout and not stderr and _log is not None:  # died before the command ran
        stderr = "cli_runner: the child failed to start:\n" + Path(_log.name).read_text(errors="replace")[-3000:]
    result = subprocess.CompletedProcess(cmd, proc.exitcode, stdout, stderr)  # -N: killed by signal N
    if check:
        result.check_returncode()
    return result
