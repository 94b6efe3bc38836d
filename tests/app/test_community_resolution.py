"""AppTest of the community page's resolution profile: the chart, the automatic scale, a picked scale."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "community_graph.py")


def _figure(at) -> dict:
    """The profile chart's plotly spec (the chart element holding the 'Chosen automatically' trace)."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if any(trace.get("name") == "Chosen automatically" for trace in spec["data"]):
            return spec
    raise AssertionError("no resolution profile chart on the page")


def test_profile_chart_marks_the_automatic_scale_and_a_pick_reruns_there(sample_ws, ground_truth):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    planted = len(set(ground_truth["communities"].values()))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Communities"] == str(planted)  # the automatic scale finds the planted groups

    spec = _figure(at)
    communities, stability, chosen = (
        next(t for t in spec["data"] if t["name"] == name)
        for name in ("Communities", "Agreement across seeds (ARI)", "Chosen automatically")
    )
    resolutions = communities["x"]
    assert len(resolutions) >= 8 and resolutions == sorted(resolutions)
    assert max(resolutions) / min(resolutions) >= 16  # from a few big communities to many small ones
    assert communities["y"][0] < communities["y"][-1]  # higher resolution, more communities
    assert all(0 <= s <= 1 for s in stability["y"])
    assert chosen["y"] == [planted] and chosen["x"][0] in resolutions
    assert communities["customdata"] == resolutions  # what a click on a point hands back
    assert any("was chosen automatically" in c.value for c in at.caption)

    # pick the finest scale (as a click on its point does): the page re-runs there
    picker = at.selectbox(key="graph_resolution_select")
    assert picker.value == "auto"
    picker.set_value(resolutions[-1]).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Communities"].replace(",", "")) > planted
    spec = _figure(at)
    shown = next(t for t in spec["data"] if t["name"] == "Shown")
    assert shown["x"] == [resolutions[-1]]
    assert len(at.dataframe[0].value) == int(metrics["Communities"].replace(",", ""))  # profiles follow

    # back to automatic
    at.selectbox(key="graph_resolution_select").set_value("auto").run()
    assert {m.label: m.value for m in at.metric}["Communities"] == str(planted)
    assert not any(t["name"] == "Shown" for t in _figure(at)["data"])

    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert any(s.label == "显示的尺度" for s in at.selectbox)


def test_large_graph_chooses_its_resolution_in_the_background(sample_ws, monkeypatch):
    """Above LARGE_EDGES source rows the profile is a background job with progress: the page opens
    at resolution 1.0 with a note, and shows the chosen scale and its profile once the job is done."""
    import core.graph.resolution as resolution
    from core.models import jobs

    monkeypatch.setattr(resolution, "LARGE_EDGES", 100)  # the sample's edges count as a large graph
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("in the background" in i.value for i in at.info)
    assert not any(c.proto.spec and "Chosen automatically" in c.proto.spec for c in at.get("plotly_chart"))
    assert {m.label: m.value for m in at.metric}["Users"] == "2,000"  # the page is usable meanwhile
    keys = [k for k in jobs.job_keys("graph-profile:") if "resolution='auto'" in k]
    assert keys
    job = jobs.get_job(keys[-1])
    assert job.wait(timeout=170) and job.status == jobs.DONE, job.error
    assert job.progress is not None and job.progress.stage == "graph.profile.stage"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("in the background" in i.value for i in at.info)
    spec = _figure(at)
    communities = next(t for t in spec["data"] if t["name"] == "Communities")
    assert communities["x"] == list(resolution.LARGE_RESOLUTIONS)  # the large-graph plan
    chosen = next(t for t in spec["data"] if t["name"] == "Chosen automatically")
    assert {m.label: m.value for m in at.metric}["Communities"] == str(chosen["y"][0])
