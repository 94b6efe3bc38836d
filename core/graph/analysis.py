"""The whole community-graph analysis in one call: build, detect, influence, profiles, growth.

The page and the bench call this with the tables a workspace has; it holds no drawing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core.graph.build import GraphSource, UserGraph, build_graph
from core.graph.detect import CommunityResult, Method, detect_communities
from core.graph.influence import influence_table
from core.graph.profiles import community_growth, community_profiles

# with a fixed resolution, stability reruns detection this many times; skipped above
# STABILITY_MAX_EDGES to stay interactive ('auto' measures stability in its profile)
STABILITY_SEEDS = 3
STABILITY_MAX_EDGES = 200_000


@dataclass(frozen=True)
class GraphSettings:
    method: Method = "leiden"
    resolution: float | str = "auto"  # 'auto': chosen from a resolution profile (core.graph.resolution)
    min_weight: float = 0.0
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    seed: int = 0
    source: GraphSource | None = None  # None: edges, else replies, else co-interaction


@dataclass(eq=False)
class CommunityAnalysis:
    settings: GraphSettings
    graph: UserGraph
    result: CommunityResult
    influence: pd.DataFrame
    profiles: pd.DataFrame
    growth: pd.DataFrame


def analyse_communities(
    tables: Mapping[str, pd.DataFrame], settings: GraphSettings | None = None, *, progress=None, cancel=None
) -> CommunityAnalysis:
    """Build the graph from `tables` (name -> DataFrame, only those present) and analyse it.

    progress(done, total) / cancel (threading.Event) reach the resolution profile when
    `settings.resolution` is 'auto'.
    """
    settings = settings or GraphSettings()
    graph = build_graph(
        tables, prefer=settings.source, min_weight=settings.min_weight, start=settings.start, end=settings.end
    )
    stability = STABILITY_SEEDS if graph.n_edges <= STABILITY_MAX_EDGES else 0
    if settings.resolution == "auto":
        stability = 0  # the profile's own seeds
    result = detect_communities(
        graph,
        settings.method,
        resolution=settings.resolution,
        seed=settings.seed,
        stability_seeds=stability,
        progress=progress,
        cancel=cancel,
    )
    influence = influence_table(graph, result, seed=settings.seed)
    profiles = community_profiles(graph, result, influence, tables=tables)
    return CommunityAnalysis(settings, graph, result, influence, profiles, community_growth(graph, result))


def graph_source(tables: Mapping[str, pd.DataFrame]) -> GraphSource | None:
    """Which table `build_graph` would use, or None when there is nothing to build from."""
    if tables.get("edges") is not None:
        return "edges"
    posts = tables.get("posts")
    if posts is not None and any(
        c in posts.columns and posts[c].astype("string").str.strip().replace("", pd.NA).notna().any()
        for c in ("reply_to_user", "parent_id")
    ):
        return "replies"
    if tables.get("interactions") is not None:
        return "co_interaction"
    return None


SOURCE_TABLE = {"edges": "edges", "replies": "posts", "co_interaction": "interactions"}


def time_span(tables: Mapping[str, pd.DataFrame], source: GraphSource) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(first, last) timestamp of the table the graph comes from, or None without timestamps."""
    df = tables.get(SOURCE_TABLE[source])
    if df is None or "ts" not in df.columns:
        return None
    ts = pd.to_datetime(df["ts"], errors="coerce").dropna()
    return (ts.min(), ts.max()) if len(ts) else None
