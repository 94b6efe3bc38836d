"""Issue 25 in Chromium, clicking the sidebar as a user does (never `goto` between views), in both
languages: item 1's click path (Community graph -> Algorithm = Louvain -> 简体中文 crashed with a
ValueError and the sidebar lost its pickers) and item 2 (a date range typed on one workspace does not
follow the analyst into another; an active filter says what it hides, with a reset)."""

from __future__ import annotations

import pandas as pd
import pytest

from core.i18n import t

pytestmark = pytest.mark.browser
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def three_months(sample_ws, tmp_path_factory):
    """A workspace whose 300 posts span three months (sentiment, with a time per post)."""
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    d = tmp_path_factory.mktemp("three_months")
    pd.DataFrame(
        {
            "user_id": [f"u{i % 50}" for i in range(300)],
            "ts": pd.date_range("2026-01-01", "2026-03-31", periods=300).strftime("%Y-%m-%d %H:%M"),
            "text": ["great room" if i % 3 else "noisy and dirty" for i in range(300)],
            "community": [f"hall{i % 3}" for i in range(300)],
        }
    ).to_csv(d / "posts.csv", index=False)
    ws = open_workspace("three-months")
    ingest_file(ws, str(d / "posts.csv"), "posts")
    return ws


def _pick(page, label: str, option: str, wait_idle) -> None:
    page.locator(SIDEBAR).get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _nav(page, text: str, wait_idle) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=text).click()
    wait_idle(page, 240_000)


def _date_field(page, label: str):
    return page.locator('[data-testid="stDateInput"]').filter(has_text=label)


def _range_text(field) -> str:
    """The range the field shows, as '2026/01/01 – 2026/03/31' (its segments' text)."""
    start, end = (field.locator(f'[data-range-field="{s}"]').inner_text() for s in ("start", "end"))
    return f"{''.join(start.split())} – {''.join(end.split())}"


def _type_range(page, field, start, end) -> None:
    """Type both dates into the range's segments (year, month, day advance as a user types)."""
    for side, day in (("start", start), ("end", end)):
        field.locator(f'[data-range-field="{side}"] [data-type="year"]').click()
        page.keyboard.type(f"{day:%Y%m%d}", delay=60)
    page.keyboard.press("Escape")  # close the calendar the typing opened
    page.locator("h1").first.click()  # and leave the field, as a user moving on does


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.all_inner_texts()


def test_louvain_then_chinese_and_filters_that_stay_with_their_workspace(
    three_months, sample_ws, streamlit_url, browser_page, wait_idle, tmp_path
):
    page = browser_page
    shots = tmp_path
    page.goto(streamlit_url)
    page.get_by_role("heading", name="Community economy dashboard").wait_for(timeout=120_000)
    wait_idle(page)
    _nav(page, "Community graph", wait_idle)
    page.get_by_text("Resolution profile").wait_for(timeout=180_000)
    _pick(page, "Algorithm", "Louvain", wait_idle)
    _pick(page, "🌐 Language", "简体中文", wait_idle)
    page.get_by_text(t("graph.profile.title", "zh")).wait_for(timeout=180_000)
    wait_idle(page)
    page.screenshot(path=str(shots / "journey-1-louvain-zh.png"), full_page=True)
    _no_exception(page)
    algorithm = page.locator(SIDEBAR).get_by_role("combobox", name=t("graph.algorithm", "zh"))
    assert algorithm.input_value() == t("graph.algo.louvain", "zh")  # the sidebar kept its pickers
    picker = page.get_by_role("combobox", name=t("graph.profile.pick", "zh"))
    assert picker.input_value().startswith("自动")  # the automatic scale, in Chinese (not a stale label)

    # item 2, in Chinese: narrow the sample's dates by typing them, then switch workspace in the sidebar
    _nav(page, t("nav.sentiment_trends", "zh"), wait_idle)
    dates = _date_field(page, t("sent.date_range", "zh"))
    dates.wait_for(timeout=180_000)
    wait_idle(page, 240_000)
    posts = sample_ws.read("posts")
    first = posts["ts"].min().date()
    start, end = first + pd.Timedelta(days=30), first + pd.Timedelta(days=60)
    _type_range(page, dates, start, end)
    wait_idle(page, 240_000)
    ts = pd.to_datetime(posts["ts"]).dt.date
    shown = int(((ts >= start) & (ts <= end)).sum())
    note = f"当前显示 {len(posts):,} 条帖子中的 {shown:,} 条，已应用筛选：日期范围。"
    page.screenshot(path=str(shots / "journey-2-sample-typed-dates-zh.png"), full_page=True)
    page.get_by_text(note).wait_for(timeout=60_000)  # typed dates work, and the filter says so

    _pick(page, t("common.workspace", "zh"), "three-months", wait_idle)
    page.get_by_role("heading", name=t("sent.title", "zh")).wait_for()
    wait_idle(page, 240_000)
    _no_exception(page)
    assert _range_text(dates) == "2026/01/01 – 2026/03/31"  # its own full span, not the sample's range
    assert page.get_by_text("当前显示").count() == 0  # nothing hidden, nothing to say
    page.screenshot(path=str(shots / "journey-3-other-workspace-zh.png"), full_page=True)

    # back to the sample, in English: its own range again, said, and one click shows everything
    _pick(page, t("common.language", "zh"), "English", wait_idle)
    _pick(page, "Workspace", "Sample community", wait_idle)
    english = f"Showing {shown:,} of {len(posts):,} posts: date range."
    page.get_by_text(english).wait_for(timeout=120_000)
    page.screenshot(path=str(shots / "journey-4-sample-again-en.png"), full_page=True)
    page.get_by_role("button", name="Show all").click()
    page.get_by_text(english).wait_for(state="detached", timeout=120_000)
    wait_idle(page, 240_000)
    dates = _date_field(page, "Date range")  # the whole span again
    assert _range_text(dates) == f"{first:%Y/%m/%d} – {posts['ts'].max().date():%Y/%m/%d}"
    _no_exception(page)
    page.screenshot(path=str(shots / "journey-5-reset-en.png"), full_page=True)
