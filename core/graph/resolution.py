"""Resolution profile: scan the modularity resolution, measure stability, choose a scale.

Modularity at resolution 1.0 is one arbitrary scale; real networks often have their groups at
another one (email-Eu-core's 42 departments sit near 2-3). `resolution_profile` runs Leiden at
log-spaced resolutions with several seeds each and records, per scale, the communities, the
modularity and the stability across seeds (mean pairwise NMI, and the chance-corrected adjusted
Rand index). `choose` then picks a partition from the profile alone, never from any truth:

- "stability": the non-trivial scale whose seeds agree most (highest mean pairwise ARI; ARI
  rather than NMI because NMI rises by itself as communities get smaller and more numerous).
- "plateau": the widest run of neighbouring scales whose partitions agree (ARI >= PLATEAU_ARI),
  and within it its most stable scale.
- "consensus" (the default): on that same plateau, the one partition, among every seed's at every
  scale of it, that agrees most with all the others (mean ARI): consensus across seeds and
  neighbouring scales in the spirit of Lancichinetti & Fortunato (2012), taken as a medoid.

bench/graph.py (section 5) compares them; consensus won or tied on every data set (email-Eu-core
NMI 0.739 / plateau 0.735 / most stable 0.522; planted sample 0.978 / 0.972 / 0.938; LFR mu=0.2
1.000 / 0.988 / 0.988; karate 0.677 for all three), so it is the default.

A scale is trivial when its partition says little: fewer than two communities of two or more
members, one community holding more than MAX_GIANT_SHARE of the connected nodes, or more than
half of the connected nodes left alone. Zachary's karate club is the held-out check (networkx
ships it; it is not in ../shared): NMI 0.677 against the two factions vs 0.578 at resolution
1.0. It is not a blind one: its even two-way split was in view when MAX_GIANT_SHARE was set
above one half.

Cost: the igraph graph is built once for every run. Up to LARGE_EDGES edges the scan is 11
scales x 4 seeds on the whole graph (about a second on the 2,000-user sample on a busy 2-core box).
Above, it is coarse-to-fine: one Leiden run (FINE_ITERATIONS) at the finest of 5 scales (0.5-8,
factor 2) on the whole graph, then 5 scales x 2 seeds on the graph aggregated by that partition
(a vertex per fine community, a self-loop holding its inside weight, node weights = the members'
summed strengths, so Leiden's modularity there equals modularity on the whole graph for every
union of fine communities); partitions of more than COMPRESS_NODES nodes are compared on their
common refinement. On the bench's 1M-edge planted graph the whole profile then costs 0.9x one
run at resolution 1.0 (4.6 s vs 4.9 s; it was 4.7x), with NMI 0.992 to the planted groups against
networkx Louvain's 0.908, and `communities` with its defaults, CSV read included, is 11.4x faster
than networkx `louvain_communities` alone (7.4 s vs 83.8 s, load average ~3.5; bench/graph.py). Small graphs
keep the full scan: an earlier trial of scanning on the graph contracted by the finest partition
locked in the finest scale's mistakes there (LFR mu=0.5: NMI 0.55 instead of 0.76). Starting each
scale from the previous scale's partition (igraph's initial_membership) saved no time on 1M edges.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.graph.build import UserGraph
from core.graph.partition import (
    RESOLUTION_METHODS,
    canonical_membership,
    modularity,
    partition_agreement,
    run_partition,
)

# 0.25 ... 8 in steps of sqrt(2): 11 scales, 1.0 among them
DEFAULT_RESOLUTIONS: tuple[float, ...] = tuple(float(x) for x in np.geomspace(0.25, 8.0, 11))
DEFAULT_SEEDS = 4
LARGE_EDGES = 200_000
LARGE_RESOLUTIONS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
LARGE_SEEDS = 2
CRITERIA: tuple[str, ...] = ("stability", "plateau", "consensus")
DEFAULT_CRITERION = "consensus"
MAX_GIANT_SHARE = 0.6
PLATEAU_ARI = 0.8
# the coarse-to-fine profile's first run on the whole graph: one Leiden iteration (2 cost 1.5x the
# time on the bench's 1M-edge graph for the same NMI to the planted groups, 0.9925 vs 0.9923)
FINE_ITERATIONS = 1


@dataclass(frozen=True, eq=False)
class ProfilePoint:
    """One scale of the profile. `membership` is the seed partition that agrees most with the
    others (the medoid by ARI), canonical (0 = largest); `runs` holds every seed's partition."""

    resolution: float
    membership: np.ndarray
    runs: list[np.ndarray]
    communities: int
    modularity: float
    stability_nmi: float
    stability_ari: float
    largest_share: float
    trivial: bool
    medoid: int = 0  # index of `membership` in `runs`

    def as_dict(self) -> dict:
        return {
            "resolution": round(self.resolution, 6),
            "communities": self.communities,
            "modularity": round(self.modularity, 6),
            "stability_nmi": round(self.stability_nmi, 4),
            "stability_ari": round(self.stability_ari, 4),
            "largest_share": round(self.largest_share, 4),
            "trivial": self.trivial,
        }


