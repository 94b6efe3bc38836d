"""Community health: each community's activity, responsiveness, newcomers, concentration and mood,
judged against its own past, with ranked alerts and a drill-down into the other views.

Settings -> core.health.view.health_view (one call) -> ui.health_panels draws.
"""

from __future__ import annotations

import streamlit as st

from core.errors import UserError
from core.health.view import HealthSettings, health_view
from core.query.engine import DuckDBEngine
from ui import health_panels as panels
from ui.cache import table_version_key
from ui.common import page_setup, require_table, stop_with, tr
from ui.prefetch import prefetch_charts
from ui.state import sticky

ws = page_setup("health.title")
st.caption(tr("health.intro"))
with st.expander("?"):
    st.caption(tr("health.help"))
require_table(ws, "posts")
data_key = tuple(table_version_key(ws, t.table) for t in ws.tables())  # it reads posts, interactions, ad_events

left, right = st.columns([3, 2])
source = sticky(
    left.radio,
    tr("health.source"),
    ["posts", "graph"],
    horizontal=True,
    key="health_source",
    format_func=lambda v: tr(f"health.source.{v}"),
)
freqs = ["week", "day", "month"]
freq = sticky(
    right.selectbox, tr("health.period"), freqs, key="health_freq", format_func=lambda v: tr(f"health.freq.{v}")
)
settings = HealthSettings(source=source, freq=freq)


def compute():
    with DuckDBEngine() as eng:
        return health_view(ws, eng, settings)


try:
    with st.spinner("…"):
        view = panels.memo(("view", data_key, settings), compute)
except UserError as exc:
    stop_with(exc)

panels.draw_notes(view)
targets = panels.draw_targets()
options = [None, *reversed(view.periods)]
period = st.selectbox(
    tr("health.show_period"),
    options,
    index=1 if len(options) > 1 else 0,
    key="health_period",
    format_func=panels.period_label,
)
panels.draw_table(view, period, targets)
panels.draw_alerts(view)
panels.draw_drill(view)
prefetch_charts()  # no chart here: the browser loads the other views' chart code while the analyst reads
