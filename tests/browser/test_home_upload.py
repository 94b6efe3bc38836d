"""A new user uploads a real export in Chromium, confirms the suggested mapping and sees the rows land."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_upload_real_csv_in_browser(streamlit_url, browser_page, wait_idle, shared_datasets, sample_ws, tmp_path):
    page = browser_page
    tweets = shared_datasets / "twitter_airline_sentiment" / "Tweets.csv"
    page.goto(streamlit_url)
    page.get_by_text("Upload data").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tweets))
    # the suggested mapping appears: Tweets.csv is recognised as posts with its text column
    page.get_by_role("button", name="Ingest").wait_for()
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
    page.get_by_role("button", name="Ingest").click()
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=120_000)
    text = success.inner_text()
    assert re.search(r"Tweets\.csv: 14,640 rows ingested into 'posts' of workspace 'my-data'", text), text
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "ingested.png"), full_page=True)
    # the data-health section now lists the new version of posts with its source file
    assert page.get_by_text("posts · 14,640 rows").count() == 1
    # the upload went into a workspace of its own: the sample community is untouched
    assert sample_ws.info("posts").version == 1 and sample_ws.info("posts").source == "posts.csv"


def test_a_page_url_opened_first_still_gets_the_router(fresh_app, browser_page, wait_idle):
    """A bookmark to a view, opened on a fresh server, shows our navigation (not pages/ file names)."""
    page = browser_page
    page.goto(fresh_app + "/sentiment_trends")
    wait_idle(page)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Home" in nav and "Sentiment trends" in nav, nav
    assert "sentiment trends" not in nav and "app" not in nav.split(), nav
