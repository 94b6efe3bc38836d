"""Every file type an analyst holds ingests to the same rows and types as its CSV form, and a bad file
of each type gives one plain line naming the file (and the sheet, member, column or row) while the
workspace stays as it was."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from core.data.ingest import ingest_file, preview_file
from core.data.sources import ReadOptions
from core.data.sources import compressed as compressed_mod
from core.data.workspace import Workspace
from core.errors import ConfigError, InputError, UserError


def table(n: int = 300) -> pd.DataFrame:
    """Chinese headers, timestamps, numbers with gaps, whole numbers, text."""
    rng = np.random.default_rng(7)
    amount = np.round(rng.gamma(2.0, 30.0, n), 2)
    amount[rng.random(n) < 0.15] = np.nan
    return pd.DataFrame(
        {
            "用户": [f"用户{i % 23}" for i in range(n)],
            "商品": [f"item{rng.integers(0, 40)}" for _ in range(n)],
            "时间": pd.Timestamp("2024-03-01 08:00:00") + pd.to_timedelta(rng.integers(0, 90 * 86400, n), unit="s"),
            "动作": rng.choice(["浏览", "购买", "收藏"], n),
            "金额": amount,
            "数量": rng.integers(1, 9, n),
        }
    )


def write(frame: pd.DataFrame, path, fmt: str) -> None:
    csv = frame.to_csv(index=False).encode()
    if fmt == "csv":
        path.write_bytes(csv)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif fmt == "json":
        frame.to_json(path, orient="records", force_ascii=False, date_format="iso")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            pd.DataFrame({"说明": ["这一页不是数据"]}).to_excel(xw, sheet_name="封面", index=False)
            frame.to_excel(xw, sheet_name="明细", index=False)
    elif fmt == "csv.gz":
        path.write_bytes(gzip.compress(csv))
    elif fmt == "tsv.gz":
        path.write_bytes(gzip.compress(frame.to_csv(index=False, sep="\t").encode()))
    elif fmt == "csv.zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(csv))
    elif fmt == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export/明细.csv", csv)
            zf.writestr("__MACOSX/._明细.csv", b"\x00\x05")
    else:
        raise AssertionError(fmt)


@pytest.fixture(scope="module")
def csv_result(tmp_path_factory):
    d = tmp_path_factory.mktemp("csvform")
    write(table(), d / "t.csv", "csv")
    ws = Workspace(d / "ws")
    ingest_file(ws, d / "t.csv", "interactions")
    return ws.read("interactions")


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "json", "xlsx", "csv.gz", "tsv.gz", "csv.zst", "zip"])
def test_each_format_ingests_like_its_csv(tmp_path, csv_result, fmt):
    path = tmp_path / f"明细.{fmt}"
    write(table(), path, fmt)
    ws = Workspace(tmp_path / "ws")
    preview = preview_file(ws, path, table="interactions")
    assert preview.mapping["用户"] == "user_id" and preview.mapping["时间"] == "ts"
    report = ingest_file(ws, path, "interactions")
    got = ws.read("interactions")
    assert report.rows == len(csv_result)
    assert dict(got.dtypes) == dict(csv_result.dtypes)
    pd.testing.assert_frame_equal(got, csv_result)
    assert ws.tables()[0].source == path.name


def test_excel_default_sheet_fits_the_table_and_pick_by_name_or_index(tmp_path, csv_result):
    path = tmp_path / "book.xlsx"
    write(table(), path, "xlsx")
    assert preview_file(None, path, table="interactions").detail == "sheet 明细"
    ws = Workspace(tmp_path / "ws")
    ingest_file(ws, path, "interactions", read=ReadOptions(sheet="1"))
    pd.testing.assert_frame_equal(ws.read("interactions"), csv_result)
    with pytest.raises(InputError, match=r"book.xlsx: there is no sheet 'x'; the sheets are 封面, 明细$"):
        ingest_file(ws, path, "interactions", read=ReadOptions(sheet="x"))


def test_excel_title_row_refused_then_header_row_and_date_cells(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.title = "报表"
    sh.append(["2024 年第一季度 活动明细"])
    sh.merge_cells("A1:C1")
    sh.append([])
    sh.append(["用户", "时间", "金额"])
    times = [dt.datetime(2024, 1, 5, 13, 0), "2024-01-06 08:30:00", dt.datetime(2024, 2, 1, 23, 59, 59)]
    for i, t in enumerate(times):  # a date cell (an Excel serial with a date format) and a date as text
        sh.append([f"u{i}", t, 1.5 * i if i != 1 else None])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(InputError) as err:
        ingest_file(ws, path, "interactions")
    msg = str(err.value)
    assert msg.startswith("report.xlsx (sheet 报表): row 1 is not a header") and "--header-row" in msg
    assert "\n" not in msg and not ws.db_path.exists()
    ingest_file(ws, path, "interactions", read=ReadOptions(header_row=3))
    got = ws.read("interactions")
    assert list(got["ts"]) == [
        pd.Timestamp("2024-01-05 13:00"),
        pd.Timestamp("2024-01-06 08:30"),
        pd.Timestamp("2024-02-01 23:59:59"),
    ]
    assert got["value"].isna().tolist() == [False, True, False]


def _zip_bomb(path, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("big.csv", "w", force_zip64=True) as out:
            out.write(b"a,b\n")
            block = b"0,0\n" * (1 << 18)
            for _ in range(size // len(block) + 1):
                out.write(block)


def _lying_zip(path) -> None:
    """A zip whose header says its member is small while it unpacks to far more: zipfile stops at the
    declared size, so it is refused as damaged, never unpacked past it."""
    _zip_bomb(path, 4 << 20)
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")  # the central directory's entry: uncompressed size at offset 24
    data[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _bad_files(tmp_path):
    def truncated_zip(p):
        write(table(), tmp_path / "whole.zip", "zip")
        p.write_bytes((tmp_path / "whole.zip").read_bytes()[:300])

    def bomb(p):
        _zip_bomb(p, 3 << 20)

    def title_only(p):
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.title = "封面"
        wb.active["A1"] = "2024 年度报告"
        wb.save(p)

    def mixed_json(p):
        rows = [{"用户": "u1", "时间": "2024-01-01", "属性": 3}] * 4 + [
            {"用户": "u2", "时间": "2024-01-02", "属性": {"颜色": "红"}}
        ]
        p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")

    def parquet_list(p):
        pq.write_table(pa.table({"用户": ["u1", "u2"], "时间": ["2024-01-01", "2024-01-02"], "标签": [[1, 2], [3]]}), p)

    def truncated_gz(p):
        p.write_bytes(gzip.compress(table().to_csv(index=False).encode())[:200])

    def not_json(p):
        p.write_text('{"用户": "u1", "时间": ', encoding="utf-8")

    return [
        ("cut.zip", truncated_zip, InputError, r"^cut\.zip: the archive is damaged or incomplete"),
        (
            "bomb.zip",
            bomb,
            InputError,
            r"^bomb\.zip \(big\.csv\): unpacked, the file is larger than 1 MB, the limit per file",
        ),
        (
            "lying.zip",
            _lying_zip,
            InputError,
            r"^lying\.zip \(big\.csv\): the archive is damaged or incomplete .*Bad CRC-32",
        ),
        ("title.xlsx", title_only, InputError, r"^title\.xlsx \(sheet 封面\): the file has a header but no data rows"),
        (
            "mixed.jsonl",
            mixed_json,
            InputError,
            r"^mixed\.jsonl, column '属性', row 5: the field holds values of different kinds: number at first, object here",
        ),
        ("list.parquet", parquet_list, InputError, r"^list\.parquet, column '标签': the values are of type BIGINT\[\]"),
        ("cut.csv.gz", truncated_gz, InputError, r"^cut\.csv\.gz: the archive is damaged or incomplete"),
        ("bad.json", not_json, InputError, r"^bad\.json: the file could not be read"),
    ]


def test_bad_files_give_one_line_and_leave_the_workspace(tmp_path, monkeypatch):
    monkeypatch.setattr(compressed_mod, "MAX_UNPACKED", 1 << 20)
    ws = Workspace(tmp_path / "ws")
    write(table(20), tmp_path / "first.csv", "csv")
    ingest_file(ws, tmp_path / "first.csv", "interactions")
    before = ws.read("interactions"), [(t.version, t.sha256) for t in ws.tables()]
    for name, make, exc, pattern in _bad_files(tmp_path):
        path = tmp_path / name
        make(path)
        with pytest.raises(exc, match=pattern) as err:
            ingest_file(ws, path, "interactions")
        assert "\n" not in str(err.value) and isinstance(err.value, UserError), name
        pd.testing.assert_frame_equal(ws.read("interactions"), before[0])
        assert [(t.version, t.sha256) for t in ws.tables()] == before[1], name
    assert not list((ws.path / "tables").glob(".tmp-*"))  # no staged leftovers


def test_zip_with_several_files_needs_a_member(tmp_path, csv_result):
    path = tmp_path / "two.zip"
    csv = table().to_csv(index=False).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", csv)
        buf = io.BytesIO()
        table().to_parquet(buf, index=False)
        zf.writestr("b.parquet", buf.getvalue())
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(ConfigError, match=r"^two\.zip: the archive holds several files \(a\.csv, b\.parquet\)"):
        ingest_file(ws, path, "interactions")
    ingest_file(ws, path, "interactions", read=ReadOptions(member="b.parquet"))
    pd.testing.assert_frame_equal(ws.read("interactions"), csv_result)


def test_nested_json_fields_are_flattened_with_dots(tmp_path):
    rows = [
        {
            "id": i,
            "author": {"name": f"u{i % 3}", "geo": {"city": "上海"}},
            "text": f"帖子{i}",
            "at": "2024-01-0%d" % (i + 1),
        }
        for i in range(5)
    ]
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    preview = preview_file(ws, path, table="posts")
    assert preview.header == ["id", "author.name", "author.geo.city", "text", "at"]
    ingest_file(ws, path, "posts", mapping={"author.name": "user_id", "at": "ts"})
    got = ws.read("posts")
    assert list(got["user_id"]) == [r["author"]["name"] for r in rows]
    assert list(got["author.geo.city"]) == ["上海"] * 5


def test_excel_columns_converted_in_arrow_read_as_cell_by_cell():
    """The column-wise fast path writes exactly the text the cell-by-cell conversion writes."""
    import datetime as dt

    from core.data.sources.excel import _cell, _column

    columns = [
        [123456789012.0, 1e16, 2.5, None, "", 3.0, -0.0, 1 / 3],
        ["文本", "", None, " a "],
        [dt.datetime(2024, 1, 1, 1, 2, 3), "", dt.datetime(2024, 1, 1, 1, 2, 3, 500)],
        [1.0, "x", True, dt.date(2024, 2, 29), None],
    ]
    for values in columns:
        assert _column(list(values)).to_pylist() == [_cell(v) for v in values]
