"""Two browser sessions upload the same bytes at the same time: each keeps its own file and both ingest."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_two_sessions_upload_the_same_bytes_at_once(
    streamlit_url, _browser, wait_idle, sample_ws, tmp_path, isolated_data_dir
):
    from core.data.workspace import open_workspace

    csv = tmp_path / "same.csv"
    csv.write_text(
        "user_id,item_id,ts\n" + "".join(f"u{i},i{i % 7},2024-03-0{i % 9 + 1}\n" for i in range(40)), encoding="utf-8"
    )
    contexts = [_browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for page in pages:
            page.set_default_timeout(60_000)
            page.goto(streamlit_url)
            page.get_by_text("Upload data").wait_for()
            wait_idle(page)
        root = isolated_data_dir / "uploads"
        earlier = set(root.rglob("*.csv")) if root.exists() else set()  # other tests' pending uploads
        for page in pages:  # both uploads land before either ingests
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        for page, target in zip(pages, ("twin-a", "twin-b")):
            page.get_by_role("button", name="Ingest").wait_for()
            wait_idle(page)
            box = page.get_by_role("textbox", name="Save into workspace")
            box.fill(target)
            box.press("Enter")
            wait_idle(page)
        uploads = sorted(set(root.rglob("*.csv")) - earlier)
        assert len(uploads) == 2 and len({p.parent for p in uploads}) == 2  # one folder per session
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


def test_an_upload_of_a_closed_session_goes_when_the_next_upload_is_saved(
    streamlit_url, _browser, wait_idle, sample_ws, tmp_path, isolated_data_dir
):
    csv = tmp_path / "left.csv"
    csv.write_text("user_id,item_id,ts\nu1,i1,2024-03-01\n", encoding="utf-8")
    uploads = isolated_data_dir / "uploads"

    def upload(context):
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(streamlit_url)
        page.get_by_text("Upload data").wait_for()
        wait_idle(page)
        before = set(uploads.rglob("*.csv")) if uploads.exists() else set()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        page.get_by_role("button", name="Ingest").wait_for()
        wait_idle(page)
        (saved,) = set(uploads.rglob("*.csv")) - before
        return page, saved

    gone = _browser.new_context()
    _, left_behind = upload(gone)
    gone.close()  # the user closes the tab without ingesting or discarding
    deadline = __import__("time").time() + 60
    stays = _browser.new_context()
    try:
        while left_behind.exists() and __import__("time").time() < deadline:
            _, kept = upload(stays)  # the next upload sweeps closed sessions' files
        assert not left_behind.exists() and not left_behind.parent.exists()
        assert kept.exists()
    finally:
        stays.close()
