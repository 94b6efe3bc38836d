"""Two browser sessions upload the same bytes at the same time: each keeps its own file and both ingest."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_two_sessions_upload_the_same_bytes_at_once(streamlit_url, _browser, wait_idle, sample_ws, tmp_path,
                                                    isolated_data_dir):
    from core.data.workspace import open_workspace

    csv = tmp_path / "same.csv"
    csv.write_text("user_id,item_id,ts\n" + "".join(f"u{i},i{i % 7},2024-03-0{i % 9 + 1}\n" for i in range(40)),
                   encoding="utf-8")
    contexts = [_browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for page in pages:
            page.set_default_timeout(60_000)
            page.goto(streamlit_url)
            page.get_by_text("Upload data").wait_for()
            wait_idle(page)
        for page in pages:  # both uploads land before either ingests
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        for page, target in zip(pages, ("twin-a", "twin-b")):
            page.get_by_role("button", name="Ingest").wait_for()
            wait_idle(page)
            box = page.get_by_role("textbox", name="Save into workspace")
            box.fill(target)
            box.press("Enter")
            wait_idle(page)
        uploads = sorted(p for p in (isolated_data_dir / "uploads").rglob("*.csv"))
        assert len(uploads) >= 2 and len({p.parent for p in uploads}) >= 2  # one folder per session
        for page in pages:
            page.get_by_role("button", name="Ingest").click()
        for page, target in zip(pages, ("twin-a", "twin-b")):
            success = page.locator('[data-testid="stAlertContentSuccess"]')
            success.wait_for(timeout=120_000)
            text = success.inner_text()
            assert re.search(rf"same\.csv: 40 rows ingested into 'interactions' of workspace '{target}'", text), text
            body = page.locator('[data-testid="stApp"]').inner_text()
            assert "file not found" not in body and str(isolated_data_dir) not in body
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        for target in ("twin-a", "twin-b"):
            assert open_workspace(target).info("interactions").rows == 40
        assert not any(p.exists() for p in uploads)  # each ingested upload was removed, and only its own
    finally:
        for c in contexts:
            c.close()
