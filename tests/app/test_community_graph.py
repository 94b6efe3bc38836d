"""AppTest of the community graph page on the sample workspace."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.shared_results import store

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
    # another analyst's session on the same data and settings gets the results computed for the first
    computed = store("_graph_significance").computed
    other = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not other.exception and store("_graph_significance").computed == computed
    assert [(m.label, m.value) for m in other.metric] == [(m.label, m.value) for m in at.metric]

    hub = ground_truth["hubs"]["0"][0]
    at.text_input(key="graph_search").input(hub).run()
    assert not at.exception
    assert at.success and at.success[0].value.startswith(f"{hub} is in community #")
    at.text_input(key="graph_search").input("no-such-user").run()
    assert any("no-such-user" in w.value for w in at.warning)
    _focused_on_c3(at, sample_ws)

    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "社群图谱"
    assert "用户" in {m.label for m in at.metric}
    assert "成员数" in at.dataframe[0].value.columns


def _focused_on_c3(at: AppTest, sample_ws) -> None:
    """The community filter on c3 (as the health view's drill-down sets it): the profile rows are the
    detected communities holding c3's members (counted as in the posts), the influencers are members,
    and ?community=c3 follows."""
    posts, edges = sample_ws.read("posts"), sample_ws.read("edges")
    members = set(posts.loc[posts["community"] == "c3", "user_id"].astype(str))
    in_graph = members & (set(edges["src"].astype(str)) | set(edges["dst"].astype(str)))
    at.sidebar.multiselect(key="graph_communities").set_value(["c3"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["community"] in ("c3", ["c3"])
    assert any(f"Showing {len(in_graph):,} of 2,000 users" in i.value for i in at.info)
    profiles = at.dataframe[0].value
    focused = profiles["members of the filtered community"]
    assert focused.sum() == len(in_graph) and (focused <= profiles["members"]).all() and len(profiles) < 8
    assert set(at.dataframe[1].value["user"]) <= members  # the influencers
    # (clearing, the same ui.focus code on every view, is checked on the churn and A/B pages)
