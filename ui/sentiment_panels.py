"""Drawing the sentiment view (core.text.view.SentimentView): trends, shifts, drivers, model card,
scored posts; and the trained scorer's block. Drawing only: every number comes from core.

Post text is shown with st.text / show_table (plain text), never as HTML.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from core.capabilities import data_sources
from core.config import sentiment_page_epochs
from core.data.csvfile import read_csv_frame
from core.errors import UserError
from core.text import analysis as sa
from core.text.trends import ALL
from core.text.view import SentimentView
from core.viz import format as vf
from core.viz import sentiment as viz
from ui import state
from ui.cache import shared_memo
from ui.common import error_text, held_upload, tr
from ui.present import named_csv, show_table
from ui.state import LANG, choice, sticky

MEMO = "sent_memo"  # {(what, data key, settings): result}, shared by every session
LABEL_UPLOAD = state.SENT_LABEL_UPLOAD  # (file name, sha, DataFrame) of a labelled file uploaded here
CLASSIFIER_EPOCHS = sentiment_page_epochs()  # tests may lower it
SENTIMENTS = ("negative", "neutral", "positive")


def memo(key: tuple, compute):
    return shared_memo(MEMO, key, compute)


def apply_focus(communities: list[str]) -> None:
    """A community focused elsewhere (health drill-down, ?community=) becomes the community filter
    once, when it changes; the user's own picks win afterwards."""
    focus = state.focus_community()
    kept = st.session_state.setdefault(state.KEPT, {})
    if focus in communities and kept.get("_sent_focus") != focus:
        kept["_sent_focus"] = focus
        workspace = str(st.session_state.get(state.WORKSPACE))  # the filter belongs to this workspace
        st.session_state.setdefault(state.FILTERS, {}).setdefault(workspace, {})[state.COMMUNITIES] = [focus]
        st.session_state[state.SENT_COMMUNITIES] = [focus]


def lang() -> str:
    return st.session_state.get(LANG, "en")


def language_name(code: str) -> str:
    return tr(f"sent.lang_{code}") if code in ("en", "zh") else code


def class_name(label: str) -> str:
    """A sentiment class in the reader's language; a file's own label names stay as they are."""
    return tr(f"sent.class_{label}") if label in SENTIMENTS else str(label)


# ---- the trained scorer -------------------------------------------------------------------------------
def uploaded_labels() -> tuple[list[str], pd.Series, str] | None:
    """Texts, labels and a cache key from a labelled CSV uploaded here (kept in the session, since
    the uploader empties when the user leaves the page). None until there is one."""

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
            ("label_rows", sha, name, text_col, label_col), lambda: sa.labelled_texts(df, text_col, label_col, name)
        )
    except UserError as exc:
        st.error(error_text(exc))
        return None
    names = sorted(pd.unique(labels.astype(str)))
    shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
    st.caption(tr("sent.train_file_rows", n=len(texts), file=name, labels=shown))
    return texts, labels, f"file:{sha}:{text_col}:{label_col}"


def trained_classifier(labelled: pd.DataFrame, data_key: str):
    """The train-on-labelled-texts block: source choice, Train button and progress; the classifier
    once it is trained (or loaded from the cache), else None."""
    from core.models.lifecycle import is_trained
    from core.text.classifier import ClassifierConfig, LabelledTexts, SentimentClassifier
    from ui import training

    st.subheader(tr("sent.train_header"))
    sources = data_sources("sentiment_trends", len(labelled) >= 30)
    source = sticky(
        st.radio,
        tr("sent.train_source"),
        sources,
        horizontal=True,
        key="sent_train_source",
        filter="source:sentiment",  # a workspace with labelled posts opens on them
        format_func=lambda v: tr(f"sent.train_source_{v}", n=len(labelled)),
    )
    if source == "upload":
        held = uploaded_labels()
        if held is None:
            return None
        texts, labels, train_key = held
    else:
        texts, labels = labelled["text"].tolist(), labelled["label"].astype(str).tolist()
        train_key = data_key
    st.caption(tr("sent.train_hint"))
    config = ClassifierConfig()
    if CLASSIFIER_EPOCHS:  # tests shorten training; 0 keeps each encoder's own number of epochs
        config.train = replace(config.train, epochs=CLASSIFIER_EPOCHS)
    # the job goes under the lifecycle specs' keys (one per language trained), so a reload finds it
    data = LabelledTexts(texts, labels)
    specs = memo(("specs", train_key, str(config)), lambda: SentimentClassifier(config).specs(data))
    return training.training_panel(
        lambda budget: training.specs_key(specs, budget),
        lambda progress, cancel, budget: SentimentClassifier(config).fit(
            data, budget=budget, progress=progress, cancel=cancel
        ),
        button_label=tr("common.train"),  # a model already on disk loads without a click
        autostart=lambda budget: bool(specs) and all(is_trained(spec, budget=budget) for spec in specs),
        budget="sentiment",  # the training budget control: its value goes to the fit as an argument
    )


