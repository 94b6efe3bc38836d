"""Recommendations: train SASRec on the workspace's interactions in the background, compare it with
popularity and item-kNN, show each member's top 10 with "because you engaged with …", coverage
and popularity bias, and a CSV of every list.

Settings -> core.recommend -> core.viz.recommend -> draw. The training result lands in the disk
model cache, so a reload or an app restart loads it instead of retraining.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.export import csv_bytes
from core.viz import recommend as viz
from ui.cache import load_baselines, load_sequences, table_version_key
from ui.common import link_home, page_setup, tr, view_support
from ui.state import sticky

EPOCHS = int(os.environ.get("CE_RECO_EPOCHS", "100"))  # tests lower it to keep AppTest quick
MAX_LEN = int(os.environ.get("CE_RECO_MAX_LEN", "50"))
CSV_MEMO = "reco_csv"  # {job key: CSV bytes of every member's top 10}, per session

ws = page_setup("reco.title")
st.caption(tr("reco.intro"))
support = view_support(ws, "recommendations")
if not support.available:
    st.info(tr("common.view_needs", needs=support.needs["lists"]))
    link_home()
    st.stop()
data_key = table_version_key(ws, "interactions")


with st.expander(tr("reco.settings")):
    c1, c2 = st.columns(2)
    max_len = c1.select_slider(
        tr("reco.max_len"),
        [20, 50, 100, 200],
        value=MAX_LEN if MAX_LEN in (20, 50, 100, 200) else 50,
        key="reco_max_len",
    )
    epochs = c2.number_input(tr("reco.epochs"), 1, 500, EPOCHS, key="reco_epochs")

from core.recommend.recommender import RecommendConfig, cached_training_exists, evaluate, sasrec_spec  # noqa: E402

try:
    ws_path = str(ws.path.resolve())
    data = load_sequences(ws_path, data_key)
    baselines = load_baselines(ws_path, data_key)
    config = RecommendConfig(max_len=int(max_len), epochs=int(epochs))
except UserError as exc:
    st.error(str(exc))
    st.stop()

spec = sasrec_spec(data, None, config, "eval")
job_key = spec.job_key  # the cache key: one job per model
if not cached_training_exists(data, config, "eval"):
    st.info(tr("reco.not_trained"))

from ui import training  # noqa: E402 - imports torch: only once there is something to train

report = training.model_panel(
    spec,
    lambda progress, cancel: evaluate(data, config, progress=progress, cancel=cancel),
    button_label=tr("reco.train"),
)
shown = report if report is not None else baselines  # the baselines until SASRec is ready

# ---- quality ---------------------------------------------------------------------------------
st.subheader(tr("reco.metrics"))
if report is None:
    st.caption(tr("reco.baselines_first"))
else:
    t = report.training
    if t.get("trained"):
        st.caption(
            tr(
                "reco.trained_now",
                epochs=t.get("epochs_run"),
                seconds=float(t.get("seconds") or 0),
                device=t.get("device"),
                stopped=t.get("stopped"),
                val=float(t.get("val_ndcg10") or 0),
            )
        )
    else:
        st.caption(tr("reco.from_cache"))
table = shown.table()
c1, c2 = st.columns(2)
c1.plotly_chart(viz.metrics_figure(table, "full ranking", {"title": tr("reco.full_ranking")}), key="reco_full_fig")
c2.plotly_chart(
    viz.metrics_figure(table, "100 sampled negatives", {"title": tr("reco.sampled")}), key="reco_sampled_fig"
)
st.dataframe(table, hide_index=True, key="reco_metrics_table")
if report is not None and report.history:
    with st.expander(tr("reco.curve")):
        st.plotly_chart(
            viz.training_curve(
                report.history, {"loss": tr("reco.loss"), "val": tr("reco.val"), "epoch": tr("reco.epoch")}
            ),
            key="reco_curve",
        )

st.subheader(tr("reco.diversity"))
labels = {k: tr(f"reco.{k}") for k in ("coverage", "mean_popularity_percentile", "top10pct_share")}
st.plotly_chart(viz.popularity_bias_figure(shown.diversity, labels), key="reco_bias_fig")

# ---- per member ------------------------------------------------------------------------------
st.subheader(tr("reco.per_user"))
user = sticky(st.selectbox, tr("reco.user"), list(data.user_ids[:5000]), key="reco_user")
u = int(pd.Index(data.user_ids).get_loc(user))
item_cols = {"rank": tr("reco.col_rank"), "item": tr("reco.col_item"), "score": tr("reco.col_score")}
if report is None:  # the baselines' lists side by side, plain tables (item ids are user data)
    cols = st.columns(len(baselines.scorers))
    for col, model in zip(cols, baselines.scorers):
        col.markdown(f"**{tr('reco.model_' + model)}**")
        col.dataframe(
            baselines.recommend(data, model, [u])[["rank", "item"]].rename(columns=item_cols),
            hide_index=True,
            key=f"reco_base_{model}",
        )
    st.caption(tr("reco.history"))
    st.text(" → ".join(str(data.item_ids[i]) for i in data.sequences[u][-8:]))
    st.stop()

rec = report.recommender
top = rec.recommend([u], k=10)
why = rec.explain(u)
if why:  # item ids are user data: plain text, never markdown or HTML
    st.text("💡 " + tr("reco.because", items=", ".join(i for i, _ in why)))
c1, c2 = st.columns([3, 2])
c1.dataframe(top[["rank", "item", "score"]].rename(columns=item_cols), hide_index=True, key="reco_user_table")
with c2:
    if why:
        st.plotly_chart(
            viz.attention_figure([i for i, _ in why], [w for _, w in why], {"x": tr("reco.attention")}),
            key="reco_attention_fig",
        )
    st.caption(tr("reco.history"))
    st.text(" → ".join(str(rec.data.item_ids[i]) for i in rec.data.sequences[u][-8:]))

csv = st.session_state.setdefault(CSV_MEMO, {})
if job_key not in csv:
    csv[job_key] = csv_bytes(rec.recommend(k=10)[["user", "item", "rank"]])
st.download_button(
    tr("reco.download"), csv[job_key], file_name="recommendations.csv", mime="text/csv", key="reco_download"
)
