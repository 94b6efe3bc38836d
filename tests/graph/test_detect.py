"""Community detection: invariants, agreement with networkx, seeded determinism, planted recovery."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import normalized_mutual_info_score

from core.errors import ConfigError
from core.graph.build import graph_from_edges, graph_from_pairs
from core.graph.detect import METHODS, canonical_membership, detect_communities, modularity, partition_stability


@pytest.mark.parametrize("method", METHODS)
def test_partition_covers_every_node_once(planted, method):
    graph, _ = planted
    r = detect_communities(graph, method)
    assert len(r.membership) == graph.n_nodes
    assert sorted(n for c in r.communities() for n in c) == sorted(graph.nodes.astype(str))
    assert sum(r.sizes) == graph.n_nodes and r.sizes == sorted(r.sizes, reverse=True)
    assert set(r.membership) == set(range(r.n_communities))


@pytest.mark.parametrize("resolution", [1.0, 1.7])
@pytest.mark.parametrize("weight", [True, False])
def test_modularity_matches_networkx(planted, resolution, weight):
    graph, _ = planted
    r = detect_communities(graph, weight=weight, resolution=resolution)
    expected = nx.community.modularity(
        graph.to_networkx(directed=False), r.communities(), weight="weight" if weight else None, resolution=resolution
    )
    assert r.modularity == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_same_seed_same_partition(planted, method):
    graph, _ = planted
    a = detect_communities(graph, method, seed=7)
    b = detect_communities(graph, method, seed=7)
    assert np.array_equal(a.membership, b.membership)


def test_leiden_recovers_planted_partition_with_networkx_level_modularity(planted):
    graph, truth = planted
    r = detect_communities(graph, stability_seeds=3)
    assert normalized_mutual_info_score(truth, r.membership) > 0.95
    assert r.stability == pytest.approx(1.0, abs=0.05) and r.stability_seeds == [0, 1, 2]
    reference = nx.community.louvain_communities(graph.to_networkx(directed=False), weight="weight", seed=0)
    ref_q = nx.community.modularity(graph.to_networkx(directed=False), reference, weight="weight")
    assert r.modularity >= ref_q - 1e-3


def test_resolution_controls_community_count(planted):
    graph, _ = planted
    low = detect_communities(graph, resolution=0.3).n_communities
    high = detect_communities(graph, resolution=4.0).n_communities
    assert low < high


def test_sample_planted_nmi_at_least_0_9(sample_analysis, sample_truth):
    assert sample_analysis.result.method == "leiden"
    assert normalized_mutual_info_score(sample_truth, sample_analysis.result.membership) >= 0.9


def test_isolates_are_singletons_and_bad_options_raise():
    g = graph_from_edges(pd.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "a"]}), extra_nodes=["z"])
    r = detect_communities(g)
    assert r.sizes == [3, 1] and r.to_frame().set_index("node").loc["z", "community"] == 1
    with pytest.raises(ConfigError, match="unknown method"):
        detect_communities(g, "girvan_newman")
    with pytest.raises(ConfigError, match="resolution"):
        detect_communities(g, resolution=0)


def test_canonical_membership_orders_by_size_then_first_node():
    assert canonical_membership(np.array([5, 9, 9, 5, 2, 9])).tolist() == [1, 0, 0, 1, 2, 0]


def test_stability_of_identical_partitions_is_one_and_of_unrelated_is_low():
    rng = np.random.default_rng(0)
    a = np.repeat(np.arange(4), 50)
    assert partition_stability([a, a.copy(), a.copy()]) == pytest.approx(1.0)
    assert partition_stability([a, rng.permutation(a)]) < 0.1


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15), st.integers(1, 5)), min_size=1, max_size=60),
    st.sampled_from(METHODS),
)
def test_any_graph_gets_a_valid_partition_and_networkx_modularity(rows, method):
    src, dst, w = zip(*rows)
    g = graph_from_pairs(pd.Series([f"v{s}" for s in src]), pd.Series([f"v{d}" for d in dst]), pd.Series(w))
    r = detect_communities(g, method)
    assert len(r.membership) == g.n_nodes and sum(r.sizes) == g.n_nodes
    if g.n_edges:
        expected = nx.community.modularity(g.to_networkx(directed=False), r.communities(), weight="weight")
        assert modularity(g, r.membership) == pytest.approx(expected, abs=1e-9)


def test_stability_nmi_matches_sklearn():
    rng = np.random.default_rng(3)
    a, b, c = (rng.integers(0, k, 300) for k in (3, 5, 8))
    pairs = [(a, b), (a, c), (b, c)]
    expected = np.mean([normalized_mutual_info_score(x, y) for x, y in pairs])
    assert partition_stability([a, b, c]) == pytest.approx(expected, abs=1e-9)
