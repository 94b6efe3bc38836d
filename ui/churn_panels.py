"""Drawing the churn & cohorts view (core.cohorts.view): the upload's column roles, retention, survival,
the model card and the at-risk list. Drawing only: every number comes from core."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.cohorts import datasets as ds
from core.cohorts import view as cv
from core.cohorts.view import ChurnSource, ChurnView, RiskView
from core.i18n import TABLE
from core.viz import cohorts as viz
from core.viz import format as vf
from ui import state
from ui.cache import load_table, shared_memo
from ui.common import held_upload, tr
from ui.focus import community_filter, focus_note
from ui.present import col_label, named_csv, show_table
from ui.state import CHURN_UPLOAD, LANG, choice, sticky

MEMO = "churn_memo"  # {(what, data key, settings): result}, shared by every session
UPLOAD = CHURN_UPLOAD  # (file name, sha, DataFrame) of the CSV uploaded here


def memo(key: tuple, compute):
    return shared_memo(MEMO, key, compute)


def workspace_source(ws, usable: set[str], key: tuple):
    """The workspace's activity source of the `usable` tables; they are read only when no session has
    the source for `key` (their versions) yet."""
    tables = ("users", "interactions", "posts", "edges")
    return memo(
        ("source", key),
        lambda: cv.workspace_source({t: load_table(ws, t) if t in usable else None for t in tables}, key),
    )


def lang() -> str:
    return st.session_state.get(LANG, "en")


def feature_label(name: str) -> str:
    """A feature's label: its `col.` entry, 'total <column>' for summed amounts, else the data's own name."""
    if f"col.{name}" in TABLE:
        return col_label(name)
    if name.startswith("total_"):
        return tr("churn.total_of", column=name.removeprefix("total_"))
    return str(name)


def model_name(model: str) -> str:
    key = f"churn.model_{model}"
    return tr(key) if key in TABLE else str(model)


def upload_columns() -> tuple | None:
    """The uploaded file and the roles of its columns: (df, file, data key, id, time, label), or None."""
    held = held_upload(tr("churn.upload"), "churn_uploader", UPLOAD, ds.read_csv_bytes)
    if held is None:
        st.info(tr("churn.upload_hint"))
        return None
    file_name, sha, df = held
    guess = memo(("guess", sha), lambda: ds.guess_churn_columns(df.head(2000)))
    cols = list(df.columns)
    optional = [None] + cols  # None shown as "(none)" through format_func: a language change keeps it

    def show(c):
        return tr("churn.none") if c is None else c

    c1, c2, c3 = st.columns(3)
    id_col = c1.selectbox(tr("churn.id_column"), cols, index=cols.index(guess.id), key="churn_id_col")
    time_index = (cols.index(guess.time) + 1) if guess.time else 0
    time_col = choice(
        c2.selectbox, tr("churn.time_column"), optional, format_func=show, index=time_index, key="churn_time_col"
    )
    label_index = (cols.index(guess.label) + 1) if guess.label else 0
    label_col = choice(
        c3.selectbox, tr("churn.label_column"), optional, format_func=show, index=label_index, key="churn_label_col"
    )
    return df, file_name, (sha, id_col, time_col, label_col), id_col, time_col, label_col


def pick(widget, label_key: str, options, key: str, prefix: str, **kwargs):
    """A sticky choice among stable ids shown through their `<prefix><id>` translation."""
    return sticky(widget, tr(label_key), list(options), key=key, format_func=lambda v: tr(f"{prefix}{v}"), **kwargs)


def group_name(group: str) -> str:
    return tr(f"churn.group_{group}") if group in ("cohort", "all") else feature_label(group)


def draw_retention(view: ChurnView) -> None:
    retention = view.retention
    labels = {
        k: tr(f"churn.{v}")
        for k, v in (("period", "period_axis"), ("cohort", "cohort_axis"), ("share", "retained"), ("users", "users"))
    } | {"size": tr("churn.cohort_size")}
    st.plotly_chart(viz.retention_heatmap(retention, labels), width="stretch")
    n, users = vf.fmt_count(len(retention.sizes)), vf.fmt_count(retention.sizes.sum())
    st.caption(tr("churn.cohort_sizes", n=n, users=users))


def draw_survival(view: ChurnView, time_label: str) -> None:
    survival = view.survival
    labels = {"time": time_label, "survival": tr("churn.still_active"), "all": tr("churn.group_all")}
    st.plotly_chart(viz.survival_figure(survival, labels, ordered=view.cohort_groups), width="stretch")
    if view.day_zero_share >= 0.005:
        st.caption(tr("churn.day_zero", share=vf.fmt_share(view.day_zero_share)))
    if survival.logrank is not None:
        lr = survival.logrank
        st.caption(tr("churn.logrank", stat=f"{lr.test_statistic:,.1f}", p=p_text(lr.p_value)))
    with st.expander(tr("churn.medians")):
        medians = survival.medians.assign(group=survival.medians["group"].map(group_value))
        labels = {
            "group": tr("churn.group_col"),
            "events": tr("churn.median_churned"),
            "median": tr("churn.median_value"),
            "median_ci_low": tr("churn.median_low"),
            "median_ci_high": tr("churn.median_high"),
        }
        show_table(medians, key="churn_medians", pinned=("group",), labels=labels)


def p_text(p: float) -> str:
    """'= 0.012' or '< 0.001', to follow a 'p'."""
    text = vf.fmt_p(p)
    return text if text.startswith("<") else f"= {text}"


def group_value(group: str) -> str:
    return tr("churn.group_all") if group == "all" else group


def draw_card(predictor) -> None:
    from core.cohorts.churn import note_text

    result = predictor.result_
    st.markdown(f"**{tr('churn.metrics')}**")
    for note in result.notes:  # no better than chance or than its baseline; which model scores
        st.warning(note_text(note, lang()))
    show_table(
        result.metrics.assign(model=result.metrics["model"].map(model_name)), key="churn_card", pinned=("model",)
    )
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{tr('churn.calibration')}**")
        reliability = result.reliability.assign(model=result.reliability["model"].map(model_name))
        labels = {"predicted": tr("churn.predicted"), "observed": tr("churn.observed"), "ideal": tr("churn.perfect")}
        st.plotly_chart(viz.reliability_figure(reliability, labels), width="stretch")
    with c2:
        st.markdown(f"**{tr('churn.importance')}**")
        importance = result.importance.assign(feature=result.importance["feature"].map(feature_label))
        labels = {
            "contribution": tr("churn.contribution"),
            "importance": tr("churn.auc_drop"),
            "attention": tr("churn.mean_attention"),
        }
        st.plotly_chart(viz.importance_figure(importance, labels), width="stretch")


FILLERS = {"(none)": "churn.none", "(missing)": "churn.missing"}
_REASON = re.compile(r"(^|; )([^=;]+)=")
_WEEK = re.compile(r"(\d{4}-\d{2}-\d{2}) \((\d+)\)")


def readable_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The reasons' feature names as labels ('recency_days=40' -> 'days since last activity = 40') and
    weeks as '2026-01-05: 3 events' (the CSV keeps the raw form)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and col not in ("user_id", "top_features", "top_weeks"):
            out[col] = out[col].map(filler)
    if "top_features" in out:
        out["top_features"] = out["top_features"].map(
            lambda s: _REASON.sub(lambda m: f"{m.group(1)}{feature_label(m.group(2))} = ", str(s)).replace(
                "= (none)", "= " + tr("churn.none")
            )
        )
    if "top_weeks" in out and not out["top_weeks"].astype(str).str.strip().any():
        out = out.drop(columns=["top_weeks"])  # a snapshot has no weekly timeline
    if "top_weeks" in out:
        out["top_weeks"] = out["top_weeks"].map(
            lambda s: _WEEK.sub(lambda m: tr("churn.week_events", week=m.group(1), n=m.group(2)), str(s))
        )
    return out


def draw_risk(risk: RiskView) -> None:
    st.caption(tr("churn.at_risk_count", n=vf.fmt_count(len(risk.at_risk))))
    st.caption(tr("churn.reasons_note"))
    shown = readable_reasons(risk.at_risk.head(500))
    show_table(shown, key="churn_at_risk", pinned=("user_id",), kinds={"churn_probability": vf.SHARE})
    st.download_button(
        tr("churn.download"), named_csv(risk.at_risk), "at_risk_users.csv", "text/csv", key="churn_download"
    )
    if not risk.groups:
        return
    st.subheader(tr("churn.risk_header"))
    cols = list(risk.groups)
    by = choice(
        st.selectbox,
        tr("churn.risk_by"),
        cols,
        index=cols.index(risk.default_group),
        key="churn_risk_by",
        format_func=feature_label,
    )
    labels = {"risk": tr("churn.mean_risk"), "users": tr("churn.users")}
    groups = risk.groups[by].assign(group=risk.groups[by]["group"].map(filler))
    st.plotly_chart(viz.risk_by_group_figure(groups, labels), width="stretch")


def filler(value):
    """The features' stand-ins for no value, '(none)' / '(missing)', in the reader's language."""
    return tr(FILLERS[value]) if value in FILLERS else value


# ---- the community filter (the health view's drill-down, ?community=) ---------------------------------
def community_focus(ws, source, origin: str) -> frozenset[str] | None:
    """The shared community filter over the workspace's tables: the members whom retention, survival
    and the at-risk list keep (None: everyone), said in a line with a one-click reset."""

    if origin != "workspace":  # an uploaded log has no posts to say who is in which community
        if state.focus_community():
            st.info(tr("health.filter.no_column", name=state.focus_community()))
        return None
    focus = community_filter(ws, "churn_communities")
    assert isinstance(source, ChurnSource)
    if focus is None or focus.members is None or source.activity is None:
        return None
    activity = source.activity
    users = memo(("focus_users", source.key), lambda: pd.Series(activity["user_id"].astype(str).unique()))
    shown = int(users.isin(focus.members).sum())
    focus_note(shown, len(users))
    st.caption(tr("health.filter.churn_note", n=vf.fmt_count(shown), names=focus.names))
    return focus.members


def churn_view(key: tuple, source, settings, members: frozenset[str] | None):
    """Retention and survival of `members` (None: everyone), computed once for every session."""
    return memo(("view", key, settings, members), lambda: cv.churn_view(cv.focus_source(source, members), settings))