@dataclass(frozen=True, eq=False)
class ResolutionProfile:
    points: list[ProfilePoint]
    method: str
    weight: bool
    seed: int
    seeds: int
    chosen: int  # index into points
    criterion: str
    seconds: float
    chosen_run: int = 0  # index into points[chosen].runs: the partition the profile returns
    # every criterion's pick (scale index, run index), for comparison
    choices: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def resolutions(self) -> list[float]:
        return [p.resolution for p in self.points]

    @property
    def best(self) -> ProfilePoint:
        return self.points[self.chosen]

    @property
    def partition(self) -> np.ndarray:
        """The chosen partition (canonical labels)."""
        return self.best.runs[self.chosen_run]

    def rows(self) -> list[dict]:
        """One dict per scale; the chosen one also says how many communities the chosen partition has."""
        rows = [{**p.as_dict(), "chosen": i == self.chosen} for i, p in enumerate(self.points)]
        rows[self.chosen]["chosen_communities"] = int(self.partition.max()) + 1 if len(self.partition) else 0
        return rows

    def summary(self) -> dict:
        return {
            "criterion": self.criterion,
            "chosen_resolution": round(self.best.resolution, 6),
            "seeds": self.seeds,
            "seconds": round(self.seconds, 3),
            "choices": {k: round(self.points[i].resolution, 6) for k, (i, _) in self.choices.items()},
            "points": [p.as_dict() for p in self.points],
        }


# above this many nodes, partitions are compared on their common refinement (below)
COMPRESS_NODES = 20_000


