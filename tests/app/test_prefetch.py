"""ui.prefetch names the chunk Streamlit itself imports lazily for st.plotly_chart: a Streamlit upgrade
that renames or splits it fails here (the prefetch would then load nothing, or the wrong file)."""

from __future__ import annotations

import json

from ui.prefetch import SCRIPT, STATIC_JS, plotly_chunk


def test_the_prefetched_chunk_is_the_one_streamlits_entry_imports_for_plotly_charts():
    chunk = plotly_chunk()
    assert chunk is not None, f"no single PlotlyChart chunk in {STATIC_JS}"
    entries = list(STATIC_JS.glob("index.*.js"))
    assert any(f"import(`./{chunk}`)" in p.read_text(encoding="utf-8") for p in entries), chunk


def test_the_script_carries_only_the_quoted_chunk_name():
    chunk = plotly_chunk()
    body = SCRIPT % json.dumps(chunk)
    assert body.count(json.dumps(chunk)) == 1
    assert body.startswith("<script>") and body.rstrip().endswith("</script>")
