"""Churn & cohorts: retention by cohort, survival curves, the churn model card, at-risk users and why.

Settings -> core.cohorts.view (churn_view before the model, risk_view after) -> ui.churn_panels draws.
Data: the workspace's canonical tables, or an uploaded CSV: an event log (online retail, CDNOW) or a
snapshot with a churn label (Telco). Results are computed once per (data key, settings) and shared.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.capabilities import activity_tables, data_sources
from core.cohorts import view as cv
from core.cohorts.labels import default_cutoff
from core.config import churn_page_epochs
from core.errors import UserError
from core.viz.format import fmt_share
from ui import churn_panels as panels
from ui.cache import table_version_key
from ui.cache import workspace_columns as support_columns
from ui.common import page_setup, stop_with, tr, view_support
from ui.present import use_names
from ui.state import choice, sticky

EPOCHS = churn_page_epochs()  # tests lower it to keep AppTest quick


ws = page_setup("churn.title")
st.caption(tr("churn.intro"))

support = view_support(ws, "churn_cohorts")
if not support.available:  # no per-user activity with times in the workspace: say what would do
    st.info(tr("churn.workspace_needs", needs=support.needs["retention"]))
sources = data_sources("churn_cohorts", support.available)  # kept per workspace: its own tables first
origin = panels.pick(
    st.radio, "churn.source", sources, "churn_source", "churn.source_", horizontal=True, filter="source:churn"
)
use_names(ws, *(["interactions", "users"] if origin == "workspace" else []))  # the analyst's column names
try:
    if origin == "upload":
        held = panels.upload_columns()
        if held is None:
            st.stop()
        df, file_name, key, id_col, time_col, label_col = held
        if cv.upload_mode(time_col, label_col) is None:
            st.info(tr("churn.need_label"))
            st.stop()
        source = panels.memo(
            ("source", key, file_name), lambda: cv.upload_source(df, file_name, id_col, time_col, label_col, key)
        )
    else:
        # only tables that can take part: posts without user_id/ts (a labelled review file) are left out
        usable = set(activity_tables(support_columns(ws))) | {t for t in ("users", "edges") if ws.has(t)}
        key = tuple(table_version_key(ws, t) for t in ("users", "interactions", "posts", "edges") if t in usable)
        source = panels.workspace_source(ws, usable, key)
    options = panels.memo(("options", key), lambda: cv.churn_options(source))
except UserError as exc:
    stop_with(exc)
members = panels.community_focus(ws, source, origin)  # the health view's drill-down (?community=)

# ---- settings -----------------------------------------------------------------------------------------
st.subheader(tr("churn.retention_header"))
events = source.mode == "events"
if events:
    c1, c2, c3 = st.columns(3)  # two rows of three: no label or option cut
    c4, c5, c6 = st.columns(3)
    period = panels.pick(c1.selectbox, "churn.period", ["month", "week"], "churn_period", "churn.period_")
    basis = panels.pick(c2.selectbox, "churn.basis", options.bases, "churn_basis", "churn.basis_")
    kind = panels.pick(c3.selectbox, "churn.kind", ["classic", "unbounded"], "churn_kind", "churn.kind_")
    inactive_days = int(
        c4.number_input(tr("churn.inactive_days"), min_value=1, max_value=365, value=30, key="churn_inactive")
    )
    group = sticky(
        c5.selectbox,
        tr("churn.survival_group"),
        list(options.groups),
        key="churn_surv_group",
        format_func=panels.group_name,
    )
    try:  # the cutoff's latest value depends on the inactivity window
        latest = panels.memo(("cutoff", key, inactive_days), lambda: default_cutoff(source.activity, inactive_days))
    except UserError as exc:
        stop_with(exc)
    cutoff = c6.date_input(
        tr("churn.cutoff"),
        value=latest.date(),
        min_value=options.first_day.date(),
        max_value=latest.date(),
        key="churn_cutoff",
    )
    settings = cv.ChurnSettings(period, basis, kind, inactive_days, group, cutoff=pd.Timestamp(cutoff))
else:
    st.info(tr("churn.no_retention"))
    c1, c2 = st.columns(2)
    durations = list(options.durations)
    duration = choice(
        c1.selectbox,
        tr("churn.duration_column"),
        durations,
        index=durations.index(options.default_duration),
        key="churn_duration",
        format_func=panels.feature_label,
    )
    group = choice(
        c2.selectbox,
        tr("churn.survival_group"),
        list(options.groups),
        key="churn_surv_group_snap",
        format_func=panels.group_name,
    )
    settings = cv.ChurnSettings(group=group, duration=duration)
    inactive_days = None
try:
    view = panels.churn_view(key, source, settings, members)
    data = panels.memo(
        ("data", key, settings.cutoff, inactive_days),
        lambda: cv.model_data(source, settings.cutoff, settings.inactive_days),
    )
except UserError as exc:
    stop_with(exc)

if view.retention is not None:
    panels.draw_retention(view)
st.subheader(tr("churn.survival_header"))
panels.draw_survival(view, tr("churn.days") if events else panels.feature_label(settings.duration))

# ---- the model -----------------------------------------------------------------------------------------
st.subheader(tr("churn.model_header"))
st.caption(tr("churn.model_intro"))
if events:
    users, cut = f"{len(data.train.features.users):,}", f"{data.cutoff:%Y-%m-%d}"
    st.caption(tr("churn.labels_summary", users=users, rate=fmt_share(data.label_rate), cutoff=cut))

from core.cohorts.churn import ChurnConfig, ChurnPredictor  # noqa: E402 - torch loads only when needed
from core.models.engine import with_train  # noqa: E402
from ui import training  # noqa: E402

config = with_train(ChurnConfig(), epochs=EPOCHS)
train_data = data.train


def train(progress, cancel, budget):
    return ChurnPredictor(config).fit(train_data, budget=budget, progress=progress, cancel=cancel)


try:
    spec = panels.memo(("spec", key, data.cutoff, inactive_days), lambda: ChurnPredictor(config).spec(train_data))
    predictor = training.model_panel(spec, train, button_label=tr("common.train"))
except UserError as exc:
    stop_with(exc)
if predictor is None:
    st.stop()
if not predictor.result_.trained:
    st.caption(tr("churn.cached_note"))
panels.draw_card(predictor)

# ---- at-risk users and risk by group -------------------------------------------------------------------
st.subheader(tr("churn.at_risk_header"))
threshold = st.slider(tr("churn.threshold"), 0.0, 1.0, 0.5, 0.05, key="churn_threshold")
explained = panels.memo(("explain", spec.job_key), lambda: cv.explained_users(predictor, data.score, source.mode))
risk = panels.memo(
    ("risk", spec.job_key, key, threshold, inactive_days, members),
    lambda: cv.risk_view(cv.members_only(explained, members), data.score, threshold, inactive_days),
)
panels.draw_risk(risk)
