"""The chart code loads while the analyst reads the home page (ui.prefetch), and the chart view then
uses that very module: the browser fetches Streamlit's Plotly chunk once, before any chart is opened."""

from __future__ import annotations

import pytest

from core.i18n import t
from ui.prefetch import plotly_chunk

pytestmark = pytest.mark.browser

FETCHES = "(c) => performance.getEntriesByType('resource').filter(e => e.name.endsWith('/' + c)).length"


def test_the_home_page_loads_the_chart_code_that_the_graph_view_then_uses(streamlit_url, browser_page, wait_idle):
    chunk = plotly_chunk()
    assert chunk is not None
    page = browser_page
    page.goto(streamlit_url)
    page.get_by_role("heading", name=t("home.title", "en")).wait_for(timeout=120_000)
    wait_idle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # the home page draws no chart
    page.wait_for_function(f"(c) => ({FETCHES})(c) > 0", arg=chunk, timeout=30_000)
    page.wait_for_function("() => performance.getEntriesByType('resource').every(e => e.responseEnd > 0)")
    assert page.locator('[data-testid="stException"]').count() == 0

    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t("nav.community_graph", "en")).click()
    page.get_by_role("heading", name=t("graph.title", "en")).wait_for(timeout=180_000)
    wait_idle(page, 240_000)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)
    # the view's own lazy import found the module already in the document: no second fetch of it
    assert page.evaluate(FETCHES, chunk) == 1
    assert page.locator('[data-testid="stException"]').count() == 0
