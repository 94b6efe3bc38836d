"""Churn model card parts: binary metrics, reliability, the plain baselines and Platt calibration.

Split out of core/cohorts/churn.py (features | baselines + metrics | predictor).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

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


def fit_baselines(
    features: FeatureSet, y: np.ndarray, seed: int = 0, between: Callable[[int], None] | None = None
) -> dict:
    """Logistic regression and HistGradientBoosting on the same inputs (timeline weeks as columns).

    `between(done)` is called after each model (progress, and a chance to cancel). Both fit on one
    thread: on a small table OpenMP's thread hand-offs cost more than they save, most of all on a
    busy machine (HistGradientBoosting spin-waits for cores other work holds)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
    from threadpoolctl import threadpool_limits

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
            random_state=seed, categorical_features=list(range(len(numeric), len(numeric) + len(cats)))
        ),
    )
    with threadpool_limits(limits=1):
        lr.fit(X, y)
        if between is not None:
            between(1)
        gb.fit(X, y)
    if between is not None:
        between(2)
    return {"logistic_regression": lr, "gradient_boosting": gb}


def _signed_log1p(x):
    return np.sign(x) * np.log1p(np.abs(x))


def platt_scaling(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit + b) is calibrated on (logits, y)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000).fit(np.asarray(logits).reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])
