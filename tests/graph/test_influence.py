"""Influence: PageRank, degree and betweenness against networkx; bridges between communities."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from core.graph.build import graph_from_edges, graph_from_pairs
from core.graph.detect import detect_communities
from core.graph.influence import community_links, influence_table, participation_coefficient, sampled_betweenness


def test_pagerank_degree_and_betweenness_match_networkx(planted):
    graph, _ = planted
    r = detect_communities(graph)
    table = influence_table(graph, r).set_index("node")
    ref = graph.to_networkx()  # directed, weighted
    pr = nx.pagerank(ref, weight="weight", tol=1e-12, max_iter=2000)  # igraph solves exactly
    bc = nx.betweenness_centrality(ref)
    for node in list(table.index[:10]) + list(table.index[-5:]):
        assert table.loc[node, "pagerank"] == pytest.approx(pr[node], rel=1e-4)
        assert table.loc[node, "betweenness"] == pytest.approx(bc[node], abs=1e-9)
        assert table.loc[node, "in_degree"] == ref.in_degree(node)
        assert table.loc[node, "out_degree"] == ref.out_degree(node)
    assert table["pagerank"].is_monotonic_decreasing


def test_sampled_betweenness_tracks_exact_on_a_larger_graph():
    g_nx = nx.barabasi_albert_graph(600, 3, seed=0)
    g = graph_from_pairs(
        pd.Series([str(a) for a, _ in g_nx.edges()]), pd.Series([str(b) for _, b in g_nx.edges()]), directed=False
    )
    exact = sampled_betweenness(g)
    ref = nx.betweenness_centrality(g.to_networkx())
    assert np.allclose(exact, [ref[str(n)] for n in g.nodes])
    est = sampled_betweenness(g, samples=150, seed=1)
    assert np.corrcoef(exact, est)[0, 1] > 0.95
    assert est.sum() == pytest.approx(exact.sum(), rel=0.15)  # unbiased scaling, not off by 2x


def test_participation_and_cross_edges_on_a_hand_graph():
    # triangle a-b-c (community 0), pair d-e (community 1), bridge c-d
    df = pd.DataFrame({"src": ["a", "b", "c", "d", "c"], "dst": ["b", "c", "a", "e", "d"]})
    g = graph_from_edges(df)
    membership = np.array([0, 0, 0, 1, 1])  # nodes sorted: a b c d e
    p = participation_coefficient(g, membership)
    # c: 2 ties inside, 1 outside -> 1 - (2/3)^2 - (1/3)^2 = 4/9; d: 1 and 1 -> 1/2
    assert p == pytest.approx([0, 0, 4 / 9, 0.5, 0])
    r = detect_communities(g)
    assert np.array_equal(r.membership, membership)
    table = influence_table(g, r).set_index("node")
    assert table["cross_edges"].to_dict() == {"a": 0, "b": 0, "c": 1, "d": 1, "e": 0}
    links = community_links(g, r)
    assert links.to_dict("records") == [{"a": 0, "b": 1, "weight": 1.0, "edges": 1}]


def test_sample_hubs_rank_high(sample_analysis, ground_truth):
    """The planted hubs (3 per community) dominate the top of the PageRank ranking."""
    hubs = {u for members in ground_truth["hubs"].values() for u in members}
    top = set(sample_analysis.influence["node"].head(2 * len(hubs)))
    assert len(hubs & top) / len(hubs) >= 0.75
