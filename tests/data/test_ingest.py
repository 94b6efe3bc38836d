"""CSV ingest on messy generated files and on real exports: encodings, delimiters, dates, bad input."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from core.data.ingest import ingest_file, preview_file
from core.data.workspace import Workspace
from core.errors import ConfigError, InputError

POSTS = pd.DataFrame(
    {
        "post_id": ["p1", "p2", "p3", "p4"],
        "user_id": ["u1", "u2", "u1", "u3"],
        "ts": ["2024-01-05 13:00:00", "2024-01-06 08:30:00", "2024-01-07 00:00:00", "2024-02-01 23:59:59"],
        "text": [
            "服务很好，非常满意！",
            "Terrible service, never again 😡",
            '说 "你好", then; left|now',
            "multi\nline\ttext",
        ],
    }
)


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def snapshot(ws: Workspace):
    """Everything a failed ingest must leave untouched: catalog and current contents."""
    if not ws.db_path.exists():
        return None
    return [(t.table, t.version, t.rows, t.sha256) for t in ws.tables()], {
        t.table: ws.read(t.table).to_csv(index=False) for t in ws.tables()
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_encodings_round_trip_chinese_text(ws, tmp_path, encoding):
    frame = POSTS.copy()
    if encoding == "gbk":  # GBK has no emoji: Excel would not have written one either
        frame["text"] = frame["text"].str.replace("😡", "", regex=False)
    path = tmp_path / f"posts-{encoding}.csv"
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    report = ingest_file(ws, path, "posts")
    got = ws.read("posts")
    assert report.rows == 4
    assert list(got["text"]) == list(frame["text"])
    assert got["ts"].iloc[0] == pd.Timestamp("2024-01-05 13:00:00")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_with_quoted_fields(ws, tmp_path, sep):
    path = tmp_path / "posts.csv"
    path.write_text(POSTS.to_csv(index=False, sep=sep), encoding="utf-8")
    report = ingest_file(ws, path, "posts")
    assert report.delimiter == sep
    assert list(ws.read("posts")["text"]) == list(POSTS["text"])


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2024-01-05T13:00:00", datetime(2024, 1, 5, 13)),
        ("2024/1/5 13:00", datetime(2024, 1, 5, 13)),
        ("2024年1月5日", datetime(2024, 1, 5)),
        ("1704459600", datetime(2024, 1, 5, 13)),
        ("1704459600000", datetime(2024, 1, 5, 13)),
        ("2015-02-24 11:35:52 -0800", datetime(2015, 2, 24, 11, 35, 52)),  # wall-clock time as written
        ("2024-01-05T13:00:00Z", datetime(2024, 1, 5, 13)),
        ("01/05/2024 13:00", datetime(2024, 1, 5, 13)),
    ],
)
def test_date_formats(ws, tmp_path, raw, expected):
    path = tmp_path / "i.csv"
    path.write_text(f"user_id,item_id,ts\nu1,i1,{raw}\nu2,i2,{raw}\n", encoding="utf-8")
    ingest_file(ws, path, "interactions")
    assert ws.read("interactions")["ts"].iloc[0] == pd.Timestamp(expected)


def test_numbers_with_thousands_separators(ws, tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text('variant,impressions,spend,revenue\nA,"1,234,567",$12.50,"2,000.25"\nB,900,7,0\n', encoding="utf-8")
    ingest_file(ws, path, "ad_events")
    got = ws.read("ad_events")
    assert list(got["impressions"]) == [1234567.0, 900.0]
    assert list(got["spend"]) == [12.5, 7.0]
    assert got["revenue"].iloc[0] == pytest.approx(2000.25)

    path2 = tmp_path / "ads_eu.csv"
    path2.write_text("variant;impressions;revenue\nA;1.234;2.000,25\nB;900;3,5\n", encoding="utf-8")
    ingest_file(ws, path2, "ad_events")
    got = ws.read("ad_events")
    assert list(got["revenue"]) == [2000.25, 3.5]


def test_extra_columns_keep_inferred_types(ws, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "用户ID,注册时间,age,score,city,vip\nu1,2024-01-02,31,1.5,北京,yes\nu2,2024-01-03,,2,上海,no\n", encoding="gbk"
    )
    report = ingest_file(ws, path, "users")
    assert report.mapping["用户ID"] == "user_id" and report.mapping["注册时间"] == "signup_at"
    got = ws.read("users")
    assert str(got["age"].dtype) in ("Int64", "float64", "int64")
    assert got["score"].tolist() == [1.5, 2.0]
    assert report.mapping["city"] == "region" and got["region"].tolist() == ["北京", "上海"]
    assert got["vip"].tolist() == ["yes", "no"]


def test_wrong_types_fail_naming_file_column_rows_and_values(ws, tmp_path, sample_dir):
    ingest_file(ws, sample_dir / "interactions.csv", "interactions")
    before = snapshot(ws)
    path = tmp_path / "bad_dates.csv"
    path.write_text(
        "user_id,item_id,ts\nu1,i1,2024-01-05\nu2,i2,yesterday\nu3,i3,2024-01-07\nu4,i4,n/a\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        ingest_file(ws, path, "interactions")
    msg = str(err.value)
    assert "bad_dates.csv" in msg and "column 'ts'" in msg
    assert "row 2 = 'yesterday'" in msg and "row 4 = 'n/a'" in msg and "2 of 4 rows" in msg
    assert err.value.rows == [2, 4]
    assert snapshot(ws) == before


def test_skip_bad_rows_reports_how_many(ws, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "user_id,item_id,ts,value\nu1,i1,2024-01-05,1\nu2,i2,never,2\nu3,i3,2024-01-07,x\n"
        "u4,i4,2024-01-08,4,extra\nu5,i5,2024-01-09,5\n",
        encoding="utf-8",
    )
    report = ingest_file(ws, path, "interactions", skip_bad_rows=True)
    assert report.rows == 2
    assert report.skipped == 3
    assert ws.read("interactions")["user_id"].tolist() == ["u1", "u5"]


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"user_id,item_id,ts\n", "header but no data rows"),
        (b"user_id,user_id,ts\nu1,u2,2024-01-01\n", "repeats column names: user_id"),
        (b"user_id,,ts\nu1,x,2024-01-01\n", "blank column names"),
        (b"user_id,item_id,ts\nu1,\xff\xfe\xfa\xfb\xfc,2024-01-01\n" * 3, "not valid text"),
        (b"\x00\x01\x02binary\x00\x00\x00\x00\x00", "binary file"),
        (b'user_id,item_id,ts\nu1,i1,2024-01-01\nu2,"i2,2024-01-02\n', "line 3 is not valid CSV"),
        (b"uid,thing\nu1,i1\n", "needs a column for ts"),
    ],
)
def test_each_bad_file_gets_its_own_message_and_changes_nothing(ws, tmp_path, sample_dir, content, needle):
    ingest_file(ws, sample_dir / "interactions.csv", "interactions")
    before = snapshot(ws)
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        ingest_file(ws, path, "interactions")
    assert needle in str(err.value)
    assert str(err.value).startswith("broken.csv")
    assert snapshot(ws) == before
    assert not any((ws.path / ".staging").glob("*")), "staging leftovers"


def test_undecodable_bytes_deep_in_file_name_the_line(ws, tmp_path):
    body = "".join(f"u{i},i{i},2024-01-05,评论{i}\n" for i in range(5000)).encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"user_id,item_id,ts,note\n" + body + "u9,i9,2024-01-05,坏".encode("gbk") + b"\n")
    with pytest.raises(InputError) as err:
        ingest_file(ws, path, "interactions")
    assert "line 5002" in str(err.value)
    assert not ws.has("interactions")


def test_mapping_errors_are_config_errors(ws, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("who,when,what\nu1,2024-01-01,hi\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="does not have"):
        ingest_file(ws, path, "posts", mapping={"nope": "text"})
    with pytest.raises(ConfigError, match="not a field of table 'posts'"):
        ingest_file(ws, path, "posts", mapping={"what": "body"})
    with pytest.raises(ConfigError, match="more than one column"):
        ingest_file(ws, path, "posts", mapping={"what": "text", "who": "text"})
    report = ingest_file(ws, path, "posts", mapping={"who": "user_id", "when": "ts", "what": "text"})
    assert ws.read("posts")[["post_id", "user_id", "text"]].values.tolist() == [["r1", "u1", "hi"]]
    assert report.version == 1


def test_mapping_is_remembered_for_the_same_header(ws, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("who,when,what\nu1,2024-01-01,hi\n", encoding="utf-8")
    ingest_file(ws, path, "posts", mapping={"who": "user_id", "when": "ts", "what": "text"})
    path.write_text("who,when,what\nu2,2024-01-02,again\nu3,2024-01-03,more\n", encoding="utf-8")
    preview = preview_file(ws, path)
    assert preview.remembered and preview.table == "posts"
    assert preview.mapping == {"who": "user_id", "when": "ts", "what": "text"}
    report = ingest_file(ws, path, "posts")  # no mapping given: the remembered one applies
    assert report.version == 2 and report.rows == 2
    assert ws.read("posts")["user_id"].tolist() == ["u2", "u3"]


def test_versions_are_recorded_and_old_ones_pruned(ws, tmp_path):
    path = tmp_path / "e.csv"
    for n in range(1, 6):
        path.write_text("src,dst\n" + "".join(f"a{i},b{i}\n" for i in range(n)), encoding="utf-8")
        ingest_file(ws, path, "edges")
    hist = ws.history("edges")
    assert [h.version for h in hist] == [1, 2, 3, 4, 5]
    assert [h.rows for h in hist] == [1, 2, 3, 4, 5]
    assert ws.info("edges").version == 5 and len(ws.read("edges")) == 5
    assert all(len(h.sha256) == 64 and h.source == "e.csv" for h in hist)
    files = {p.name for p in (ws.path / "tables").glob("*.parquet")}
    assert files == {"edges__v3.parquet", "edges__v4.parquet", "edges__v5.parquet"}


@pytest.mark.parametrize(
    "rel,table,rows,checks",
    [
        ("twitter_airline_sentiment/Tweets.csv", "posts", 14640, {"label": "neutral", "community": "Virgin America"}),
        ("cookie_cats/cookie_cats.csv", "ad_events", 90189, {"variant": "gate_30"}),
        ("telco_churn/Telco-Customer-Churn.csv", "users", 7043, {"user_id": "7590-VHVEG", "Churn": "No"}),
        ("waimai_10k/waimai_10k.csv", "posts", 11987, {"label": "1"}),
    ],
)
def test_real_exports(ws, shared_datasets, rel, table, rows, checks):
    report = ingest_file(ws, shared_datasets / rel, table)
    got = ws.read(table)
    assert report.rows == rows == len(got)
    for col, value in checks.items():
        assert got[col].iloc[0] == value, (col, got[col].iloc[0])
    if table == "posts" and "ts" in got:
        assert got["ts"].notna().all()


@pytest.mark.parametrize(
    "text",
    [
        "你好，世界",
        "很快，好吃，味道足，量大",
        "没有送水没有送水",
        "服务态度差，再也不来了",
        "菜品一般，价格偏贵",
        "送餐速度快，包装好",
        "好评！",
        "太难吃了",
    ],
)
def test_short_gbk_files_are_not_mistaken_for_utf8(ws, tmp_path, text):
    """GBK byte pairs can look like UTF-8 by chance; a short file must still be read as GBK."""
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"label,review\n1,{text}\n0,{text}。\n".encode("gbk"))
    ingest_file(ws, path, "posts")
    assert ws.read("posts")["text"].tolist() == [text, text + "。"]
