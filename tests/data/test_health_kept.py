"""Health figures kept per table version (core.data.health.kept_table_health): what a restart reads
instead of scanning the table again must be what the scan gives, for this version only."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from core.data.health import kept_health_path, kept_table_health, table_health
from core.data.ingest import ingest_file
from core.data.workspace import open_workspace


def _same(a, b) -> None:
    for f in ("table", "rows", "time_column", "time_min", "time_max", "duplicate_rows"):
        assert getattr(a, f) == getattr(b, f), f
        assert type(getattr(a, f)) is type(getattr(b, f)), f
    pd.testing.assert_frame_equal(a.columns, b.columns)
    pd.testing.assert_frame_equal(a.preview, b.preview)


@pytest.fixture()
def posts_ws(isolated_data_dir, tmp_path, request):
    posts = pd.DataFrame(
        {
            "user_id": [f"u{i % 7}" for i in range(60)],
            "ts": pd.date_range("2026-02-01", periods=60, freq="5h").astype(str),
            "text": ["房间干净，服务很好" if i % 3 else "too loud, never again" for i in range(60)],
            "community": [None if i % 10 == 0 else f"c{i % 3}" for i in range(60)],
        }
    )
    posts = pd.concat([posts, posts.head(4)])  # 64 rows
    src = tmp_path / "posts.csv"
    posts.to_csv(src, index=False)
    ws = open_workspace(f"kept_{request.node.name[-20:].strip('_')}")
    ingest_file(ws, str(src), "posts")
    return ws, src


def test_the_kept_figures_are_the_scans_and_a_second_read_needs_no_database(posts_ws, tmp_path):
    ws, _ = posts_ws
    info = ws.info("posts")
    scanned = table_health(ws, "posts")
    assert scanned.rows == 64 and scanned.time_column == "ts"
    first = kept_table_health(ws, info)
    _same(first, scanned)
    assert kept_health_path(ws, info).exists()
    # the table's database away: the kept figures are read from their file, the scan cannot run
    shutil.move(ws.db_path, tmp_path / "away.duckdb")
    try:
        with pytest.raises(Exception):
            table_health(ws, "posts")
        _same(kept_table_health(ws, info), scanned)
    finally:
        shutil.move(tmp_path / "away.duckdb", ws.db_path)


def test_a_new_version_gets_its_own_figures(posts_ws, tmp_path):
    ws, src = posts_ws
    old = ws.info("posts")
    kept_table_health(ws, old)
    more = pd.read_csv(src).head(10)
    src2 = tmp_path / "fewer.csv"
    more.to_csv(src2, index=False)
    ingest_file(ws, str(src2), "posts")  # replaces: a new version of 10 rows
    new = ws.info("posts")
    assert new.version == old.version + 1
    assert kept_health_path(ws, new) != kept_health_path(ws, old)
    health = kept_table_health(ws, new)
    assert health.rows == 10
    _same(health, table_health(ws, "posts"))


def test_a_damaged_kept_file_is_computed_again(posts_ws):
    ws, _ = posts_ws
    info = ws.info("posts")
    path = kept_health_path(ws, info)
    kept_table_health(ws, info)
    path.write_bytes(b"not parquet")
    _same(kept_table_health(ws, info), table_health(ws, "posts"))
    assert path.read_bytes()[:4] == b"PAR1"  # written again, whole


def test_the_filled_columns_read_from_the_figures_are_the_ones_a_scan_finds(posts_ws, sample_ws, tmp_path):
    from core.capabilities import table_columns
    from core.data.health import filled_columns

    ws, src = posts_ws
    empty = pd.read_csv(src).assign(community=None)  # a column with no value at all
    src2 = tmp_path / "no_community.csv"
    empty.to_csv(src2, index=False)
    ingest_file(ws, str(src2), "posts")
    found = filled_columns(kept_table_health(ws, ws.info("posts")))
    assert found == table_columns(ws, "posts") and "community" not in found and "text" in found
    for info in sample_ws.tables():
        assert filled_columns(table_health(sample_ws, info.table)) == table_columns(sample_ws, info.table)
