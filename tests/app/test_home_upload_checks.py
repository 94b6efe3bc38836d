"""AppTest: a skip that drops rows asks first and names the skipped rows; the Chinese page says the same."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_skipping_junk_dates_into_a_full_table_asks_and_names_the_rows(sample_ws, tmp_path):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    ws = open_workspace("junk-dates")
    full = tmp_path / "full.csv"
    full.write_text("user_id,item_id,ts\n" + "".join(f"u{i},i1,2024-01-0{i % 9 + 1}\n" for i in range(300)))
    ingest_file(ws, full, "interactions")
    junk = b"user_id,item_id,ts\nu1,i1,2024-01-01\nu2,i2,yesterday\nu3,i3,2024-01-03\nu4,i4,soon\n"

    def ask(lang: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["workspace"] = "junk-dates"
        at.session_state["lang"] = lang
        at.run()
        at.file_uploader(key="uploader").set_value(("junk.csv", junk, "text/csv")).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox[0].value == "interactions"
        at.checkbox[0].check().run()
        next(b for b in at.button if b.label in ("Ingest", "导入")).click().run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    zh = " ".join(w.value for w in ask("zh").warning)
    assert "将从 300 行变为 2 行" in zh and "有 2 行无法解析" in zh, zh
    at = ask("en")
    warning = " ".join(w.value for w in at.warning)
    assert "from 300 rows to 2 rows" in warning and "2 rows of the file could not be read" in warning, warning
    assert "row 2: ts = 'yesterday'; row 4: ts = 'soon'" in warning, warning
    assert ws.info("interactions").rows == 300 and not at.success
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert ws.info("interactions").rows == 2
    msg = " ".join(s.value for s in at.success)
    assert "replacing 300 rows" in msg and "2 rows skipped" in msg, msg
    assert "Skipped first: row 2: ts = 'yesterday'; row 4: ts = 'soon'" in msg, msg
