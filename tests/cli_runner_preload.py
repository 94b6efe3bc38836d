"""Imported once by the CLI runner's forkserver (tests/cli_runner.py): the modules every command needs.

`__main__` is given the file `python -m core` has: some libraries decide at import whether they run
interactively by whether `__main__` has a file (DuckDB then draws a progress bar on stdout)."""

import importlib
import sys

from tests.cli_runner import PRELOAD, REPO

_main = sys.modules["__main__"]
if not getattr(_main, "__file__", None):
    _main.__file__ = str(REPO / "core" / "__main__.py")

for _name in PRELOAD:
    importlib.import_module(_name)
