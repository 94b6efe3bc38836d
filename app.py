"""Router: `streamlit run app.py`. Registers the home page (the default) and the five views."""

from __future__ import annotations

import streamlit as st

from core.i18n import t
from ui import state

st.set_page_config(page_title="Community economy", page_icon="🫂", layout="wide")
state.init_session_state()
lang = st.session_state[state.LANG]

VIEWS = [  # (file, title key, icon)
    ("pages/community_health.py", "health.title", "🩺"),
    ("pages/community_graph.py", "nav.community_graph", "🕸️"),
    ("pages/sentiment_trends.py", "nav.sentiment_trends", "💬"),
    ("pages/ad_ab_results.py", "nav.ad_ab_results", "🧪"),
    ("pages/churn_cohorts.py", "nav.churn_cohorts", "📉"),
    ("pages/recommendations.py", "nav.recommendations", "🎯"),
]
home = st.Page("pages/home.py", title=t("nav.home", lang), icon="🏠", default=True)
views = [st.Page(f, title=t(k, lang), icon=i) for f, k, i in VIEWS]
st.navigation({t("nav.data", lang): [home], t("nav.views", lang): views}).run()
