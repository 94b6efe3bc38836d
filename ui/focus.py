"""The community filter the graph, churn and A/B views share with the sentiment view (the health
view's drill-down, `?community=`): one multiselect per page under the workspace's filter
state.COMMUNITIES, seeded once from the focused community when the focus changes (the analyst's own
later choice wins), the URL keeping `?community=` while one community is chosen. Members are
computed in core (core.health.view.community_members); each view narrows its own rows in core.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.health.view import community_members, community_names
from ui import state
from ui.cache import load_table, shared_memo, table_version_key
from ui.common import tr

MEMO = "_focus_memo"
GRAPH_MEMBERS = state.FOCUS_GRAPH_MEMBERS


@dataclass(frozen=True)
class Focus:
    chosen: tuple[str, ...]  # the communities picked (all of them: no filter)
    members: frozenset[str] | None  # their members (users as text); None: every community, no filter
    total: int  # members of any community

    @property
    def names(self) -> str:
        return ", ".join(self.chosen)


def seed_from_focus(options: list[str], key: str) -> None:
    """When the focused community changes (a drill-down, a `?community=` link), it becomes the
    workspace's community filter and this page's widget `key`, once; later picks win."""
    focus = state.focus_community()
    kept = st.session_state.setdefault(state.KEPT, {})
    marker = f"{state.FOCUS_SEEN}{key}"
    if kept.get(marker, None) == focus and marker in kept:
        return
    kept[marker] = focus
    if focus in options:
        workspace = str(st.session_state.get(state.WORKSPACE))
        st.session_state.setdefault(state.FILTERS, {}).setdefault(workspace, {})[state.COMMUNITIES] = [focus]
        st.session_state[key] = [focus]


def hand_over_members(community: str, members: frozenset[str] | None) -> None:
    """The health view's drill-down into a community of the reply graph (`g3`, not a posts' community):
    its members, for the other views (None: a posts' community, which they find themselves)."""
    kept = st.session_state.setdefault(state.KEPT, {})
    workspace = str(st.session_state.get(state.WORKSPACE))
    kept[GRAPH_MEMBERS] = None if members is None else (workspace, community, members)


def _graph_focus(focus: str | None) -> Focus | None:
    """The focus handed over by the health view as a reply-graph community of this workspace, said
    in a line with a button back to everyone."""
    held = st.session_state.get(state.KEPT, {}).get(GRAPH_MEMBERS)
    if not focus or held is None or held[:2] != (str(st.session_state.get(state.WORKSPACE)), focus):
        return None
    st.info(tr("health.filter.graph_members", name=focus, n=f"{len(held[2]):,}"))
    st.button(tr("journey.show_all"), key="community_reset_graph", on_click=state.set_community, args=(None,))
    return Focus((focus,), held[2], len(held[2]))


def community_filter(ws, key: str, where=None) -> Focus | None:
    """Draw the community filter (in `where`, default the page) and return what it keeps; None when
    the workspace's posts have no communities (then, with a focus set, one line saying the view cannot
    narrow to it)."""
    focus = state.focus_community()
    from_graph = _graph_focus(focus)
    if from_graph is not None:
        return from_graph
    posts = load_table(ws, "posts") if ws.has("posts") else None
    version = table_version_key(ws, "posts") if posts is not None else None
    names = shared_memo(MEMO, ("names", version), lambda: community_names(posts)) if posts is not None else []
    if not names:
        if focus:
            st.info(tr("health.filter.no_column", name=focus))
        return None
    if focus and focus not in names:
        st.info(tr("health.filter.unknown", name=focus))
    seed_from_focus(names, key)
    chosen = state.sticky(
        (where or st).multiselect,
        tr("health.filter.label"),
        names,
        default=names,
        key=key,
        filter=state.COMMUNITIES,
    )
    if not focus or focus in names or len(chosen) == 1:  # an unknown focus stays (and its URL) until a pick
        state.set_community(chosen[0] if len(chosen) == 1 else None)
        st.session_state[state.KEPT][f"{state.FOCUS_SEEN}{key}"] = state.focus_community()  # the pick, not a new focus
    everyone = shared_memo(MEMO, ("members", version, None), lambda: community_members(posts, names))
    if not chosen or set(chosen) == set(names):
        return Focus(tuple(names), None, len(everyone))
    picked = tuple(sorted(chosen))
    members = shared_memo(MEMO, ("members", version, picked), lambda: community_members(posts, picked))
    return Focus(picked, members, len(everyone))


def focus_note(shown: int, total: int) -> None:
    """While the community filter hides rows: “Showing 459 of 2,000 users: communities” and a one-click
    reset (ui.common.filter_note's words, with a button of its own beside another filter's note)."""
    if shown >= total or state.COMMUNITIES not in state.active_filters((state.COMMUNITIES,)):
        return
    text = tr(
        "journey.filtered.users", shown=f"{shown:,}", total=f"{total:,}", filters=tr("journey.filter.communities")
    )
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.info(text, icon="🔎")
    right.button(
        tr("journey.show_all"), key="community_reset", on_click=state.reset_filters, args=((state.COMMUNITIES,),)
    )
