"""Issue 25 item 4: the home page shows the present, not the past.

A pending upload belongs to the workspace it was made in (not offered after switching, offered again
on coming back); an action's report shows in its workspace and goes when the analyst moves on; the
"Create a new workspace" box is empty after creating.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CSV = b"user_id,ts,text\nu1,2026-01-05,good\nu2,2026-01-06,bad\nu3,2026-01-07,fine\n"


def _ingest_buttons(at) -> list:
    return [b for b in at.button if b.label == "Ingest"]


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.slow
def test_uploads_and_reports_stay_with_their_workspace(sample_ws):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["workspace"] = "sample"
    at.run()
    at.text_input(key="new_ws_name").input("journey-a")
    next(b for b in at.button if b.label == "Create").click().run()
    _ok(at)
    assert at.sidebar.selectbox(key="workspace").value == "journey-a"
    assert at.text_input(key="new_ws_name").value == ""  # the box is ready for the next name

    assert "Drag files onto the box below or click it to browse; up to 4 GB per file." in [c.value for c in at.caption]
    at.file_uploader(key="uploader").set_value(("reviews.csv", CSV, "text/csv")).run()
    _ok(at)
    assert len(_ingest_buttons(at)) == 1
    at.sidebar.selectbox(key="workspace").set_value("sample").run()
    _ok(at)
    assert _ingest_buttons(at) == []  # journey-a's upload is not offered in the sample
    at.sidebar.selectbox(key="workspace").set_value("journey-a").run()
    assert len(_ingest_buttons(at)) == 1  # ... and is still there in its own workspace

    _ingest_buttons(at)[0].click().run()
    _ok(at)
    reports = [s.value for s in at.success]
    assert len(reports) == 1 and "3 rows ingested into 'posts'" in reports[0], reports
    assert any(e.label == "posts · 1 version" for e in at.expander)  # not "1 versions"
    at.sidebar.selectbox(key="workspace").set_value("sample").run()
    assert [s.value for s in at.success] == []  # another workspace: not its report
    at.sidebar.selectbox(key="workspace").set_value("journey-a").run()
    assert [s.value for s in at.success] == []  # moved on: the report has gone

    at.file_uploader(key="uploader").set_value(("reviews.csv", CSV, "text/csv")).run()
    next(b for b in at.button if b.label == "Ingest").click().run()  # the same file again (new version)
    for b in at.button:
        if b.label == "Confirm":
            b.click().run()
            break
    assert len(at.success) == 1
    assert any(e.label == "posts · 2 versions" for e in at.expander)
    at.switch_page("pages/sentiment_trends.py").run()
    at.switch_page("pages/home.py").run()
    assert [s.value for s in at.success] == []  # another page visited: moved on


def _upload_box() -> None:
    import streamlit as st

    from ui.common import held_upload

    held_upload(st.session_state["label"], "box", "held_box", lambda raw, name: raw)


def test_every_upload_box_has_our_line_in_the_readers_language():
    """Issue 25 item 8: Streamlit's drop zone says "Drag and drop file here" / "Browse files" in
    English whatever the language; the line above every page's upload box (sentiment, churn, A/B: all
    through ui.common.held_upload) says what to do in the reader's language, naming the button as shown."""
    from core.i18n import t

    for lang, label in (("en", "Labelled texts"), ("zh", "有标签的文本")):
        at = AppTest.from_function(_upload_box, default_timeout=30)
        at.session_state["lang"], at.session_state["label"] = lang, label
        at.run()
        _ok(at)
        line = t("journey.upload_line", lang)
        assert [c.value for c in at.caption] == [line], [c.value for c in at.caption]
        assert at.get("file_uploader")[0].label == label
        assert "Browse files" in line and (lang == "en" or "拖到下面的方框里" in line)