# ---- the view -------------------------------------------------------------------------------------------
def draw_summary(view: SentimentView) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(tr("sent.metric_posts"), vf.fmt_count(view.n_posts))
    c2.metric(tr("sent.metric_mean"), signed(view.mean_score))
    c3.metric(tr("sent.metric_negative"), vf.fmt_share(view.share_negative))
    if view.labelled_negative is not None:  # what the labels say, beside what the scorer says
        c4.metric(tr("sent.metric_labelled_negative"), vf.fmt_share(view.labelled_negative))


def signed(value: float) -> str:
    """'+0.052', '−0.310', '0.000' (never '-0.000')."""
    value = 0.0 if abs(value) < 5e-4 else value
    return f"{value:+.3f}".replace("-", "−") if value else "0.000"


def draw_trends(view: SentimentView, freq: str) -> None:
    st.subheader(tr("sent.trend_header"))
    labels = {k: tr(f"sent.{k}") for k in ("score", "share_negative", "volume", "shift", "period", "band")} | {
        "sparse": tr("sent.sparse", n=view.min_volume)
    }
    bands = {language_name(k): (b.low, b.high) for k, b in view.bands.items()}
    trends, shifts = _named_overall(view.trends), _named_overall(view.shifts)
    st.plotly_chart(viz.trend_figure(trends, shifts, labels, bands, lang(), freq), width="stretch")
    st.caption(tr("sent.band_note", n=view.min_volume))
    for code, th in view.bands.items():
        source = tr(f"sent.band_source_{th.source}", n=th.n)
        low, high = signed(th.low), signed(th.high)
        st.caption(tr("sent.thresholds", language=language_name(code), low=low, high=high, source=source))


def _named_overall(frame: pd.DataFrame) -> pd.DataFrame:
    """The whole-site series (community "all") named in the reader's language for the legend."""
    if "community" not in frame or not len(frame):
        return frame
    return frame.assign(community=frame["community"].replace({ALL: tr("sent.all_posts")}))


def community_name(community: str) -> str:
    return tr("sent.all_posts") if community == ALL else community


def draw_shifts(view: SentimentView) -> None:
    st.subheader(tr("sent.shifts_header"))
    config = view.shift_config
    st.caption(tr("sent.method", k=config.baseline_periods, z=config.z_limit))
    shifts = view.analysis.shifts
    if not shifts:
        st.info(tr("sent.no_shifts"))
        return

    def shift_label(i: int) -> str:
        s = shifts[i]
        direction = tr(f"sent.{s.direction}")
        return tr(
            "sent.shift_label",
            community=community_name(s.community),
            period=vf.fmt_date(s.period),
            direction=direction,
            z=f"{s.z:.1f}",
        )

    # open on a community's shift when there is one: it says where a whole-site shift comes from
    first = next((i for i, s in enumerate(shifts) if s.community != ALL), 0)
    pick = choice(
        st.selectbox,
        tr("sent.choose_shift"),
        range(len(shifts)),
        index=first,
        format_func=shift_label,
        key="sent_shift",
    )
    shift = shifts[pick]
    mean, base = f"{shift.mean_score:.3f}", f"{shift.baseline_mean:.3f}"
    st.write(tr("sent.shift_summary", mean=mean, baseline=base, n=vf.fmt_count(shift.volume)))
    t1, t2 = st.columns(2)
    with t1:
        st.markdown(f"**{tr('sent.terms_header')}**")
        show_table(pd.DataFrame(shift.terms, columns=["term", "z"]), key="sent_terms")
    with t2:
        st.markdown(f"**{tr('sent.examples_header')}**")
        for text in shift.examples:
            st.text(text)  # plain text, never HTML


