"""User strings in charts are text, never markup: in real Chromium a community or user named like a
link shows as literal characters in the graph and sentiment charts, and no `<a>` or `<b>` appears
in any plotly SVG."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

EVIL = '<a href="https://example.com/evil">clickme</a>'
BOLD = "<b>x</b>"

NO_MARKUP_JS = """() => [...document.querySelectorAll('.js-plotly-plot svg')]
  .reduce((n, svg) => n + svg.querySelectorAll('a, b').length, 0)"""


@pytest.fixture(scope="module")
def hostile(sample_ws, tmp_path_factory):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    d = tmp_path_factory.mktemp("hostile")
    users = [EVIL, BOLD] + [f"u{i}" for i in range(20)]
    posts = pd.DataFrame(
        {
            "user_id": [users[i % len(users)] for i in range(240)],
            "ts": pd.date_range("2026-01-01", periods=240, freq="8h").astype(str),
            "text": ["great stay, lovely staff" if i % 3 else "awful, noisy and dirty" for i in range(240)],
            "community": [EVIL if i % 2 else BOLD for i in range(240)],
        }
    )
    posts.to_csv(d / "posts.csv", index=False)
    edges = pd.DataFrame({"src": users, "dst": users[1:] + users[:1]})
    edges.to_csv(d / "edges.csv", index=False)
    ws = open_workspace("hostile")
    ingest_file(ws, str(d / "posts.csv"), "posts")
    ingest_file(ws, str(d / "edges.csv"), "edges")
    return ws


def _no_markup(page) -> None:
    assert page.evaluate(NO_MARKUP_JS) == 0
    assert page.locator('a[href="https://example.com/evil"]').count() == 0


def test_hostile_user_shows_as_text_in_the_graph(hostile, streamlit_url, browser_page, wait_idle, tmp_path):
    page = browser_page
    page.goto(f"{streamlit_url}/community_graph?ws=hostile&lang=en")
    page.get_by_text("Community profiles").wait_for(timeout=120_000)
    wait_idle(page)
    search = page.get_by_role("textbox", name="Find a user")
    search.fill(EVIL)
    search.press("Enter")
    wait_idle(page)
    label = page.locator(".js-plotly-plot svg .textpoint text").first  # the found user, drawn as SVG text
    label.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "hostile_graph.png"), full_page=True)
    assert label.text_content() == EVIL
    _no_markup(page)
    # hover text of the nodes carries the escaped id (plotly decodes the entities when drawing)
    hover = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        el => (el._fullData || []).filter(t => t.customdata).flatMap(t => [...t.customdata].map(r => r[0])))""")
    assert '&lt;a href="https://example.com/evil"&gt;clickme&lt;/a&gt;' in hover, hover[:5]


def test_hostile_community_shows_as_text_in_the_sentiment_legend(
    hostile, streamlit_url, browser_page, wait_idle, tmp_path
):
    page = browser_page
    page.goto(f"{streamlit_url}/sentiment_trends?ws=hostile&lang=en")
    page.get_by_text("Sentiment and volume over time").wait_for(timeout=120_000)
    wait_idle(page, 180_000)
    page.locator(".js-plotly-plot .legend").first.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "hostile_sentiment.png"), full_page=True)
    legend = page.locator(".js-plotly-plot .legend .legendtext").all_text_contents()
    assert EVIL in legend and BOLD in legend, legend
    _no_markup(page)
