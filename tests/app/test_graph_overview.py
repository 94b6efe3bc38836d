"""AppTest: a graph with many communities (email-Eu-core) shows the community-level graph beside the
member graph, and the analyst picks which communities get colours (issue 25, item 7)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "community_graph.py")


def _values(data) -> np.ndarray:
    """A trace's array as sent to the browser (plotly sends numbers as base64 typed arrays)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
    return np.asarray(data if data is not None else [])


def _network_specs(at) -> tuple[dict, dict]:
    """(member graph, community graph) figures as the browser gets them."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    nets = [s for s in specs if s["layout"].get("yaxis", {}).get("scaleanchor") == "x"]
    users = next(
        s for s in nets if any(t.get("mode") == "markers" and len(_values(t.get("x"))) > 50 for t in s["data"])
    )
    comms = next(s for s in nets if s is not users)
    return users, comms


def _legend(spec: dict) -> list[str]:
    return [t["name"] for t in spec["data"] if t.get("mode") == "markers" and t.get("showlegend") is not False]


@pytest.mark.slow  # ~20 s: a real analysis of a real file
def test_many_communities_get_an_overview_and_a_colour_picker(shared_datasets, tmp_path, isolated_data_dir):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    edges = pd.read_csv(
        shared_datasets / "email_eu_core" / "email-Eu-core.txt", sep=" ", header=None, names=["src", "dst"]
    )
    edges.to_csv(tmp_path / "email.csv", index=False)
    ingest_file(open_workspace("overview-email"), str(tmp_path / "email.csv"), "edges")

    at = AppTest.from_file(PAGE, default_timeout=240)
    at.session_state["workspace"] = "overview-email"
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    n_comm = int(at.metric[1].value.replace(",", ""))
    assert n_comm > 10  # the case this is for
    picker = at.multiselect(key="graph_coloured")
    assert picker.value == list(range(10))  # the ten largest to start with
    users, comms = _network_specs(at)
    assert _legend(users)[:10] == [f"#{c}" for c in range(10)]
    # the community graph: one node per community with ties, sized by members (planted: the sizes
    # the analysis reports), links wider for heavier ties
    profiles = next(d.value for d in at.dataframe if "members" in d.value.columns)
    nodes = sum(len(_values(t["x"])) for t in comms["data"] if t.get("mode") == "markers")
    assert 10 < nodes <= n_comm
    sizes = np.concatenate(
        [np.asarray(t["customdata"])[:, 2].astype(float) for t in comms["data"] if t.get("mode") == "markers"]
    )
    assert sorted(sizes, reverse=True)[:5] == sorted(profiles["members"].astype(float), reverse=True)[:5]
    widths = {s["line"]["width"] for s in comms["layout"]["shapes"] if s.get("name") == "edges"}
    assert len(widths) >= 2

    at = picker.set_value([12, 3]).run()
    assert not at.exception, [e.value for e in at.exception]
    users, comms = _network_specs(at)
    assert set(_legend(users)) - {"other communities"} == {"#3", "#12"}
    assert set(_legend(comms)) - {"other communities"} == {"#3", "#12"}

    at.sidebar.selectbox(key="lang").set_value("zh").run()  # the pick survives a language switch
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="graph_coloured").value == [12, 3]
