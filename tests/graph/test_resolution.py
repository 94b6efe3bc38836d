"""Resolution profile and the automatic scale: planted structure, held-out networks, determinism."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score as nmi

from core.errors import ConfigError
from core.graph.build import UserGraph, graph_from_edges
from core.graph.detect import detect_communities, parse_resolution, partition_stability
from core.graph.resolution import CRITERIA, DEFAULT_CRITERION, choose, resolution_profile


def int_graph(edges, n: int) -> UserGraph:
    u, v = np.array([(a, b) for a, b in edges if a != b]).T
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    key = np.unique(lo * n + hi)
    return UserGraph(
        nodes=np.arange(n).astype(str).astype(object),
        src=key // n,
        dst=key % n,
        weight=np.ones(len(key)),
        directed=False,
        source="edges",
    )


def two_scale_graph(seed: int = 0):
    """4 groups of 4 subgroups of 25: dense inside a subgroup, medium inside a group, sparse across."""
    rng = np.random.default_rng(seed)
    n, sub, per_group = 400, 25, 4
    fine = np.arange(n) // sub
    coarse = fine // per_group
    same_fine = fine[:, None] == fine[None, :]
    same_coarse = coarse[:, None] == coarse[None, :]
    p = np.where(same_fine, 0.5, np.where(same_coarse, 0.06, 0.002))
    a = np.triu(rng.random((n, n)) < p, k=1)
    return int_graph(zip(*np.nonzero(a)), n), coarse, fine


def test_profile_of_a_two_scale_graph_finds_both_scales():
    graph, coarse, fine = two_scale_graph()
    profile = resolution_profile(graph, seed=0)
    scores = pd.DataFrame(
        [
            {
                "resolution": p.resolution,
                "k": p.communities,
                "coarse": nmi(coarse, p.membership),
                "fine": nmi(fine, p.membership),
                "stability": p.stability_ari,
            }
            for p in profile.points
        ]
    )
    # some scale recovers the 4 groups and a finer one the 16 subgroups, each exactly and stably
    best_coarse = scores.loc[scores["coarse"].idxmax()]
    best_fine = scores.loc[scores["fine"].idxmax()]
    assert best_coarse["coarse"] > 0.99 and best_coarse["k"] == 4 and best_coarse["stability"] > 0.95
    assert best_fine["fine"] > 0.99 and best_fine["k"] == 16 and best_fine["stability"] > 0.95
    assert best_coarse["resolution"] < best_fine["resolution"]
    # communities grow with resolution, and the automatic pick is one of the two planted scales
    assert scores["k"].is_monotonic_increasing
    assert profile.best.communities in (4, 16)
    assert max(nmi(coarse, profile.best.membership), nmi(fine, profile.best.membership)) > 0.99


def test_automatic_choice_on_the_planted_sample_equals_the_planted_count(sample_analysis, sample_truth):
    result = sample_analysis.result
    assert result.criterion == DEFAULT_CRITERION and result.profile is not None
    assert result.n_communities == len(np.unique(sample_truth))
    assert nmi(sample_truth, result.membership) >= 0.97
    # the chosen scale's partition is one of its seeds' and its stability is theirs
    best = result.profile.best
    assert result.resolution == best.resolution and result.stability == pytest.approx(partition_stability(best.runs))
    assert any(np.array_equal(result.membership, run) for run in best.runs)


def test_auto_is_deterministic_for_a_seed(planted):
    graph, _ = planted
    a = detect_communities(graph, resolution="auto", seed=5)
    b = detect_communities(graph, resolution="auto", seed=5)
    assert np.array_equal(a.membership, b.membership) and a.resolution == b.resolution
    assert [p.as_dict() for p in a.profile.points] == [p.as_dict() for p in b.profile.points]
    # and it still finds the 4 planted groups of the fixture
    _, truth = planted
    assert nmi(truth, a.membership) > 0.95


def test_held_out_karate_club_factions():
    """Zachary's karate club (networkx ships it; not in ../shared): the two factions after the split."""
    g = nx.karate_club_graph()
    graph = int_graph(g.edges(), g.number_of_nodes())
    truth = np.array([g.nodes[i]["club"] == "Officer" for i in range(g.number_of_nodes())])
    auto = detect_communities(graph, resolution="auto")
    fixed = np.mean([nmi(truth, detect_communities(graph, seed=s).membership) for s in range(5)])
    louvain = np.mean(
        [
            nmi(
                truth,
                [c for v in range(34) for c, m in enumerate(nx.community.louvain_communities(g, seed=s)) if v in m],
            )
            for s in range(5)
        ]
    )
    assert nmi(truth, auto.membership) > max(fixed, louvain) + 0.05
    assert auto.n_communities == 2


def test_lfr_mixing_half_at_least_networkx_louvain():
    """LFR (n=1000, mu=0.5, as in bench/graph.py): the automatic scale beats resolution 1.0 and
    matches networkx Louvain (the issue's floor)."""
    g = nx.LFR_benchmark_graph(
        1000, 2.5, 1.5, 0.5, average_degree=20, max_degree=50, min_community=20, max_community=100, seed=0
    )
    truth = np.zeros(1000, np.int64)
    for c, members in enumerate({frozenset(g.nodes[v]["community"]) for v in g}):
        truth[list(members)] = c
    graph = int_graph(g.edges(), 1000)
    auto = detect_communities(graph, resolution="auto")
    louvain = np.zeros(1000, np.int64)
    for c, members in enumerate(nx.community.louvain_communities(nx.Graph(g.edges()), seed=0)):
        louvain[list(members)] = c
    assert nmi(truth, auto.membership) >= nmi(truth, louvain)
    assert nmi(truth, auto.membership) > nmi(truth, detect_communities(graph).membership)


