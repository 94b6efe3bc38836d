"""What the community graph page draws, from one analysis: headline figures, notes, the tables with
communities named as in the charts, the size and growth charts, the network, a member's search and
the attention model's placements. Text comes from core.i18n in the language asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.errors import UserError
from core.graph.analysis import CommunityAnalysis
from core.graph.layout import neighbourhood
from core.i18n import t
from core.viz.format import fmt_count, fmt_number, localize_figure
from core.viz.graph import community_label, community_sizes_figure, growth_figure, network_figure

COMMUNITY_COLUMNS = ("community", "gat_community")  # columns holding a community number


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with community numbers written as everywhere else ('#3'), and where a sentiment comes
    from as a word of the reader's (`sentiment_from` stays a stable id: label | lexicon)."""
    out = frame.copy()
    for c in COMMUNITY_COLUMNS:
        if c in out.columns:
            out[c] = out[c].map(community_label)
    return out


@dataclass
class GraphPage:
    metrics: list[tuple[str, str]]  # (label, value) in the page's language
    source_note: str
    report_note: str
    profiles: pd.DataFrame  # communities named '#k'; downloads use the analysis' raw frames
    influence: pd.DataFrame  # the 100 most influential users
    sizes: object  # plotly figures
    growth: object | None  # None: the graph's table has no times


def graph_page(a: CommunityAnalysis, lang: str) -> GraphPage:
    graph, result = a.graph, a.result
    metrics = [
        (t("graph.nodes", lang), fmt_count(graph.n_nodes)),
        (t("graph.edges", lang), fmt_count(graph.n_edges)),
        (t("graph.communities", lang), fmt_count(result.n_communities)),
        (t("graph.modularity", lang), fmt_number(result.modularity)),
        (t("graph.stability", lang), "-" if result.stability is None else fmt_number(result.stability)),
    ]
    report = t(
        "graph.report",
        lang,
        loops=fmt_count(graph.self_loops),
        isolates=fmt_count(len(graph.isolates)),
        below=fmt_count(graph.below_min_weight),
    )
    profiles = named(a.profiles)
    if "sentiment_from" in profiles.columns:
        profiles["sentiment_from"] = profiles["sentiment_from"].map(lambda s: t(f"graph.sentiment_from.{s}", lang))
    members = t("graph.members", lang)
    sizes = community_sizes_figure(
        result.sizes, title=t("graph.sizes", lang), x_label=t("graph.community", lang), y_label=members
    )
    growth = None
    if len(a.growth):
        growth = localize_figure(
            growth_figure(a.growth, title=t("graph.growth", lang), y_label=members), lang, period="month"
        )
    return GraphPage(
        metrics,
        t("graph.source", lang, source=t(f"graph.source.{graph.source}", lang)),
        report,
        profiles,
        named(a.influence.head(100)),
        sizes,
        growth,
    )


def date_window(span, picked) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(start, end) for GraphSettings from a picked (first day, last day): the whole last day is in;
    (None, None) for the data's whole span (so it shares the default view's cache) or a half pick."""
    if span is None or not isinstance(picked, (tuple, list)) or len(picked) != 2:
        return None, None
    if (picked[0], picked[1]) == (span[0].date(), span[1].date()):
        return None, None
    start = pd.Timestamp(picked[0])
    return start, pd.Timestamp(picked[1]) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


@dataclass
class Found:
    """A member found by the search: their community, its size, their neighbours (named)."""

    community: int
    message: str
    neighbours: pd.DataFrame


def find_member(a: CommunityAnalysis, query: str, lang: str) -> Found | None:
    """The member `query` in the analysis' graph, or None when there is no such member."""
    try:
        found = neighbourhood(a.graph, a.result, query)
    except UserError:
        return None
    community = int(a.result.membership[a.graph.index()[query]])
    message = t(
        "graph.user_community",
        lang,
        user=query,
        community=community_label(community),
        size=fmt_count(a.result.sizes[community]),
        n=fmt_count(len(found)),
    )
    return Found(community, message, named(found.head(50)))


