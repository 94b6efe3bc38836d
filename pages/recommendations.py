"""Recommendations: train SASRec on the workspace's interactions in the background, compare it with
popularity and item-kNN, show each member's top 10 with "because you engaged with …", coverage
and popularity bias, and a CSV of every list.

Settings -> core.recommend (cached in ui.cache) -> core.recommend.view -> draw. The training result lands
in the disk model cache, so a reload or an app restart loads it instead of retraining.
"""

from __future__ import annotations

import streamlit as st

from core.config import recommend_page_epochs, recommend_page_max_len
from core.errors import UserError
from core.recommend.view import member_lists, reco_page
from ui import state
from ui.cache import load_baselines, load_sequences, table_version_key
from ui.common import error_text, page_setup, require_view, tr
from ui.present import show_table, use_names
from ui.reco_names import list_labels, member_label, recommendations_csv
from ui.state import sticky

EPOCHS = recommend_page_epochs()  # tests lower it to keep AppTest quick; 0: the model's default
MAX_LEN = recommend_page_max_len()  # 0: from the history lengths (90th percentile)
WINDOWS = [0, 20, 50, 100, 200]

ws = page_setup("reco.title")
lang = st.session_state[state.LANG]
st.caption(tr("reco.intro"))
require_view(ws, "recommendations", "lists")
data_key = table_version_key(ws, "interactions")
names = use_names(ws, "interactions")  # the picker, lists and download say the file's own column names

from core.models.engine import with_train  # noqa: E402 - torch: only once the view has data
from core.recommend.recommender import (  # noqa: E402
    RecommendConfig,
    cached_training_exists,
    default_train,
    evaluate,
    sasrec_spec,
)

with st.expander(tr("reco.settings")):
    c1, c2 = st.columns(2)
    default_len = MAX_LEN if MAX_LEN in WINDOWS else 0
    auto = tr("reco.window_auto")
    max_len = sticky(
        c1.select_slider,
        tr("reco.max_len"),
        WINDOWS,
        value=default_len,
        key="reco_max_len",
        format_func=lambda w: auto if w == 0 else str(w),
    )
    epochs = sticky(
        c2.number_input,
        tr("reco.epochs"),
        min_value=1,
        max_value=500,
        value=EPOCHS or default_train().epochs,
        key="reco_epochs",
    )

try:
    ws_path = str(ws.path.resolve())
    data = load_sequences(ws_path, data_key)
    baselines = load_baselines(ws_path, data_key)
    config = with_train(RecommendConfig(max_len=int(max_len) or None), epochs=int(epochs))
except UserError as exc:
    st.error(error_text(exc))
    st.stop()

spec = sasrec_spec(data, None, config, "eval")
if not cached_training_exists(data, config, "eval"):
    st.info(tr("reco.not_trained"))

from ui import training  # noqa: E402 - imports torch: only once there is something to train

report = training.model_panel(
    spec,
    lambda progress, cancel, budget: evaluate(data, config, progress=progress, cancel=cancel, budget=budget),
    button_label=tr("reco.train"),
)
shown = reco_page(report if report is not None else baselines, report, lang)  # baselines until SASRec is ready

# ---- quality ---------------------------------------------------------------------------------
st.subheader(tr("reco.metrics"))
st.caption(shown.note)
c1, c2 = st.columns(2)
c1.plotly_chart(shown.full, key="reco_full_fig")
c2.plotly_chart(shown.sampled, key="reco_sampled_fig")
show_table(shown.table, key="reco_metrics_table", pinned=("model",))
if shown.curve is not None:
    with st.expander(tr("reco.curve")):
        st.plotly_chart(shown.curve, key="reco_curve")

st.subheader(tr("reco.diversity"))
st.plotly_chart(shown.bias, key="reco_bias_fig")

# ---- per member ------------------------------------------------------------------------------
st.subheader(tr("reco.per_user"))
user = sticky(st.selectbox, member_label(names), list(data.user_ids[:5000]), key="reco_user")
member = member_lists(data, baselines, report, user, lang)
if member.because:  # item ids are user data: plain text, never markdown or HTML
    st.text("💡 " + member.because)
if report is None:  # the baselines' lists side by side, the history under them
    cols, side = st.columns(len(member.lists)), st.container()
else:
    left, side = st.columns([3, 2])
    cols = [left]
for col, (model, top) in zip(cols, member.lists.items()):
    with col:
        st.markdown(f"**{tr('reco.model_' + model)}**")
        show_table(top, key=f"reco_list_{model}", labels=list_labels(names))
with side:
    if member.attention is not None:
        st.plotly_chart(member.attention, key="reco_attention_fig")
    st.caption(tr("reco.history"))
    st.text(member.history)

if report is not None:
    st.download_button(
        tr("reco.download"),
        recommendations_csv(spec.job_key, report.recommender, names),
        file_name="recommendations.csv",
        mime="text/csv",
        key="reco_download",
    )
