"""Choices that survive navigation (AppTest through the router): workspace and language in the
session and the URL, page choices kept when the user comes back, the shared date range."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _other_workspace(tmp_path, name: str = "hotel-nav2"):
    from core.data.ingest import ingest_file
    from core.data.workspace import list_workspaces, open_workspace

    ws = open_workspace(name)
    if name not in list_workspaces() or not ws.has("posts"):
        pd.DataFrame(
            {
                "text": ["很好", "太差了", "great", "awful"] * 10,
                "ts": pd.date_range("2026-02-01", periods=40, freq="2D").astype(str),
                "community": ["a", "b"] * 20,
            }
        ).to_csv(tmp_path / "p.csv", index=False)
        ingest_file(ws, str(tmp_path / "p.csv"), "posts")
    return ws


def test_workspace_language_and_page_choices_survive_page_changes(sample_ws, tmp_path):
    ws = _other_workspace(tmp_path)
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert at.sidebar.selectbox(key="workspace").value == "sample"
    at.sidebar.selectbox(key="workspace").set_value(ws.name).run()
    assert at.query_params["ws"] in (ws.name, [ws.name])

    at.switch_page("pages/sentiment_trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="workspace").value == ws.name
    at.multiselect(key="sent_communities").set_value(["b"]).run()
    at.switch_page("pages/community_graph.py").run()  # draws none of the sentiment widgets
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="workspace").value == ws.name
    at.switch_page("pages/sentiment_trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="sent_communities").value == ["b"]  # the page's own choice came back

    # the sample: graph settings and the date range, shared by the graph and sentiment views
    at.sidebar.selectbox(key="workspace").set_value("sample").run()
    at.switch_page("pages/community_graph.py").run()
    at.sidebar.selectbox(key="graph_method").set_value("louvain").run()
    at.sidebar.number_input(key="graph_min_weight").set_value(2.0).run()
    start, end = at.sidebar.date_input(key="graph_dates").value
    picked = (start + pd.Timedelta(days=20), end - pd.Timedelta(days=20))
    at.sidebar.date_input(key="graph_dates").set_value(picked).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/sentiment_trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    first, last = sample_ws.read("posts")["ts"].min().date(), sample_ws.read("posts")["ts"].max().date()
    assert at.date_input(key="sent_dates").value == (max(picked[0], first), min(picked[1], last))
    at.switch_page("pages/community_graph.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="graph_method").value == "louvain"
    assert at.sidebar.number_input(key="graph_min_weight").value == 2.0
    assert tuple(at.sidebar.date_input(key="graph_dates").value) == picked
    at.sidebar.selectbox(key="workspace").set_value(ws.name).run()

    at.switch_page("pages/home.py").run()
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.query_params["lang"] in ("zh", ["zh"])
    # (AppTest formats selectbox values in English outside the session, so the views are visited
    # once in Chinese here; tests/browser/test_navigation.py clicks through all of them)
    at.switch_page("pages/sentiment_trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "情感趋势"
    assert at.sidebar.selectbox(key="workspace").value == ws.name and at.sidebar.selectbox(key="lang").value == "zh"
    # filters belong to their workspace (issue 25 item 2): the sample's choices stayed with the sample, and
    # this workspace opens on what the analyst last chose here (was ["a", "b"] while choices were global)
    assert at.multiselect(key="sent_communities").value == ["b"]


def test_url_opens_the_workspace_and_language(sample_ws, tmp_path):
    ws = _other_workspace(tmp_path)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["ws"] = ws.name
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "社群经济仪表盘"
    assert at.sidebar.selectbox(key="workspace").value == ws.name
    # an unknown workspace in a link falls back to the default instead of failing
    bad = AppTest.from_file(APP, default_timeout=180)
    bad.query_params["ws"] = "no-such-workspace"
    bad.run()
    assert not bad.exception and bad.sidebar.selectbox(key="workspace").value == "sample"


def _choices_script():
    """Radios, a selectbox, a multiselect and a select_slider whose options are stable ids shown
    through the translation table, under the app's language picker (ui.common.sidebar_controls)."""
    import streamlit as st

    from ui.common import page_setup, tr
    from ui.state import sticky

    page_setup("home.title")
    modes = {m: tr(f"home.mode_{m}") for m in ("replace", "append")}  # labels of this run, as the app's
    algos = {m: tr(f"graph.algo.{m}") for m in ("leiden", "louvain")}
    tables = {n: tr(f"home.about.{n}") for n in ("users", "posts")}
    st.radio(tr("home.mode"), list(modes), key="mode_x", format_func=modes.get)
    sticky(st.selectbox, tr("graph.algorithm"), list(algos), key="algo_x", format_func=algos.get)
    st.multiselect(tr("home.table"), list(tables), key="tables_x", format_func=tables.get)
    st.select_slider(tr("home.mode"), list(modes), key="slide_x", format_func=modes.get)


def test_choices_keep_their_option_when_the_language_changes(sample_ws):
    """The browser sends a choice back as its shown text; after a language switch that text is not
    among the new labels, and Streamlit fell back to the default (or showed nothing selected)."""
    at = AppTest.from_function(_choices_script, default_timeout=60)
    at.session_state["workspace"] = "sample"
    at.run()
    at.radio(key="mode_x").set_value("append")
    at.selectbox(key="algo_x").set_value("louvain")
    at.multiselect(key="tables_x").set_value(["posts"])
    at.select_slider(key="slide_x").set_value("append").run()
    assert not at.exception, [e.value for e in at.exception]
    for lang in ("zh", "en", "zh"):
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.radio(key="mode_x").value == "append", lang  # not 'Append to its rows…', not the default
        assert at.selectbox(key="algo_x").value == "louvain", lang
        assert at.multiselect(key="tables_x").value == ["posts"], lang
        assert at.select_slider(key="slide_x").value == "append", lang
