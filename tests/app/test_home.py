"""AppTest of the home page on the sample workspace, in English and Chinese, including an upload."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _summary(at):
    return next(d.value for d in at.dataframe if d.value.columns[0] in ("table", "表"))


def _app(sample_ws) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["workspace"] = "sample"  # other tests may have created newer workspaces
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_home_shows_sample_health_in_both_languages(sample_ws):
    at = _app(sample_ws)
    assert at.title[0].value == "Community economy dashboard"
    summary = _summary(at)
    assert set(summary["table"]) == {"users", "interactions", "posts", "edges", "ad_events"}
    rows = dict(zip(summary["table"], summary["rows"]))
    assert rows == {t.table: t.rows for t in sample_ws.tables()}
    assert any("posts · " in e.label for e in at.expander)

    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "社群经济仪表盘"
    assert "行数" in list(_summary(at).columns)
    assert any(h.value == "数据健康" for h in at.header)


def test_upload_confirm_and_ingest_into_new_workspace(sample_ws, tmp_path):
    at = _app(sample_ws)
    at.text_input(key="new_ws_name").input("团队-a")
    at.button[0].click().run()
    assert at.sidebar.selectbox(key="workspace").value == "团队-a"
    assert any("no tables yet" in i.value for i in at.info)
    csv = "用户,时间,内容\nu1,2024年1月5日,很好\nu2,2024年1月6日,太差了\n".encode("gbk")
    at.file_uploader(key="uploader").set_value(("评论.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox[0].value == "posts"
    editor = next(d for d in at.dataframe if (d.key or "").startswith("map_"))
    suggested = dict(zip(editor.value["column"], editor.value["field"]))
    assert suggested == {"用户": "user_id", "时间": "ts", "内容": "text"}
    ingest = next(b for b in at.button if b.label == "Ingest")
    ingest.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 rows ingested into 'posts'" in s.value for s in at.success), [s.value for s in at.success]
    summary = _summary(at)
    assert dict(zip(summary["table"], summary["rows"])) == {"posts": 2}
    # the report is kept as facts: after switching to 简体中文 it reads in Chinese
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("评论.csv：已导入 2 行到工作区“团队-a”的“posts”表" in s.value for s in at.success), [
        s.value for s in at.success
    ]


def test_bad_upload_shows_plain_error_and_keeps_data(sample_ws):
    at = _app(sample_ws)
    before = [(t.table, t.version) for t in sample_ws.tables()]
    at.file_uploader(key="uploader").set_value(("dup.csv", b"a,a\n1,2\n", "text/csv")).run()
    assert any("dup.csv: the header repeats column names: a" in e.value for e in at.error)
    assert [(t.table, t.version) for t in sample_ws.tables()] == before
    # in Chinese, the same file reads in Chinese (GBK export, Chinese names)
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    at.file_uploader(key="uploader").set_value(("重复.csv", "用户,用户\n1,2\n".encode("gbk"), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(e.value == "重复.csv：表头中有重复的列名：用户；请改名，使每列名称唯一" for e in at.error), [
        e.value for e in at.error
    ]
    assert [(t.table, t.version) for t in sample_ws.tables()] == before


def test_default_workspace_is_the_newest_users_one(tmp_path, monkeypatch):
    import os
    import time

    from core.data.workspace import Workspace
    from ui.state import default_workspace_name

    monkeypatch.setenv("CE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CE_WORKSPACE")
    assert default_workspace_name() == "sample"  # nothing of the user's yet
    for name in ("older", "newer"):
        with Workspace(tmp_path / "workspaces" / name).writer():
            pass
    old = tmp_path / "workspaces" / "older" / "workspace.duckdb"
    os.utime(old, (time.time() - 3600,) * 2)
    assert default_workspace_name() == "newer"
    monkeypatch.setenv("CE_WORKSPACE", "older")
    assert default_workspace_name() == "older"
