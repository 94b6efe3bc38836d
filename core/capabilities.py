"""What each view can show, decided once from the workspace's tables and their columns.

The home page's "what each view unlocks" list and every view ask this one function, so the list
never ticks a view that would then fail: a view with partial data shows the parts it can and says
what the others need (e.g. sentiment without `ts`: scoring, drivers and the model card, no trend).

Input is `{table: columns that hold at least one value}`; nothing here reads data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

ACTIVITY_NEEDS = "interactions.user_id + interactions.ts / posts.user_id + posts.ts"
VIEWS = ("community_graph", "sentiment_trends", "ad_ab_results", "churn_cohorts", "recommendations")


@dataclass(frozen=True)
class ViewSupport:
    """`parts`: part name -> True when the workspace has what it needs; `needs`: for each part
    that is missing, the columns it would need, in a notation that reads the same in every
    language: `table.column`, `+` for "and", ` / ` for "or"."""

    view: str
    parts: dict[str, bool]
    needs: dict[str, str] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """The view has something to show from the workspace (its first part, the core of it)."""
        return next(iter(self.parts.values()), False)

    def can(self, part: str) -> bool:
        return self.parts.get(part, False)

    @property
    def shown(self) -> list[str]:
        return [p for p, ok in self.parts.items() if ok]


def _has(columns: Mapping[str, Collection[str]], table: str, *cols: str) -> bool:
    return table in columns and all(c in columns[table] for c in cols)


def activity_tables(columns: Mapping[str, Collection[str]]) -> list[str]:
    """Tables that give a per-user activity log (user_id and ts): what cohorts and churn read."""
    return [t for t in ("interactions", "posts") if _has(columns, t, "user_id", "ts")]


def graph_table(columns: Mapping[str, Collection[str]]) -> str | None:
    """The table a graph of users can be built from (same order as core.graph.analysis.graph_source)."""
    if _has(columns, "edges", "src", "dst"):
        return "edges"
    if _has(columns, "posts", "user_id") and ({"reply_to_user", "parent_id"} & set(columns["posts"])):
        return "posts"
    if _has(columns, "interactions", "user_id", "item_id"):
        return "interactions"
    return None


def view_capabilities(columns: Mapping[str, Collection[str]]) -> dict[str, ViewSupport]:
    """For each view (in navigation order), the parts the workspace's data can show."""
    cols = {t: set(c) for t, c in columns.items()}
    out: dict[str, ViewSupport] = {}

    source = graph_table(cols)
    graph = {
        "network": source is not None,
        "growth": source is not None and _has(cols, source, "ts"),
        "sentiment": source is not None and _has(cols, "posts", "user_id", "text"),
        "churn": source is not None and bool(activity_tables(cols)),
        "ads": source is not None and _has(cols, "ad_events", "user_id"),
    }
    out["community_graph"] = ViewSupport(
        "community_graph",
        graph,
        _missing(
            graph,
            {
                "network": "edges.src + edges.dst / posts.user_id + posts.reply_to_user / interactions.user_id + "
                "interactions.item_id",
                "growth": f"{source or 'edges'}.ts",
                "sentiment": "posts.user_id + posts.text",
                "churn": ACTIVITY_NEEDS,
                "ads": "ad_events.user_id",
            },
        ),
    )

    text = _has(cols, "posts", "text")
    sent = {
        "scoring": text,
        "drivers": text,
        "model_card": text,
        "trend": text and _has(cols, "posts", "ts"),
        "communities": text and _has(cols, "posts", "community"),
        "labels": text and _has(cols, "posts", "label"),
    }
    out["sentiment_trends"] = ViewSupport(
        "sentiment_trends",
        sent,
        _missing(
            sent,
            {
                "scoring": "posts.text",
                "drivers": "posts.text",
                "model_card": "posts.text",
                "trend": "posts.ts",
                "communities": "posts.community",
                "labels": "posts.label",
            },
        ),
    )

    ab = {
        "results": _has(cols, "ad_events", "variant")
        and (_has(cols, "ad_events", "user_id") or _has(cols, "ad_events", "impressions"))
    }
    out["ad_ab_results"] = ViewSupport(
        "ad_ab_results",
        ab,
        _missing(ab, {"results": "ad_events.variant + (ad_events.user_id / ad_events.impressions)"}),
    )

    active = bool(activity_tables(cols))
    churn = {
        "retention": active,
        "survival": active,
        "model": active,
        "signup_cohorts": active and _has(cols, "users", "user_id", "signup_at"),
    }
    out["churn_cohorts"] = ViewSupport(
        "churn_cohorts",
        churn,
        _missing(
            churn,
            {
                "retention": ACTIVITY_NEEDS,
                "survival": ACTIVITY_NEEDS,
                "model": ACTIVITY_NEEDS,
                "signup_cohorts": "users.signup_at",
            },
        ),
    )

    reco = {"lists": _has(cols, "interactions", "user_id", "item_id", "ts")}
    out["recommendations"] = ViewSupport(
        "recommendations",
        reco,
        _missing(reco, {"lists": "interactions.user_id + interactions.item_id + interactions.ts"}),
    )
    return out


# a view's sources besides the workspace's own data ('posts': sentiment's labelled posts to train on)
OWN_SOURCE = {"ad_ab_results": "workspace", "churn_cohorts": "workspace", "sentiment_trends": "posts"}
OTHER_SOURCES = {"ad_ab_results": ("upload", "summary"), "churn_cohorts": ("upload",), "sentiment_trends": ("upload",)}


def data_sources(view: str, workspace_can: bool) -> list[str]:
    """The data sources `view` offers, its default first: the workspace's own data whenever the
    workspace can feed the view (`workspace_can`: from view_capabilities, or enough labelled posts),
    then the files an analyst uploads. A view opens on the first (per workspace, ui.state.FILTERS)."""
    return ([OWN_SOURCE[view]] if workspace_can else []) + list(OTHER_SOURCES[view])


def _missing(parts: dict[str, bool], needs: dict[str, str]) -> dict[str, str]:
    return {p: needs[p] for p, ok in parts.items() if not ok}


def table_columns(ws, table: str) -> list[str]:
    """The columns of a stored table that hold at least one value (one DuckDB scan, no pandas)."""
    with ws.connect() as con:
        cols = [r[0] for r in con.execute(f"DESCRIBE {_q(table)}").fetchall()]
        if not cols:
            return []
        counts = con.execute("SELECT " + ", ".join(f"count({_q(c)})" for c in cols) + f" FROM {_q(table)}").fetchone()
    return [c for c, n in zip(cols, counts) if n]


def workspace_support(ws) -> dict[str, ViewSupport]:
    """view_capabilities of a workspace's current tables (uncached: the app caches table_columns)."""
    return view_capabilities({i.table: table_columns(ws, i.table) for i in ws.tables()})


def _q(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'
