"""One SparkSession on local[2] for every Spark test (starting one costs ~10-30 s)."""

from __future__ import annotations

import shutil

import pytest

from tests.query.tables import edge_tables, scored_posts  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def spark():
    if shutil.which("java") is None:
        pytest.skip("no Java: `make test` installs openjdk-17-jre-headless")
    pytest.importorskip("pyspark")
    from core.query.engine import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
