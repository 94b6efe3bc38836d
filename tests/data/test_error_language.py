"""User errors in the reader's language: one translation table gives the CLI's English line and the
page's Chinese message; the file, column and rows an error names lead either way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.data.csvfile import read_csv_frame
from core.errors import ConfigError, InputError, UserError
from core.i18n import TABLE

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "content, english, chinese",
    [
        (
            "用户,用户,时间\nu1,u2,2024-01-01\n".encode("gbk"),
            "the header repeats column names: 用户",
            "表头中有重复的列名：用户",
        ),
        (b"", "the file is empty", "文件是空的"),
        (b"a,b\n", "the file has a header but no data rows", "文件只有表头，没有数据行"),
        (b"a,b\x00\x00\x01\n1,2\n", "binary file", "二进制文件"),
        (b"a,,c\n1,2,3\n", "blank column names (column position 2)", "表头中有空白的列名（第 2 列）"),
    ],
)
def test_a_bad_csv_reads_in_english_and_in_chinese(tmp_path, content, english, chinese):
    f = tmp_path / "导出.csv"
    f.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_csv_frame(f, "导出.csv")
    exc = caught.value
    assert str(exc).startswith("导出.csv: ") and english in str(exc)  # the CLI's line, as before
    assert exc.text("en") == str(exc)
    zh = exc.text("zh")
    assert zh.startswith("导出.csv：") and chinese in zh
    assert not re.search(r"\b(the|file|header|column|rows?)\b", zh)  # no English words left


def test_a_missing_column_names_the_column_in_chinese(tmp_path):
    f = tmp_path / "posts.csv"
    f.write_text("user,ts\nu1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv_frame(f, "posts.csv", required=["text"])
    assert caught.value.text("zh") == "posts.csv，列“text”：没有这一列；文件的列为：user, ts"
    assert str(caught.value) == "posts.csv, column 'text': no such column; the columns are: user, ts"


def test_an_error_without_a_key_keeps_its_words_after_a_chinese_prefix():
    exc = ConfigError("3 of 10 values are negative", file="ads.csv", column="clicks", rows=[3, 5])
    assert exc.text("en") == str(exc) == "ads.csv, column 'clicks', rows 3, 5: 3 of 10 values are negative"
    assert exc.text("zh") == "ads.csv，列“clicks”，第 3、5 行：3 of 10 values are negative"
    assert UserError("plain").text("zh") == "plain"


def test_every_key_the_code_raises_is_translated():
    """A typo in a key would show the key itself to the user: every `keyed("err....")` in core names
    an entry with English and Chinese (f-string keys: every expansion)."""
    used = set()
    for path in (REPO / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"(err\.[a-z_.]+)"', text))
        used |= {f"err.csv.long_first_{w}" for w in ("line", "row")} if "long_first_" in text else set()
        used |= {f"err.expect.{w}" for w in ("time", "number", "text", "required")} if "err.expect." in text else set()
    assert len(used) >= 20
    missing = sorted(k for k in used if k not in TABLE or not TABLE[k].get("zh"))
    assert not missing


def test_a_bad_summary_reads_in_chinese_on_the_page(repo_root, sample_ws, tmp_path):
    """The A/B summary upload in 简体中文: conversions above the count are named by file, column and
    row, in Chinese; in English the words the CLI prints."""
    from streamlit.testing.v1 import AppTest

    f = tmp_path / "汇总.csv"
    f.write_text("variant,users,conversions\nA,100,10\nB,100,120\n", encoding="utf-8")
    at = AppTest.from_file(str(repo_root / "pages" / "ad_ab_results.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((f.name, f.read_bytes(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert "汇总.csv，列“conversions”，第 2 行：转化数超过了“users”中的样本量" in errors, errors
    at.selectbox(key="lang").set_value("en").run()
    errors = [e.value for e in at.error]
    assert "汇总.csv, column 'conversions', row 2: conversions exceed the count in 'users'" in errors, errors


def test_values_that_do_not_fit_their_field_read_in_chinese(tmp_path):
    """The ingest's most common refusal: times that are not times, named with rows and values, in
    English as the CLI prints it and in Chinese for the page; the workspace keeps no new version."""
    from core.data.ingest import ingest_file
    from core.data.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    f = tmp_path / "帖子.csv"
    f.write_text("user_id,ts,text\nu1,2024-01-05,好\nu2,昨天,差\nu3,,还行\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_file(ws, f, "posts")
    exc = caught.value
    assert str(exc) == (
        "帖子.csv, column 'ts', row 2: 1 of 3 rows are not a date/time (mapped to 'ts'): row 2 = '昨天'. "
        "Fix those rows, map another column, or choose to skip bad rows"
    )
    zh = exc.text("zh")
    assert zh == (
        "帖子.csv，列“ts”，第 2 行：3 行中有 1 行不是日期/时间（映射到“ts”）：第 2 行 = '昨天'。"
        "请修正这些行、映射另一列，或选择跳过有问题的行"
    )
    assert ws.tables() == []


def test_churn_and_labelled_file_errors_read_in_chinese():
    import pandas as pd

    from core.cohorts.labels import parse_churn_labels
    from core.text.analysis import labelled_texts

    with pytest.raises(InputError) as caught:
        parse_churn_labels(pd.Series(["yes", "no", "也许"]), column="流失", source="客户.csv")
    assert (
        caught.value.text("zh") == "客户.csv，列“流失”，第 4 行：标签必须是 yes/no、true/false 或 1/0；却出现了 '也许'"
    )
    assert str(caught.value).endswith("labels must be yes/no, true/false or 1/0; found '也许'")
    df = pd.DataFrame({"评论": ["很好", "太差"], "标签": ["", " "]})
    with pytest.raises(InputError) as caught:
        labelled_texts(df, "评论", "标签", "评论.csv")
    assert caught.value.text("zh") == "评论.csv，列“标签”：没有任何一行有标签"
