"""Two engines behind one `sql()`: DuckDB (embedded, the default) and Spark SQL (a cluster).

Queries are written once, in DuckDB's dialect (`core/query/sql.py`); `SparkEngine` transpiles them
with sqlglot before handing them to Spark. Both engines see the same tables: a workspace's current
Parquet files (or any Parquet file / folder), registered as views under the table's name. Results
come back as pandas DataFrames, so the statistics code after the query is shared too.

PySpark is imported only when a `SparkEngine` is made: the app and `make run` never need Java.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb  # core/lazy.py: `python -m core` builds its parser without it
import pandas as pd

from core.config import DEFAULT_MASTER, ENGINES, debug
from core.data.schemas import SCHEMAS
from core.errors import ConfigError


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def parquet_files(path: str | Path) -> list[str]:
    """The Parquet files of a file or of a folder written by Spark/DuckDB (part files)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.glob("*.parquet"))
        if not files:
            raise ConfigError(f"{p}: no Parquet files in this folder")
        return files
    if not p.exists():
        raise ConfigError(f"{p}: no such Parquet file or folder")
    return [str(p)]


class Engine:
    """Common interface: `register(name, parquet, columns)`, `columns(name)`, `sql(query)`."""

    name = "engine"

    def __init__(self):
        self._columns: dict[str, list[str]] = {}

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            raise ConfigError(f"no table '{table}' in this workspace")
        return list(self._columns[table])

    def has(self, table: str) -> bool:
        return table in self._columns

    def register_workspace(self, ws, tables=None) -> Engine:
        """Every current table of a workspace (helper columns of the ingest left out)."""
        for table in tables or SCHEMAS:
            current = ws.current_file(table)
            if current is None:
                continue
            _, path, hidden, _ = current
            self.register(table, path, exclude=hidden)
        return self

    def register(self, table: str, parquet, exclude=()) -> None:
        raise NotImplementedError

    def sql(self, query: str) -> pd.DataFrame:
        raise NotImplementedError

    def materialize(self, name: str, query: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self):
        super().__init__()

        self.con = duckdb.connect()

    def register(self, table: str, parquet, exclude=()) -> None:
        files = "[" + ", ".join(_lit(f) for f in parquet_files(parquet)) + "]"
        cols = [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet({files})").fetchall()]
        keep = [c for c in cols if c not in set(exclude or ())]
        self.con.execute(
            f"CREATE OR REPLACE VIEW {_ident(table)} AS SELECT "
            f"{', '.join(_ident(c) for c in keep)} FROM read_parquet({files})"
        )
        self._columns[table] = keep

    def register_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.con.register(table, frame)
        self._columns[table] = [str(c) for c in frame.columns]

    @classmethod
    def of_frames(cls, **frames: pd.DataFrame) -> DuckDBEngine:
        """An engine over in-memory frames: the app's path, the same queries on what a page loaded."""
        eng = cls()
        for table, frame in frames.items():
            eng.register_frame(table, frame)
        return eng

    def sql(self, query: str) -> pd.DataFrame:
        return self.con.execute(query).fetchdf()

    def materialize(self, name: str, query: str) -> None:
        """The query's result kept as a table `name` for the next queries (a temp table)."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_ident(name)} AS {query}")
        self._columns[name] = [r[0] for r in self.con.execute(f"DESCRIBE {_ident(name)}").fetchall()]

    def close(self) -> None:
        self.con.close()


_SESSIONS: dict = {}


def spark_session(master: str = DEFAULT_MASTER, app_name: str = "community-economy"):
    """One SparkSession per master in this process (UTC, Arrow on for pandas conversions)."""
    from pyspark.sql import SparkSession

    spark = _SESSIONS.get(master)
    if spark is not None and spark.sparkContext._jsc is not None:
        return spark
    builder = SparkSession.builder
    # under spark-submit (it starts the JVM and sets PYSPARK_GATEWAY_PORT) the default master is
    # spark-submit's --master; an explicit --spark-master still wins
    submitted = bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
    if not (submitted and master == DEFAULT_MASTER):
        builder = builder.master(master)
    if master.startswith("local") and not submitted:
        # local workers run this interpreter and import this checkout's `core` (on a cluster: the
        # same venv on every node, or spark-submit --py-files / --archives; README "Scaling out")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        root = str(Path(__file__).resolve().parents[2])
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if root not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])
        builder = builder.config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
    builder = (
        builder.appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    with _jvm_stderr_silenced(not debug()):
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    _SESSIONS[master] = spark
    return spark


@contextmanager
def _jvm_stderr_silenced(quiet: bool):
    """The JVM (and the Python workers it starts) inherit stderr when launched: launched with
    /dev/null there, Spark's log lines stay off the CLI's stderr (its errors still reach Python as
    exceptions). CE_DEBUG=1 keeps them."""
    if not quiet:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, master: str = DEFAULT_MASTER, spark=None):
        super().__init__()
        if spark is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise ConfigError(
                "--engine spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless; "
                "`make test` installs it)"
            )
        try:
            # a session of its own (sharing the SparkContext): its table views are this engine's only
            self.spark = (spark or spark_session(master)).newSession()
        except ImportError as exc:
            raise ConfigError("--engine spark needs pyspark (pip install -r requirements.txt) and Java 17") from exc
        except Exception as exc:  # py4j's Py4JJavaError: the JVM could not start a session on that master
            if type(exc).__name__ not in ("Py4JJavaError", "Py4JError", "PySparkRuntimeError", "SparkRuntimeException"):
                raise
            _SESSIONS.pop(master, None)
            reason = str(getattr(exc, "java_exception", "") or exc).strip().splitlines()
            raise ConfigError(
                f"--spark-master {master}: Spark could not start a session there "
                f"({reason[0][:160] if reason else type(exc).__name__}); check the URL and that the master is running"
            ) from None

    def register(self, table: str, parquet, exclude=()) -> None:
        df = self.spark.read.parquet(*parquet_files(parquet))
        keep = [c for c in df.columns if c not in set(exclude or ())]
        df.select(*keep).createOrReplaceTempView(table)
        self._columns[table] = keep

    def register_frame(self, table: str, frame: pd.DataFrame) -> None:
        self.spark.createDataFrame(frame).createOrReplaceTempView(table)
        self._columns[table] = [str(c) for c in frame.columns]

    @staticmethod
    def dialect(query: str) -> str:
        """The DuckDB query in Spark SQL. DuckDB's exact `quantile_cont(x, p)` becomes Spark's exact
        `percentile(x, p)` (sqlglot writes `percentile_cont(x, p)`, which Spark refuses)."""
        import sqlglot
        from sqlglot import exp

        def exact_percentile(node):
            if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
                return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
            return node

        return sqlglot.parse_one(query, read="duckdb").transform(exact_percentile).sql(dialect="spark")

    def dataframe(self, query: str):
        return self.spark.sql(self.dialect(query))

    def sql(self, query: str) -> pd.DataFrame:
        return self.dataframe(query).toPandas()

    def materialize(self, name: str, query: str) -> None:
        """The query's result kept as a view `name` over a local checkpoint: later queries start
        from it instead of re-planning (Spark inlines CTEs, so a long chain would be planned again
        in every query that reads it)."""
        df = self.dataframe(query).localCheckpoint()
        df.createOrReplaceTempView(name)
        self._columns[name] = list(df.columns)


def open_engine(kind: str = "duckdb", master: str = DEFAULT_MASTER) -> Engine:
    if kind == "duckdb":
        return DuckDBEngine()
    if kind == "spark":
        return SparkEngine(master)
    raise ConfigError(f"unknown engine '{kind}'; use one of {', '.join(ENGINES)}")
