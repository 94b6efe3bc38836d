"""The community-health view in one call, and the other analyses' results it joins.

    view = health_view(ws, engine, HealthSettings(source="posts", freq="week"))

This module sits above the analyses (like the CLI): it takes each sibling's result through its public
function (the sentiment view's lexicon scorer, the churn view's activity rule, the graph view's
detection and influence table, the A/B rows) and hands them to `core.health.metrics` as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.cohorts.datasets import tables_activity
from core.cohorts.labels import churn_labels_from_activity, default_cutoff
from core.errors import ConfigError, UserError
from core.graph.build import reply_graph
from core.graph.detect import detect_communities
from core.graph.influence import influence_table
from core.graph.significance import modularity_significance
from core.health.alerts import AlertConfig, cell_z
from core.health.metrics import AREA51_TARGETS, HIGHER_IS_BETTER, HealthResult, community_health
from core.text.analysis import score_posts

CHURN_INACTIVE_DAYS = 30
OUTCOMES = ("converted", "conversions", "clicks", "revenue")


@dataclass
class HealthInputs:
    source: str
    scored: pd.DataFrame | None = None
    churn: pd.Series | None = None
    ab: pd.DataFrame | None = None
    influencers: dict[str, list[str]] = field(default_factory=dict)
    notes: list = field(default_factory=list)  # keys, or (key, format values)
    significance: dict | None = None
    members: pd.DataFrame | None = None  # user_id, community of the reply graph's communities, when used


def scored_posts(posts: pd.DataFrame) -> pd.DataFrame | None:
    """post_id, score, sentiment by the sentiment view's scorer (lexicon per language)."""
    if "text" not in posts.columns or "post_id" not in posts.columns:
        return None
    scored, _ = score_posts(posts[["post_id", "text"] + (["label"] if "label" in posts else [])])
    return pd.DataFrame(
        {"post_id": scored["post_id"].astype(str), "score": scored["score"], "sentiment": scored["sentiment"]}
    )


def churn_flags(tables: dict) -> pd.Series | None:
    """user_id -> 1 when the churn view's activity rule marks the member (no activity in the last
    30 days after being active before); None when the log is too short."""
    try:
        activity = tables_activity(tables)
        cutoff = default_cutoff(activity, CHURN_INACTIVE_DAYS)
        return churn_labels_from_activity(activity, cutoff, CHURN_INACTIVE_DAYS)
    except UserError:
        return None


def ab_rows(ad_events: pd.DataFrame | None) -> pd.DataFrame | None:
    """user_id, variant, outcome of a user-level A/B table (the first outcome column present)."""
    if ad_events is None or not {"user_id", "variant"} <= set(ad_events.columns):
        return None
    outcome = next((c for c in OUTCOMES if c in ad_events.columns), None)
    if outcome is None:
        return None
    out = pd.DataFrame(
        {
            "user_id": ad_events["user_id"].astype(str),
            "variant": ad_events["variant"].astype(str),
            "outcome": pd.to_numeric(ad_events[outcome], errors="coerce"),
        }
    ).dropna()
    out = out.groupby(["user_id", "variant"], as_index=False)["outcome"].mean()
    return out if out["variant"].nunique() >= 2 else None


def graph_communities(engine, seed: int = 0) -> tuple[pd.DataFrame, dict, dict[str, list[str]]]:
    """The reply graph's communities (Leiden, resolution 1), their significance against rewirings,
    and the top 3 influencers of each."""
    graph = reply_graph(engine)
    if graph.n_edges == 0:
        raise ConfigError("the posts have no replies between members: no reply graph to detect communities in")
    result = detect_communities(graph, "leiden", resolution=1.0, seed=seed)
    sig = modularity_significance(graph, seed=seed)
    names = graph.nodes.astype(str)
    members = pd.DataFrame({"user_id": names, "community": [f"g{int(c)}" for c in result.membership]})
    influence = influence_table(graph, result, seed=seed)
    top: dict[str, list[str]] = {}
    if "community" in influence and len(influence):
        score = next((c for c in ("pagerank", "influence", "score") if c in influence), None)
        if score is not None:
            inf = influence.sort_values(score, ascending=False)
            for c, g in inf.groupby("community"):
                top[f"g{int(c)}"] = g["node"].astype(str).head(3).tolist() if "node" in g else []
    return members, sig.summary(), top


def health_inputs(ws, engine, source: str = "posts", sentiment: bool = True, seed: int = 0) -> HealthInputs:
    """Everything the health metrics take from the other analyses, for a workspace."""
    posts_cols = engine.columns("posts")
    inputs = HealthInputs(source=source)
    if source == "graph":
        members, sig, top = graph_communities(engine, seed)
        inputs.significance = sig
        fmt = {"q": sig["modularity"], "mean": sig["null_modularity_mean"], "sd": sig["null_modularity_sd"]}
        if sig["structure_beyond_chance"]:
            engine.register_frame("members", members)
            inputs.influencers = top
            inputs.members = members
            inputs.notes.append(("health.note.graph_used", fmt))
        else:
            inputs.source = "posts"
            inputs.notes.append(("health.note.no_structure", fmt))
    tables = {t: ws.read(t) for t in ("posts", "interactions", "ad_events") if ws.has(t)}
    if sentiment and "text" in posts_cols:
        inputs.scored = scored_posts(tables["posts"])
    inputs.churn = churn_flags({k: v for k, v in tables.items() if k in ("posts", "interactions")})
    inputs.ab = ab_rows(tables.get("ad_events"))
    return inputs


