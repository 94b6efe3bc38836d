"""Communities only where they exist: the partition's modularity against degree-preserving rewirings.

A young Q&A site's answer graph can have no community structure beyond chance, yet modularity
maximisation always finds "communities" (Guimerà, Sales-Pardo & Amaral 2004: random graphs have
high modularity). So the same algorithm (Leiden, modularity at resolution 1, unweighted) runs on the
graph and on `rewirings` copies whose edges were rewired keeping every node's degree (igraph's
`rewire`, the configuration model; 10 swaps per edge). With the copies' modularities' mean and sd:
    z = (Q - mean) / sd,    structure_beyond_chance = z >= 3.
At most `rewirings` copies run: fewer when `time_budget` seconds pass first, and the test stops
after MIN_REWIRINGS copies when z is already EARLY_Z or more (ten times the threshold: with three
copies the sd's estimate is below a tenth of the true sd with probability ~1%, so the verdict stands
with ~99% confidence). The count that ran is reported.

Cost: a rewiring is ~0.7 us per swap here, 1.8 s for a 250,000-edge graph, so ten copies cost 10-20
times the community detection itself. `graph_significance` (the communities CLI and the graph view)
therefore tests graphs up to MAX_EDGES undirected edges and says so above, unless asked: the z of
real structure grows with the graph (email-Eu-core, 16,000 edges: z ~ 100; a 250,000-edge planted
graph: z ~ 300), so on such graphs the test only says what the modularity already shows.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from core.graph.build import UserGraph
from core.graph.partition import modularity, run_partition
from core.graph.resolution import LARGE_EDGES
from core.i18n import t

Z_BEYOND_CHANCE = 3.0
EARLY_Z = 10 * Z_BEYOND_CHANCE  # after MIN_REWIRINGS copies, a z this far beyond settles the verdict
MIN_REWIRINGS = 3
MAX_EDGES = LARGE_EDGES  # graph_significance: larger graphs are tested only when asked


@dataclass(frozen=True)
class Significance:
    modularity: float
    null_modularity_mean: float
    null_modularity_sd: float
    rewirings: int
    z: float
    seconds: float

    @property
    def structure_beyond_chance(self) -> bool:
        return bool(self.z >= Z_BEYOND_CHANCE)

    def summary(self) -> dict:
        return {
            "tested": True,
            "modularity": round(self.modularity, 6),
            "null_modularity_mean": round(self.null_modularity_mean, 6),
            "null_modularity_sd": round(self.null_modularity_sd, 6),
            "null_rewirings": self.rewirings,
            "modularity_z": None if not np.isfinite(self.z) else round(self.z, 3),
            "structure_beyond_chance": self.structure_beyond_chance,
        }


def _q(g, seed: int) -> float:
    labels = run_partition(g, "leiden", False, 1.0, random.Random(seed))
    return float(g.modularity(labels.tolist(), weights=None, resolution=1.0))


def _z(observed: float, null: list[float]) -> tuple[float, float, float]:
    """(z, the null's mean, its sd): z is inf above a null without spread, 0 at or below it."""
    mean = float(np.mean(null))
    sd = float(np.std(null, ddof=1)) if len(null) > 1 else 0.0
    z = (observed - mean) / sd if sd > 0 else (np.inf if observed > mean else 0.0)
    return float(z), mean, sd


def modularity_significance(
    graph: UserGraph,
    *,
    rewirings: int = 10,
    seed: int = 0,
    time_budget: float = 60.0,
    swaps_per_edge: int = 10,
    stop_early: bool = True,
) -> Significance:
    """Modularity of Leiden's partition (resolution 1, unweighted) vs degree-preserving rewirings
    (`stop_early`: stop after MIN_REWIRINGS copies once z >= EARLY_Z)."""
    start = time.perf_counter()
    base = graph.to_igraph(directed=False)
    base.es["weight"] = [1.0] * base.ecount()
    observed = _q(base, seed)
    null: list[float] = []
    rng = random.Random(seed)
    import igraph as ig

    for i in range(max(int(rewirings), 1)):
        if null and time.perf_counter() - start > time_budget:
            break
        g = base.copy()
        ig.set_random_number_generator(random.Random(rng.randrange(2**31)))
        try:
            g.rewire(n=swaps_per_edge * max(g.ecount(), 1), mode="simple")
        finally:
            ig.set_random_number_generator(random)
        null.append(_q(g, seed + 1 + i))
        if stop_early and len(null) >= MIN_REWIRINGS and _z(observed, null)[0] >= EARLY_Z:
            break
    z, mean, sd = _z(observed, null)
    return Significance(observed, mean, sd, len(null), z, time.perf_counter() - start)


def graph_significance(graph: UserGraph, *, seed: int = 0, force: bool = False) -> Significance | None:
    """`modularity_significance` where it is affordable: None for a graph above MAX_EDGES edges unless
    `force` (see the module's note on cost)."""
    if graph.n_edges > MAX_EDGES and not force:
        return None
    return modularity_significance(graph, seed=seed)


def skipped_summary(graph: UserGraph) -> dict:
    """What the communities JSON says in place of the test on a graph above MAX_EDGES."""
    return {
        "tested": False,
        "reason": f"{graph.n_edges:,} edges, above {MAX_EDGES:,}: not tested by default (--significance tests it)",
    }


def partition_modularity(graph: UserGraph, membership) -> float:
    """The given partition's modularity at resolution 1, unweighted (to read beside the null's)."""
    return modularity(graph, membership, weight=False, resolution=1.0)


def significance_sentence(sig: Significance | None, lang: str = "en", edges: int = 0) -> str:
    """One plain sentence for the graph view: is there community structure beyond chance? (None: the
    graph of `edges` edges was too large to test by default.)"""
    if sig is None:
        return t("graph.significance_skipped", lang, edges=f"{edges:,}", limit=f"{MAX_EDGES:,}")
    key = "health.structure.yes" if sig.structure_beyond_chance else "health.structure.no"
    return t(key, lang, q=sig.modularity, mean=sig.null_modularity_mean, sd=sig.null_modularity_sd, n=sig.rewirings)
