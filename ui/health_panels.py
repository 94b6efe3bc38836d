"""Drawing of the community-health view: notes, the per-community table, alerts with drill-down."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.health.alerts import format_value
from core.health.metrics import AREA51_SOURCE, AREA51_TARGETS
from core.health.view import (
    HealthView,
    below_target,
    cell_colours,
    graph_community_members,
    period_table,
    sparkline_series,
)
from core.shared_results import Same
from ui import state
from ui.cache import shared_memo
from ui.common import tr
from ui.focus import hand_over_members

MEMO = "_health_memo"
ROWS = state.HEALTH_ROWS
DRILL = {  # view -> page file
    "sentiment": "pages/sentiment_trends.py",
    "churn": "pages/churn_cohorts.py",
    "graph": "pages/community_graph.py",
    "ab": "pages/ad_ab_results.py",
}
COLOURS = {"good": "background-color: #d9f2d9", "bad": "background-color: #f8d7d7", "": ""}


def memo(key: tuple, compute):
    return shared_memo(MEMO, key, compute)


def lang() -> str:
    return st.session_state.get(state.LANG, "en")


def community_label(name: str) -> str:
    return tr("health.site") if not name else tr("health.community_named", name=name)


def draw_notes(view: HealthView) -> None:
    for text in view.result.note_texts(lang()):
        st.info(text)
    absent = view.result.absent_texts(lang())
    if absent:
        with st.expander(tr("health.absent_title")):
            for metric, why in absent:
                st.caption(tr("health.absent_line", metric=metric, why=why))


def draw_targets() -> dict[str, float]:
    """Reference targets the analyst sets; the Area 51 preset fills them."""
    with st.expander(tr("health.targets")):
        if st.button(tr("health.area51"), key="health_area51"):
            for m, v in AREA51_TARGETS.items():
                st.session_state[state.health_target(m)] = float(v)
        st.caption(tr("health.area51_source", url=AREA51_SOURCE))
        cols = st.columns(len(AREA51_TARGETS))
        targets = {}
        for col, m in zip(cols, AREA51_TARGETS):
            targets[m] = col.number_input(tr(f"health.m.{m}"), min_value=0.0, value=None, key=state.health_target(m))
    return {m: v for m, v in targets.items() if v is not None}


def draw_table(view: HealthView, period, targets: dict[str, float]) -> None:
    values, z = memo(("period", Same(view), period), lambda: period_table(view, period))
    colours = cell_colours(z)
    shown = values.copy()
    shown.index = [community_label(c) for c in values.index]
    labels = {m: tr(f"health.m.{m}") for m in values.columns}
    if targets:
        low = below_target(values, targets)
        met = (~low[[m for m in targets if m in low]]).sum(axis=1)
        shown[tr("health.targets_met")] = [f"{int(n)}/{len([m for m in targets if m in low])}" for n in met]
    spark = sparkline_series(view, "members")
    shown[tr("health.trend")] = [spark.get(c, []) for c in values.index]
    styler = shown.rename(columns=labels).style.format(
        {labels[m]: (lambda v, m=m: format_value(m, v)) for m in values.columns}, na_rep="–"
    )
    if colours is not None:
        css = colours.replace(COLOURS)
        css.index = shown.index
        css = css.rename(columns=labels)
        styler = styler.apply(lambda _: css.reindex(columns=_.columns, fill_value=""), axis=None)
    st.dataframe(
        styler,
        column_config={tr("health.trend"): st.column_config.LineChartColumn(tr("health.trend"))},
        width="stretch",
        key=state.HEALTH_TABLE,
        on_select="rerun",  # a selected row is the community the drill-down below opens
        selection_mode="single-row",
    )
    st.session_state[ROWS] = list(values.index)
    if colours is not None:
        st.caption(tr("health.table_caption"))


def _drill(community: str, view_name: str, view: HealthView | None = None) -> None:

    members = graph_community_members(view, community) if view is not None else None
    hand_over_members(community, members)  # a reply-graph community: the other views get its members
    state.set_community(community)
    st.switch_page(DRILL[view_name])


def draw_alerts(view: HealthView, limit: int = 12) -> None:
    st.subheader(tr("health.alerts"))
    alerts = [a for a in view.result.alerts if a.community][:limit]
    if not alerts:
        st.caption(tr("health.no_alerts"))
        return
    for i, a in enumerate(alerts):
        text, button, more = st.columns([5, 1, 1], vertical_alignment="center")
        text.markdown(("🔻 " if (a.value < a.baseline) else "🔺 ") + a.sentence(lang()), unsafe_allow_html=False)
        if button.button(tr("health.open_sentiment"), key=f"health_alert_{i}"):
            _drill(a.community, "sentiment", view)
        with more.popover(tr("health.open_in")):  # the other views, filtered to the alert's community
            for name in DRILL:
                if name != "sentiment" and st.button(tr(f"health.open_{name}"), key=f"health_alert_{i}_{name}"):
                    _drill(a.community, name, view)


def draw_drill(view: HealthView) -> None:
    names = [c["community"] for c in view.result.communities]
    if not names:
        return
    st.subheader(tr("health.drill"))
    st.caption(tr("health.drill_hint"))
    picked = _selected_row()
    kept = st.session_state.setdefault(state.KEPT, {})
    if picked in names and kept.get("_health_row") != picked:  # a newly selected row: once, the picker may change
        st.session_state[state.HEALTH_DRILL] = picked
    kept["_health_row"] = picked
    pick = st.selectbox(tr("health.drill"), names, key=state.HEALTH_DRILL, label_visibility="collapsed")
    cols = st.columns(len(DRILL))
    for col, name in zip(cols, DRILL):
        if col.button(tr(f"health.open_{name}"), key=f"health_open_{name}"):
            _drill(pick, name, view)


def _selected_row() -> str | None:
    """The community of the table's selected row (None: none, or the whole site)."""
    try:
        rows = st.session_state[state.HEALTH_TABLE]["selection"]["rows"]
    except (KeyError, TypeError):
        return None
    shown = st.session_state.get(ROWS, [])
    return shown[rows[0]] or None if rows and rows[0] < len(shown) else None


def period_label(p) -> str:
    return tr("health.whole_span") if p is None else pd.Timestamp(p).strftime("%Y-%m-%d")
