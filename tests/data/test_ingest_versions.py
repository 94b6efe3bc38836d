"""Append, restore and the confirmation check: each is a new immutable version, so each can be undone."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.ingest import ConfirmationNeeded, Reviewed, ingest_file
from core.data.workspace import Workspace
from core.errors import ConfigError, InputError


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def _events(path, users, day="2024-01-0{}"):
    rows = "".join(f"{u},i{k % 3},{day.format(k % 9 + 1)}\n" for k, u in enumerate(users))
    path.write_text("user_id,item_id,ts\n" + rows, encoding="utf-8")
    return path


def test_append_adds_rows_as_a_new_version_and_restore_undoes_it(ws, tmp_path):
    first = ingest_file(ws, _events(tmp_path / "a.csv", [f"u{i}" for i in range(5)]), "interactions")
    before = ws.read("interactions")
    new = _events(tmp_path / "b.csv", ["x1", "x2"])
    report = ingest_file(ws, new, "interactions", mode="append")
    got = ws.read("interactions")
    expected = pd.concat([before, pd.read_csv(new, parse_dates=["ts"])], ignore_index=True)
    assert (report.version, report.rows, report.rows_before, report.mode) == (2, 7, 5, "append")
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
    assert [(h.version, h.action, h.rows) for h in ws.history("interactions")] == [(1, "replace", 5), (2, "append", 7)]
    # restore makes version 1 current again as version 3; version 2 can then be restored in turn
    assert ws.restore("interactions", first.version) == 3
    pd.testing.assert_frame_equal(ws.read("interactions"), before)
    info = ws.info("interactions")
    assert (info.version, info.rows, info.source, info.action) == (3, 5, "a.csv", "restore v1")
    tables = ws.path / "tables"  # the restored version shares the old file's bytes (a hard link, not a copy)
    assert (tables / "interactions__v3.parquet").stat().st_ino == (tables / "interactions__v1.parquet").stat().st_ino
    ws.restore("interactions", 2)
    assert len(ws.read("interactions")) == 7
    with pytest.raises(ConfigError, match="already the current version"):
        ws.restore("interactions", 4)
    with pytest.raises(ConfigError, match="has no version 9"):
        ws.restore("interactions", 9)


def test_restore_refuses_pruned_versions_and_keeps_files_of_restored_ones(ws, tmp_path):
    path = tmp_path / "e.csv"
    for n in range(1, 5):
        path.write_text("src,dst\n" + "".join(f"a{i},b{i}\n" for i in range(n)), encoding="utf-8")
        ingest_file(ws, path, "edges")
    with pytest.raises(ConfigError, match="no longer kept"):
        ws.restore("edges", 1)
    ws.restore("edges", 2)  # version 5 shares version 2's bytes; pruning 2 later must not cut 5 off
    for n in (7, 8):
        path.write_text("src,dst\n" + "".join(f"a{i},b{i}\n" for i in range(n)), encoding="utf-8")
        ingest_file(ws, path, "edges")
    ws.restore("edges", 5)
    assert len(ws.read("edges")) == 2


def test_append_checks_the_schema(ws, tmp_path):
    ingest_file(ws, _events(tmp_path / "a.csv", ["u1", "u2"]), "interactions")
    other = tmp_path / "other.csv"
    other.write_text("user_id,ts,colour\nu3,2024-01-01,red\n", encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"other.csv: cannot append to 'interactions' \(version 1\): the columns "
        r"differ \(missing item_id; new colour\)",
    ):
        ingest_file(ws, other, "interactions", mode="append")
    typed = tmp_path / "typed.csv"
    typed.write_text("user_id,item_id,ts,extra\nu3,i1,2024-01-01,2024-01-01\n", encoding="utf-8")
    ingest_file(ws, typed, "interactions")
    typed2 = tmp_path / "typed2.csv"
    typed2.write_text("user_id,item_id,ts,extra\nu4,i1,2024-01-02,5\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'extra'"):
        ingest_file(ws, typed2, "interactions", mode="append")
    assert [(t.table, t.version, t.rows) for t in ws.tables()] == [("interactions", 2, 1)]


def test_appended_posts_continue_the_row_numbered_post_ids(ws, tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("text\nfirst\nsecond\n", encoding="utf-8")
    ingest_file(ws, p, "posts")
    p.write_text("text\nthird\n", encoding="utf-8")
    ingest_file(ws, p, "posts", mode="append")
    got = ws.read("posts")
    assert got["post_id"].tolist() == ["r1", "r2", "r3"] and got["text"].tolist() == ["first", "second", "third"]


def test_risky_replace_asks_for_confirmation_and_commits_only_the_reviewed_table(ws, tmp_path):
    ingest_file(ws, _events(tmp_path / "big.csv", [f"u{i}" for i in range(200)]), "interactions")
    small = _events(tmp_path / "small.csv", ["a", "b", "c"])
    with pytest.raises(ConfirmationNeeded) as need:
        ingest_file(ws, small, "interactions", ask_first=True)
    check = need.value.check
    assert (check.rows_before, check.rows_after, check.current_version) == (200, 3, 1)
    assert ws.info("interactions").version == 1 and not list((ws.path / "tables").glob(".tmp-*"))
    # the table changed after the review: the confirmed ingest refuses instead of replacing blindly
    ingest_file(ws, _events(tmp_path / "other.csv", ["z"] * 10), "interactions")
    with pytest.raises(ConfigError, match="changed while you were reviewing"):
        ingest_file(ws, small, "interactions", reviewed=Reviewed(check.current_version))
    report = ingest_file(ws, small, "interactions", reviewed=Reviewed(2))
    assert (report.rows, report.rows_before) == (3, 10)
    # growing with a clean file needs no confirmation
    ingest_file(ws, _events(tmp_path / "more.csv", list("abcdefgh")), "interactions", ask_first=True)


def test_skipping_more_than_one_percent_asks_and_names_the_skipped_rows(ws, tmp_path):
    rows = [f"u{i},i1,2024-01-0{i % 9 + 1}" for i in range(150)]
    rows[3] = "u3,i1,yesterday"
    rows[70] = "u70,i1,soon"
    path = tmp_path / "junk.csv"
    path.write_text("user_id,item_id,ts\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ConfirmationNeeded) as need:
        ingest_file(ws, path, "interactions", skip_bad_rows=True, ask_first=True)
    check = need.value.check
    assert (check.rows_before, check.rows_after, check.skipped) == (None, 148, 2)
    assert check.skipped_examples == ["row 4: ts = 'yesterday'", "row 71: ts = 'soon'"]
    rows[70] = "u70,i1,2024-01-01"  # 1 of 150 skipped: under 1%, no question
    path.write_text("user_id,item_id,ts\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = ingest_file(ws, path, "interactions", skip_bad_rows=True, ask_first=True)
    assert (report.rows, report.skipped, report.skipped_examples) == (149, 1, ["row 4: ts = 'yesterday'"])
