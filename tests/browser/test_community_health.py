"""The health view in Chromium on the sample: click the planted alert, land on the sentiment view
filtered to that community, with ?community= in the URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_alert_drills_into_the_sentiment_view(streamlit_url, browser_page, wait_idle, ground_truth, tmp_path):
    shots = Path(os.environ.get("CE_SCREENSHOTS", tmp_path))
    page = browser_page
    page.goto(streamlit_url)
    wait_idle(page, 180_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Community health").click()
    page.get_by_text("What changed").wait_for(timeout=180_000)
    wait_idle(page, 180_000)
    drop = ground_truth["sentiment_drop"]
    first = page.locator('[data-testid="stMarkdownContainer"]', has_text="fell from").first
    assert drop["community"] in first.inner_text() and drop["week_start"] in first.inner_text()
    page.screenshot(path=str(shots / "health.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("button", name="Open in sentiment").first.click()
    page.wait_for_url("**/sentiment_trends**", timeout=120_000)
    page.get_by_text("Sentiment and volume over time").wait_for(timeout=180_000)
    wait_idle(page, 180_000)
    assert f"community={drop['community']}" in page.url, page.url
    page.screenshot(path=str(shots / "health_to_sentiment.png"), full_page=True)
    communities = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert drop["community"] in communities and "c0" not in communities, communities
    assert page.locator('[data-testid="stException"]').count() == 0
    # the filter is shared across views: the A/B view, opened from the sidebar, keeps the community too
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Ad A/B results").click()
    page.get_by_text("The test's results cover").wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    assert f"community={drop['community']}" in page.url, page.url
    communities = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert drop["community"] in communities and "c0" not in communities, communities
    page.screenshot(path=str(shots / "health_to_ab.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