@dataclass(frozen=True)
class HealthSettings:
    source: str = "posts"
    freq: str = "week"
    sentiment: bool = True


@dataclass
class HealthView:
    result: HealthResult
    periods: list[pd.Timestamp]  # newest last
    targets: dict[str, float]
    members: pd.DataFrame | None = None  # the graph's communities' members (user_id, community) when used


def workspace_health(ws, engine, source: str = "posts", freq: str = "week", sentiment: bool = True) -> HealthResult:
    """The HealthResult of a workspace on `engine` (its tables registered here)."""
    return _health(ws, engine, source, freq, sentiment)[0]


def _health(ws, engine, source: str, freq: str, sentiment: bool) -> tuple[HealthResult, HealthInputs]:
    engine.register_workspace(ws)
    if not engine.has("posts"):
        raise ConfigError(f"workspace '{ws.name}' has no 'posts' table")
    inputs = health_inputs(ws, engine, source=source, sentiment=sentiment)
    result = community_health(
        engine,
        source=inputs.source,
        freq=freq,
        scored=inputs.scored,
        churn=inputs.churn,
        ab=inputs.ab,
        influencers=inputs.influencers,
        notes=inputs.notes,
        significance=inputs.significance,
    )
    return result, inputs


def health_view(ws, engine, settings: HealthSettings | None = None) -> HealthView:
    settings = settings or HealthSettings()
    result, inputs = _health(ws, engine, settings.source, settings.freq, settings.sentiment)
    periods = sorted(pd.Timestamp(p) for p in result.periods["period"].unique())
    return HealthView(result, periods, dict(AREA51_TARGETS), inputs.members)


def period_table(view: HealthView, period: pd.Timestamp | None, config: AlertConfig | None = None):
    """(values, z): one row per community (whole site first) of the metrics in `period`, and each
    cell's z against the community's own previous periods (NaN: no baseline). period=None: the
    whole span (no colouring)."""
    r = view.result
    if period is None:
        values = r.table().set_index("community")
        values.index = ["" if c is None else str(c) for c in values.index]
        return values[[m for m in r.metrics if m in values]], None
    per = r.periods[r.periods["period"] == period].set_index("community")
    # numbers, with NaN where a metric has no value (the last period's returning newcomers): never a None
    values = per[[m for m in r.metrics if m in per]].apply(pd.to_numeric, errors="coerce")
    order = [""] + sorted(c for c in values.index if c != "")
    values = values.reindex([c for c in order if c in values.index])
    z = cell_z(r, period, config).reindex(index=values.index, columns=values.columns)
    return values, z


def cell_colours(z: pd.DataFrame | None, limit: float = 3.0) -> pd.DataFrame | None:
    """'good' / 'bad' / '' per cell: a change beyond `limit` of the community's usual variation, judged
    by whether higher is better for that metric."""
    if z is None:
        return None
    out = pd.DataFrame("", index=z.index, columns=z.columns)
    for m in z.columns:
        up = HIGHER_IS_BETTER.get(m, True)
        col = z[m].to_numpy(dtype=float)
        out[m] = np.where(np.abs(col) > limit, np.where((col > 0) == up, "good", "bad"), "")
    return out


def sparkline_series(view: HealthView, metric: str = "members", last: int = 12) -> dict[str, list[float]]:
    """Per community ('' = site): the last `last` periods' values of `metric`."""
    per = view.result.periods
    out: dict[str, list[float]] = {}
    keep = view.periods[-last:]
    for comm, g in per.groupby("community", sort=True):
        s = g.set_index("period")[metric].reindex(keep)
        out[str(comm)] = [float(v) if np.isfinite(v) else np.nan for v in s.to_numpy(dtype=float)]
    return out


def below_target(values: pd.DataFrame, targets: dict[str, float]) -> pd.DataFrame:
    """True where a metric with a target is under it."""
    out = pd.DataFrame(False, index=values.index, columns=values.columns)
    for m, target in targets.items():
        if m in values and target is not None:
            out[m] = values[m].astype(float) < float(target)
    return out


# ---- the community every view focuses on (drill-down, ?community=) -------------------------------------
def community_names(posts: pd.DataFrame) -> list[str]:
    """The posts' communities (their `community` column's values), sorted; [] without the column."""
    if "community" not in posts.columns:
        return []
    values = posts["community"].dropna().astype(str)
    return sorted(v for v in values.unique() if v.strip())


def community_members(posts: pd.DataFrame, communities) -> frozenset[str]:
    """The members of `communities`: users (as text) with at least one post carrying one of them."""
    if "community" not in posts.columns or "user_id" not in posts.columns:
        return frozenset()
    inside = posts["community"].astype(str).isin({str(c) for c in communities}) & posts["community"].notna()
    return frozenset(posts.loc[inside, "user_id"].dropna().astype(str).unique())


def graph_community_members(view: HealthView, community: str) -> frozenset[str] | None:
    """The members of `community` when the view's communities are the reply graph's (`g3`), else None:
    the other views know the posts' communities only, so a drill-down hands them this member list."""
    if view.members is None:
        return None
    frame = view.members
    return frozenset(frame.loc[frame["community"].astype(str) == str(community), "user_id"].astype(str))
