"""Spark is imported only by the engine=spark paths: with pyspark blocked, the CLI parser, the query
layer and a DuckDB aggregation all work (the app and `make run` never need Java or pyspark)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyspark", "py4j"):
            raise ImportError(f"{name} is blocked")
sys.meta_path.insert(0, Block())
import pandas as pd
from core.__main__ import build_parser
from core.query import aggregates as A
from core.query.engine import DuckDBEngine
import core.query.score, core.cli.score, core.cli.aggregate, core.text.scoring, core.cohorts.scoring
build_parser()
with DuckDBEngine() as eng:
    eng.register_frame("ad_events", pd.DataFrame({"variant": ["A", "B", "B"], "y": [1.0, 2.0, 4.0]}))
    sums = A.ab_sums(eng, "ad_events", "variant", "y")
assert sums["n"].tolist() == [1, 2] and sums["sum_yy"].tolist() == [1.0, 20.0], sums
assert not any(m.startswith(("pyspark", "py4j")) for m in sys.modules)
print("ok")
"""


def test_duckdb_paths_never_import_pyspark():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
