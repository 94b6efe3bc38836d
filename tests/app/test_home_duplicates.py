"""AppTest: appending rows the table already has asks the analyst first (issue 24 item 5, the page side)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from core.config import workspaces_dir
from core.data.workspace import Workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _upload(at, name: str, df: pd.DataFrame, bom: bytes = b""):
    at.file_uploader(key="uploader").set_value((name, bom + df.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_overlapping_append_asks_then_appends_on_confirm(sample_ws):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["workspace"] = "sample"
    at.run()
    at.text_input(key="new_ws_name").input("dup-check")
    at.button[0].click().run()
    old = pd.DataFrame({"post_id": [f"p{i}" for i in range(8)], "text": [f"old {i}" for i in range(8)]})
    new = pd.DataFrame({"post_id": ["p2", "p3", "p5", "q1"], "text": ["a", "b", "c", "d"]})
    overlap = int(new["post_id"].isin(old["post_id"]).sum())
    _upload(at, "old.csv", old, bom=b"\xef\xbb\xbf")  # Excel's "CSV UTF-8" writes a BOM
    assert any(c.value.startswith("Detected UTF-8 (with BOM), delimiter") for c in at.caption), [
        c.value for c in at.caption
    ]
    _click(at, "Ingest")
    ws = Workspace(workspaces_dir() / "dup-check")
    assert ws.info("posts").rows == len(old)

    _upload(at, "new.csv", new)
    at.radio[0].set_value("append").run()
    _click(at, "Ingest")
    question = [w.value for w in at.warning if "repeat a key" in w.value]
    assert question == [
        f"Appending to 'posts' would change it from {len(old)} rows to {len(old) + len(new)} rows. "
        f"{overlap} of its rows repeat a key (post_id) that 'posts' already has. "
        "Confirm to append anyway, or cancel to keep the table as it is."
    ], [w.value for w in at.warning]
    assert (ws.info("posts").version, ws.info("posts").rows) == (1, len(old))  # asked, nothing written
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert any(f"其中 {overlap} 行的键（post_id）在“posts”表中已经存在" in w.value for w in at.warning)
    _click(at, "确认")
    assert (ws.info("posts").version, ws.info("posts").rows) == (2, len(old) + len(new))
    assert ws.read("posts")["post_id"].tolist() == old["post_id"].tolist() + new["post_id"].tolist()
