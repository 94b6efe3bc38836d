"""Scoring on held-out and validation rows: macro-F1, accuracy and confusion (`Evaluation`), the
late-fusion blend and the choice of its weight."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Evaluation:
    """One scorer on the held-out rows."""

    scorer: str  # "attention" | "tfidf_lr" | "lexicon"
    macro_f1: float
    accuracy: float
    labels: list[str]
    confusion: list[list[int]]  # rows = true label, columns = predicted, order of `labels`
    n: int


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def blend(p_attention: np.ndarray, linear_logits: np.ndarray, weight: float) -> np.ndarray:
    """Late fusion: weight * attention probabilities + (1 - weight) * the linear model's."""
    return weight * p_attention + (1.0 - weight) * softmax(linear_logits)


def choose_fusion_weight(
    y: np.ndarray, p_attention: np.ndarray, linear_logits: np.ndarray, n_classes: int
) -> tuple[float, dict[float, float]]:
    """The weight in 0, 0.1, ..., 1 with the best macro-F1 on (validation) rows. Ties, common on
    small validation sets where several weights classify every row alike, go to the lower log-loss
    (the better-calibrated blend), then to the larger weight (the attention model).
    Returns (weight, {weight: macro-F1})."""
    scores, losses = {}, {}
    for w in np.round(np.linspace(0, 1, 11), 2):
        p = blend(p_attention, linear_logits, float(w))
        scores[float(w)] = macro_f1(y, p.argmax(1), n_classes)
        losses[float(w)] = log_loss(y, p)
    best = max(scores.values())
    tied = [w for w, f1 in scores.items() if f1 >= best - 1e-12]
    return min(tied, key=lambda w: (round(losses[w], 9), -w)), scores


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())


def validation_score(y: np.ndarray, p: np.ndarray, n_classes: int) -> float:
    """Early stopping's metric: macro-F1, with the log-loss as a tie-break far below one F1 step
    (on a few validation rows F1 saturates after an epoch or two while the model still improves)."""
    return macro_f1(y, p.argmax(1), n_classes) - 1e-6 * min(log_loss(y, p), 50.0)


def macro_f1(y_true, y_pred, n_classes: int) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=list(range(n_classes)), average="macro", zero_division=0))


def evaluate(scorer: str, y_true, y_pred, label_names: list[str]) -> Evaluation:
    from sklearn.metrics import accuracy_score, confusion_matrix

    ids = list(range(len(label_names)))
    return Evaluation(
        scorer,
        macro_f1(y_true, y_pred, len(label_names)),
        float(accuracy_score(y_true, y_pred)),
        list(label_names),
        confusion_matrix(y_true, y_pred, labels=ids).tolist(),
        int(len(y_true)),
    )
