"""Graph fixtures: a small planted-partition graph and the sample workspace's tables, built once."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from core.graph.build import graph_from_edges

PLANTED_GROUPS, PLANTED_SIZE = 4, 40


def planted_edges(
    groups: int = PLANTED_GROUPS, size: int = PLANTED_SIZE, p_in: float = 0.3, p_out: float = 0.01, seed: int = 1
) -> pd.DataFrame:
    """Directed planted partition (networkx), ids 'n<k>', group of node k = k // size."""
    g = nx.planted_partition_graph(groups, size, p_in, p_out, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame([(f"n{a}", f"n{b}") for a, b in g.edges()], columns=["src", "dst"])
    frame["weight"] = rng.integers(1, 4, len(frame)).astype(float)
    frame["ts"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 120, len(frame)), unit="D")
    return frame


@pytest.fixture(scope="session")
def planted():
    """(UserGraph, truth array aligned with graph.nodes) for a 4 x 40 planted partition."""
    edges = planted_edges()
    graph = graph_from_edges(edges)
    truth = np.array([int(n[1:]) // PLANTED_SIZE for n in graph.nodes])
    return graph, truth


@pytest.fixture(scope="session")
def sample_tables(sample_ws) -> dict[str, pd.DataFrame]:
    return {t: sample_ws.read(t) for t in ("users", "edges", "posts", "interactions", "ad_events") if sample_ws.has(t)}


@pytest.fixture(scope="session")
def sample_analysis(sample_tables):
    from core.graph.analysis import analyse_communities

    return analyse_communities(sample_tables)


@pytest.fixture(scope="session")
def sample_truth(sample_analysis, ground_truth) -> np.ndarray:
    return np.array([ground_truth["communities"][n] for n in sample_analysis.graph.nodes.astype(str)])


@pytest.fixture(scope="session")
def planted_edges_factory():
    """planted_edges(...) as a fixture, for tests that need their own variant."""
    return planted_edges
