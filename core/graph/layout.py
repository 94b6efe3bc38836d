"""Positions for drawing: a force layout of users (small graphs or one community) or a graph of
communities (large graphs), plus a user's neighbourhood for search.

Pure data: the page caches these and hands them to `core.viz.graph`.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from core.errors import InputError
from core.graph.build import UserGraph
from core.graph.detect import CommunityResult
from core.graph.influence import community_links

MAX_DRAWN_NODES = 2000
MAX_DRAWN_EDGES = 8000
MAX_COMMUNITY_LINKS = 3000
_LAYOUT_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class NetworkView:
    """What to draw. nodes: id, label, x, y, community, size (members or degree), score.
    edges: a, b (row positions in `nodes`), weight. `total_nodes` is before any truncation and
    counts the drawable (connected) nodes; `isolates_hidden` users without any tie (or communities
    of one such user) are left out of the drawing, since a ring of them squeezes the network into
    a blob; the page counts them beside it."""

    level: Literal["users", "communities"]
    nodes: pd.DataFrame
    edges: pd.DataFrame
    total_nodes: int
    total_edges: int
    isolates_hidden: int = 0

    @property
    def truncated(self) -> bool:
        return len(self.nodes) < self.total_nodes or len(self.edges) < self.total_edges


def _force_layout(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, seed: int) -> np.ndarray:
    import igraph as ig

    g = ig.Graph(n=n, edges=np.column_stack([a, b]).tolist())
    with _LAYOUT_LOCK:  # igraph's generator is process-wide; see partition._RNG_LOCK
        ig.set_random_number_generator(random.Random(seed))
        try:
            if n <= 1:
                coords = np.zeros((n, 2))
            else:
                weights = np.log1p(w).tolist() if len(w) else None
                coords = np.asarray(g.layout_fruchterman_reingold(weights=weights, niter=500).coords)
        finally:
            ig.set_random_number_generator(random)
    return coords


def user_network(
    graph: UserGraph,
    result: CommunityResult,
    influence: pd.DataFrame | None = None,
    *,
    community: int | None = None,
    max_nodes: int = MAX_DRAWN_NODES,
    max_edges: int = MAX_DRAWN_EDGES,
    seed: int = 0,
) -> NetworkView:
    """Force layout of users (all of them, or one `community`), at most `max_nodes` of them (the
    highest-PageRank ones, else highest degree) and the `max_edges` heaviest ties among them."""
    membership = result.membership
    keep = np.arange(graph.n_nodes) if community is None else np.flatnonzero(membership == community)
    connected = graph.degrees()[keep] > 0
    isolates_hidden = int((~connected).sum())
    keep = keep[connected]
    if influence is not None and len(influence):
        score = influence.set_index("node")["pagerank"].reindex(graph.nodes.astype(str)).to_numpy(float)
    else:
        score = graph.degrees().astype(float)
    total_nodes = len(keep)
    if len(keep) > max_nodes:
        keep = keep[np.argsort(-score[keep], kind="stable")[:max_nodes]]
        keep.sort()
    pos = np.full(graph.n_nodes, -1)
    pos[keep] = np.arange(len(keep))
    u, v, w = graph.undirected_edges()
    inside = (pos[u] >= 0) & (pos[v] >= 0)
    if community is not None:
        total_edges = int(((membership[u] == community) & (membership[v] == community)).sum())
    else:
        total_edges = len(u)
    a, b, w = pos[u[inside]], pos[v[inside]], w[inside]
    coords = _force_layout(len(keep), a, b, w, seed)
    if len(a) > max_edges:
        top = np.argsort(-w, kind="stable")[:max_edges]
        a, b, w = a[top], b[top], w[top]
    degree = graph.degrees()[keep]
    nodes = pd.DataFrame(
        {
            "id": graph.nodes[keep].astype(str),
            "label": graph.nodes[keep].astype(str),
            "x": coords[:, 0] if len(keep) else [],
            "y": coords[:, 1] if len(keep) else [],
            "community": membership[keep],
            "size": degree,
            "score": score[keep],
        }
    )
    return NetworkView(
        "users", nodes, pd.DataFrame({"a": a, "b": b, "weight": w}), total_nodes, total_edges, isolates_hidden
    )


def community_network(
    graph: UserGraph, result: CommunityResult, *, max_nodes: int = MAX_DRAWN_NODES, seed: int = 0
) -> NetworkView:
    """One node per community (sized by members), edges weighted by cross-community ties.

    Communities made only of isolated users (one each) are left out and counted in
    `isolates_hidden`; of the rest the largest `max_nodes` are kept.
    """
    sizes = np.asarray(result.sizes)
    lonely = np.bincount(result.membership[graph.degrees() == 0], minlength=len(sizes))
    drawable = lonely < sizes
    isolates_hidden = int(lonely[~drawable].sum())
    keep = np.flatnonzero(drawable)
    if len(keep) > max_nodes:
        keep = keep[:max_nodes]  # communities are numbered largest first
    links = community_links(graph, result)  # heaviest first
    links = links[links["a"].isin(keep) & links["b"].isin(keep)]
    total_links = len(links)
    links = links.head(MAX_COMMUNITY_LINKS)  # the layout and the eye need only the strongest ties
    pos = np.full(len(sizes), -1)
    pos[keep] = np.arange(len(keep))
    a, b, w = pos[links["a"].to_numpy()], pos[links["b"].to_numpy()], links["weight"].to_numpy(float)
    coords = _force_layout(len(keep), a, b, w, seed)
    nodes = pd.DataFrame(
        {
            "id": keep.astype(str),
            "label": [f"#{c}" for c in keep],
            "x": coords[:, 0] if len(keep) else [],
            "y": coords[:, 1] if len(keep) else [],
            "community": keep,
            "size": sizes[keep],
            "score": sizes[keep].astype(float),
        }
    )
    return NetworkView(
        "communities",
        nodes,
        pd.DataFrame({"a": a, "b": b, "weight": w}),
        int(drawable.sum()),
        total_links,
        isolates_hidden,
    )


def neighbourhood(graph: UserGraph, result: CommunityResult, node: str) -> pd.DataFrame:
    """A user's neighbours: neighbour, community, weight_out (node -> neighbour), weight_in."""
    index = graph.index()
    if node not in index:
        raise InputError(f"user '{node}' is not in the graph")
    i = index[node]
    out = pd.Series(graph.weight[graph.src == i], index=graph.dst[graph.src == i])
    inc = pd.Series(graph.weight[graph.dst == i], index=graph.src[graph.dst == i])
    if not graph.directed:  # undirected pairs are stored once: report the tie as weight_out
        out, inc = pd.concat([out, inc]), pd.Series(dtype=float)
    ids = np.union1d(out.index.to_numpy(), inc.index.to_numpy()).astype(int)
    frame = pd.DataFrame(
        {
            "neighbour": graph.nodes[ids].astype(str),
            "community": result.membership[ids],
            "weight_out": out.reindex(ids).fillna(0.0).to_numpy(),
            "weight_in": inc.reindex(ids).fillna(0.0).to_numpy(),
        }
    )
    frame["weight"] = frame["weight_out"] + frame["weight_in"]
    return frame.sort_values(["weight", "neighbour"], ascending=[False, True], ignore_index=True)
