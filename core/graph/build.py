"""Build one user graph from `edges`, replies in `posts`, or co-interaction in `interactions`.

Direction is kept in the graph (influence needs it: PageRank flows from the one who follows or
replies to the one followed or replied to) and symmetrised on request for detection
(`UserGraph.undirected_edges`, weights of u->v and v->u summed). Self-loops are counted and
dropped; nodes left without any edge (or known only from a node list) are reported as isolates
and stay in the graph, so a partition covers every node the user gave us.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from core.errors import InputError
from core.query.aggregates import co_interaction_parts, reply_parts
from core.query.engine import DuckDBEngine, Engine

GraphSource = Literal["edges", "replies", "co_interaction"]

# UserGraph -> {directed: igraph.Graph}; entries go when the UserGraph is garbage-collected
_IGRAPH_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# UserGraph (directed) -> its undirected (u, v, w), read-only; computed once
_UNDIRECTED_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class UserGraph:
    """A weighted user graph over `nodes` (vertex i is `nodes[i]`).

    `src`, `dst`, `weight` hold one row per distinct ordered pair (duplicates summed, no
    self-loops). For undirected sources (co-interaction) each pair is stored once with src < dst.
    `first_seen[i]` is the earliest timestamp at which node i appears (NaT when unknown).
    """

    nodes: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    directed: bool
    source: GraphSource
    self_loops: int = 0
    dropped_rows: int = 0
    below_min_weight: int = 0
    first_seen: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_nodes(self) -> int:
        return int(len(self.nodes))

    @property
    def n_edges(self) -> int:
        return int(len(self.src))

    @property
    def isolates(self) -> list[str]:
        """Nodes with no edge at all (after self-loops were dropped)."""
        touched = np.zeros(self.n_nodes, dtype=bool)
        touched[self.src] = True
        touched[self.dst] = True
        return [str(x) for x in self.nodes[~touched]]

    def index(self) -> dict[str, int]:
        return {str(n): i for i, n in enumerate(self.nodes)}

    def undirected_edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(u, v, w) with u < v, one row per unordered pair, weights of both directions summed."""
        if self.n_edges == 0:
            return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
        if not self.directed:  # already one row per pair with src < dst
            return self.src, self.dst, self.weight
        cached = _UNDIRECTED_CACHE.get(self)
        if cached is not None:  # detection asks for them a dozen times (modularity, degrees, ...)
            return cached
        lo = np.minimum(self.src, self.dst)
        hi = np.maximum(self.src, self.dst)
        key = lo * np.int64(self.n_nodes) + hi
        uniq, inverse = np.unique(key, return_inverse=True)
        w = np.bincount(inverse, weights=self.weight, minlength=len(uniq))
        out = ((uniq // self.n_nodes).astype(np.int64), (uniq % self.n_nodes).astype(np.int64), w)
        for a in out:
            a.setflags(write=False)  # shared by every caller
        _UNDIRECTED_CACHE[self] = out
        return out

    def degrees(self) -> np.ndarray:
        """Number of distinct neighbours of each node, direction ignored."""
        u, v, _ = self.undirected_edges()
        return np.bincount(np.concatenate([u, v]), minlength=self.n_nodes)

    def to_igraph(self, *, directed: bool | None = None, cached: bool = False):
        """igraph.Graph with a 'weight' edge attribute and a 'name' vertex attribute.

        directed=False gives the symmetrised graph used for detection. cached=True returns one
        shared graph per (UserGraph, direction), built once: callers must not modify it (the
        resolution profile runs dozens of detections on it; building costs as much as one run).
        The graph attribute 'unit_weights' says every weight is 1 (detection can then skip them).
        """
        directed = self.directed if directed is None else directed
        if cached:
            per_graph = _IGRAPH_CACHE.setdefault(self, {})
            if directed not in per_graph:
                per_graph[directed] = self.to_igraph(directed=directed)
            return per_graph[directed]
        import igraph as ig

        if directed:
            s, d, w = self.src, self.dst, self.weight
        else:
            s, d, w = self.undirected_edges()
        # a list of int pairs: igraph converts it about twice as fast as a numpy (m, 2) array
        g = ig.Graph(n=self.n_nodes, edges=list(zip(s.tolist(), d.tolist())), directed=directed)
        g.es["weight"] = w.tolist()
        g.vs["name"] = [str(x) for x in self.nodes]
        g["unit_weights"] = bool(np.all(w == 1.0))
        return g

    def to_networkx(self, *, directed: bool | None = None):
        """networkx graph with the same nodes and 'weight' attributes (for tests and references)."""
        import networkx as nx

        directed = self.directed if directed is None else directed
        g = nx.DiGraph() if directed else nx.Graph()
        g.add_nodes_from(str(x) for x in self.nodes)
        s, d, w = (self.src, self.dst, self.weight) if directed else self.undirected_edges()
        names = self.nodes.astype(str)
        g.add_weighted_edges_from(zip(names[s], names[d], w.tolist()))
        return g

    def summary(self) -> dict:
        """JSON-able facts about the graph, including what was dropped or left isolated."""
        isolates = self.isolates
        return {
            "source": self.source,
            "directed": self.directed,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "self_loops_dropped": int(self.self_loops),
            "isolated_nodes": len(isolates),
            "isolated_examples": isolates[:5],
            "rows_without_ids": int(self.dropped_rows),
            "pairs_below_min_weight": int(self.below_min_weight),
            "notes": list(self.notes),
        }


def _require(df: pd.DataFrame, columns: list[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"found {', '.join(map(str, df.columns)) or 'none'}",
            file=table,
        )


def _clean_ids(series: pd.Series) -> pd.Series:
    """Ids as stripped strings; blanks and NaN become NA."""
    s = series.astype("string").str.strip()
    return s.mask(s == "")


def _factorized_ids(series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, names): `_clean_ids` of each row as names[codes[i]], code -1 where the id is missing.

    Cleans each distinct raw value once: the same result as cleaning every row, a few times faster
    on a 1M-row edge list (ids repeat)."""
    codes, uniques = pd.factorize(pd.Series(series).reset_index(drop=True), use_na_sentinel=True)
    cleaned = _clean_ids(pd.Series(uniques, dtype=object))
    missing = cleaned.isna().to_numpy()
    names = cleaned.fillna("").to_numpy(str) if len(cleaned) else np.array([], dtype=str)
    codes = codes.astype(np.int64)
    if missing.any():
        codes = np.where((codes >= 0) & ~missing[np.maximum(codes, 0)], codes, -1)
    return codes, names


def _filter_dates(df: pd.DataFrame, ts: str | None, start, end) -> pd.DataFrame:
    if ts is None or ts not in df.columns or (start is None and end is None):
        return df
    t = pd.to_datetime(df[ts], errors="coerce")
    keep = pd.Series(True, index=df.index)
    if start is not None:
        keep &= t >= pd.Timestamp(start)
    if end is not None:
        keep &= t <= pd.Timestamp(end)
    return df[keep]


def graph_from_pairs(
    src: pd.Series,
    dst: pd.Series,
    weight: pd.Series | None = None,
    *,
    ts: pd.Series | None = None,
    directed: bool = True,
    source: GraphSource = "edges",
    min_weight: float = 0.0,
    extra_nodes=None,
    table: str = "edges",
) -> UserGraph:
    """Core builder: aggregate (src, dst[, weight]) rows into a `UserGraph`.

    Rows with a missing id are counted in `dropped_rows`; self-loops in `self_loops`. Pairs whose
    summed weight is below `min_weight` are dropped (their nodes stay, possibly as isolates).
    `extra_nodes` (e.g. every user id) are added as nodes even without edges.
    """
    # ids cleaned once per distinct value (hashing 1M raw ids is cheap, stripping them is not)
    s_codes, s_names = _factorized_ids(src)
    d_codes, d_names = _factorized_ids(dst)
    s_len = len(s_codes)
    if weight is None:
        w = pd.Series(np.ones(s_len))
    else:
        w = pd.to_numeric(pd.Series(weight).reset_index(drop=True), errors="coerce")
        bad = w.isna() & (s_codes >= 0) & (d_codes >= 0)
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy()) + 2).tolist()  # +2: header line, 1-based
            raise InputError(
                "weight is not a number", file=table, column=getattr(weight, "name", None) or "weight", rows=rows
            )
        if (w < 0).any():
            rows = (np.flatnonzero((w < 0).to_numpy()) + 2).tolist()
            raise InputError(
                "negative weights are not allowed",
                file=table,
                column=getattr(weight, "name", None) or "weight",
                rows=rows,
            )
    t = None if ts is None else pd.to_datetime(pd.Series(ts).reset_index(drop=True), errors="coerce")
    valid = (s_codes >= 0) & (d_codes >= 0)
    dropped = int((~valid).sum())
    s_codes, d_codes, w = s_codes[valid], d_codes[valid], w[valid].to_numpy(float)
    if t is not None:
        t = t[valid].to_numpy("datetime64[ns]")

    # only ids that appear in a valid row become nodes (as before, when ids were taken row by row)
    names = [
        s_names[np.bincount(s_codes, minlength=len(s_names)) > 0],
        d_names[np.bincount(d_codes, minlength=len(d_names)) > 0],
    ]
    if extra_nodes is not None:
        extra = _clean_ids(pd.Series(list(extra_nodes))).dropna().to_numpy(str)
        names.append(extra)
    # distinct by hashing, then one sort of the distinct ids (np.unique sorts every id)
    nodes = (
        np.sort(pd.unique(np.concatenate(names).astype(object))).astype(str)
        if any(len(x) for x in names)
        else np.array([], dtype=str)
    )
    si = np.searchsorted(nodes, s_names)[s_codes].astype(np.int64) if len(s_names) else s_codes.astype(np.int64)
    di = np.searchsorted(nodes, d_names)[d_codes].astype(np.int64) if len(d_names) else d_codes.astype(np.int64)
    n = len(nodes)

    first_seen = None
    if t is not None:
        first_seen = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        tv = t.astype("int64")
        ok = ~np.isnat(t)
        mins = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(mins, si[ok], tv[ok])
        np.minimum.at(mins, di[ok], tv[ok])
        has = mins != np.iinfo(np.int64).max
        first_seen[has] = mins[has].astype("datetime64[ns]")

    loops = si == di
    self_loops = int(loops.sum())
    si, di, w = si[~loops], di[~loops], w[~loops]
    if not directed:
        si, di = np.minimum(si, di), np.maximum(si, di)
    key = si * np.int64(max(n, 1)) + di
    uniq, inverse = np.unique(key, return_inverse=True)
    agg = np.bincount(inverse, weights=w, minlength=len(uniq)) if len(uniq) else np.zeros(0)
    keep = agg >= min_weight
    # zero-weight pairs carry no tie: drop them too (igraph would treat them as present)
    keep &= agg > 0
    below = int((~keep).sum())
    uniq, agg = uniq[keep], agg[keep]
    return UserGraph(
        nodes=nodes.astype(object),
        src=(uniq // max(n, 1)).astype(np.int64),
        dst=(uniq % max(n, 1)).astype(np.int64),
        weight=agg.astype(np.float64),
        directed=directed,
        source=source,
        self_loops=self_loops,
        dropped_rows=dropped,
        below_min_weight=below,
        first_seen=first_seen,
    )


def graph_from_edges(
    edges: pd.DataFrame,
    *,
    source_col: str = "src",
    target_col: str = "dst",
    weight_col: str | None = "weight",
    ts_col: str | None = "ts",
    min_weight: float = 0.0,
    start=None,
    end=None,
    extra_nodes=None,
    table: str = "edges",
) -> UserGraph:
    """Directed graph from an edge table. A missing optional weight column means weight 1 per row."""
    _require(edges, [source_col, target_col], table)
    if weight_col is not None and weight_col not in edges.columns:
        if weight_col != "weight":  # the user named it explicitly
            _require(edges, [weight_col], table)
        weight_col = None
    ts_col = ts_col if ts_col in edges.columns else None
    edges = _filter_dates(edges, ts_col, start, end)
    return graph_from_pairs(
        edges[source_col],
        edges[target_col],
        None if weight_col is None else edges[weight_col],
        ts=None if ts_col is None else edges[ts_col],
        directed=True,
        source="edges",
        min_weight=min_weight,
        extra_nodes=extra_nodes,
        table=table,
    )


def _frame_ts(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with its `ts` (if any) read as times, unreadable ones NaT (for the SQL engine)."""
    if "ts" not in df.columns:
        return df
    return df.assign(ts=pd.to_datetime(df["ts"], errors="coerce"))


def graph_from_replies(
    posts: pd.DataFrame, *, min_weight: float = 0.0, start=None, end=None, table: str = "posts"
) -> UserGraph:
    """Directed replier -> replied-to graph from `posts`.

    Uses `reply_to_user` where present, else looks `parent_id` up among the posts. Weight is the
    number of replies. Every poster is a node, so people nobody replied to show up as isolates.
    The pairs come from the shared query (`core.query.sql.reply_pairs`, the one Spark runs too).
    """
    _require(posts, ["post_id", "user_id"], table)
    if "reply_to_user" not in posts.columns and "parent_id" not in posts.columns:
        raise InputError("needs 'reply_to_user' or 'parent_id' to derive a reply graph", file=table)
    posts = _frame_ts(_filter_dates(posts, "ts" if "ts" in posts.columns else None, start, end))
    with DuckDBEngine.of_frames(posts=posts) as eng:
        return reply_graph(eng, "posts", min_weight=min_weight)


def graph_from_co_interaction(
    interactions: pd.DataFrame,
    *,
    min_shared: int = 2,
    max_item_users: int = 200,
    start=None,
    end=None,
    table: str = "interactions",
) -> UserGraph:
    """Undirected graph joining users who interacted with the same items.

    Weight = number of distinct items both touched; pairs below `min_shared` are dropped. Items
    touched by more than `max_item_users` users are skipped (a blockbuster links everyone to
    everyone and says nothing about communities); how many were skipped is noted. The pairs come
    from the shared query (`core.query.sql.co_interaction_edges`, the one Spark runs too).
    """
    _require(interactions, ["user_id", "item_id"], table)
    df = _frame_ts(_filter_dates(interactions, "ts" if "ts" in interactions.columns else None, start, end))
    with DuckDBEngine.of_frames(interactions=df) as eng:
        return co_interaction_graph(eng, "interactions", min_shared=min_shared, max_item_users=max_item_users)


def reply_graph(engine: Engine, table: str = "posts", min_weight: float = 0.0) -> UserGraph:
    """The reply graph of a posts table of a DuckDB or Spark engine (`core.query.aggregates.reply_parts`):
    every poster a node, weight = replies, first_seen = each node's earliest reply; self-replies and
    replies without an author counted (`self_loops`, `dropped_rows`)."""
    parts = reply_parts(engine, table)
    pairs, posters = parts["pairs"], parts["posters"]
    replies = pairs["replies"].to_numpy(np.int64)
    g = graph_from_pairs(
        pairs["src"],
        pairs["dst"],
        pd.Series(replies.astype(float)),
        ts=pairs["first_ts"] if parts["has_ts"] else None,
        directed=True,
        source="replies",
        min_weight=min_weight,
        extra_nodes=posters["u"],
        table=table,
    )
    known = pairs["src"].notna().to_numpy()
    loops = known & (pairs["src"].astype(object) == pairs["dst"].astype(object)).to_numpy()
    g = replace(g, self_loops=int(replies[loops].sum()), dropped_rows=int(replies[~known].sum()))
    g.notes.append(f"{int(replies.sum())} replies out of {int(posters['posts'].sum())} posts")
    return g


def co_interaction_graph(
    engine: Engine, table: str = "interactions", min_shared: int = 2, max_item_users: int = 200
) -> UserGraph:
    """The co-interaction graph of an interactions table of a DuckDB or Spark engine
    (`core.query.aggregates.co_interaction_parts`): every user with an item a node, first_seen =
    their earliest row; the notes say how many pairs fell below `min_shared` and how many items
    were skipped."""
    parts = co_interaction_parts(engine, table, min_shared, max_item_users)
    edges, users = parts["edges"], parts["users"]
    g = graph_from_pairs(
        edges["src"],
        edges["dst"],
        edges["weight"],
        directed=False,
        source="co_interaction",
        extra_nodes=users["u"],
        table=table,
    )
    if parts["has_ts"]:
        first = pd.Series(pd.to_datetime(users["first_ts"]).to_numpy(), index=users["u"].astype(str).to_numpy())
        g = replace(g, first_seen=first.reindex(g.nodes.astype(str)).to_numpy("datetime64[ns]"))
    g.notes.append(f"pairs sharing fewer than {min_shared} items dropped: {parts['pairs_below']}")
    if parts["skipped_items"]:
        g.notes.append(f"{parts['skipped_items']} items with more than {max_item_users} users skipped")
    return g


def build_graph(
    tables: Mapping[str, pd.DataFrame],
    *,
    prefer: GraphSource | None = None,
    min_weight: float = 0.0,
    start=None,
    end=None,
    min_shared: int = 2,
) -> UserGraph:
    """Pick the best available source: `edges`, else replies in `posts`, else `interactions`.

    `tables` maps table name to DataFrame (only those present). `prefer` forces one source. Users
    in a `users` table become nodes too, so users with no tie at all are reported as isolates.
    """
    users = tables.get("users")
    extra = users["user_id"] if users is not None and "user_id" in users.columns else None
    order: list[GraphSource] = ["edges", "replies", "co_interaction"]
    if prefer is not None:
        order = [prefer]
    for kind in order:
        if kind == "edges" and tables.get("edges") is not None:
            return graph_from_edges(tables["edges"], min_weight=min_weight, start=start, end=end, extra_nodes=extra)
        posts = tables.get("posts")
        if (
            kind == "replies"
            and posts is not None
            and ("reply_to_user" in posts.columns or "parent_id" in posts.columns)
        ):
            has_reply = False
            for col in ("reply_to_user", "parent_id"):
                if col in posts.columns:
                    has_reply |= bool(_clean_ids(posts[col]).notna().any())
            if has_reply or prefer == "replies":
                return graph_from_replies(posts, min_weight=min_weight, start=start, end=end)
        if kind == "co_interaction" and tables.get("interactions") is not None:
            shared = max(min_shared, int(np.ceil(min_weight)), 1)
            return graph_from_co_interaction(tables["interactions"], min_shared=shared, start=start, end=end)
    wanted = prefer or "edges, posts with replies, or interactions"
    raise InputError(f"no table to build a graph from (need {wanted})")
