"""The clean-file fast path of an ingest (one pass, casts that stop at the first value they cannot
read, no check columns) gives the table the checked path gives, and any file it cannot read whole
falls back to the checked path with its errors naming the row."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from core.data.ingest import ingest_file
from core.data.workspace import Workspace
from core.errors import InputError


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s")
    return pd.DataFrame(
        {
            "user_id": [f" u{k} " if k % 7 == 0 else f"u{k}" for k in rng.integers(0, 50, n)],
            "item_id": [f"i{k}" if k else "" for k in rng.integers(0, 9, n)],
            "ts": ts.strftime("%Y-%m-%d %H:%M:%S"),
            "value": [f"{v:.3f}" if v > 0.1 else "" for v in rng.random(n)],
            "clicks": rng.integers(-5, 1000, n).astype(str),
            "score": np.round(rng.normal(size=n), 4).astype(str),
            "seen": (ts - pd.Timedelta(days=3)).strftime("%Y/%m/%d"),
            "note": rng.choice(["好评", "so-so", "", " spaced "], n),
        }
    )


def _check_columns(ws: Workspace) -> list[str]:
    path = ws.current_file("interactions")[1]
    cols = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
    return [c for c in cols if c.startswith("__")]


def test_clean_path_gives_the_checked_paths_table(tmp_path):
    df = _frame(1000)
    path = tmp_path / "events.csv"
    df.to_csv(path, index=False)
    fast, checked = Workspace(tmp_path / "fast"), Workspace(tmp_path / "checked")
    ingest_file(fast, path, "interactions")
    ingest_file(checked, path, "interactions", skip_bad_rows=True)  # the checked path, nothing to skip
    assert _check_columns(fast) == [] and _check_columns(checked) != []  # two paths were taken
    got, ref = fast.read("interactions"), checked.read("interactions")
    pd.testing.assert_frame_equal(got, ref)
    # and both are what pandas reads from the file
    assert got["user_id"].tolist() == df["user_id"].str.strip().tolist()
    assert got["ts"].tolist() == pd.to_datetime(df["ts"]).tolist()
    expect_value = pd.to_numeric(df["value"].replace("", np.nan))
    pd.testing.assert_series_equal(got["value"], expect_value, check_names=False)
    assert got["clicks"].tolist() == df["clicks"].astype(int).tolist()
    assert got["seen"].tolist() == pd.to_datetime(df["seen"], format="%Y/%m/%d").tolist()


@pytest.mark.parametrize(
    "column, value, needle",
    [("ts", "yesterday", "row 900 = 'yesterday'"), ("user_id", "", "row 900"), ("value", "1,5x", "'1,5x'")],
)
def test_a_late_bad_value_falls_back_and_names_its_row(tmp_path, column, value, needle):
    df = _frame(1000, seed=1)
    df.loc[899, column] = value  # far past the sampled head the clean plan was chosen from
    path = tmp_path / "late.csv"
    df.to_csv(path, index=False)
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(InputError) as err:
        ingest_file(ws, path, "interactions")
    assert "late.csv" in str(err.value) and needle in str(err.value)
    assert not ws.has("interactions")


def test_a_late_extra_value_of_another_kind_keeps_the_column_as_text(tmp_path):
    df = _frame(1000, seed=2)
    df.loc[950, "clicks"] = "n/a"
    path = tmp_path / "extra.csv"
    df.to_csv(path, index=False)
    ws = Workspace(tmp_path / "ws")
    ingest_file(ws, path, "interactions")
    got = ws.read("interactions")
    assert got["clicks"].tolist() == df["clicks"].tolist()


@pytest.mark.parametrize("checked", [False, True])
def test_the_table_keeps_the_files_row_order(tmp_path, checked):
    """Rows in no sorted order, over several read buffers, Arrow batches and Parquet row groups (a
    reader may split a file between threads): the table lists them as the file does, also after the
    checked path drops a bad row."""
    n = 160_000
    rng = np.random.default_rng(3)
    order = rng.permutation(n)
    df = pd.DataFrame(
        {
            "user_id": np.char.add("u", order.astype(str)),
            "item_id": np.char.add("i", (order % 997).astype(str)),
            "ts": (pd.Timestamp("2024-01-01") + pd.to_timedelta(order, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
            "value": order,
        }
    )
    if checked:
        df.loc[77_777, "ts"] = "not a time"
    path = tmp_path / "shuffled.csv"
    df.to_csv(path, index=False)
    ws = Workspace(tmp_path / "ws")
    report = ingest_file(ws, path, "interactions", skip_bad_rows=checked)
    assert (_check_columns(ws) != []) == checked  # the path meant was taken
    if checked:
        assert report.skipped == 1
        df = df.drop(index=77_777)
    got = ws.read("interactions")
    assert got["user_id"].tolist() == df["user_id"].tolist()
    assert got["value"].tolist() == df["value"].astype(float).tolist()
    assert got["ts"].tolist() == pd.to_datetime(df["ts"]).tolist()
