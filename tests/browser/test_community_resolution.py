"""A real click on a point of the resolution profile re-runs the community page at that scale."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIND = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].findIndex("
    "el => (el._fullData || []).some(t => t.name === 'Chosen automatically'))"
)

# pixel position (relative to the plot element) of the last point of the 'Communities' trace
POINT_JS = """el => {
  const t = el._fullData.find(t => t.name === 'Communities');
  const L = el._fullLayout, i = t.x.length - 1;
  const x = L.xaxis.l2p(L.xaxis.d2l(t.x[i])) + L._size.l;
  const y = L.yaxis.l2p(L.yaxis.d2l(t.y[i])) + L._size.t;
  return {x, y, resolution: t.x[i], communities: t.y[i]};
}"""

SHOWN_JS = "el => (el._fullData.find(t => t.name === 'Shown') || {x: []}).x"


def _communities(page) -> int:
    metric = page.locator('[data-testid="stMetric"]', has_text="Communities")
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_click_on_a_profile_point_shows_that_scale(streamlit_url, browser_page, wait_idle, tmp_path):
    page = browser_page
    page.goto(streamlit_url + "/community_graph")
    page.get_by_text("Resolution profile").wait_for(timeout=120_000)
    wait_idle(page)
    page.wait_for_function(f"({FIND})() >= 0", timeout=60_000)
    assert _communities(page) == 8
    chart = page.locator(".js-plotly-plot").nth(page.evaluate(FIND))
    chart.scroll_into_view_if_needed()
    point = chart.evaluate(POINT_JS)
    box = chart.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        f"() => {{ const el = document.querySelectorAll('.js-plotly-plot')[({FIND})()];"
        " return el && (el._fullData.find(t => t.name === 'Shown') || {x: []}).x.length > 0; }",
        timeout=120_000,
    )
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "resolution_click.png"), full_page=True)
    chart = page.locator(".js-plotly-plot").nth(page.evaluate(FIND))
    assert chart.evaluate(SHOWN_JS) == [point["resolution"]]
    assert _communities(page) > 8  # the finest scale splits the planted groups
