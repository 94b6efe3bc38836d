"""Who is at risk now, and where: ranking scored users and summarising risk by group."""

from __future__ import annotations

import pandas as pd


def at_risk_users(
    explanations: pd.DataFrame,
    features_table: pd.DataFrame,
    *,
    inactive_days: int | None = None,
    threshold: float = 0.5,
) -> pd.DataFrame:
    """Users whose churn probability is at least `threshold`, riskiest first, with their reasons.

    `explanations`: from `ChurnPredictor.explain` (user_id, churn_probability, top_features, top_weeks).
    With `inactive_days` and a `recency_days` column, users already inactive that long are left out:
    they have churned, they are not "about to". Attribute columns segment/community/region are kept.
    """
    out = explanations.set_index("user_id")
    if inactive_days is not None and "recency_days" in features_table.columns:
        still_active = features_table["recency_days"].reindex(out.index) <= inactive_days
        out = out[still_active.to_numpy()]
    out = out[out["churn_probability"] >= threshold]
    keep = [c for c in ("segment", "community", "region", "recency_days") if c in features_table.columns]
    out = out.join(features_table[keep])
    return out.sort_values("churn_probability", ascending=False).reset_index()


def risk_by_group(probabilities: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Mean churn probability, users and expected churners per group value (riskiest first)."""
    frame = pd.DataFrame({"p": probabilities, "group": groups.reindex(probabilities.index).astype(str)})
    out = frame.groupby("group").agg(mean_risk=("p", "mean"), users=("p", "size"), expected_churners=("p", "sum"))
    return out.sort_values("mean_risk", ascending=False).reset_index()


def default_group(probabilities: pd.Series, table: pd.DataFrame, columns: list[str]) -> str:
    """The column to show risk by first: the canonical `community` or `segment` when present, else
    the one whose groups differ most in mean risk (size-weighted spread), on any data set."""
    for canonical in ("community", "segment"):
        if canonical in columns:
            return canonical

    def spread(col: str) -> float:
        risk = risk_by_group(probabilities, table[col])
        mean = float((risk["mean_risk"] * risk["users"]).sum() / max(risk["users"].sum(), 1))
        return float((risk["users"] * (risk["mean_risk"] - mean) ** 2).sum() / max(risk["users"].sum(), 1))

    return max(columns, key=spread)
