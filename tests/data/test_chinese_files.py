"""Files from Chinese platforms (issue 25 item 9, the reading part): full-width digits, Big5, encoding names.

Full-width digits and dashes (４８０, ２０２６－０１－０２) are what many Chinese exports write; they
are read after NFKC, the reference here computed by unicodedata + pandas. Big5 (traditional Chinese)
files are read and said to be Big5; GBK files stay GBK. The encoding is shown by its name.
"""

from __future__ import annotations

import contextlib
import io
import json
import unicodedata

import pandas as pd
import pytest

from core.data.csvfile import read_csv_frame, sniff
from core.data.ingest import ingest_file, preview_file
from core.data.workspace import Workspace
from core.i18n import encoding_name

TRADITIONAL = ["這家飯店的服務非常好，房間乾淨", "櫃檯人員態度很差，等了很久", "早餐種類不多", "你好", "好評！"]
SIMPLIFIED = ["这家饭店的服务非常好，房间干净", "前台人员态度很差，等了很久", "早餐种类不多", "你好", "好评！"]


def _main(*argv) -> tuple[int, str, str]:
    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_gb18030_file_with_full_width_digits_and_chinese_headers_ingests(tmp_path):
    raw = pd.DataFrame(
        {
            "用户": ["u1", "u2", "u3", "u4"],
            "下单时间": [
                "２０２６－０１－０２ ０９：３０",
                "２０２６－０１－０３ １２：００",
                "2026-01-04 08:15",
                "２０２６－０１－０５ ２３：５９",
            ],
            "评论": ["很好吃，下次还点", "太差了！", "一般", "送餐很快"],
            "金额": ["４８０", "１，２００．５０", "99", "￥３５"],
        }
    )
    f = tmp_path / "订单.csv"
    f.write_bytes(raw.to_csv(index=False).encode("gb18030"))
    ws = tmp_path / "ws"
    code, out, err = _main("ingest", f, "--table", "interactions", "--workspace", ws, "--map", "金额=value")
    assert code == 0, err
    report = json.loads(out)
    assert (report["encoding"], report["encoding_name"], report["rows"]) == (
        "gb18030",
        "GBK/GB18030 (simplified Chinese)",
        len(raw),
    )
    assert (
        report["mapping"]["用户"] == "user_id" and report["mapping"]["下单时间"] == "ts"
    )  # guessed, as for ASCII digits
    got = Workspace(ws).read("interactions")
    nfkc = raw.map(lambda v: unicodedata.normalize("NFKC", v))
    expected_ts = pd.to_datetime(nfkc["下单时间"], format="%Y-%m-%d %H:%M")
    expected_value = pd.to_numeric(nfkc["金额"].str.replace(r"[¥,]", "", regex=True))
    assert got["ts"].tolist() == expected_ts.tolist()
    assert got["value"].tolist() == expected_value.tolist()
    assert got["评论"].tolist() == raw["评论"].tolist()  # text keeps its own (full-width) punctuation


@pytest.mark.parametrize("i", range(len(TRADITIONAL)))
def test_big5_is_read_and_named_and_gbk_stays_gbk(tmp_path, i):
    for texts, codec, header, expected in (
        (TRADITIONAL, "cp950", "評論", "cp950"),
        (SIMPLIFIED, "gbk", "评论", "gb18030"),
    ):
        f = tmp_path / f"{codec}.csv"
        f.write_bytes(f"{header},label\n{texts[i]},1\n{texts[(i + 1) % len(texts)]},0\n".encode(codec))
        assert sniff(f).encoding == expected, (codec, texts[i])
        df = read_csv_frame(f)
        assert df[header].tolist() == [texts[i], texts[(i + 1) % len(texts)]]
    assert encoding_name("cp950") == "Big5 (traditional Chinese)" and encoding_name("cp950", "zh") == "Big5（繁体中文）"


def test_big5_ingest_says_big5(tmp_path):
    rows = [(f"u{k}", f"2024-01-0{k + 1}", t) for k, t in enumerate(TRADITIONAL)]
    f = tmp_path / "big5.csv"
    f.write_bytes(("用戶,時間,內容\n" + "".join(f'{u},{d},"{t}"\n' for u, d, t in rows)).encode("cp950"))
    ws = Workspace(tmp_path / "ws")
    assert preview_file(ws, f).encoding == "cp950"
    report = ingest_file(ws, f, "posts", mapping={"用戶": "user_id", "時間": "ts", "內容": "text"})
    assert report.encoding == "cp950"
    assert ws.read("posts")["text"].tolist() == [t for _, _, t in rows]


def test_encoding_names_read_as_words():
    assert encoding_name("utf-8-sig") == "UTF-8 (with BOM)" and encoding_name("utf-8-sig", "zh") == "UTF-8（带 BOM）"
    assert encoding_name("gb18030", "zh") == "GBK/GB18030（简体中文）"
    assert encoding_name("latin-1") == "latin-1"  # a codec given by hand is shown as given
