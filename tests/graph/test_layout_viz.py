"""Layouts and figures: the user network, the community-level graph, search, and their plotly form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.graph.build import graph_from_edges
from core.graph.detect import detect_communities
from core.graph.influence import community_links, influence_table
from core.graph.layout import community_network, neighbourhood, user_network
from core.viz.graph import community_colour, network_figure


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
    fig = network_figure(view, highlight=str(view.nodes["id"].iloc[0]))
    nodes = next(t for t in fig.data if t.name == "nodes")
    assert len(nodes.x) == graph.n_nodes
    assert list(nodes.marker.color) == [community_colour(c) for c in view.nodes["community"]]
    assert any(t.name == "highlight" for t in fig.data)
    edges = next(t for t in fig.data if t.name == "edges")
    assert len(edges.x) == 3 * len(view.edges)  # one segment + gap per edge
