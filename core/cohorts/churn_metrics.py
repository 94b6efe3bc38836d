"""Churn model card parts: binary metrics, reliability, the plain baselines and Platt calibration.

Split out of core/cohorts/churn.py (features | baselines + metrics | predictor).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from core.cohorts.features import FeatureSet

# ---------------------------------------------------------------------------------------------------
# metrics


def binary_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    return {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
    }


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted vs observed churn rate in equal-width probability bins (empty bins left out)."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y})
    out = frame.groupby("bin").agg(mean_predicted=("p", "mean"), observed=("y", "mean"), users=("y", "size"))
    return out.reset_index()


# ---------------------------------------------------------------------------------------------------
# baselines


def baseline_frames(features: FeatureSet) -> pd.DataFrame:
    flat = features.flat()
    for col in features.categorical:
        flat[col] = flat[col].astype(str)
    return flat


BOOSTING_ROUNDS = 100  # HistGradientBoosting's max_iter (its default), grown in chunks of BOOSTING_CHUNK
BOOSTING_CHUNK = 10
BASELINE_STEPS = 1 + BOOSTING_ROUNDS // BOOSTING_CHUNK  # the logistic regression, then each chunk of trees


def fit_baselines(
    features: FeatureSet,
    y: np.ndarray,
    seed: int = 0,
    between: Callable[[int, int, str | None], None] | None = None,
) -> dict:
    """Logistic regression and HistGradientBoosting on the same inputs (timeline weeks as columns).

    `between(done, total, next_piece)` is called before the work and after each piece of it (progress,
    and a chance to cancel): the logistic regression is one piece, the boosted trees grow in chunks of
    BOOSTING_CHUNK rounds (warm start: the trees of one fit, early stopping included; at most one round
    more where it falls on a chunk's end), so a long
    stage reports every few seconds instead of sitting at "0/2"; `next_piece` is the i18n key of what
    runs next (None at the end). Both fit on one thread: on a small table OpenMP's thread hand-offs
    cost more than they save, most of all on a busy machine (HistGradientBoosting spin-waits for
    cores other work holds)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

    X = baseline_frames(features)
    numeric = features.numeric + features.week_columns()
    cats = features.categorical
    lr = make_pipeline(
        ColumnTransformer(
            [
                (
                    "num",
                    make_pipeline(
                        SimpleImputer(strategy="median", add_indicator=True),
                        FunctionTransformer(_signed_log1p),
                        StandardScaler(),
                    ),
                    numeric,
                ),
                ("cat", OneHotEncoder(handle_unknown="ignore"), cats),
            ]
        ),
        LogisticRegression(max_iter=2000, C=1.0),
    )
    gb = make_pipeline(
        ColumnTransformer(
            [
                ("num", "passthrough", numeric),
                (
                    "cat",
                    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1),
                    cats,
                ),
            ]
        ),
        HistGradientBoostingClassifier(
            random_state=seed,
            categorical_features=list(range(len(numeric), len(numeric) + len(cats))),
            max_iter=BOOSTING_CHUNK,
            warm_start=True,
        ),
    )
    report = between or (lambda done, total, piece: None)
    lr_piece, gb_piece = "stage.detail.logistic_regression", "stage.detail.gradient_boosting"
    with threadpool_limits(limits=1):
        report(0, BASELINE_STEPS, lr_piece)
        lr.fit(X, y)
        report(1, BASELINE_STEPS, gb_piece)
        inputs, boost = gb[:-1].fit_transform(X, y), gb[-1]
        for rounds in range(BOOSTING_CHUNK, BOOSTING_ROUNDS + 1, BOOSTING_CHUNK):
            boost.set_params(max_iter=rounds).fit(inputs, y)
            if boost.n_iter_ < rounds or rounds == BOOSTING_ROUNDS:  # early stopping ended it (or all ran)
                break
            report(1 + rounds // BOOSTING_CHUNK, BASELINE_STEPS, gb_piece)
        boost.set_params(warm_start=False)  # a refit of the stored model starts afresh
    report(BASELINE_STEPS, BASELINE_STEPS, None)
    return {"logistic_regression": lr, "gradient_boosting": gb}


def _signed_log1p(x):
    return np.sign(x) * np.log1p(np.abs(x))


def platt_scaling(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit + b) is calibrated on (logits, y)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000).fit(np.asarray(logits).reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])
