"""Replacing a table with fewer rows asks first; Cancel keeps it, Confirm replaces, Restore undoes, Append adds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _rows(n: int, prefix: str) -> str:
    return "user_id,item_id,ts\n" + "".join(f"{prefix}{i},i{i % 5},2024-04-0{i % 9 + 1}\n" for i in range(n))


def test_smaller_upload_asks_cancel_confirm_restore_append(streamlit_url, browser_page, wait_idle, sample_ws, tmp_path):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    ws = open_workspace("shrink-test")
    big = tmp_path / "big.csv"
    big.write_text(_rows(50, "u"), encoding="utf-8")
    ingest_file(ws, big, "interactions")
    small = tmp_path / "small.csv"
    small.write_text(_rows(3, "s"), encoding="utf-8")

    page = browser_page
    page.goto(streamlit_url)
    page.get_by_text("Upload data").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(small))
    page.get_by_role("button", name="Ingest").wait_for()
    wait_idle(page)
    box = page.get_by_role("textbox", name="Save into workspace")
    box.fill("shrink-test")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("'interactions' already has 50 rows (version 1).").wait_for()

    # 1) a smaller file: a confirmation with rows before -> after; Cancel keeps version 1
    page.get_by_role("button", name="Ingest").click()
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    warning.wait_for()
    page.screenshot(path=str(tmp_path / "confirm.png"), full_page=True)
    assert "Replacing 'interactions' would change it from 50 rows to 3 rows." in warning.inner_text()
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator('[data-testid="stAlertContentWarning"]')).to_have_count(
        0, timeout=30_000
    )  # the rerun may start late
    wait_idle(page)
    assert (ws.info("interactions").version, ws.info("interactions").rows) == (1, 50)

    # 2) Confirm replaces it
    page.get_by_role("button", name="Ingest").click()
    page.get_by_role("button", name="Confirm").wait_for()
    page.get_by_role("button", name="Confirm").click()
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=120_000)
    assert re.search(
        r"small\.csv: 3 rows ingested into 'interactions' of workspace 'shrink-test', replacing 50 rows",
        success.inner_text(),
    ), success.inner_text()
    assert (ws.info("interactions").version, ws.info("interactions").rows) == (2, 3)
    page.wait_for_timeout(500)  # the page's rerun after the ingest (wait_idle alone may see the run before)
    wait_idle(page)

    # 3) Restore brings version 1 back, as version 3
    page.get_by_text("interactions · 2 versions").click()
    page.wait_for_timeout(300)
    wait_idle(page)
    page.get_by_role("button", name="Restore").click()
    page.get_by_text("'interactions': version 1 restored as version 3").wait_for()
    assert (ws.info("interactions").version, ws.info("interactions").rows) == (3, 50)
    assert ws.read("interactions")["user_id"].tolist() == [f"u{i}" for i in range(50)]
    wait_idle(page)

    # 4) Append adds the file's rows to the current ones
    more = tmp_path / "more.csv"
    more.write_text(_rows(4, "m"), encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(more))
    page.get_by_text("Append to its rows (same columns)").wait_for()
    wait_idle(page)
    page.get_by_text("Append to its rows (same columns)").click()
    expect(page.get_by_role("radio", name="Append to its rows (same columns)")).to_be_checked()
    page.wait_for_timeout(500)  # the rerun the radio started
    wait_idle(page)
    appended = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="more.csv: 4 rows appended")
    for _ in range(3):  # a click that lands while the page redraws is lost; the button goes once it worked
        ingest = page.get_by_role("button", name="Ingest")
        if ingest.count():
            ingest.click()
        try:
            appended.wait_for(timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    appended.wait_for(timeout=60_000)
    assert (
        "more.csv: 4 rows appended to 'interactions' of workspace 'shrink-test' (50 → 54 rows" in appended.inner_text()
    )
    assert (ws.info("interactions").version, ws.info("interactions").rows) == (4, 54)
    assert ws.read("interactions")["user_id"].tolist()[-4:] == ["m0", "m1", "m2", "m3"]
    wait_idle(page)
    page.get_by_text("interactions · 4 versions").click()
    page.get_by_role("button", name="Restore").first.wait_for()
    page.screenshot(path=str(tmp_path / "versions.png"), full_page=True)
    print("SCREENSHOTS", tmp_path)