def _common_refinement(runs: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The runs restricted to one node per class of nodes that every run puts together, and each
    class's size: every contingency table, hence NMI and ARI, is the same on it with those weights."""
    key = np.zeros(len(runs[0]), np.int64)
    for r in runs:
        key = pd.factorize(key * (int(r.max()) + 1) + r)[0].astype(np.int64)
    _, first, sizes = np.unique(key, return_index=True, return_counts=True)
    return [r[first] for r in runs], sizes.astype(np.float64)


def _weighted_scores(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """(NMI 2I/(Ha+Hb), adjusted Rand index) of two partitions of nodes weighted by w (counts)."""
    joint, cells = pd.factorize(a * (int(b.max()) + 1) + b)
    nij = np.bincount(joint, weights=w)  # contingency cells
    row, col = np.bincount(a, weights=w), np.bincount(b, weights=w)
    n = w.sum()
    cell_a, cell_b = np.asarray(cells) // (int(b.max()) + 1), np.asarray(cells) % (int(b.max()) + 1)
    ni, nj = row[row > 0], col[col > 0]
    ha, hb = -np.sum(ni / n * np.log(ni / n)), -np.sum(nj / n * np.log(nj / n))
    mi = np.sum(nij / n * np.log(nij * n / (row[cell_a] * col[cell_b])))
    nmi = 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)

    def comb2(x: np.ndarray) -> float:
        return float(np.sum(x * (x - 1) / 2))

    index, sa, sb, total = comb2(nij), comb2(ni), comb2(nj), n * (n - 1) / 2
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    ari = 1.0 if top == expected else (index - expected) / (top - expected)
    return float(nmi), float(ari)


def _pair_scores(runs: list[np.ndarray], *, with_nmi: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise NMI (ones when with_nmi=False) and ARI matrices (igraph: already loaded, C speed;
    each partition converted to a list once, which is most of the cost on small graphs). Above
    COMPRESS_NODES nodes, on the runs' common refinement (numpy; the same values)."""
    import igraph as ig

    k = len(runs)
    if k > 1 and len(runs[0]) > COMPRESS_NODES:
        small, weights = _common_refinement(runs)
        nmi, ari = np.ones((k, k)), np.ones((k, k))
        for i in range(k):
            for j in range(i + 1, k):
                if not np.array_equal(small[i], small[j]):
                    nmi[i, j], ari[i, j] = _weighted_scores(small[i], small[j], weights)
                    nmi[j, i], ari[j, i] = nmi[i, j], ari[i, j]
        return nmi, ari
    nmi, ari = np.ones((k, k)), np.ones((k, k))
    lists = [r.tolist() for r in runs]
    for i in range(k):
        for j in range(i + 1, k):
            if lists[i] == lists[j]:
                continue
            if with_nmi:
                nmi[i, j] = nmi[j, i] = ig.compare_communities(lists[i], lists[j], method="nmi")
            ari[i, j] = ari[j, i] = ig.compare_communities(lists[i], lists[j], method="adjusted_rand")
    return nmi, ari


def _point(
    graph: UserGraph, resolution: float, runs: list[np.ndarray], weight: bool, connected: np.ndarray
) -> ProfilePoint:

    runs = [canonical_membership(r) for r in runs]
    nmi, ari = _pair_scores(runs)
    k = len(runs)
    off = ~np.eye(k, dtype=bool)
    medoid = int(np.argmax(ari.sum(axis=1))) if k > 1 else 0
    m = runs[medoid]
    n_conn = max(int(connected.sum()), 1)
    sizes_conn = np.bincount(m[connected], minlength=int(m.max()) + 1 if len(m) else 0)
    largest_share = float(sizes_conn.max() / n_conn) if len(sizes_conn) else 1.0
    alone = int(sizes_conn[sizes_conn == 1].sum())
    groups = int((sizes_conn >= 2).sum())
    trivial = groups < 2 or largest_share > MAX_GIANT_SHARE or alone > n_conn / 2
    return ProfilePoint(
        resolution=float(resolution),
        membership=m,
        runs=runs,
        communities=int(m.max()) + 1 if len(m) else 0,
        modularity=modularity(graph, m, weight=weight, resolution=resolution),
        stability_nmi=float(nmi[off].mean()) if k > 1 else 1.0,
        stability_ari=float(ari[off].mean()) if k > 1 else 1.0,
        largest_share=largest_share,
        trivial=trivial,
        medoid=medoid,
    )


def _widest_plateau(points: list[ProfilePoint], candidates: list[int]) -> list[int]:
    """The widest run of neighbouring candidate scales whose partitions agree (ARI >= PLATEAU_ARI);
    among equally wide runs, the one holding the most stable scale."""

    def _agreement(a: np.ndarray, b: np.ndarray) -> float:
        if len(a) > COMPRESS_NODES:
            return float(_pair_scores([a, b], with_nmi=False)[1][0, 1])
        return partition_agreement(a, b)

    runs: list[list[int]] = [[candidates[0]]]
    for a, b in zip(candidates, candidates[1:]):
        if b == a + 1 and _agreement(points[a].membership, points[b].membership) >= PLATEAU_ARI:
            runs[-1].append(b)
        else:
            runs.append([b])
    widest = max(len(r) for r in runs)
    return max((r for r in runs if len(r) == widest), key=lambda r: max(points[i].stability_ari for i in r))


def choose(points: list[ProfilePoint], criterion: str = DEFAULT_CRITERION) -> tuple[int, int]:
    """(scale index, run index) of the partition `criterion` picks; uses the profile only."""
    if criterion not in CRITERIA:
        raise ConfigError(f"unknown criterion '{criterion}'; choose one of {', '.join(CRITERIA)}")
    candidates = [i for i, p in enumerate(points) if not p.trivial] or list(range(len(points)))
    if criterion == "stability":
        stab = np.array([points[i].stability_ari for i in candidates])
        # ties (within 0.005) go to the coarser scale: fewer, larger communities explain more
        i = candidates[int(np.flatnonzero(stab >= stab.max() - 0.005)[0])]
        return i, points[i].medoid
    plateau = _widest_plateau(points, candidates)
    if criterion == "plateau":
        i = max(plateau, key=lambda i: (points[i].stability_ari, -i))
        return i, points[i].medoid
    # consensus: of every seed's partition at every scale of the plateau, the one that agrees most
    # with all the others (a medoid rather than Lancichinetti & Fortunato's re-clustered
    # co-assignment matrix: the same idea at the cost of pairwise comparisons)
    pool = [(i, j) for i in plateau for j in range(len(points[i].runs))]
    _, ari = _pair_scores([points[i].runs[j] for i, j in pool], with_nmi=False)
    return pool[int(np.argmax(ari.sum(axis=1)))]


def default_plan(graph: UserGraph) -> tuple[tuple[float, ...], int]:
    """(resolutions, seeds) for a graph: the full scan up to LARGE_EDGES undirected edges; above,
    factor-2 steps from 0.5 and two seeds, so that the profile costs at most ~10 single runs."""
    u, _, _ = graph.undirected_edges()
    if len(u) <= LARGE_EDGES:
        return DEFAULT_RESOLUTIONS, DEFAULT_SEEDS
    return LARGE_RESOLUTIONS, LARGE_SEEDS


def _aggregate(graph: UserGraph, fine: np.ndarray, weight: bool):
    """(igraph graph with one vertex per community of `fine`, node weights): edge weights summed
    between communities, a self-loop holding the weight inside each; node weights are the summed
    strengths of the members, so Leiden's modularity on it equals modularity on `graph` for every
    partition made of whole `fine` communities."""
    import igraph as ig

    u, v, w = graph.undirected_edges()
    if not weight:
        w = np.ones(len(u))
    k = int(fine.max()) + 1 if len(fine) else 0
    strength = np.bincount(np.concatenate([u, v]), weights=np.concatenate([w, w]), minlength=graph.n_nodes)
    a, b = fine[u], fine[v]
    key, inverse = np.unique(np.minimum(a, b) * np.int64(k) + np.maximum(a, b), return_inverse=True)
    h = ig.Graph(n=k, edges=list(zip((key // k).tolist(), (key % k).tolist())))
    h.es["weight"] = np.bincount(inverse, weights=w, minlength=len(key)).tolist()
    return h, np.bincount(fine, weights=strength, minlength=k).tolist()


def resolution_profile(
    graph: UserGraph,
    method: str = "leiden",
    *,
    weight: bool = True,
    seed: int = 0,
    seeds: int | None = None,
    resolutions=None,
    criterion: str = DEFAULT_CRITERION,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    coarse_to_fine: bool | None = None,
) -> ResolutionProfile:
    """Run `method` at every resolution with `seeds` seeds (seed, seed+1, ...) and choose a scale.

    resolutions / seeds default to `default_plan(graph)`. The igraph graph is built once for all
    runs. progress(done, total) is called after each run; setting `cancel` stops with
    ConfigError. The same arguments give the same profile and the same choice.

    coarse_to_fine (default: Leiden on graphs above LARGE_EDGES): one run at the finest
    resolution on the whole graph, then every scale and seed on the graph aggregated by that
    partition (module docstring).
    """

    if method not in RESOLUTION_METHODS:
        raise ConfigError(f"method '{method}' has no resolution to scan; use one of {', '.join(RESOLUTION_METHODS)}")
    if criterion not in CRITERIA:
        raise ConfigError(f"unknown criterion '{criterion}'; choose one of {', '.join(CRITERIA)}")
    if graph.n_nodes == 0:
        raise ConfigError("the graph has no nodes")
    plan_resolutions, plan_seeds = default_plan(graph)
    resolutions = sorted(float(r) for r in (plan_resolutions if resolutions is None else resolutions))
    if not resolutions or resolutions[0] <= 0:
        raise ConfigError("resolutions must be > 0")
    seeds = max(int(plan_seeds if seeds is None else seeds), 1)
    start = time.perf_counter()
    g = graph.to_igraph(directed=False, cached=True)
    connected = graph.degrees() > 0
    if coarse_to_fine is None:
        coarse_to_fine = method == "leiden" and len(graph.undirected_edges()[0]) > LARGE_EDGES
    if coarse_to_fine and method != "leiden":
        raise ConfigError("the coarse-to-fine profile needs method 'leiden'")
    total, done = len(resolutions) * seeds + int(coarse_to_fine), 0
    fine: np.ndarray | None = None
    node_weights = None
    if coarse_to_fine:
        if cancel is not None and cancel.is_set():
            raise ConfigError("the resolution profile was cancelled")
        # one Leiden iteration: the scans below refine it further on the aggregate
        rng = random.Random(seed * 1_000_003 + 999_983)
        fine = run_partition(g, method, weight, resolutions[-1], rng, n_iterations=FINE_ITERATIONS)
        g, node_weights = _aggregate(graph, fine, weight)
        done += 1
        if progress is not None:
            progress(done, total)
    points = []
    for r_index, r in enumerate(resolutions):
        runs = []
        for s in range(seeds):
            if cancel is not None and cancel.is_set():
                raise ConfigError("the resolution profile was cancelled")
            # one random stream per (seed, scale): reproducible whatever ran before
            rng = random.Random((seed + s) * 1_000_003 + r_index)
            if fine is None:
                runs.append(run_partition(g, method, weight, r, rng))
            else:  # on the aggregate: every community of it is a whole set of fine communities
                runs.append(run_partition(g, method, True, r, rng, node_weights=node_weights)[fine])
            done += 1
            if progress is not None:
                progress(done, total)
        points.append(_point(graph, r, runs, weight, connected))
    choices = {c: choose(points, c) for c in CRITERIA}
    chosen, chosen_run = choices[criterion]
    return ResolutionProfile(
        points=points,
        method=method,
        weight=weight,
        seed=int(seed),
        seeds=seeds,
        chosen=chosen,
        chosen_run=chosen_run,
        criterion=criterion,
        seconds=time.perf_counter() - start,
        choices=choices,
    )
