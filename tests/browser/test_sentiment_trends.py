"""The sentiment page in Chromium on the sample: the planted drop is marked, and choosing it shows
its terms and example posts as text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_sentiment_page_marks_the_planted_shift(streamlit_url, browser_page, wait_idle, ground_truth, tmp_path):
    page = browser_page
    page.goto(f"{streamlit_url}/sentiment_trends")
    page.get_by_text("Sentiment and volume over time").wait_for(timeout=120_000)
    wait_idle(page, 180_000)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    drop = ground_truth["sentiment_drop"]
    # the shift picker offers the planted community and week
    chosen = page.get_by_role("combobox", name="Choose a shift").input_value()
    assert f"{drop['community']} · {drop['week_start']}" in chosen, chosen
    page.screenshot(path=str(tmp_path / "sentiment.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    # example posts are shown as text: upload text never becomes markup
    assert page.locator('[data-testid="stMarkdownContainer"] script').count() == 0
    assert page.locator('[data-testid="stText"]').count() >= 1  # the shift's example posts