def drill_label(result, community: int | None, lang: str) -> str:
    """How the drill-down picker names a community ('#3 (120 members)') or all of them."""
    if community is None:
        return t("graph.all_communities", lang)
    return f"{community_label(community)} ({fmt_count(result.sizes[community])} {t('graph.members', lang)})"


def network(view, lang: str, highlight: str | None = None, coloured: list[int] | None = None):
    """The network figure of a core.graph.layout.NetworkView, its text in `lang`; `coloured`: the
    communities the analyst picked to colour (None: the largest ten)."""
    users = view.level == "users"
    return network_figure(
        view,
        highlight=highlight,
        coloured=coloured,
        title=t("graph.network_users" if users else "graph.network_communities", lang),
        hover_community=t("graph.community", lang),
        hover_size=t("graph.ties" if users else "graph.members", lang),
        other_label=t("graph.other_communities", lang),
        legend_title=t("graph.community", lang),
    )


def placements(placement, result, lang: str) -> tuple[str, pd.DataFrame]:
    """The attention model's summary line and its low-degree members, most confident first."""
    low = placement.low_degree
    moved = int((placement.community[low] != result.membership[low]).sum())
    note = t(
        "graph.gat_metrics",
        lang,
        acc=placement.metrics.get("val_accuracy") or 0.0,
        low=fmt_count(int(low.sum())),
        moved=fmt_count(moved),
    )
    frame = placement.to_frame()
    frame = frame[frame["low_degree"]].drop(columns="low_degree").sort_values("confidence", ascending=False)
    return note, named(frame)


SHARE_COLUMNS = ("pagerank", "ad_ctr", "growth_30d", "confidence", "attention_influence")
TIE_COLUMNS = ("weight_out", "weight_in", "weight", "strength", "internal_edges", "cross_edges")


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Display kinds the names alone do not tell: shares of a whole (PageRank sums to 1, a model's
    confidence), and tie weights that are whole numbers (counted ties) as counts."""
    kinds = {c: "share" for c in SHARE_COLUMNS if c in frame.columns}
    for c in TIE_COLUMNS:
        if c in frame.columns and pd.api.types.is_numeric_dtype(frame[c]):
            values = frame[c].dropna()
            if len(values) == 0 or bool((values % 1 == 0).all()):
                kinds[c] = "count"
    return kinds


# ---- one community's members (the health view's drill-down, ?community=) -------------------------------
@dataclass
class GraphFocus:
    """Where a community's members (e.g. the posts' `community` c3) sit in the detected communities."""

    members: int  # members of the focused community who are nodes of the graph
    communities: list[int]  # detected communities holding them, most of them first
    main: int | None  # the one holding most of them: the network's drill-down (None: none in the graph)
    profiles: pd.DataFrame  # those communities' profile rows, named, with `focus_members` per row
    influence: pd.DataFrame  # the most influential users among the members, named
    note: str


def graph_focus(a: CommunityAnalysis, members: frozenset[str], name: str, lang: str) -> GraphFocus:
    """The graph narrowed to `members` (the community called `name`): their detected communities'
    profile rows, the influencers among them, and the detected community the network drills into."""
    nodes = pd.Series(a.graph.nodes.astype(str))
    inside = nodes.isin(members).to_numpy()
    counts = pd.Series(a.result.membership[inside]).value_counts()
    order = [int(c) for c in counts.index]
    profiles = a.profiles[a.profiles["community"].isin(order)].copy()
    profiles.insert(1, "focus_members", profiles["community"].map(counts).astype(int))
    profiles = profiles.sort_values("focus_members", ascending=False, kind="stable")
    influence = a.influence[a.influence["node"].astype(str).isin(members)] if "node" in a.influence else a.influence
    main = order[0] if order else None
    if main is None:
        note = t("graph.focus_none", lang, name=name)
    else:
        note = t(
            "graph.focus_note",
            lang,
            name=name,
            n=fmt_count(int(inside.sum())),
            k=fmt_count(len(order)),
            main=community_label(main),
            held=fmt_count(int(counts.iloc[0])),
        )
    return GraphFocus(int(inside.sum()), order, main, named(profiles), named(influence.head(100)), note)
