"""Router: `streamlit run app.py`. Registers the home page (the default) and the five views.

With sign-in configured (ui.auth) nothing but the sign-in screen is drawn until the user has signed
in; a `?ws=` naming no workspace the session may see gets a message and the picker instead of a page.
"""

from __future__ import annotations

import streamlit as st

from core.data.workspace import SAMPLE_NAME, list_workspaces
from core.i18n import t
from ui import auth, state
from ui.common import sidebar_controls

st.set_page_config(page_title="Community economy", page_icon="🫂", layout="wide")
if auth.configured():
    if not auth.signed_in():
        auth.sign_in_screen(auth.url_language())  # stops: no workspace name, no data, no upload
    auth.require_readable_access_file(st.session_state.get(state.LANG) or auth.url_language())
state.init_session_state()
lang = st.session_state[state.LANG]

VIEWS = [  # (file, title key, icon)
    ("pages/community_health.py", "nav.community_health", "🩺"),
    ("pages/community_graph.py", "nav.community_graph", "🕸️"),
    ("pages/sentiment_trends.py", "nav.sentiment_trends", "💬"),
    ("pages/ad_ab_results.py", "nav.ad_ab_results", "🧪"),
    ("pages/churn_cohorts.py", "nav.churn_cohorts", "📉"),
    ("pages/recommendations.py", "nav.recommendations", "🎯"),
]
home = st.Page("pages/home.py", title=t("nav.home", lang), icon="🏠", default=True)
views = [st.Page(f, title=t(k, lang), icon=i) for f, k, i in VIEWS]
page = st.navigation({t("nav.data", lang): [home], t("nav.views", lang): views})
if auth.configured():
    auth.sidebar_account(lang)
if st.session_state.get(state.MISSING_WS) is not None:
    sidebar_controls()
    names = [SAMPLE_NAME, *(n for n in list_workspaces() if n != SAMPLE_NAME)]
    auth.missing_workspace_screen(st.session_state[state.MISSING_WS], names, lang, state.pick_missing, "ws_pick")
page.run()
