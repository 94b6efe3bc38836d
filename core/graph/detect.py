"""Community detection behind one function with one result type.

`detect_communities(graph, method, weight=, resolution=, seed=)` mirrors networkx's community
functions (same keyword arguments) and always returns a `CommunityResult`. Detection runs on the
symmetrised graph (u-v weight = w(u->v) + w(v->u)). Leiden (igraph's own C implementation,
modularity objective) is the default: on a 1M-edge graph it is ~40x faster than networkx Louvain
and at least as good. Label propagation is offered but never the default: on real e-mail graphs
it collapses into one giant community.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.graph.build import UserGraph

if TYPE_CHECKING:
    from core.graph.resolution import ResolutionProfile

Method = Literal["leiden", "louvain", "label_propagation"]
METHODS: tuple[str, ...] = ("leiden", "louvain", "label_propagation")

# igraph draws from one process-wide random generator; seeding it is only deterministic if no
# other thread (another Streamlit session) reseeds it mid-run.
_RNG_LOCK = threading.Lock()

# Leiden passes: igraph's default of 2. Running to convergence (-1) was 3x slower on a 1M-edge
# graph (35 s vs 12 s on a busy 2-core box) for +0.00004 modularity, and left email-Eu-core's
# NMI unchanged (0.5761 vs 0.5759, mean of 10 seeds).
LEIDEN_ITERATIONS = 2


@dataclass(frozen=True, eq=False)
class CommunityResult:
    """A partition of every node of a graph into communities 0..k-1 (0 = largest).

    `membership[i]` is the community of `nodes[i]`. `stability` is the mean pairwise NMI of the
    partitions found with `stability_seeds` different seeds (None when not measured).
    """

    nodes: np.ndarray
    membership: np.ndarray
    method: str
    weight: bool
    resolution: float
    seed: int
    modularity: float
    seconds: float
    stability: float | None = None
    stability_seeds: list[int] = field(default_factory=list)
    criterion: str | None = None  # how the resolution was chosen; None when the user gave it
    profile: ResolutionProfile | None = None

    @property
    def n_communities(self) -> int:
        return int(self.membership.max()) + 1 if len(self.membership) else 0

    @property
    def sizes(self) -> list[int]:
        return np.bincount(self.membership, minlength=self.n_communities).tolist()

    def communities(self) -> list[set[str]]:
        """Communities as sets of node ids, largest first (networkx's return shape)."""
        out: list[set[str]] = [set() for _ in range(self.n_communities)]
        for node, c in zip(self.nodes, self.membership):
            out[c].add(str(node))
        return out

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"node": self.nodes.astype(str), "community": self.membership})

    def summary(self) -> dict:
        sizes = self.sizes
        return {
            "method": self.method,
            "communities": self.n_communities,
            "modularity": round(float(self.modularity), 6),
            "largest": sizes[0] if sizes else 0,
            "singletons": int(sum(1 for s in sizes if s == 1)),
            "sizes": sizes[:50],
            "resolution": round(self.resolution, 6),
            "resolution_criterion": self.criterion,
            "seed": self.seed,
            "weighted": self.weight,
            "stability_nmi": None if self.stability is None else round(float(self.stability), 4),
            "seconds": round(self.seconds, 3),
            "profile": None if self.profile is None else self.profile.summary(),
        }


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


def _run_igraph(graph: UserGraph, method: str, weight: bool, resolution: float, seed: int) -> np.ndarray:
    return run_partition(graph.to_igraph(directed=False, cached=True), method, weight, resolution, random.Random(seed))


def detect_communities(
    graph: UserGraph,
    method: Method = "leiden",
    *,
    weight: bool = True,
    resolution: float | str = 1.0,
    seed: int = 0,
    stability_seeds: int = 0,
    criterion: str | None = None,
    progress=None,
    cancel=None,
) -> CommunityResult:
    """Partition every node of `graph` into communities.

    method: 'leiden' (default; igraph community_leiden, modularity objective, 2 passes), 'louvain'
    (igraph multilevel) or 'label_propagation' (ignores `resolution`).
    weight: use edge weights. resolution: a number (default 1.0, networkx's; >1 gives more, smaller
    communities) or 'auto': scan a resolution profile and take the scale `criterion` picks
    (core.graph.resolution; `profile` holds the scan, `stability` the chosen scale's).
    seed: the same seed gives the same partition. stability_seeds: with a number, if >1 also rerun
    with that many seeds (seed, seed+1, ...) and store the mean pairwise NMI in `stability`; with
    'auto', the seeds per scale (default: core.graph.resolution.default_plan). progress(done,
    total) and cancel (a threading.Event) reach the profile. Isolated nodes become singleton
    communities.
    """
    if method not in METHODS:
        raise ConfigError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    resolution = parse_resolution(resolution)
    if graph.n_nodes == 0:
        raise ConfigError("the graph has no nodes")
    import igraph  # noqa: F401 - import before timing: the first import costs ~1 s

    if resolution == "auto" and method in RESOLUTION_METHODS:
        from core.graph.resolution import DEFAULT_CRITERION, resolution_profile

        profile = resolution_profile(
            graph,
            method,
            weight=weight,
            seed=seed,
            seeds=stability_seeds if stability_seeds > 1 else None,
            criterion=criterion or DEFAULT_CRITERION,
            progress=progress,
            cancel=cancel,
        )
        best = profile.best
        return CommunityResult(
            nodes=graph.nodes,
            membership=profile.partition,
            method=method,
            weight=weight,
            resolution=best.resolution,
            seed=int(seed),
            modularity=modularity(graph, profile.partition, weight=weight, resolution=best.resolution),
            seconds=profile.seconds,
            stability=best.stability_nmi,
            stability_seeds=[seed + i for i in range(profile.seeds)],
            criterion=profile.criterion,
            profile=profile,
        )
    res = 1.0 if resolution == "auto" else float(resolution)  # label propagation has no resolution
    start = time.perf_counter()
    labels = canonical_membership(_run_igraph(graph, method, weight, res, seed))
    seconds = time.perf_counter() - start
    stability, seeds = None, []
    if stability_seeds > 1:
        seeds = [seed + i for i in range(stability_seeds)]
        runs = [labels] + [_run_igraph(graph, method, weight, res, s) for s in seeds[1:]]
        stability = partition_stability(runs)
    return CommunityResult(
        nodes=graph.nodes,
        membership=labels,
        method=method,
        weight=weight,
        resolution=res,
        seed=int(seed),
        modularity=modularity(graph, labels, weight=weight, resolution=res),
        seconds=seconds,
        stability=stability,
        stability_seeds=seeds,
    )


def parse_resolution(value, name: str = "resolution") -> float | str:
    """'auto' or a positive number (also from a string such as '1.5'); else ConfigError naming `name`
    (the CLI passes its option, `--resolution`)."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "auto":
            return "auto"
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{name} must be 'auto' or a number > 0, got '{value}'") from None
    if not (isinstance(value, (int, float, np.floating, np.integer)) and np.isfinite(value) and value > 0):
        raise ConfigError(f"{name} must be 'auto' or a number > 0, got {value}")
    return float(value)


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
