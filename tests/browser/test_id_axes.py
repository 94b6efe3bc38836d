"""Ids are categories in the chart the browser draws (issue 25, item 7): the recommender's "because
you engaged with..." chart on real OTTO sessions has one bar per item id, tick labels that are the
ids themselves (not a 1.4M-1.8M number axis), and percentages that tell small weights apart."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.browser.conftest import running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXIS_JS = """() => {
  const el = [...document.querySelectorAll('.js-plotly-plot')].find(
    p => (p._fullData || []).some(t => t.type === 'bar' && t.orientation === 'h'));
  if (!el) return null;
  return {type: el._fullLayout.yaxis.type, y: [...el._fullData[0].y].map(String),
          ticks: [...el.querySelectorAll('.ytick text')].map(t => t.textContent),
          xticks: [...el.querySelectorAll('.xtick text')].map(t => t.textContent)};
}"""


INDEX_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    p => (p._fullData || []).some(t => t.type === 'bar' && t.orientation === 'h'))"""


def test_item_ids_are_a_category_axis_in_chromium(
    shared_datasets, isolated_data_dir, browser_page, wait_idle, tmp_path, monkeypatch
):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    sessions = [json.loads(line) for line in (shared_datasets / "otto_sessions_sample" / "train.jsonl").open()]
    rows = [(s["session"], e["aid"], e["ts"], e["type"]) for s in sessions for e in s["events"]]
    pd.DataFrame(rows, columns=["session", "aid", "ts", "type"]).to_csv(tmp_path / "otto.csv", index=False)
    ingest_file(open_workspace("ids-otto"), str(tmp_path / "otto.csv"), "interactions")  # session -> user_id

    monkeypatch.setenv("CE_RECO_EPOCHS", "1")
    monkeypatch.setenv("CE_WORKSPACE", "ids-otto")
    with running_app(isolated_data_dir, tmp_path) as url:
        page = browser_page
        page.goto(url)
        page.get_by_role("heading", name="Community economy dashboard").wait_for(timeout=120_000)
        wait_idle(page)
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Recommendations").click()
        page.get_by_role("heading", name="Recommendations", exact=True).wait_for(timeout=120_000)
        wait_idle(page, 180_000)
        page.get_by_role("button", name="Train the recommender").click()
        page.wait_for_function(f"({AXIS_JS})() !== null", timeout=240_000)
        wait_idle(page, 120_000)
        axis = page.evaluate(AXIS_JS)
        chart = page.locator(".js-plotly-plot").nth(page.evaluate(INDEX_JS))
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "reco_ids.png"))
    assert axis["type"] == "category", axis
    ids = {str(e["aid"]) for s in sessions for e in s["events"]}
    assert axis["y"] and set(axis["y"]) <= ids and len(set(axis["y"])) == len(axis["y"])
    shown = [t for t in axis["ticks"] if t]
    assert shown and set(shown) <= set(axis["y"]), axis  # each tick is an id, never '1.4M'
    assert len(set(axis["xticks"])) == len(axis["xticks"]), axis  # no '0%, 1%, 1%'
