"""State across navigation, as a user meets it in Chromium: choose a workspace and 简体中文, click
through every view in the sidebar; each view shows that workspace, in Chinese, with no exception.
A view opened by URL with `?ws=…&lang=zh` does the same."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from core.i18n import t

pytestmark = pytest.mark.browser

VIEWS = {
    "community_graph": "graph.title",
    "sentiment_trends": "sent.title",
    "ad_ab_results": "ab.title",
    "churn_cohorts": "churn.title",
    "recommendations": "reco.title",
}
NAV = {
    "community_graph": "nav.community_graph",
    "sentiment_trends": "nav.sentiment_trends",
    "ad_ab_results": "nav.ad_ab_results",
    "churn_cohorts": "nav.churn_cohorts",
    "recommendations": "nav.recommendations",
}


@pytest.fixture(scope="module")
def hotel(sample_ws, tmp_path_factory):
    """A small workspace of hotel reviews and a reply network: not the default (the sample is)."""
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    d = tmp_path_factory.mktemp("hotel")
    posts = pd.DataFrame(
        {
            "user_id": [f"g{i % 40}" for i in range(200)],
            "ts": pd.date_range("2026-01-01", periods=200, freq="6h").astype(str),
            "text": ["房间干净，服务很好" if i % 3 else "太吵了，很失望" for i in range(200)],
            "community": [f"floor{i % 4}" for i in range(200)],
        }
    )
    posts.to_csv(d / "posts.csv", index=False)
    edges = pd.DataFrame({"src": [f"g{i}" for i in range(40)], "dst": [f"g{(i * 7 + 1) % 40}" for i in range(40)]})
    edges.to_csv(d / "edges.csv", index=False)
    ws = open_workspace("hotel")
    ingest_file(ws, str(d / "posts.csv"), "posts")
    ingest_file(ws, str(d / "edges.csv"), "edges")
    return ws


def _pick(page, label: str, option: str, wait_idle) -> None:
    """Choose `option` in the sidebar selectbox labelled `label`, as a user does."""
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _sidebar_value(page, label: str) -> str:
    """The shown choice (the combobox keeps it in its input's value)."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).input_value()


def _check_view(page, view: str, wait_idle, shots, name: str) -> None:
    page.get_by_role("heading", name=t(VIEWS[view], "zh"), exact=True).wait_for(timeout=180_000)
    wait_idle(page, 240_000)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, view
    assert "hotel" in _sidebar_value(page, t("common.workspace", "zh")), view
    assert "简体中文" in _sidebar_value(page, t("common.language", "zh")), view
    assert re.search(r"[?&]ws=hotel", page.url) and re.search(r"[?&]lang=zh", page.url), page.url


def test_workspace_and_language_survive_clicking_through_every_view(
    hotel, streamlit_url, browser_page, wait_idle, tmp_path
):
    page = browser_page
    page.goto(streamlit_url)
    page.get_by_role("heading", name="Community economy dashboard").wait_for(timeout=120_000)
    wait_idle(page)
    _pick(page, "Language", "简体中文", wait_idle)
    page.get_by_role("heading", name=t("home.title", "zh")).wait_for()
    _pick(page, t("common.workspace", "zh"), "hotel", wait_idle)
    assert "hotel" in _sidebar_value(page, t("common.workspace", "zh"))
    for view in VIEWS:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t(NAV[view], "zh")).click()
        _check_view(page, view, wait_idle, tmp_path, f"nav-{view}")
    # and back home: still hotel, still Chinese
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t("nav.home", "zh")).click()
    page.get_by_role("heading", name=t("home.title", "zh")).wait_for()
    wait_idle(page)
    assert "hotel" in _sidebar_value(page, t("common.workspace", "zh"))


def test_a_shared_link_opens_the_same_view(hotel, streamlit_url, browser_page, wait_idle, tmp_path):
    page = browser_page
    for view in ("community_graph", "sentiment_trends"):
        page.goto(f"{streamlit_url}/{view}?ws=hotel&lang=zh")  # a new session, as a bookmark is
        _check_view(page, view, wait_idle, tmp_path, f"url-{view}")