def test_email_eu_core_departments(shared_datasets):
    folder = shared_datasets / "email_eu_core"
    edges = pd.read_csv(folder / "email-Eu-core.txt", sep=" ", header=None, names=["src", "dst"], dtype=str)
    labels = pd.read_csv(
        folder / "email-Eu-core-department-labels.txt", sep=" ", header=None, names=["node", "dept"], dtype=str
    )
    graph = graph_from_edges(edges, extra_nodes=labels["node"])
    truth = labels.set_index("node")["dept"].reindex(graph.nodes.astype(str)).to_numpy()
    auto = detect_communities(graph, resolution="auto")
    assert nmi(truth, auto.membership) >= 0.65
    assert nmi(truth, auto.membership) > nmi(truth, detect_communities(graph).membership)


def test_both_criteria_are_reported_and_the_default_is_one_of_them(planted):
    graph, _ = planted
    profile = resolution_profile(graph, criterion="stability")
    assert (
        set(profile.choices) == set(CRITERIA) and (profile.chosen, profile.chosen_run) == profile.choices["stability"]
    )
    summary = profile.summary()
    assert summary["criterion"] == "stability" and len(summary["points"]) == len(profile.points)
    assert [p.resolution for p in profile.points] == sorted(p.resolution for p in profile.points)
    assert choose(profile.points, "plateau") == profile.choices["plateau"]
    with pytest.raises(ConfigError, match="criterion"):
        choose(profile.points, "gut_feeling")


def test_progress_and_cancel(planted):
    import threading

    graph, _ = planted
    seen = []
    profile = resolution_profile(graph, seeds=2, resolutions=[0.5, 1, 2], progress=lambda d, t: seen.append((d, t)))
    assert seen == [(i, 6) for i in range(1, 7)] and len(profile.points) == 3
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ConfigError, match="cancelled"):
        resolution_profile(graph, cancel=cancel)


def test_resolution_values():
    assert parse_resolution("auto") == "auto" and parse_resolution(" AUTO ") == "auto"
    assert parse_resolution("1.5") == 1.5 and parse_resolution(2) == 2.0
    for bad in ("fast", "0", "-1", "nan", 0, float("inf")):
        with pytest.raises(ConfigError, match="resolution"):
            parse_resolution(bad)
    g = int_graph([(0, 1), (1, 2)], 3)
    with pytest.raises(ConfigError, match="no resolution"):
        resolution_profile(g, "label_propagation")
    lp = detect_communities(g, "label_propagation", resolution="auto")  # ignores resolution, as before
    assert lp.profile is None and lp.criterion is None and lp.resolution == 1.0


def test_cached_igraph_is_built_once_and_equals_a_fresh_one(planted):
    graph, _ = planted
    a = graph.to_igraph(directed=False, cached=True)
    assert graph.to_igraph(directed=False, cached=True) is a
    fresh = graph.to_igraph(directed=False)
    assert sorted(a.get_edgelist()) == sorted(fresh.get_edgelist()) and a.es["weight"] == fresh.es["weight"]
    assert not a["unit_weights"]  # the fixture has weights 1-3


def test_coarse_to_fine_profile_scans_the_aggregate_with_exact_modularity():
    """Forced on a small two-scale graph: every scale's partition is a union of the first fine run's
    communities, its modularity is networkx's on the whole graph, and both planted scales are found."""
    graph, coarse, fine = two_scale_graph(seed=1)
    profile = resolution_profile(graph, seed=0, coarse_to_fine=True)
    g = graph.to_networkx(directed=False)
    names = graph.nodes.astype(str)
    finest = profile.points[-1].membership
    for p in profile.points:
        # a union of finest-scale communities: each finest community sits in one community here
        assert all(len(np.unique(p.membership[finest == c])) == 1 for c in np.unique(finest))
        groups = [set(names[p.membership == c]) for c in np.unique(p.membership)]
        reference = nx.community.modularity(g, groups, weight="weight", resolution=p.resolution)
        assert p.modularity == pytest.approx(reference, abs=1e-9)
    assert max(nmi(coarse, p.membership) for p in profile.points) > 0.99
    assert max(nmi(fine, p.membership) for p in profile.points) > 0.99
    with pytest.raises(ConfigError, match="leiden"):
        resolution_profile(graph, "louvain", coarse_to_fine=True)


def test_large_partitions_are_compared_on_their_common_refinement():
    from sklearn.metrics import adjusted_rand_score

    from core.graph.resolution import COMPRESS_NODES, _pair_scores

    rng = np.random.default_rng(0)
    n = COMPRESS_NODES + 1000
    base = rng.integers(0, 40, n)
    runs = [np.where(rng.random(n) < 0.25, rng.integers(0, 55, n), base) for _ in range(3)]
    runs.append(np.zeros(n, np.int64))
    nmi_m, ari_m = _pair_scores(runs)
    for i, j in itertools.combinations(range(len(runs)), 2):
        assert nmi_m[i, j] == pytest.approx(nmi(runs[i], runs[j]), abs=1e-9)
        assert ari_m[i, j] == pytest.approx(adjusted_rand_score(runs[i], runs[j]), abs=1e-9)
