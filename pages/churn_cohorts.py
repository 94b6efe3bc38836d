"""Churn & cohorts: retention by cohort, survival curves, the churn model card, at-risk users and why.

Settings -> core.cohorts -> core.viz.cohorts -> draw. Data: the workspace's canonical tables
(users, interactions, posts, edges), or an uploaded CSV: an event log (online retail, CDNOW) or a
snapshot with a churn label (Telco). Results are memoised per session on (data key, settings).
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from core.capabilities import activity_tables
from core.cohorts import datasets as ds
from core.cohorts.activity import assign_cohorts
from core.cohorts.labels import default_cutoff
from core.cohorts.retention import retention_matrix
from core.cohorts.risk import at_risk_users, default_group, risk_by_group
from core.cohorts.survival import activity_survival, survival_curves
from core.errors import UserError
from core.export import csv_bytes
from core.viz import cohorts as viz
from ui.cache import load_table, session_memo, table_version_key
from ui.cache import workspace_columns as support_columns
from ui.common import held_upload, page_setup, tr, view_support
from ui.state import sticky

UPLOAD = "churn_upload_df"  # (file name, sha, DataFrame) of the CSV uploaded here
MEMO = "churn_memo"  # {(what, data key, settings): result}, per session
EPOCHS = int(os.environ.get("CE_CHURN_EPOCHS", "30"))  # tests lower it to keep AppTest quick


def memo(key: tuple, compute):
    return session_memo(MEMO, key, compute)


def show_error(exc: UserError) -> None:
    st.error(str(exc))
    st.stop()


ws = page_setup("churn.title")
st.caption(tr("churn.intro"))

# ---- data source ----------------------------------------------------------------------------------
support = view_support(ws, "churn_cohorts")
if not support.available:  # no per-user activity with times in the workspace: say what would do
    st.info(tr("churn.workspace_needs", needs=support.needs["retention"]))
sources = (["workspace"] if support.available else []) + ["upload"]
source = sticky(
    st.radio,
    tr("churn.source"),
    sources,
    horizontal=True,
    key="churn_source",
    format_func=lambda s: tr(f"churn.source_{s}"),
)
users = None
if source == "upload":
    held = held_upload(tr("churn.upload"), "churn_uploader", UPLOAD, ds.read_csv_bytes)
    if held is None:
        st.info(tr("churn.upload_hint"))
        st.stop()
    file_name, data_key, df = held
    guess = ds.guess_churn_columns(df.head(2000))
    cols = list(df.columns)
    # "(none)" is the value None shown through format_func: a language change keeps the choice
    optional = [None] + cols
    show = lambda c: tr("churn.none") if c is None else c  # noqa: E731
    c1, c2, c3 = st.columns(3)
    id_col = c1.selectbox(tr("churn.id_column"), cols, index=cols.index(guess.id), key="churn_id_col")
    time_col = c2.selectbox(
        tr("churn.time_column"),
        optional,
        format_func=show,
        index=(cols.index(guess.time) + 1) if guess.time else 0,
        key="churn_time_col",
    )
    label_col = c3.selectbox(
        tr("churn.label_column"),
        optional,
        format_func=show,
        index=(cols.index(guess.label) + 1) if guess.label else 0,
        key="churn_label_col",
    )
    mode = "events" if time_col else "snapshot"
    if mode == "snapshot" and label_col is None:
        st.info(tr("churn.need_label"))
        st.stop()
    data_key = (data_key, id_col, time_col, label_col)
    if mode == "events":
        try:
            events = ds.numeric_value_columns(df, (id_col, time_col))
            activity = memo(
                ("activity", data_key),
                lambda: ds.event_log_dataset(events, id_col, time_col, source=file_name, with_labels=False).activity,
            )
        except UserError as exc:
            show_error(exc)
else:
    mode = "events"
    # only tables that can take part: posts without user_id/ts (a labelled review file) are left out
    usable = set(activity_tables(support_columns(ws))) | {t for t in ("users", "edges") if ws.has(t)}
    tables = {t: load_table(ws, t) if t in usable else None for t in ("users", "interactions", "posts", "edges")}
    users = tables["users"]
    data_key = tuple(table_version_key(ws, t) for t in tables if t in usable)
    activity = memo(("activity", data_key), lambda: ds.tables_activity(tables))

# ---- cohorts and retention --------------------------------------------------------------------------
st.subheader(tr("churn.retention_header"))
if mode == "events":
    signup = ds.signup_times(users)
    c1, c2, c3, c4 = st.columns(4)
    period = sticky(
        c1.selectbox,
        tr("churn.period"),
        ["month", "week"],
        key="churn_period",
        format_func=lambda p: tr(f"churn.period_{p}"),
    )
    bases = (["signup"] if signup is not None else []) + ["first_activity"]
    basis = sticky(
        c2.selectbox, tr("churn.basis"), bases, key="churn_basis", format_func=lambda b: tr(f"churn.basis_{b}")
    )
    kind = sticky(
        c3.selectbox,
        tr("churn.kind"),
        ["classic", "unbounded"],
        key="churn_kind",
        format_func=lambda k: tr(f"churn.kind_{k}"),
    )
    inactive_days = int(
        c4.number_input(tr("churn.inactive_days"), min_value=1, max_value=365, value=30, key="churn_inactive")
    )
    cohorts = memo(
        ("cohorts", data_key, period, basis), lambda: assign_cohorts(activity, period, by=basis, users=users)
    )
    retention = memo(
        ("retention", data_key, period, basis, kind),
        lambda: retention_matrix(activity, cohorts, period=period, kind=kind, max_periods=53),
    )
    st.plotly_chart(
        viz.retention_heatmap(
            retention,
            {
                "period": tr("churn.period_axis"),
                "cohort": tr("churn.cohort_axis"),
                "share": tr("churn.retained"),
                "users": tr("churn.users"),
                "size": tr("churn.cohort_size"),
            },
        ),
        width="stretch",
    )
    st.caption(tr("churn.cohort_sizes", n=len(retention.sizes), users=int(retention.sizes.sum())))
else:
    st.info(tr("churn.no_retention"))

# ---- survival ---------------------------------------------------------------------------------------
st.subheader(tr("churn.survival_header"))
try:
    if mode == "events":
        group_options = ["cohort", "all"] + [
            c for c in ("segment", "region", "age_group", "language") if users is not None and c in users.columns
        ]
        group = sticky(
            st.selectbox,
            tr("churn.survival_group"),
            group_options,
            key="churn_surv_group",
            format_func=lambda g: {"cohort": tr("churn.group_cohort"), "all": tr("churn.group_all")}.get(g, g),
        )
        if group == "cohort":
            groups = cohorts.dt.strftime("%Y-%m-%d" if period == "week" else "%Y-%m")
        elif group == "all":
            groups = None
        else:
            groups = users.assign(user_id=users["user_id"].astype(str)).set_index("user_id")[group]
        survival = memo(
            ("survival", data_key, inactive_days, group, period, basis),
            lambda: activity_survival(
                activity, inactive_days=inactive_days, starts=ds.signup_times(users), groups=groups
            ),
        )
    else:
        snapshot = memo(("snapshot", data_key), lambda: ds.snapshot_dataset(df, id_col, label_col, source=file_name))
        table = snapshot.features.table
        numeric = snapshot.features.numeric
        duration_col = st.selectbox(
            tr("churn.duration_column"),
            numeric,
            index=next((i for i, c in enumerate(numeric) if "tenure" in c.lower()), 0),
            key="churn_duration",
        )
        group = st.selectbox(
            tr("churn.survival_group"),
            ["all"] + snapshot.features.categorical,
            key="churn_surv_group_snap",
            format_func=lambda g: tr("churn.group_all") if g == "all" else g,
        )
        survival = memo(
            ("survival", data_key, duration_col, group),
            lambda: survival_curves(
                table[duration_col].fillna(0),
                snapshot.labels,
                None if group == "all" else table[group],
                time_unit=duration_col,
            ),
        )
except UserError as exc:
    show_error(exc)
st.plotly_chart(
    viz.survival_figure(
        survival, {"time": tr("churn.days") if mode == "events" else duration_col, "survival": tr("churn.still_active")}
    ),
    width="stretch",
)
if survival.logrank is not None:
    st.caption(tr("churn.logrank", stat=survival.logrank.test_statistic, p=survival.logrank.p_value))
with st.expander(tr("churn.medians")):
    st.dataframe(survival.medians, hide_index=True)

# ---- the model -----------------------------------------------------------------------------------------
st.subheader(tr("churn.model_header"))
st.caption(tr("churn.model_intro"))
try:
    if mode == "events":
        default = default_cutoff(activity, inactive_days)
        cutoff = pd.Timestamp(
            st.date_input(
                tr("churn.cutoff"),
                value=default.date(),
                min_value=activity["ts"].min().date(),
                max_value=default.date(),
                key="churn_cutoff",
            )
        )
        if source == "workspace":
            train_data = memo(
                ("train", data_key, cutoff, inactive_days),
                lambda: ds.tables_dataset(tables, cutoff=cutoff, inactive_days=inactive_days),
            )
            score_data = memo(
                ("score", data_key, inactive_days),
                lambda: ds.tables_dataset(tables, inactive_days=inactive_days, as_of_end=True),
            )
        else:
            train_data = memo(
                ("train", data_key, cutoff, inactive_days),
                lambda: ds.event_log_dataset(
                    events, id_col, time_col, cutoff=cutoff, inactive_days=inactive_days, source=file_name
                ),
            )
            score_data = memo(
                ("score", data_key, inactive_days),
                lambda: ds.event_log_dataset(
                    events, id_col, time_col, inactive_days=inactive_days, source=file_name, with_labels=False
                ),
            )
        st.caption(
            tr(
                "churn.labels_summary",
                users=len(train_data.labels),
                rate=float(train_data.labels.mean()),
                cutoff=f"{cutoff:%Y-%m-%d}",
            )
        )
    else:
        train_data = score_data = snapshot
except UserError as exc:
    show_error(exc)

from core.cohorts.churn import ChurnConfig, ChurnPredictor  # noqa: E402 - torch loads only when needed
from ui import training  # noqa: E402

config = ChurnConfig(epochs=EPOCHS)
data_id = (data_key, getattr(train_data, "cutoff", None), inactive_days if mode == "events" else None)


def train(progress, cancel):
    return ChurnPredictor(config).fit(train_data.features, train_data.labels, progress=progress, cancel=cancel)


try:
    spec = memo(("spec", data_id), lambda: ChurnPredictor(config).spec(train_data.features, train_data.labels))
    job_key = spec.job_key  # the cache key: one job per model
    predictor = training.model_panel(spec, train, button_label=tr("common.train"))
except UserError as exc:
    show_error(exc)
if predictor is not None and not predictor.result_.trained:
    st.caption(tr("churn.cached_note"))
if predictor is None:
    st.stop()

result = predictor.result_
st.markdown(f"**{tr('churn.metrics')}**")
st.dataframe(
    result.metrics.rename(columns={"model": tr("churn.col_model")}),
    hide_index=True,
    column_config={c: st.column_config.NumberColumn(format="%.3f") for c in ("auc", "pr_auc", "brier")},
)
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{tr('churn.calibration')}**")
    st.plotly_chart(
        viz.reliability_figure(
            result.reliability,
            {"predicted": tr("churn.predicted"), "observed": tr("churn.observed"), "ideal": tr("churn.perfect")},
        ),
        width="stretch",
    )
with c2:
    st.markdown(f"**{tr('churn.importance')}**")
    st.plotly_chart(
        viz.importance_figure(
            result.importance,
            {
                "contribution": tr("churn.contribution"),
                "importance": tr("churn.auc_drop"),
                "attention": tr("churn.mean_attention"),
            },
        ),
        width="stretch",
    )

# ---- at-risk users and risk by group -------------------------------------------------------------------
st.subheader(tr("churn.at_risk_header"))
explained = memo(("explain", job_key), lambda: predictor.explain(score_data.features))
if mode == "snapshot":  # customers who have not left yet
    explained = explained[(score_data.labels.reindex(explained["user_id"]) == 0).to_numpy()]
threshold = st.slider(tr("churn.threshold"), 0.0, 1.0, 0.5, 0.05, key="churn_threshold")
at_risk = at_risk_users(
    explained, score_data.features.table, inactive_days=inactive_days if mode == "events" else None, threshold=threshold
)
st.caption(tr("churn.at_risk_count", n=len(at_risk)))
st.caption(tr("churn.reasons_note"))
st.dataframe(
    at_risk.head(500),
    hide_index=True,
    column_config={"churn_probability": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")},
)
st.download_button(tr("churn.download"), csv_bytes(at_risk), "at_risk_users.csv", "text/csv", key="churn_download")

group_cols = [c for c in score_data.features.categorical if score_data.features.table[c].nunique() <= 30]
if group_cols:
    st.subheader(tr("churn.risk_header"))
    probs = explained.set_index("user_id")["churn_probability"]
    preferred = default_group(probs, score_data.features.table, group_cols)
    by = st.selectbox(tr("churn.risk_by"), group_cols, index=group_cols.index(preferred), key="churn_risk_by")
    risk = risk_by_group(probs, score_data.features.table[by])
    st.plotly_chart(
        viz.risk_by_group_figure(risk, {"risk": tr("churn.mean_risk"), "users": tr("churn.users")}), width="stretch"
    )
