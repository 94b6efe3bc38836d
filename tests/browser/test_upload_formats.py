"""A new user uploads an Excel workbook in Chromium, picks the sheet, confirms, and the view unlocks;
then a zip of two exports, picking the file in it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.browser


def _month(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "用户": [f"u{i % 9}" for i in range(n)],
            "商品": [f"i{rng.integers(0, 12)}" for _ in range(n)],
            "时间": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60 * 86400, n), unit="s"),
            "金额": np.round(rng.gamma(2, 10, n), 2),
        }
    )


def test_upload_workbook_and_pick_a_sheet(streamlit_url, browser_page, wait_idle, sample_ws, tmp_path):
    from core.data.workspace import open_workspace

    path = tmp_path / "订单.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame({"说明": ["2024 年订单导出"]}).to_excel(xw, sheet_name="封面", index=False)
        _month(30, 1).to_excel(xw, sheet_name="一月", index=False)
        _month(41, 2).to_excel(xw, sheet_name="二月", index=False)
    page = browser_page
    page.goto(streamlit_url)
    page.get_by_text("Upload data").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Ingest").wait_for()
    wait_idle(page)
    sheet = page.get_by_role("combobox", name="Sheet")
    assert sheet.input_value() == "一月"  # the first sheet whose columns fit the suggested table, not the cover
    assert page.get_by_text("Read as Excel · sheet 一月").count() == 1
    sheet.click()
    page.get_by_role("option", name="二月", exact=True).click()
    wait_idle(page)
    page.get_by_text("Read as Excel · sheet 二月").wait_for()
    target = page.get_by_role("textbox", name="Save into workspace")
    target.fill("workbook")
    target.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Ingest").click()
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=120_000)
    text = success.inner_text()
    assert re.search(r"订单\.xlsx: 41 rows ingested into 'interactions' of workspace 'workbook'", text), text
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(tmp_path / "ingested.png"), full_page=True)
    got = open_workspace("workbook").read("interactions")
    assert len(got) == 41 and sorted(got["value"]) == sorted(_month(41, 2)["金额"])
    # the data unlocks views: the recommender (users and items with times) is ticked
    page.get_by_text("Views this data unlocks").wait_for()
    links = page.locator('[data-testid="stPageLink"]').all_inner_texts()
    assert any(t.startswith("✅") and "Recommend" in t for t in links), links
    # a zip of two exports: the page lists its files, the user picks the second
    posts = pd.DataFrame({"作者": ["u1", "u2", "u3"], "内容": ["很好", "一般", "不错"], "时间": ["2024-01-02"] * 3})
    archive = tmp_path / "exports.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("exports/orders.csv", _month(12, 3).to_csv(index=False))
        zf.writestr("exports/posts.csv", posts.to_csv(index=False))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(archive))
    member = page.get_by_role("combobox", name="File in the archive")
    member.wait_for()
    wait_idle(page)
    assert member.input_value() == "exports/orders.csv"
    member.click()
    page.get_by_role("option", name="exports/posts.csv", exact=True).click()
    wait_idle(page)
    page.get_by_text("Read as CSV · exports/posts.csv").wait_for()
    page.get_by_role("combobox", name="Table").click()  # the table chosen for the first file stays: pick posts
    page.get_by_role("option", name=re.compile(r"^posts")).click()
    wait_idle(page)  # the page now shows workspace 'workbook': the file goes there
    # workbook has no posts table yet: the replace/append choice of its interactions goes
    page.get_by_text("Into the existing table").wait_for(state="detached")
    page.get_by_role("button", name="Ingest").click()
    page.get_by_text("exports.zip: 3 rows ingested into 'posts' of workspace 'workbook'").wait_for(timeout=120_000)
    assert list(open_workspace("workbook").read("posts")["text"]) == list(posts["内容"])
