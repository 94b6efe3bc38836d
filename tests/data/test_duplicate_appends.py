"""Issue 24 item 5: appending the same file twice, or rows the table already has, is never silent.

An append whose file's sha256 a version of the table already recorded is refused in one line; an
append whose rows repeat the table's key (SCHEMAS[table].key) says how many (counted here by pandas)
and needs allow_duplicate, or asks (ConfirmationNeeded) when the caller confirms risky ingests.
Either way a refusal leaves the workspace as it was.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.ingest import ConfirmationNeeded, Reviewed, ingest_file
from core.data.schemas import SCHEMAS
from core.data.view import confirmation_notes
from core.data.workspace import Workspace
from core.errors import InputError
from core.i18n import t


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def _write(path, df: pd.DataFrame):
    df.to_csv(path, index=False)
    return path


def _state(ws, table):
    return [(h.version, h.rows, h.sha256) for h in ws.history(table)]


def test_every_table_has_a_key_of_its_own_fields():
    for schema in SCHEMAS.values():
        assert schema.key and set(schema.key) <= {f.name for f in schema.fields}, schema.name
    assert SCHEMAS["posts"].key == ("post_id",) and SCHEMAS["interactions"].key == ("user_id", "ts", "item_id")


def test_the_same_file_twice_is_refused_unless_allowed(ws, tmp_path):
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(5)], "text": list("abcde")})
    f = _write(tmp_path / "posts.csv", posts)
    ingest_file(ws, f, "posts")
    copy = tmp_path / "again.csv"  # another name, the same bytes
    copy.write_bytes(f.read_bytes())
    before = _state(ws, "posts")
    with pytest.raises(InputError) as err:
        ingest_file(ws, copy, "posts", mode="append")
    assert str(err.value).startswith("again.csv: this file is identical (same SHA-256) to the one loaded as version 1")
    assert "--allow-duplicate" in str(err.value) and "\n" not in str(err.value)
    assert "完全相同" in err.value.text("zh")
    assert _state(ws, "posts") == before
    # a replace with the same file is not an append: nothing doubles, nothing is asked
    assert ingest_file(ws, copy, "posts").rows == 5
    report = ingest_file(ws, copy, "posts", mode="append", allow_duplicate=True)
    assert (report.rows, report.overlap) == (10, 5)
    assert ws.read("posts")["post_id"].tolist() == posts["post_id"].tolist() * 2


def test_overlapping_keys_are_counted_and_need_permission(ws, tmp_path):
    ts = pd.date_range("2024-01-01", periods=40, freq="h")
    old = pd.DataFrame({"user_id": [f"u{i % 7}" for i in range(40)], "item_id": [f"i{i % 5}" for i in range(40)]})
    old["ts"] = ts.strftime("%Y-%m-%d %H:%M:%S")
    ingest_file(ws, _write(tmp_path / "old.csv", old), "interactions")
    # new rows: every third old row again (same user, item and time; the time written another way), plus new ones
    again = old.iloc[::3].assign(ts=ts[::3].strftime("%Y/%m/%d %H:%M"))
    fresh = pd.DataFrame(
        {"user_id": ["u1", "u99"], "item_id": ["i1", "i2"], "ts": ["2025/01/01 00:00", "2025/01/02 00:00"]}
    )
    new = pd.concat([again, fresh], ignore_index=True)
    f = _write(tmp_path / "new.csv", new)
    key = ["user_id", "ts", "item_id"]
    expected = len(
        new.assign(ts=pd.to_datetime(new["ts"])).merge(old.assign(ts=pd.to_datetime(old["ts"]))[key].drop_duplicates())
    )
    assert expected == len(again)
    before = _state(ws, "interactions")
    with pytest.raises(InputError) as err:
        ingest_file(ws, f, "interactions", mode="append")
    assert f"{expected} of the file's {len(new)} rows repeat a key (user_id, ts, item_id)" in str(err.value)
    assert _state(ws, "interactions") == before
    with pytest.raises(ConfirmationNeeded) as need:  # the page asks instead
        ingest_file(ws, f, "interactions", mode="append", ask_first=True)
    check = need.value.check
    assert (check.overlap, check.duplicate_of, check.key) == (expected, None, tuple(key))
    said = " ".join(t(k, "zh", **a) for k, a in confirmation_notes(check))
    assert f"其中 {expected} 行的键（user_id, ts, item_id）" in said and "确认仍要追加" in said
    assert _state(ws, "interactions") == before
    report = ingest_file(ws, f, "interactions", mode="append", reviewed=Reviewed(1), allow_duplicate=True)
    assert (report.rows, report.overlap) == (len(old) + len(new), expected)


def test_no_key_no_overlap_check(ws, tmp_path):
    """Posts without a post_id column get row numbers, which never repeat: only the file hash is checked."""
    f = tmp_path / "p.csv"
    f.write_text("text\nfirst\nsecond\n", encoding="utf-8")
    ingest_file(ws, f, "posts")
    g = tmp_path / "q.csv"
    g.write_text("text\nfirst\nthird\n", encoding="utf-8")
    report = ingest_file(ws, g, "posts", mode="append")
    assert (report.rows, report.overlap) == (4, 0)
