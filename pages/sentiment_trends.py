"""Sentiment trends: per-community sentiment and volume over time with shifts marked, what drove
each shift, negative drivers, the model card and the scored posts as CSV.

Settings -> core.text -> core.viz.sentiment -> draw. Post text is shown with st.text / st.dataframe
(plain text), never as HTML. Results are memoised per session on (table version, settings).
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.export import csv_bytes
from core.text import analysis as sa
from core.text.shifts import ShiftConfig
from core.viz import sentiment as viz
from ui import state
from ui.cache import session_memo, table_version_key
from ui.common import held_upload, link_home, note_missing, page_setup, require_table, tr, view_support
from ui.state import sticky

MEMO = "sent_memo"  # {(what, data key, settings): result}, per session
LABEL_UPLOAD = "sent_label_upload"  # (file name, sha, DataFrame) of a labelled file uploaded here
CLASSIFIER_EPOCHS = int(os.environ.get("CE_SENT_EPOCHS", "0")) or None  # tests may lower it


def memo(key: tuple, compute):
    return session_memo(MEMO, key, compute)


def uploaded_labels() -> tuple[list[str], pd.Series, str] | None:
    """Texts, labels and a cache key from a labelled CSV uploaded here (kept in the session, since
    the uploader empties when the user leaves the page). None until there is one."""
    from core.data.csvfile import read_csv_frame

    held = held_upload(tr("sent.train_upload"), "sent_label_uploader", LABEL_UPLOAD, read_csv_frame)
    if held is None:
        st.info(tr("sent.train_upload_hint"))
        return None
    name, sha, df = held
    guess_text, guess_label = memo(("label_guess", sha), lambda: sa.guess_text_label_columns(df))
    cols = list(df.columns)
    c1, c2 = st.columns(2)
    text_col = c1.selectbox(tr("sent.text_column"), cols, index=cols.index(guess_text), key=f"sent_text_col:{sha}")
    label_col = c2.selectbox(tr("sent.label_column"), cols, index=cols.index(guess_label), key=f"sent_label_col:{sha}")
    try:
        texts, labels = memo(
            ("label_rows", sha, text_col, label_col), lambda: sa.labelled_texts(df, text_col, label_col, name)
        )
    except UserError as exc:
        st.error(str(exc))
        return None
    names = sorted(pd.unique(labels.astype(str)))
    st.caption(
        tr(
            "sent.train_file_rows",
            n=len(texts),
            file=name,
            labels=", ".join(names[:10]) + (" …" if len(names) > 10 else ""),
        )
    )
    return texts, labels, f"file:{sha}:{text_col}:{label_col}"


ws = page_setup("sent.title")
st.caption(tr("sent.intro"))
support = view_support(ws, "sentiment_trends")
if not support.available:
    st.info(tr("common.view_needs", needs=support.needs["scoring"]))
    link_home()
    st.stop()
posts = require_table(ws, "posts")
data_key = table_version_key(ws, "posts")
posts = memo(("lang", data_key), lambda: sa.add_language(posts))
has_trend = support.can("trend")
if not has_trend:
    posts = posts.drop(columns=["ts"], errors="ignore")

# ---- filters ----------------------------------------------------------------------------------------
communities = sorted(posts["community"].dropna().astype(str).unique()) if support.can("communities") else []
widths = ([3] if communities else []) + [2] + ([3, 2] if has_trend else [])  # only the filters the data allows
slots = iter(st.columns(widths + [10 - sum(widths)] if sum(widths) < 10 else widths))
c1 = next(slots) if communities else None
c2 = next(slots)
c3, c4 = (next(slots), next(slots)) if has_trend else (None, None)
chosen = []
if communities:
    chosen = sticky(c1.multiselect, tr("sent.community"), communities, default=communities, key="sent_communities")
langs = sticky(
    c2.multiselect,
    tr("sent.language"),
    ["en", "zh"],
    default=["en", "zh"],
    key="sent_langs",
    format_func=lambda v: tr(f"sent.lang_{v}"),
)
start = end = None
freq = "week"
if has_trend:
    first, last = posts["ts"].min().date(), posts["ts"].max().date()
    dates = sticky(
        c3.date_input,
        tr("sent.date_range"),
        value=(first, last),
        min_value=first,
        max_value=last,
        key="sent_dates",
        share=state.SHARED_DATES,
    )
    span_days = (last - first).days
    periods = ["week", "day", "month"]
    default_period = "day" if span_days <= 56 else "month" if span_days > 730 else "week"  # enough points to see
    freq = sticky(
        c4.selectbox,
        tr("sent.period"),
        periods,
        index=periods.index(default_period),
        key="sent_freq",
        format_func=lambda v: tr(f"sent.period_{v}"),
    )
    start, end = (dates[0], dates[1]) if isinstance(dates, (tuple, list)) and len(dates) == 2 else (first, last)
note_missing(support, ("trend",))

labelled = sa.labelled_posts(posts)
scorers = ["lexicon", "attention"]  # the attention model trains on labelled posts or an uploaded file
scorer = sticky(
    st.radio,
    tr("sent.scorer"),
    scorers,
    horizontal=True,
    key="sent_scorer",
    format_func=lambda v: tr(f"sent.scorer_{v}"),
)

classifier = None
if scorer == "attention":
    from core.text.classifier import ClassifierConfig, fit_sentiment_classifier, sentiment_is_trained
    from ui import training

    st.subheader(tr("sent.train_header"))
    sources = (["posts"] if len(labelled) >= 30 else []) + ["upload"]
    source = sticky(
        st.radio,
        tr("sent.train_source"),
        sources,
        horizontal=True,
        key="sent_train_source",
        format_func=lambda v: tr(f"sent.train_source_{v}", n=len(labelled)),
    )
    train_key = None
    if source == "upload":
        held = uploaded_labels()
        if held is not None:
            texts, labels, train_key = held
    else:
        texts, labels = labelled["text"].tolist(), labelled["label"].astype(str).tolist()
        train_key = data_key
    if train_key is not None:
        st.caption(tr("sent.train_hint"))
        config = ClassifierConfig()
        if CLASSIFIER_EPOCHS:
            config.en_epochs = config.zh_epochs = config.e5_epochs = CLASSIFIER_EPOCHS
        job_key = f"sent:{train_key}:{config}"
        classifier = training.training_panel(
            job_key,
            lambda progress, cancel: fit_sentiment_classifier(texts, labels, config, progress=progress, cancel=cancel),
            button_label=tr("common.train"),  # a model already on disk loads without a click
            autostart=lambda: sentiment_is_trained(texts, labels, config),
            budget="sentiment",  # the training budget control; the fits and the cache key follow it
        )
    if classifier is None:  # until the model is ready the lexicon's charts stay on screen
        st.info(tr("sent.lexicon_meanwhile"))

selected = sa.filter_posts(posts, chosen if communities else None, start, end, langs)
if selected.empty:
    st.info(tr("sent.no_posts"))
    st.stop()
shift_config = ShiftConfig()
try:
    result = memo(
        (
            "analysis",
            data_key,
            tuple(chosen),
            str(start),
            str(end),
            tuple(langs),
            freq,
            "attention" if classifier is not None else "lexicon",
            id(classifier),
        ),
        lambda: sa.analyse_sentiment(selected, sa.AnalysisConfig(freq=freq, shift=shift_config), classifier=classifier),
    )
except UserError as exc:
    st.error(str(exc))
    st.stop()

# ---- trends with shifts -----------------------------------------------------------------------------
if has_trend and len(result.trends):
    st.subheader(tr("sent.trend_header"))
    shifts = sa.shifts_table(result.shifts)
    trend_rows = result.trends[result.trends["community"] != "all"] if communities else result.trends
    st.plotly_chart(
        viz.trend_figure(
            trend_rows,
            shifts,
            {
                "score": tr("sent.score"),
                "volume": tr("sent.volume"),
                "shift": tr("sent.shift"),
                "period": tr("sent.period"),
            },
        ),
        width="stretch",
    )
    st.caption(tr("sent.band_note"))
    for lang, th in result.thresholds.items():
        if result.scorer == "lexicon":
            st.caption(
                tr(
                    "sent.thresholds",
                    language=tr(f"sent.lang_{lang}"),
                    low=f"{th.low:.3f}",
                    high=f"{th.high:.3f}",
                    source=tr(f"sent.band_source_{th.source}", n=th.n),
                )
            )

    # ---- shifts: terms and example posts ------------------------------------------------------------------
    st.subheader(tr("sent.shifts_header"))
    st.caption(tr("sent.method", k=shift_config.baseline_periods, z=shift_config.z_limit))
    if not result.shifts:
        st.info(tr("sent.no_shifts"))
    else:
        options = list(range(len(result.shifts)))

        def shift_label(i: int) -> str:
            s = result.shifts[i]
            return tr(
                "sent.shift_label",
                community=s.community,
                period=s.period.strftime("%Y-%m-%d"),
                direction=tr(f"sent.{s.direction}"),
                z=f"{s.z:.1f}",
            )

        pick = st.selectbox(tr("sent.choose_shift"), options, format_func=shift_label, key="sent_shift")
        shift = result.shifts[pick]
        st.write(
            tr(
                "sent.shift_summary",
                mean=f"{shift.mean_score:.3f}",
                baseline=f"{shift.baseline_mean:.3f}",
                n=shift.volume,
            )
        )
        t1, t2 = st.columns(2)
        with t1:
            st.markdown(f"**{tr('sent.terms_header')}**")
            st.dataframe(pd.DataFrame(shift.terms, columns=["term", "z"]), hide_index=True, key="sent_terms")
        with t2:
            st.markdown(f"**{tr('sent.examples_header')}**")
            for text in shift.examples:
                st.text(text)  # plain text, never HTML
elif has_trend:
    st.caption(tr("sent.no_trend_rows"))

# ---- drivers --------------------------------------------------------------------------------------------
st.subheader(tr("sent.drivers_header"))
st.dataframe(result.drivers, hide_index=True, key="sent_drivers")

# ---- model card -------------------------------------------------------------------------------------------
st.subheader(tr("sent.model_card"))
if classifier is not None:
    from core.text.classifier import encoder_card

    st.caption(tr("sent.card_attention"))
    for lang, evals in classifier.evaluations.items():
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "language": lang,
                        "scorer": e.scorer,
                        "macro_f1": round(e.macro_f1, 4),
                        "accuracy": round(e.accuracy, 4),
                        "n": e.n,
                    }
                    for e in evals
                ]
            ),
            hide_index=True,
            key=f"sent_card_{lang}",
        )
        st.caption(encoder_card(classifier.models[lang], tr))
        info = classifier.train_info.get(lang, {})
        if {"val_macro_f1", "wide_only_val_macro_f1", "attention_only_val_macro_f1"} <= set(info):
            st.caption(
                tr(
                    "sent.card_validation",
                    att=f"{info['attention_only_val_macro_f1']:.3f}",
                    wide=f"{info['wide_only_val_macro_f1']:.3f}",
                    model=f"{info['val_macro_f1']:.3f}",
                    w=f"{info['fusion_weight']:.1f}",
                )
            )
        best = evals[0]
        st.plotly_chart(
            viz.confusion_figure(
                best.confusion, best.labels, {"predicted": tr("sent.predicted"), "true": tr("sent.true")}
            ),
            width="stretch",
            key=f"sent_cm_{lang}",
        )
else:
    card = memo(
        ("card", data_key, tuple(chosen), str(start), str(end), tuple(langs)),
        lambda: sa.lexicon_evaluation(result.posts),
    )
    st.caption(tr("sent.card_lexicon"))
    if card is None:
        st.info(tr("sent.no_labels"))
    else:
        st.metric(tr("sent.macro_f1"), f"{card.macro_f1:.3f}")
        st.caption(tr("sent.confusion", name=tr("sent.scorer_lexicon")))
        st.plotly_chart(
            viz.confusion_figure(
                card.confusion, card.labels, {"predicted": tr("sent.predicted"), "true": tr("sent.true")}
            ),
            width="stretch",
            key="sent_cm_lexicon",
        )

# ---- scored posts ------------------------------------------------------------------------------------------
st.subheader(tr("sent.scored_posts"))
columns = [
    c
    for c in ["post_id", "ts", "community", "language", "text", "sentiment", "score", "scorer", "label"]
    if c in result.posts.columns
]
st.dataframe(result.posts[columns].head(500), hide_index=True, key="sent_posts")
st.download_button(
    tr("sent.download"),
    csv_bytes(result.posts[columns]),
    file_name="scored_posts.csv",
    mime="text/csv",
    key="sent_download",
)
