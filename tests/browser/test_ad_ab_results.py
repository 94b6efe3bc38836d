"""The A/B page in Chromium: the verdict and the plotly charts actually render."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_ab_page_renders_verdict_and_charts(streamlit_url, browser_page, wait_idle, ground_truth):
    page = browser_page
    page.goto(f"{streamlit_url}/ad_ab_results")
    winner = ground_truth["ad"]["lift_variant"]
    page.get_by_text(f"Winner: {winner}").wait_for(timeout=90_000)
    wait_idle(page)
    # the first tab (cumulative lift with its sequential band) is drawn by plotly.js in the page
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    page.get_by_role("tab", name="Power calculator").click()
    page.get_by_text("minimum detectable effect").wait_for(timeout=30_000)
