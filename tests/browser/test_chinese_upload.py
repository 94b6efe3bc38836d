"""A Chinese platform's export in Chromium (issue 25, item 9): a GB18030 file with Chinese headers,
uploaded in 简体中文, gets its shop column guessed as the community and its author, time and text
columns as theirs; the column nobody maps stays an extra attribute (shown in Chinese, never 'None')."""

from __future__ import annotations

import pytest

from core.i18n import t

pytestmark = pytest.mark.browser

ROWS = [
    ("u01", "2026-03-01 09:15", "前台服务很差，等了半小时", "如家北京店", "换房一次"),
    ("u02", "2026-03-02 12:40", "房间干净，早餐不错", "如家上海店", ""),
    ("u03", "2026-03-03 20:05", "携程订的，价格实惠", "汉庭杭州店", "会员"),
] * 4


def test_gb18030_upload_with_chinese_headers_in_chinese(
    streamlit_url, browser_page, wait_idle, sample_ws, tmp_path, isolated_data_dir
):
    from core.data.workspace import open_workspace

    path = tmp_path / "门店评论.csv"
    lines = ["用户ID,评论时间,评论内容,门店,备注"] + [",".join(r) for r in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))

    page = browser_page
    page.goto(streamlit_url)
    page.get_by_role("heading", name="Community economy dashboard").wait_for(timeout=120_000)
    wait_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="简体中文", exact=True).click()
    wait_idle(page)
    page.get_by_role("heading", name=t("home.title", "zh")).wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name=t("home.ingest", "zh")).wait_for(timeout=60_000)
    wait_idle(page)
    target = page.get_by_role("textbox", name=t("home.target_workspace", "zh"))
    target.fill("zh-shops")
    target.press("Enter")
    page.wait_for_timeout(500)  # the rerun Enter started (wait_idle alone may see the run before it)
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "zh_mapping.png"))
    box = grid.bounding_box()
    assert box and box["height"] >= 35 * 6  # the header and all five columns in sight
    page.get_by_role("button", name=t("home.ingest", "zh")).click()
    page.locator('[data-testid="stAlertContentSuccess"]').wait_for(timeout=120_000)
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "zh_ingested.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    info = open_workspace("zh-shops").info("posts")
    assert info.rows == len(ROWS)
    assert info.mapping == {
        "用户ID": "user_id",
        "评论时间": "ts",
        "评论内容": "text",
        "门店": "community",
        "备注": None,
    }
