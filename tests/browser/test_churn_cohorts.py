"""The churn page in Chromium: a real snapshot export (Telco) uploaded on the page, the model trained
from the page, and the model card, at-risk list and charts drawn."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_churn_page_trains_on_uploaded_telco(streamlit_url, browser_page, wait_idle, shared_datasets, tmp_path):
    page = browser_page
    telco = next((shared_datasets / "telco_churn").glob("*.csv"))
    page.goto(f"{streamlit_url}/churn_cohorts")
    page.get_by_text("Retention by cohort").wait_for(timeout=90_000)  # the sample's events come first
    wait_idle(page)
    page.get_by_text("Upload a CSV").click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(telco))
    train = page.get_by_role("button", name="Train", exact=True)  # not the budget help button
    train.wait_for(timeout=90_000)
    wait_idle(page)
    # the guessed columns: the customer id and the Churn label (a snapshot: no time column)
    assert page.get_by_role("combobox", name="User / customer column").input_value() == "customerID"
    assert page.get_by_role("combobox", name="Churn label column").input_value() == "Churn"
    train.click()
    page.get_by_text("Model card (test users)").wait_for(timeout=300_000)
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "churn_telco.png"), full_page=True)
    assert page.get_by_text("At-risk users").count() >= 1
    assert page.get_by_role("button", name="Download at-risk users (CSV)").count() == 1
    assert page.locator(".js-plotly-plot").count() >= 2  # calibration and attributions at least
    assert page.locator('[data-testid="stException"]').count() == 0
