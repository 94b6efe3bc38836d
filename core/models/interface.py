"""One interface for every trained model (as lifelines' fitters share fit/predict).

    model = ChurnPredictor(ChurnConfig(train=TrainConfig(epochs=5)))
    model.is_trained(data, budget=300.0)     # would fit only load? never trains
    model.fit(data, budget=300.0, progress=cb, cancel=event)   # trains or loads; returns the model
    model.metrics                            # how it trained and scored (JSON-able)
    model.predict(data)
    path = model.save("out/churn")           # a signed model folder (core/models/artefact.py)
    again = ChurnPredictor.load(path)

A model is a config (a dataclass whose trainer settings are its one nested `train: TrainConfig`)
and the five methods above; `data` is the model's own prepared input object (churn: a
ChurnDataset, sentiment: LabelledTexts, SASRec: SequenceData, GAT: PlacementData, DIN:
ResponseData). `fit` goes through `core.models.lifecycle.train_or_load`: a subclass says what one
fit is (`specs(data)`, one lifecycle spec per trained network) and how to take the trained
networks over (`adopt`). The budget is an argument: seconds, None (no limit) or `AUTO` (the
config's own `train.max_seconds`: "auto" is 5 min on the CPU, none on a GPU).

Imports no torch: a page may ask `is_trained` before anything heavy loads.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Self

from core.models.budget import AUTO, Budget
from core.models.lifecycle import ModelSpec, Trained, is_trained, train_or_load

__all__ = ["AUTO", "Budget", "Model"]


class Model(ABC):
    """The shape every model shares. Subclasses set `kind` (the model folder's kind), take their
    config in `__init__`, and implement `specs`, `adopt`, `predict`, `save` and `load`; models
    that do more around the lifecycle (baselines, calibration, several languages) override `fit`
    with the same signature."""

    kind: ClassVar[str]
    config: Any
    metrics: dict

    @abstractmethod
    def specs(self, data: Any, cache_dir: Path | str | None = None) -> list[ModelSpec]:
        """The lifecycle specs one fit on `data` trains or loads (their keys are the cache keys)."""

    def adopt(self, data: Any, done: list[Trained]) -> None:
        """Take the trained (or loaded) networks over; set `metrics`."""
        raise NotImplementedError(f"{type(self).__name__} overrides fit instead")

    def fit(
        self,
        data: Any,
        *,
        budget: Budget = AUTO,
        progress: Callable | None = None,
        cancel: threading.Event | None = None,
        cache_dir: Path | str | None = None,
    ) -> Self:
        """Train (or load the identical stored run of) this model on `data` under `budget`, then
        adopt it. Progress and cancel go to the trainer; TrainingCancelled stores nothing."""
        done = [
            train_or_load(spec, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)
            for spec in self.specs(data, cache_dir)
        ]
        self.adopt(data, done)
        return self

    def is_trained(self, data: Any, *, budget: Budget = AUTO, cache_dir: Path | str | None = None) -> bool:
        """True when `fit(data, budget=budget)` would load stored weights instead of training."""
        specs = self.specs(data, cache_dir)
        return bool(specs) and all(is_trained(spec, cache_dir, budget=budget) for spec in specs)

    @abstractmethod
    def predict(self, data: Any) -> Any:
        """The fitted model's output on `data`."""

    @abstractmethod
    def save(self, model_dir: str | Path) -> Path:
        """Write a signed model folder (core/models/artefact.py); returns its path."""

    @classmethod
    @abstractmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> Self:
        """Read a folder written by `save`, verified first (ConfigError when it is not ours)."""
