"""Layouts and figures: the user network, the community-level graph, search, and their plotly form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.graph.build import graph_from_edges
from core.graph.detect import detect_communities
from core.graph.influence import community_links, influence_table
from core.graph.layout import community_network, neighbourhood, user_network
from core.viz.graph import OTHER_COLOUR, community_colour, network_figure


def test_user_network_keeps_the_most_central_and_is_seeded(planted):
    graph, _ = planted
    r = detect_communities(graph)
    inf = influence_table(graph, r)
    view = user_network(graph, r, inf, max_nodes=50, max_edges=100, seed=3)
    assert len(view.nodes) == 50 and view.total_nodes == graph.n_nodes and view.truncated
    assert set(view.nodes["id"]) == set(inf["node"].head(50))
    assert len(view.edges) <= 100 and view.edges[["a", "b"]].to_numpy().max() < 50
    again = user_network(graph, r, inf, max_nodes=50, max_edges=100, seed=3)
    assert np.allclose(view.nodes[["x", "y"]], again.nodes[["x", "y"]])
    one = user_network(graph, r, inf, community=2)
    assert (one.nodes["community"] == 2).all() and len(one.nodes) == r.sizes[2]


def test_community_network_sizes_and_ties_match_the_partition(planted):
    graph, _ = planted
    r = detect_communities(graph)
    view = community_network(graph, r)
    assert view.level == "communities" and view.nodes["size"].tolist() == r.sizes
    links = community_links(graph, r)
    assert view.edges["weight"].sum() == links["weight"].sum()
    u, v, w = graph.undirected_edges()
    assert links["weight"].sum() == w[r.membership[u] != r.membership[v]].sum()


def test_neighbourhood_reports_both_directions():
    g = graph_from_edges(
        pd.DataFrame({"src": ["a", "b", "a", "c"], "dst": ["b", "a", "c", "d"], "weight": [2, 1, 1, 1]})
    )
    r = detect_communities(g)
    nb = neighbourhood(g, r, "a").set_index("neighbour")
    assert nb.loc["b", "weight_out"] == 2 and nb.loc["b", "weight_in"] == 1
    assert nb.loc["c", "weight_out"] == 1 and nb.loc["c", "weight_in"] == 0
    assert "d" not in nb.index


def test_network_figure_colours_nodes_by_community_and_highlights_search(planted):
    graph, _ = planted
    r = detect_communities(graph)
    view = user_network(graph, r)
    fig = network_figure(view, highlight=str(view.nodes["id"].iloc[0]), legend_top=2, other_label="rest")
    groups = [t for t in fig.data if t.name not in ("edges", "highlight")]
    assert sum(len(t.x) for t in groups) == graph.n_nodes
    # one legend entry per community among the 2 largest, named as in the tables, the rest grey
    assert r.n_communities > 2 and [t.name for t in groups] == ["#0", "#1", "rest"]
    for t in groups[:2]:
        c = int(t.name[1:])
        assert t.marker.color == community_colour(c) and len(t.x) == (view.nodes["community"] == c).sum()
        assert {row[1] for row in t.customdata} == {t.name}  # hover names the same community
    assert groups[-1].marker.color == OTHER_COLOUR and len(groups[-1].x) == (view.nodes["community"] >= 2).sum()
    assert any(t.name == "highlight" for t in fig.data)
    assert not any(t.name == "edges" for t in fig.data)  # ties are one path under the nodes, not a trace
    (edges,) = [s for s in fig.layout.shapes if s.name == "edges"]
    assert edges.layer == "below" and edges.path.count("M") == edges.path.count("L") == len(view.edges)
    x, y = view.nodes["x"].to_numpy(), view.nodes["y"].to_numpy()
    first = view.edges.iloc[0]  # the first segment joins the first edge's two users
    a, b = int(first["a"]), int(first["b"])
    assert edges.path.startswith(f"M{x[a]:.4g},{y[a]:.4g}L{x[b]:.4g},{y[b]:.4g}")


def test_isolates_are_left_out_of_the_drawing_and_counted():
    # a triangle, a pair and 19 users known only from a self-loop (as in email-Eu-core)
    loops = [f"lonely{i}" for i in range(19)]
    edges = pd.DataFrame({"src": ["a", "b", "c", "d"] + loops, "dst": ["b", "c", "a", "e"] + loops})
    g = graph_from_edges(edges)
    r = detect_communities(g)
    reference = set(edges["src"]) | set(edges["dst"])
    ties = edges[edges["src"] != edges["dst"]]
    isolated = reference - set(ties["src"]) - set(ties["dst"])
    assert len(isolated) == 19
    view = user_network(g, r)
    assert set(view.nodes["id"]) == reference - isolated and view.isolates_hidden == 19
    assert view.total_nodes == 5
    spread = view.nodes[["x", "y"]].to_numpy()
    assert np.ptp(spread, axis=0).min() > 0  # the connected users spread over the drawing
    cview = community_network(g, r)
    assert cview.isolates_hidden == 19 and len(cview.nodes) == 2
    assert sorted(cview.nodes["size"]) == [2, 3]


def test_community_links_are_drawn_wider_for_heavier_quarters(planted):
    graph, _ = planted
    view = community_network(graph, detect_communities(graph))
    shapes = [s for s in network_figure(view).layout.shapes if s.name == "edges"]
    assert sum(s.path.count("M") for s in shapes) == len(view.edges)  # every tie drawn once
    widths = [s.line.width for s in shapes]
    assert len(shapes) > 1 and widths == sorted(widths) and len(set(widths)) == len(widths)
