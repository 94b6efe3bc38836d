"""AppTest of the community graph page on the sample workspace."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "community_graph.py")


def test_page_shows_planted_communities_search_and_profiles(sample_ws, ground_truth):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Users"] == "2,000" and metrics["Communities"] == "8"
    assert float(metrics["Modularity"]) > 0.6 and float(metrics["Stability across seeds (NMI)"]) > 0.9
    profiles = at.dataframe[0].value
    assert len(profiles) == 8 and profiles["members"].sum() == 2000
    assert {"density", "top members", "mean sentiment", "churn rate", "ad conversion rate"} <= set(profiles.columns)
    assert at.selectbox(key="graph_method").value == "leiden"

    hub = ground_truth["hubs"]["0"][0]
    at.text_input(key="graph_search").input(hub).run()
    assert not at.exception
    assert at.success and at.success[0].value.startswith(f"{hub} is in community #")
    at.text_input(key="graph_search").input("no-such-user").run()
    assert any("no-such-user" in w.value for w in at.warning)

    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "社群图谱"
    assert "用户" in {m.label for m in at.metric}
    assert "成员数" in at.dataframe[0].value.columns
