"""The chart code, loaded while the analyst reads a page without charts.

Every chart in the app is Plotly, drawn by Streamlit's `PlotlyChart` script chunk: 4.7 MB that a
browser meeting it for the first time fetches, compiles and evaluates before it draws anything
(measured here: about 1 s of the browser's main thread on one core, paid by whichever view the
analyst opens first). The home page and the health view draw no chart, so at their end they ask
the browser to load that chunk once the page has been drawn and the browser is idle. A dynamic
`import()` of the chunk's URL fills the document's module map, so the chart view's own lazy import of
the same URL later finds it evaluated. Streamlit's navigation between pages keeps the document, so
once per browser tab is enough (the script marks the window).

The script is ours alone: the chunk's file name comes from Streamlit's installed static folder (JSON
escaped), no upload text goes near it. If a Streamlit upgrade renames the chunk, `plotly_chunk`
finds nothing and no script is sent (`tests/app/test_prefetch.py` then fails, so it is noticed).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"
CHUNK_GLOB = "PlotlyChart.*.js"

# Runs once per document: waits for the page's script run to finish and its elements to have loaded
# their code, then for an idle moment (at most 0.5 s), then imports the chunk relative to Streamlit's
# own entry script (whatever the base URL).
SCRIPT = """<script>
(() => {
  if (window.__chartsPrefetched) return;
  window.__chartsPrefetched = true;
  const chunk = %s;
  const entry = [...document.scripts].find((s) => /\\/static\\/js\\/index\\.[^/]+\\.js$/.test(s.src));
  if (!entry) return;
  const load = () => import(new URL(chunk, entry.src).href).catch(() => {});
  const app = document.querySelector('[data-testid="stApp"]');
  // after the run, and after the elements still loading their own code (skeletons) have drawn
  let waited = 0;
  const settled = () => !document.querySelector('[data-testid="stSkeleton"]') || (waited += 100) > 3000;
  const start = () => (settled() ? requestIdleCallback(load, {timeout: 500}) : setTimeout(start, 100));
  if (!app || app.getAttribute('data-test-script-state') === 'notRunning') return start();
  const seen = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return;
    seen.disconnect();
    start();
  });
  seen.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
})();
</script>"""


@cache
def plotly_chunk() -> str | None:
    """The file name of Streamlit's Plotly chunk, or None when there is not exactly one."""
    found = sorted(p.name for p in STATIC_JS.glob(CHUNK_GLOB))
    return found[0] if len(found) == 1 else None


def prefetch_charts() -> None:
    """At the end of a page without charts: the browser loads the chart code in its idle time."""
    chunk = plotly_chunk()
    if chunk is not None:
        st.html(SCRIPT % json.dumps(chunk), unsafe_allow_javascript=True)
