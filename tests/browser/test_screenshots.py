"""Every view as a reader sees it: a full-page screenshot of each of the seven pages, reached by clicking
the sidebar links, in English and in 简体中文 on the sample community, and in 简体中文 on a real upload
(SNAP's email-Eu-core network, uploaded through the home page). Each page must render without an exception box.

The screenshots are kept under test-artifacts/screenshots/ (git-ignored) for a person to look at; one
server and one browser serve the whole module.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.i18n import t

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("CE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"))
PAGES = (
    "home",
    "community_health",
    "community_graph",
    "sentiment_trends",
    "ad_ab_results",
    "churn_cohorts",
    "recommendations",
)
TITLES = ("home.title", "health.title", "graph.title", "sent.title", "ab.title", "churn.title", "reco.title")
VIEWS = dict(zip(PAGES, TITLES))  # -> title key


@pytest.fixture(scope="module")
def page(_browser, streamlit_url):
    context = _browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(streamlit_url)
    yield page
    context.close()


def _pick_language(page, lang: str, wait_idle) -> None:
    """Choose the UI language in the sidebar, as a user does (the picker's label is in the current one)."""
    other = "zh" if lang == "en" else "en"
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name=t("common.language", other)).click()
    page.get_by_role("option", name={"en": "English", "zh": "简体中文"}[lang], exact=True).click()
    wait_idle(page)


def _full_page_shot(page, path: Path) -> None:
    """Streamlit scrolls inside its main section, so a full-page screenshot needs a viewport as tall as
    that section's content; every expander is opened first so that its content is seen too."""
    page.evaluate(
        "document.querySelectorAll('[data-testid=stExpander] details:not([open]) > summary').forEach(s => s.click())"
    )
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height) + 50, 16000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _shoot_every_view(page, lang: str, data: str, wait_idle) -> list[str]:
    """Click through the six views; returns the views that showed an exception box or a radio with
    nothing selected."""
    broken = []
    for view, title in VIEWS.items():
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t(f"nav.{view}", lang)).first.click()
        page.get_by_role("heading", name=t(title, lang), exact=True).wait_for(timeout=240_000)
        wait_idle(page, 300_000)
        _full_page_shot(page, SHOTS / f"{data}-{lang}-{view}.png")
        if page.locator('[data-testid="stException"]').count():
            broken.append(f"{data}/{lang}/{view}")
        for group in page.get_by_role("radiogroup").all():  # a language switch once left radios blank
            if group.get_by_role("radio", checked=True).count() != 1:
                broken.append(f"{data}/{lang}/{view}: radio '{group.inner_text()[:40]}' shows no choice")
    return broken


def test_every_view_in_both_languages_on_the_sample_and_an_upload(page, wait_idle, shared_datasets):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("heading", name=t("home.title", "en")).wait_for(timeout=120_000)
    wait_idle(page)
    broken = _shoot_every_view(page, "en", "sample", wait_idle)
    _pick_language(page, "zh", wait_idle)
    broken += _shoot_every_view(page, "zh", "sample", wait_idle)

    # a real upload through the home page (in Chinese): SNAP's e-mail network, read as edges
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t("nav.home", "zh")).first.click()
    wait_idle(page)
    edges = shared_datasets / "email_eu_core" / "email-Eu-core.txt"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(edges))
    page.get_by_role("button", name=t("home.ingest", "zh"), exact=True).wait_for()
    wait_idle(page)
    _full_page_shot(page, SHOTS / "upload-zh-mapping.png")
    page.get_by_role("button", name=t("home.ingest", "zh"), exact=True).click()
    page.locator('[data-testid="stAlertContentSuccess"]').wait_for(timeout=120_000)
    wait_idle(page)
    broken += _shoot_every_view(page, "zh", "upload", wait_idle)  # (English on an upload: other browser tests)
    assert not broken, broken
