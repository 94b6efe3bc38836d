"""The community network really renders in Chromium: a plotly SVG chart with every sample user drawn
as a marker and every drawn tie in one path under them."""

from __future__ import annotations

import pytest

from core.graph.layout import MAX_DRAWN_EDGES

pytestmark = pytest.mark.browser

# _fullData: plotly.js's decoded traces (the figure JSON ships numpy arrays as base64 blobs)
# one scatter trace of nodes per community named in the legend (plus a grey "other" one); the
# markers and the ties' path as the browser drew them (SVG elements, not only data)
NODES_JS = """el => {
  const groups = (el._fullData || []).filter(t => t.type === 'scatter' && t.name !== 'highlight');
  const ties = [...el.querySelectorAll('.shapelayer path')].map(p => (p.getAttribute('d') || '').split('M').length - 1);
  return {points: groups.reduce((n, t) => n + t.x.length, 0), colours: new Set(groups.map(t => t.marker.color)).size,
          legend: groups.map(t => t.name), drawn: el.querySelectorAll('.scatterlayer .points path.point').length,
          ties: Math.max(0, ...ties), canvases: el.querySelectorAll('canvas').length,
          traces: (el._fullData || []).map(t => t.name + ':' + t.type)};
}"""


def test_network_renders_with_every_user_coloured_by_community(streamlit_url, browser_page, wait_idle, tmp_path):
    page = browser_page
    page.goto(streamlit_url + "/community_graph")
    page.get_by_text("Community profiles").wait_for(timeout=120_000)
    wait_idle(page)
    # the network draws after the small bar charts: wait for the plot whose shapes hold the ties
    find = (
        "() => [...document.querySelectorAll('.js-plotly-plot')].findIndex("
        "el => ((el._fullLayout || {}).shapes || []).some(s => s.name === 'edges'))"
    )
    page.wait_for_function(f"({find})() >= 0", timeout=60_000)
    chart = page.locator(".js-plotly-plot").nth(page.evaluate(find))
    info = chart.evaluate(NODES_JS)
    page.screenshot(path=str(tmp_path / "community_graph.png"), full_page=True)
    assert info["points"] == 2000 and info["colours"] == 8, info
    assert info["legend"] == [f"#{c}" for c in range(8)], info  # the legend names every community
    assert chart.locator(".legend .traces").count() == 8
    assert info["drawn"] == 2000, info  # every user drawn as an SVG marker, not just the data attached
    assert 1000 < info["ties"] <= MAX_DRAWN_EDGES, info  # the heaviest ties, one path
    assert info["canvases"] == 0, info  # no WebGL: a browser without a GPU reads canvases back every frame
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 400