def draw_card(view: SentimentView, classifier) -> None:
    st.subheader(tr("sent.model_card"))
    if classifier is None:
        st.caption(tr("sent.card_lexicon"))
        if view.card is None:
            st.info(tr("sent.no_labels"))
            return
        st.metric(tr("sent.macro_f1"), f"{view.card.macro_f1:.3f}")
        st.caption(tr("sent.confusion", name=tr("sent.scorer_lexicon")))
        _confusion(view.card, "sent_cm_lexicon")
        return
    from core.text.classifier import encoder_card

    st.caption(tr("sent.card_attention"))
    for code, evals in classifier.evaluations.items():
        rows = [
            {
                "language": code,
                "scorer": scorer_name(e.scorer),
                "macro_f1": e.macro_f1,
                "accuracy": e.accuracy,
                "n": e.n,
            }
            for e in evals
        ]
        show_table(coded_cells(pd.DataFrame(rows)), key=f"sent_card_{code}")
        _verdict(classifier, code)
        st.caption(
            encoder_card(classifier.models[code], lambda k, **f: tr(k, **(f | {"language": language_name(code)})))
        )
        info = classifier.train_info.get(code, {})
        if info.get("seconds") is not None:  # how training ended, on which device, in how long
            from ui.training import card_line

            st.caption(card_line(info))
        if {"val_macro_f1", "wide_only_val_macro_f1", "attention_only_val_macro_f1"} <= set(info):
            numbers = {
                "att": f"{info['attention_only_val_macro_f1']:.3f}",
                "wide": f"{info['wide_only_val_macro_f1']:.3f}",
                "model": f"{info['val_macro_f1']:.3f}",
                "w": f"{info['fusion_weight']:.1f}",
            }
            st.caption(tr("sent.card_validation", **numbers))
        _confusion(evals[0], f"sent_cm_{code}")


def _verdict(classifier, code: str) -> None:
    """Which scorer this language's scores come from, and the card's warnings (no better than chance
    or than a baseline)."""
    from core.text.classifier import note_text

    info = classifier.train_info.get(code, {})
    scorer = info.get("scorer") or classifier.models[code].scorer
    st.caption(tr("sent.scores_from", language=language_name(code), scorer=scorer_name(scorer)))
    for note in info.get("notes", []):
        st.warning(note_text(note, lang()))


def _confusion(evaluation, key: str) -> None:
    names = [class_name(c) for c in evaluation.labels]
    labels = {"predicted": tr("sent.predicted"), "true": tr("sent.true")}
    st.plotly_chart(viz.confusion_figure(evaluation.confusion, names, labels), width="stretch", key=key)


def draw_drivers(view: SentimentView) -> None:
    st.subheader(tr("sent.drivers_header"))
    show_table(view.analysis.drivers, key="sent_drivers", pinned=("community",))


def draw_posts(view: SentimentView) -> None:
    st.subheader(tr("sent.scored_posts"))
    show_table(coded_cells(view.posts.head(500)), key="sent_posts", kinds={"score": vf.NUMBER})
    st.download_button(
        tr("sent.download"),
        named_csv(view.posts),
        file_name="scored_posts.csv",
        mime="text/csv",
        key="sent_download",
    )


def coded_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Our own coded values (sentiment class, language, scorer) in Chinese for a Chinese reader; in
    English they stay the codes the CSV download carries, but for the scorer, which reads as its name
    ('TF-IDF + LR', never `tfidf_lr`)."""
    if lang() == "en":
        return frame.assign(scorer=frame["scorer"].map(scorer_name)) if "scorer" in frame else frame
    names = {"sentiment": class_name, "language": language_name, "scorer": scorer_name}
    return frame.assign(**{c: frame[c].map(f) for c, f in names.items() if c in frame})


def scorer_name(scorer: str) -> str:
    return tr(f"sent.scorer_name_{scorer}") if scorer in ("lexicon", "attention", "tfidf_lr") else str(scorer)
