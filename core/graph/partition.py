"""What detection and the resolution profile share: one run of a method on an igraph graph, the
canonical numbering of a partition, its modularity, and agreement between partitions.

`core.graph.detect` (one partition) and `core.graph.resolution` (a scan of scales) both import this
module; neither imports the other's internals (detect calls the profile, the profile calls these).
"""

from __future__ import annotations

import itertools
import random
import threading

import numpy as np

from core.graph.build import UserGraph

# igraph draws from one process-wide random generator; seeding it is only deterministic if no
# other thread (another Streamlit session) reseeds it mid-run.
_RNG_LOCK = threading.Lock()

# Leiden passes: igraph's default of 2. Running to convergence (-1) was 3x slower on a 1M-edge
# graph (35 s vs 12 s on a busy 2-core box) for +0.00004 modularity, and left email-Eu-core's
# NMI unchanged (0.5761 vs 0.5759, mean of 10 seeds).
LEIDEN_ITERATIONS = 2


def canonical_membership(labels: np.ndarray) -> np.ndarray:
    """Renumber labels so community 0 is the largest; ties broken by the lowest node index."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        return labels.astype(np.int64)
    _, inverse = np.unique(labels, return_inverse=True)
    sizes = np.bincount(inverse)
    first = np.full(len(sizes), len(labels))
    np.minimum.at(first, inverse, np.arange(len(labels)))
    order = np.lexsort((first, -sizes))  # by size desc, then first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse].astype(np.int64)


def modularity(graph: UserGraph, membership, *, weight: bool = True, resolution: float = 1.0) -> float:
    """Newman modularity of `membership` on the symmetrised graph (networkx's definition)."""
    u, v, w = graph.undirected_edges()
    if not weight:
        w = np.ones_like(w)
    m = w.sum()
    if m == 0:
        return 0.0
    membership = np.asarray(membership)
    k = np.bincount(np.concatenate([u, v]), weights=np.concatenate([w, w]), minlength=graph.n_nodes)
    inside = w[membership[u] == membership[v]].sum()
    tot = np.bincount(membership, weights=k)
    return float(inside / m - resolution * np.sum(tot**2) / (4 * m * m))


RESOLUTION_METHODS: tuple[str, ...] = ("leiden", "louvain")


def run_partition(
    g,
    method: str,
    weight: bool,
    resolution: float,
    rng: random.Random,
    *,
    node_weights=None,
    n_iterations: int = LEIDEN_ITERATIONS,
) -> np.ndarray:
    """One run of `method` on the undirected igraph graph `g`, drawing from `rng` (raw labels).

    node_weights (Leiden only): each vertex's strength in the graph `g` stands for, when `g` is
    an aggregate (a vertex per group of nodes, self-loops holding the weight inside a group):
    modularity's expected term then counts the original degrees."""
    import igraph as ig

    # all-ones weights: the same objective, and igraph runs ~15% faster without them
    weights = "weight" if weight and not ("unit_weights" in g.attributes() and g["unit_weights"]) else None
    with _RNG_LOCK:
        ig.set_random_number_generator(rng)
        try:
            if method == "leiden":
                cl = g.community_leiden(
                    objective_function="modularity",
                    weights=weights,
                    resolution=resolution,
                    n_iterations=n_iterations,
                    node_weights=node_weights,
                )
            elif method == "louvain":
                cl = g.community_multilevel(weights=weights, resolution=resolution)
            else:
                cl = g.community_label_propagation(weights=weights)
        finally:
            ig.set_random_number_generator(random)
    return np.asarray(cl.membership)


def partition_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two partitions of the same nodes (1 = identical, ~0 = chance)."""
    import igraph as ig

    if np.array_equal(a, b):
        return 1.0
    return float(ig.compare_communities(list(map(int, a)), list(map(int, b)), method="adjusted_rand"))


def partition_stability(partitions: list[np.ndarray]) -> float:
    """Mean pairwise normalised mutual information of several partitions of the same nodes.

    igraph's NMI (2 I / (H1 + H2), sklearn's default "arithmetic" normalisation); igraph is
    already loaded here, while importing sklearn would add seconds to a page's first run.
    """
    import igraph as ig

    pairs = list(itertools.combinations(partitions, 2))
    if not pairs:
        return 1.0
    return float(
        np.mean([ig.compare_communities(list(map(int, a)), list(map(int, b)), method="nmi") for a, b in pairs])
    )
