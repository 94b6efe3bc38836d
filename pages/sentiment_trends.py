"""Sentiment trends: per-community sentiment and volume over time with shifts marked, what drove
each shift, negative drivers, the model card and the scored posts as CSV.

Settings -> core.text.view.sentiment_view (one call) -> ui.sentiment_panels draws. Results are
computed once per (table version, settings) and shared by every session.
"""

from __future__ import annotations

import streamlit as st

from core.errors import UserError
from core.shared_results import Same
from core.text import analysis as sa
from core.text.view import SentimentSettings, sentiment_filters, sentiment_view
from ui import sentiment_panels as panels
from ui import state
from ui.cache import kept_sentiment_scores, table_version_key
from ui.common import error_text, filter_note, note_missing, page_setup, require_table, require_view, tr
from ui.present import use_names
from ui.state import sticky

ws = page_setup("sent.title")
st.caption(tr("sent.intro"))
support = require_view(ws, "sentiment_trends", "scoring")
posts = require_table(ws, "posts")
use_names(ws, "posts")  # tables and the download say 'review', not 'text', when the file did
data_key = table_version_key(ws, "posts")
posts = panels.memo(("lang", data_key), lambda: sa.add_language(posts))
filters = panels.memo(("filters", data_key), lambda: sentiment_filters(posts))

# ---- filters: only those the data allows ----------------------------------------------------------------
# two rows, so chips and dates are never cut: (communities, languages), (date range, period)
slots = iter(st.columns([3, 2] if filters.communities else [2, 3]) + (st.columns([3, 2]) if filters.has_time else []))
chosen = None
if filters.communities:
    panels.apply_focus(filters.communities)  # ?community= from the health view's drill-down
    chosen = sticky(
        next(slots).multiselect,
        tr("sent.community"),
        filters.communities,
        default=filters.communities,
        key=state.SENT_COMMUNITIES,
        filter=state.COMMUNITIES,
    )
    state.set_community(chosen[0] if len(chosen) == 1 else None)
present = [code for code in ("en", "zh") if code in set(posts["language"])] or ["en", "zh"]
langs = sticky(
    next(slots).multiselect,
    tr("sent.language"),
    present,  # only languages the posts have: no 英文 on all-Chinese data
    default=present,
    key="sent_langs",
    format_func=panels.language_name,
    filter=state.POST_LANGUAGES,
)
start = end = None
freq = filters.default_freq
if filters.has_time:
    first, last = filters.first, filters.last
    dates = sticky(
        next(slots).date_input,
        tr("sent.date_range"),
        value=(first, last),
        min_value=first,
        max_value=last,
        key="sent_dates",
        filter=state.DATES,
    )
    periods = ["week", "day", "month"]
    freq = sticky(
        next(slots).selectbox,
        tr("sent.period"),
        periods,
        index=periods.index(filters.default_freq),
        key="sent_freq",
        format_func=lambda v: tr(f"sent.period_{v}"),
    )
    start, end = (dates[0], dates[1]) if isinstance(dates, (tuple, list)) and len(dates) == 2 else (first, last)
note_missing(support, ("trend",))

scorer = sticky(
    st.radio,
    tr("sent.scorer"),
    ["lexicon", "attention"],  # the attention model trains on labelled posts or an uploaded file
    horizontal=True,
    key="sent_scorer",
    format_func=lambda v: tr(f"sent.scorer_{v}"),
    filter=state.SCORER,
)
classifier = None
if scorer == "attention":
    classifier = panels.trained_classifier(sa.labelled_posts(posts), data_key)
    if classifier is None:  # until the model is ready the lexicon's charts stay on screen
        st.info(tr("sent.lexicon_meanwhile"))

settings = SentimentSettings(tuple(chosen) if chosen is not None else None, start, end, tuple(langs), freq)
try:
    kept = kept_sentiment_scores(ws) if classifier is None else None  # scored once per posts version
    view = panels.memo(
        ("view", data_key, settings, Same(classifier)),
        lambda: sentiment_view(posts, settings, classifier=classifier, kept=kept),
    )
except UserError as exc:
    st.error(error_text(exc))
    st.stop()
if view is None:
    st.info(tr("sent.no_posts"))
    st.stop()

filter_note(view.n_posts, len(posts), "posts")
panels.draw_summary(view)
if filters.has_time and len(view.trends):
    panels.draw_trends(view, freq)
    panels.draw_shifts(view)
elif filters.has_time:
    st.caption(tr("sent.no_trend_rows"))
panels.draw_drivers(view)
panels.draw_card(view, classifier)
panels.draw_posts(view)
