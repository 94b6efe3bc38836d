"""What the recommendations page draws: the quality table and charts of the models there are (the
baselines at once, SASRec once trained), a note on the training, and one member's lists. Text comes
from core.i18n in the language asked for; model ids stay the colours' keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.i18n import t
from core.viz import recommend as viz
from core.viz.format import fmt_count

PROTOCOLS = ("full ranking", "100 sampled negatives")
DIVERSITY = ("coverage", "mean_popularity_percentile", "top10pct_share")
HISTORY_SHOWN = 8
STOPPED = ("epochs", "early_stop", "budget")  # core.models.engine's reasons a training ended (stopped_by)


def model_name(model: str, lang: str) -> str:
    return t(f"reco.model_{model}", lang)


@dataclass
class RecoPage:
    table: pd.DataFrame  # model, protocol, HR@k, NDCG@k, users; models and protocols in the reader's words
    full: object  # plotly figures
    sampled: object
    bias: object
    curve: object | None  # SASRec's training curve, once trained
    note: str  # what the table compares, or how SASRec was trained / loaded


def reco_page(shown, report, lang: str) -> RecoPage:
    """`shown`: the report whose models are drawn (the baselines' until SASRec is there); `report`:
    SASRec's EvaluationReport or None."""
    raw = shown.table()
    names = {f"model:{m}": model_name(m, lang) for m in raw["model"].unique()}
    table = raw.assign(
        model=raw["model"].map(lambda m: model_name(m, lang)),
        protocol=raw["protocol"].map(lambda p: t(f"reco.protocol.{PROTOCOLS.index(p)}", lang)),
    )
    full = viz.metrics_figure(raw, PROTOCOLS[0], {"title": t("reco.full_ranking", lang), **names})
    sampled = viz.metrics_figure(raw, PROTOCOLS[1], {"title": t("reco.sampled", lang), **names})
    bias = viz.popularity_bias_figure(shown.diversity, {k: t(f"reco.{k}", lang) for k in DIVERSITY} | names)
    curve = None
    if report is not None and report.history:
        curve = viz.training_curve(
            report.history, {"loss": t("reco.loss", lang), "val": t("reco.val", lang), "epoch": t("reco.epoch", lang)}
        )
    return RecoPage(table, full, sampled, bias, curve, training_note(report, lang))


def training_note(report, lang: str) -> str:
    if report is None:
        return t("reco.baselines_first", lang)
    tr = report.training
    if not tr.get("trained"):  # how the stored model was trained: its seconds and device stay on the card
        if tr.get("seconds") is None:
            return t("reco.from_cache", lang)
        return t("reco.from_cache_card", lang, seconds=float(tr["seconds"]), device=_device(tr.get("device")))
    return t(
        "reco.trained_now",
        lang,
        epochs=fmt_count(tr.get("epochs_run")),
        seconds=float(tr.get("seconds") or 0),
        device=_device(tr.get("device")),
        stopped=t(f"reco.stopped.{tr['stopped_by']}", lang)
        if tr.get("stopped_by") in STOPPED
        else tr.get("stopped_by", "-"),
        val=float(tr.get("val_ndcg10") or 0),
    )


def _device(device) -> str:
    return "GPU" if str(device or "cpu").startswith("cuda") else "CPU"


@dataclass
class MemberLists:
    """One member's lists: {model id: its top 10 (rank, item[, score])}, why SASRec picked them (a
    sentence and the attention chart, once SASRec is trained) and their recent history, oldest first."""

    lists: dict[str, pd.DataFrame]
    because: str | None
    attention: object | None
    history: str


def member_lists(data, baselines, report, user, lang: str) -> MemberLists:
    """`user` (an id of data.user_ids): the baselines' lists until SASRec is trained, then SASRec's."""
    u = int(pd.Index(data.user_ids).get_loc(user))
    history = " → ".join(str(data.item_ids[i]) for i in data.sequences[u][-HISTORY_SHOWN:])
    if report is None:
        lists = {m: baselines.recommend(data, m, np.asarray([u]))[["rank", "item"]] for m in baselines.scorers}
        return MemberLists(lists, None, None, history)
    rec = report.recommender
    top = rec.recommend(np.asarray([u]), k=10)[["rank", "item", "score"]]
    why = rec.explain(u)
    if not why:
        return MemberLists({"SASRec": top}, None, None, history)
    items, weights = [i for i, _ in why], [w for _, w in why]
    because = t("reco.because", lang, items=", ".join(items))
    attention = viz.attention_figure(items, weights, {"x": t("reco.attention", lang)})
    return MemberLists({"SASRec": top}, because, attention, history)
