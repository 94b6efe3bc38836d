"""Whether the churn model can be trusted: better than chance (one-sided Mann-Whitney U on the
held-out AUC), better than its baselines, and so which model scores (`model_verdict`); the notes
the model card shows (`note_text`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.i18n import t

TRANSFORMER = "churn_transformer"
CHANCE_ALPHA = 0.05  # a held-out AUC above 0.5 with p below this is better than chance


@dataclass
class ModelVerdict:
    """Which model scores, and what the card must say about the others (`note_text` renders a note)."""

    scorer: str
    notes: list[dict]


def chance_p_value(y: np.ndarray, p: np.ndarray) -> float:
    """One-sided Mann-Whitney U p-value that churned users (y = 1) score higher than retained ones,
    i.e. that the AUC is above 0.5 (the AUC is U / (n1 n0)); NaN without both classes."""
    from scipy.stats import mannwhitneyu

    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.min(initial=1) == y.max(initial=0):
        return float("nan")
    return float(mannwhitneyu(p[y == 1], p[y == 0], alternative="greater").pvalue)


def _better_than_chance(row: dict) -> bool:
    p = row.get("auc_p_value")
    if p is None or not np.isfinite(p):  # not recorded: judge by the AUC alone
        return float(row["auc"]) > 0.5
    return float(row["auc"]) > 0.5 and float(p) < CHANCE_ALPHA


def model_verdict(metrics: pd.DataFrame, test_users: int = 0, test_churners: int = 0) -> ModelVerdict:
    """The scorer (the attention model unless a baseline's held-out AUC is higher) and the notes:
    a model no better than chance, the attention model no better than a baseline, where scores come
    from. `metrics`: rows of model, auc, auc_p_value (ChurnResult.metrics)."""
    rows = {r["model"]: r for r in metrics.to_dict(orient="records")}
    notes: list[dict] = []
    if TRANSFORMER not in rows:
        return ModelVerdict(TRANSFORMER, notes)
    att = rows[TRANSFORMER]
    baselines = [r for name, r in rows.items() if name != TRANSFORMER]
    if not any(_better_than_chance(r) for r in rows.values()):
        notes.append({"key": "churn.note_all_chance", "params": {"users": test_users, "churners": test_churners}})
    else:
        for r in rows.values():
            if not _better_than_chance(r):
                notes.append({"key": "churn.note_chance", "params": {"model": r["model"], **_numbers(r)}})
    best = max(baselines, key=lambda r: float(r["auc"]), default=None)
    if best is not None and float(att["auc"]) <= float(best["auc"]) + 1e-12:
        tie = abs(float(att["auc"]) - float(best["auc"])) <= 1e-12
        notes.append(
            {
                "key": "churn.note_tie" if tie else "churn.note_baseline",
                "params": {"baseline": best["model"], "auc": f"{att['auc']:.3f}", "baseline_auc": f"{best['auc']:.3f}"},
            }
        )
    scorer = TRANSFORMER  # a baseline scores when it beats the attention model and chance (not noise-chasing)
    if best is not None and float(best["auc"]) > float(att["auc"]) + 1e-12 and _better_than_chance(best):
        scorer = str(best["model"])
        notes.append({"key": "churn.note_scorer", "params": {"model": scorer, "auc": f"{best['auc']:.3f}"}})
    return ModelVerdict(scorer, notes)


def _numbers(row: dict) -> dict:
    p = row.get("auc_p_value")
    return {"auc": f"{row['auc']:.3f}", "p": "?" if p is None or not np.isfinite(p) else f"{p:.2g}"}


def note_text(note: dict, lang: str = "en") -> str:
    """A verdict note in `lang`, model names translated (core.i18n churn.model_*)."""

    params = {k: t(f"churn.model_{v}", lang) if k in ("model", "baseline") else v for k, v in note["params"].items()}
    return t(note["key"], lang, **params)
