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


def test_summary_upload_opens_portfolio_and_forest_plot(streamlit_url, browser_page, wait_idle, tmp_path):
    """A platform export of per-variant summaries uploaded on the A/B page in Chromium."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(4)
    rows = []
    for e in range(4):
        for v in ("control", "treatment"):
            n = int(rng.integers(3000, 3200))
            rows.append(
                {
                    "experiment": f"checkout-{e}",
                    "metric": "orders",
                    "variant": v,
                    "count": n,
                    "conversions": int(rng.binomial(n, 0.1 + (0.04 if e == 1 and v == "treatment" else 0))),
                }
            )
    path = tmp_path / "export.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    page = browser_page
    page.goto(f"{streamlit_url}/ad_ab_results")
    page.get_by_text("Upload per-variant summaries").wait_for(timeout=90_000)
    wait_idle(page)
    page.get_by_text("Upload per-variant summaries").click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("4 experiments").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2  # portfolio and the opened experiment
    # the forest plot of the first experiment is drawn by plotly.js
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("Experiment checkout-0").count() == 1
    # clicking a row of the portfolio (its selection box: the grid is a canvas) opens that experiment
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 * 2.5)  # header row, then the second data row
    page.get_by_text("Experiment checkout-1").wait_for(timeout=30_000)
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
    page.get_by_text("Experiment checkout-1").scroll_into_view_if_needed()
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    page.screenshot(path=str(tmp_path / "detail.png"))
