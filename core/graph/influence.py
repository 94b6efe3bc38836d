"""Who holds the graph together: PageRank, degree, betweenness and bridges between communities.

Direction is kept here (PageRank and betweenness on the directed graph when the source is
directed); bridge measures use the symmetrised weights, as detection did.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.graph.build import UserGraph
from core.graph.detect import CommunityResult

# above this many nodes betweenness is estimated from a sample of source nodes
EXACT_BETWEENNESS_MAX_NODES = 2000


def participation_coefficient(graph: UserGraph, membership) -> np.ndarray:
    """Guimerà-Amaral participation P_i = 1 - sum_c (k_ic / k_i)^2 on symmetrised weights.

    0 = all ties inside one community; near 1 = ties spread evenly over many. Isolates get 0.
    """
    u, v, w = graph.undirected_edges()
    membership = np.asarray(membership)
    n, k = graph.n_nodes, int(membership.max()) + 1 if len(membership) else 0
    from scipy import sparse

    # k_ic: weight from node i into community c, as a sparse n x k matrix
    rows = np.concatenate([u, v])
    cols = np.concatenate([membership[v], membership[u]])
    kic = sparse.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, max(k, 1)))
    ki = np.asarray(kic.sum(axis=1)).ravel()
    sq = np.asarray(kic.multiply(kic).sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 1.0 - sq / ki**2
    return np.where(ki > 0, p, 0.0)


def sampled_betweenness(
    graph: UserGraph, *, samples: int | None = None, seed: int = 0, directed: bool | None = None
) -> np.ndarray:
    """Normalised shortest-path betweenness (unweighted hops), networkx's scaling.

    Exact when `samples` is None or >= n; otherwise estimated from `samples` random source
    nodes and scaled by n / samples (Brandes & Pich), as networkx does with `k=`.
    """
    g = graph.to_igraph(directed=directed)
    n = g.vcount()
    if n < 3:
        return np.zeros(n)
    if samples is None or samples >= n:
        b = np.asarray(g.betweenness(directed=g.is_directed()), dtype=float)
    else:
        rng = np.random.default_rng(seed)
        sources = rng.choice(n, size=samples, replace=False).tolist()
        b = np.asarray(g.betweenness(directed=g.is_directed(), sources=sources), dtype=float)
        b *= n / samples  # unbiased: each source contributes its dependency sum
    scale = (n - 1) * (n - 2)
    return b / (scale if g.is_directed() else scale / 2.0)


def influence_table(
    graph: UserGraph, result: CommunityResult, *, betweenness_samples: int = 500, seed: int = 0
) -> pd.DataFrame:
    """One row per node: community, pagerank, in/out degree, weighted strength, betweenness,
    participation, cross_edges (neighbours in other communities); sorted by pagerank.

    Betweenness is exact up to 2,000 nodes, else estimated from at most `betweenness_samples`
    source nodes (fewer on graphs with millions of edges, to stay interactive).
    """
    g = graph.to_igraph()
    n = graph.n_nodes
    pagerank = np.asarray(g.pagerank(weights="weight", directed=g.is_directed()), dtype=float)
    if graph.directed:
        in_deg = np.bincount(graph.dst, minlength=n)
        out_deg = np.bincount(graph.src, minlength=n)
    else:
        in_deg = out_deg = graph.degrees()
    u, v, w = graph.undirected_edges()
    strength = np.bincount(np.concatenate([u, v]), weights=np.concatenate([w, w]), minlength=n)
    membership = result.membership
    cross = membership[u] != membership[v]
    cross_edges = np.bincount(np.concatenate([u[cross], v[cross]]), minlength=n)
    # fewer sources on big graphs: each source is one BFS over every edge (~2e7 edge visits total)
    budget = int(np.clip(2e7 / max(graph.n_edges, 1), 32, betweenness_samples))
    samples = None if n <= EXACT_BETWEENNESS_MAX_NODES else min(budget, n)
    betweenness = sampled_betweenness(graph, samples=samples, seed=seed)
    table = pd.DataFrame(
        {
            "node": graph.nodes.astype(str),
            "community": membership,
            "pagerank": pagerank,
            "in_degree": in_deg,
            "out_degree": out_deg,
            "degree": graph.degrees(),
            "strength": strength,
            "betweenness": betweenness,
            "participation": participation_coefficient(graph, membership),
            "cross_edges": cross_edges,
        }
    )
    return table.sort_values(["pagerank", "node"], ascending=[False, True], ignore_index=True)


def community_links(graph: UserGraph, result: CommunityResult) -> pd.DataFrame:
    """Ties between communities: one row per unordered pair (a < b) with summed weight and the
    number of user pairs linking them, heaviest first."""
    u, v, w = graph.undirected_edges()
    a, b = result.membership[u], result.membership[v]
    cross = a != b
    frame = pd.DataFrame({"a": np.minimum(a, b)[cross], "b": np.maximum(a, b)[cross], "weight": w[cross]})
    out = frame.groupby(["a", "b"], as_index=False).agg(weight=("weight", "sum"), edges=("weight", "size"))
    return out.sort_values(["weight", "a", "b"], ascending=[False, True, True], ignore_index=True)
