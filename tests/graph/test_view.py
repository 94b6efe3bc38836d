"""The community graph page's view (core.graph.view): one community label everywhere, date windows,
the member search and the display kinds of its numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.graph.analysis import GraphSettings, analyse_communities
from core.graph.view import column_kinds, date_window, drill_label, find_member, graph_page, named


@pytest.fixture(scope="module")
def planted_analysis(planted_edges_factory):
    return analyse_communities({"edges": planted_edges_factory()}, GraphSettings(resolution=1.0))


def test_communities_are_named_alike_in_tables_legends_and_bars(planted_analysis):
    for lang in ("en", "zh"):
        page = graph_page(planted_analysis, lang)
        assert page.profiles["community"].str.fullmatch(r"#\d+").all()
        assert page.influence["community"].str.fullmatch(r"#\d+").all()
        bars = list(page.sizes.data[0].x)
        assert bars == [f"#{c}" for c in range(len(bars))] and page.sizes.layout.xaxis.type == "category"
        legend = {tr.name for tr in page.growth.data}
        assert legend <= set(page.profiles["community"])
    assert dict(graph_page(planted_analysis, "zh").metrics)["社群数"] == str(planted_analysis.result.n_communities)


def test_a_whole_span_or_a_half_pick_is_no_window_and_the_last_day_is_whole():
    span = (pd.Timestamp("2026-01-01 08:00"), pd.Timestamp("2026-03-01 17:00"))
    assert date_window(span, (dt.date(2026, 1, 1), dt.date(2026, 3, 1))) == (None, None)
    assert date_window(span, (dt.date(2026, 1, 5),)) == (None, None) and date_window(None, None) == (None, None)
    start, end = date_window(span, (dt.date(2026, 1, 5), dt.date(2026, 1, 9)))
    assert start == pd.Timestamp("2026-01-05") and end == pd.Timestamp("2026-01-09 23:59:59")


def test_the_search_finds_a_member_with_their_neighbours(planted_analysis):
    a = planted_analysis
    node = str(a.graph.nodes[0])
    found = find_member(a, node, "zh")
    community = int(a.result.membership[0])
    assert found.community == community and f"属于社群 #{community}" in found.message
    assert found.neighbours["community"].str.fullmatch(r"#\d+").all() and len(found.neighbours) > 0
    assert find_member(a, "nobody", "en") is None
    assert drill_label(a.result, None, "zh") == "全部社群" and drill_label(a.result, 0, "en").startswith("#0 (")


def test_display_kinds_counted_ties_and_shares():
    frame = pd.DataFrame({"weight": [1.0, 3.0], "strength": [0.5, 2.0], "pagerank": [0.01, 0.02]})
    assert column_kinds(frame) == {"pagerank": "share", "weight": "count"}
    assert named(pd.DataFrame({"community": [0, 2], "gat_community": [1, 1]})).to_dict("list") == {
        "community": ["#0", "#2"],
        "gat_community": ["#1", "#1"],
    }


def test_the_profile_axis_labels_round_counts_only():
    from core.viz.resolution import log_ticks

    assert log_ticks([6, 8, 120]) == [1, 2, 5, 10, 20, 50, 100, 200]
    assert log_ticks([3]) == [1, 2, 5] and log_ticks([]) == [1, 2]


def test_the_attention_models_placements_list_low_degree_members_most_confident_first(planted_analysis):
    import numpy as np

    from core.graph.attention import GATPlacement
    from core.graph.view import placements

    a = planted_analysis
    n = a.graph.n_nodes
    low = np.zeros(n, bool)
    low[:3] = True
    gat = a.result.membership.copy()
    gat[0] = (gat[0] + 1) % a.result.n_communities  # one low-degree member moved
    placement = GATPlacement(
        a.graph.nodes, gat, gat, np.linspace(0.2, 0.9, n), np.zeros(n), low, metrics={"val_accuracy": 0.5}
    )
    note, frame = placements(placement, a.result, "zh")
    assert "已定位 3 位低连接用户" in note and "其中 1 位" in note and "50.0%" in note
    assert list(frame["confidence"]) == sorted(frame["confidence"], reverse=True) and len(frame) == 3
    assert "low_degree" not in frame.columns and frame["gat_community"].str.fullmatch(r"#\d+").all()
