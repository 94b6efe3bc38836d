"""The training budget as a value that travels from the caller to the trainer.

`budget` is seconds (a float), None (no limit) or `AUTO`: the config's own `train.max_seconds`
("auto" there: `engine.CPU_BUDGET_SECONDS` on the CPU, none on a GPU). `Model.fit(data, budget=...)`
passes it to `lifecycle.train_or_load(spec, budget=...)`, which passes it to `spec.fit(model,
progress, cancel, budget)`, which runs `engine.fit` with `train_with_budget(config.train, budget)`.
Imports nothing heavy: the lifecycle, the jobs and the pages read it without torch.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final


class _Auto:
    """The type of `AUTO` (one instance)."""

    _instance: _Auto | None = None

    def __new__(cls) -> _Auto:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "AUTO"

    def __reduce__(self) -> str:
        return "AUTO"


AUTO: Final = _Auto()
Budget = float | None | _Auto  # seconds, no limit, or the config's own max_seconds


def train_with_budget(train: Any, budget: Budget) -> Any:
    """The trainer settings `train` (a TrainConfig) with `max_seconds` set to `budget`; unchanged
    under AUTO."""
    if budget is AUTO:
        return train
    return replace(train, max_seconds=None if budget is None else float(budget))  # type: ignore[arg-type]
