"""The community network really renders in Chromium: a plotly WebGL chart with every sample user."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# _fullData: plotly.js's decoded traces (the figure JSON ships numpy arrays as base64 blobs)
# one scattergl trace of nodes per community named in the legend (plus a grey "other" one)
NODES_JS = """el => {
  const groups = (el._fullData || []).filter(t => t.type === 'scattergl' && t.name !== 'edges');
  const canvas = el.querySelector('canvas');
  return {points: groups.reduce((n, t) => n + t.x.length, 0), colours: new Set(groups.map(t => t.marker.color)).size,
          legend: groups.map(t => t.name), canvas: canvas ? canvas.width * canvas.height : 0,
          traces: (el._fullData || []).map(t => t.name + ':' + t.type)};
}"""


def test_network_renders_with_every_user_coloured_by_community(streamlit_url, browser_page, wait_idle, tmp_path):
    page = browser_page
    page.goto(streamlit_url + "/community_graph")
    page.get_by_text("Community profiles").wait_for(timeout=120_000)
    wait_idle(page)
    # the WebGL network draws after the small bar charts: wait for the plot that holds the nodes
    find = (
        "() => [...document.querySelectorAll('.js-plotly-plot')].findIndex("
        "el => (el._fullData || []).some(t => t.name === 'edges'))"
    )
    page.wait_for_function(f"({find})() >= 0", timeout=60_000)
    chart = page.locator(".js-plotly-plot").nth(page.evaluate(find))
    info = chart.evaluate(NODES_JS)
    page.screenshot(path=str(tmp_path / "community_graph.png"), full_page=True)
    assert info["points"] == 2000 and info["colours"] == 8, info
    assert info["legend"] == [f"#{c}" for c in range(8)], info  # the legend names every community
    assert chart.locator(".legend .traces").count() == 8
    assert info["canvas"] > 0  # WebGL canvas laid out, not just the data attached
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 400
