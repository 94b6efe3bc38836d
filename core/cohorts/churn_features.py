"""Churn model inputs: a FeatureSet encoded into the arrays and tensors the churn Transformer reads.

Split out of core/cohorts/churn.py (features | baselines + metrics | predictor).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from core.cohorts.features import FeatureSet
from core.errors import InputError

# ---------------------------------------------------------------------------------------------------
# encoding a FeatureSet into arrays


@dataclass
class TabularEncoder:
    """Numeric scaling, category vocabularies and timeline transform learned on the training rows."""

    numeric: list[str]
    categorical: list[str]
    n_weeks: int
    log_columns: list[str]
    means: dict[str, float]
    stds: dict[str, float]
    vocab: dict[str, list[str]]

    @classmethod
    def fit(cls, features: FeatureSet) -> TabularEncoder:
        t = features.table
        log_cols, means, stds = [], {}, {}
        for col in features.numeric:
            x = pd.to_numeric(t[col], errors="coerce").astype(float)
            if x.notna().any() and x.min() >= 0 and x.max() > 1:  # counts, days, money: log scale
                log_cols.append(col)
                x = np.log1p(x)
            mean, std = float(x.mean()) if x.notna().any() else 0.0, float(x.std()) if x.notna().sum() > 1 else 1.0
            means[col], stds[col] = mean, std if std > 1e-9 else 1.0
        vocab = {col: sorted(t[col].astype(str).unique().tolist()) for col in features.categorical}
        return cls(list(features.numeric), list(features.categorical), features.n_weeks, log_cols, means, stds, vocab)

    def check(self, features: FeatureSet, source: str = "table") -> None:
        missing = [c for c in self.numeric + self.categorical if c not in features.table.columns]
        if missing:
            raise InputError(
                f"the model was trained with column(s) {', '.join(missing)}, which are missing",
                file=source,
                column=missing[0],
            )
        if features.n_weeks != self.n_weeks:
            raise InputError(
                f"the model expects a {self.n_weeks}-week activity timeline, got {features.n_weeks}", file=source
            )

    def numeric_array(self, features: FeatureSet) -> np.ndarray:
        out = np.zeros((len(features.table), len(self.numeric)), dtype=np.float32)
        for j, col in enumerate(self.numeric):
            x = pd.to_numeric(features.table[col], errors="coerce").astype(float).to_numpy()
            if col in self.log_columns:
                x = np.log1p(np.clip(x, 0, None))
            out[:, j] = np.clip((x - self.means[col]) / self.stds[col], -6, 6)  # NaN stays NaN
        return out

    def categorical_array(self, features: FeatureSet) -> np.ndarray:
        out = np.zeros((len(features.table), len(self.categorical)), dtype=np.int64)
        for j, col in enumerate(self.categorical):
            lookup = {v: i + 1 for i, v in enumerate(self.vocab[col])}
            out[:, j] = features.table[col].astype(str).map(lookup).fillna(0).to_numpy(dtype=np.int64)
        return out

    def timeline_array(self, features: FeatureSet) -> np.ndarray:
        return np.log1p(features.timeline.astype(np.float32))

    def tensors(self, features: FeatureSet, labels: np.ndarray | None = None) -> dict:
        import torch

        batch = {
            "numeric": torch.from_numpy(self.numeric_array(features)),
            "categorical": torch.from_numpy(self.categorical_array(features)),
            "timeline": torch.from_numpy(self.timeline_array(features)),
        }
        if labels is not None:
            batch["label"] = torch.as_tensor(np.asarray(labels, dtype=np.float32))
        return batch

    @property
    def token_names(self) -> list[str]:
        return self.numeric + self.categorical + [f"week_-{self.n_weeks - i}" for i in range(self.n_weeks)]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TabularEncoder:
        return cls(**d)


def slice_batch(batch: dict, idx) -> dict:
    return {k: v[idx] for k, v in batch.items()}
