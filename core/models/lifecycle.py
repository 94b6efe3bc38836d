"""One lifecycle for every attention model: seed, build, fit, cache, reload; or say it is trained.

    spec = ModelSpec(kind="din", code_version=CODE_VERSION, config={...}, data=fingerprint(...),
                     build=lambda: DIN(cfg), fit=engine_fit(make_batches, validate, train_config),
                     seed=settings.seed)
    done = train_or_load(spec, budget=300.0, progress=cb, cancel=event)  # done.model: eval, on the CPU
    is_trained(spec, budget=300.0)          # True when train_or_load would only load
    spec.key, job_key(spec, 300.0)          # the cache key; the key of a job training it

The one key rule (`spec_key`): kind + data fingerprint + config + code version, with the device
settings (`device`, `amp`, `num_threads`, `max_seconds`, at any depth of the config) left out: the same model
trained on the CPU or a GPU is the same model, so a model cached under `cpu` loads under `auto`.
A background job that trains a spec is registered under the same key, so a page, a reload and a
second tab all find one job and one artefact.

The training budget is an argument (`budget`: seconds, None for no limit, or `AUTO` for the
config's own `train.max_seconds`) that travels from the caller to the trainer: `train_or_load`
hands it to `spec.fit`, which runs `engine.fit` with `max_seconds=budget`. It is left out of the
key: a model that ended by its epochs or by early stopping is the same under any budget, and a
model trained on a GPU without one loads on the CPU. One rule (`fits_budget`) says whether a stored
model answers a budget: yes unless a shorter budget stopped it, so asking with 20 minutes retrains
a model that 5 minutes cut short, and replaces it. `is_trained` and `job_key` both follow it.

`spec.fit(model, progress, cancel, budget) -> (state_dict, metrics, extra)` trains the freshly
built, freshly seeded model (most models: `engine_fit(...)`; churn adds a warm start and
calibration). Nobody else seeds, rebuilds or calls `load_state_dict` on a cached state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.models import cache
from core.models.budget import AUTO, Budget, train_with_budget

log = logging.getLogger(__name__)

DEVICE_FIELDS = frozenset({"device", "amp", "cpu_amp", "num_threads", "max_seconds"})  # how, not what, is trained

FitFn = Callable[[Any, Callable | None, "threading.Event | None", Budget], tuple[dict, dict, dict]]


def without_device(config: Any) -> Any:
    """`config` (a dict, list or scalar; dataclasses become dicts) without device settings."""
    config = cache._jsonable(config)
    return _strip(config)


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in DEVICE_FIELDS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


@dataclass
class ModelSpec:
    """What one model needs from the lifecycle: how to build it, how to fit it, what defines it.

    `config` is everything that changes the trained weights (model and trainer settings; the device
    fields are dropped by the key rule), `data` the fingerprint of the encoded training data
    (`cache.fingerprint(...)`), `build()` a fresh untrained module, `fit(model, progress, cancel,
    budget)` trains it under the budget and returns `(state_dict, metrics, extra)` (JSON-able)."""

    kind: str
    code_version: str
    config: dict
    data: str
    build: Callable[[], Any]
    fit: FitFn
    seed: int = 0
    restore: Callable[[dict], Any] | None = None  # stored state -> usable model; default: build,
    #                                               load_state_dict, eval (text keeps its raw state)
    key_config: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.key_config = without_device(self.config)

    @property
    def key(self) -> str:
        """The cache key (the artefact's folder name under `<cache>/<kind>/`)."""
        return spec_key(self)

    @property
    def job_key(self) -> str:
        """`<kind>:<cache key>`, the cache entry's name: the job key of every budget a stored model
        answers (see `job_key`)."""
        return f"{self.kind}:{self.key}"


def spec_key(spec: ModelSpec) -> str:
    """The one cache-key rule: kind, data, config without device settings, code version."""
    return cache.cache_key(spec.kind, spec.data, spec.key_config, spec.code_version)


def fits_budget(metrics: dict, budget: Budget) -> bool:
    """The one budget rule: whether a stored model (its metrics) answers a request under `budget`
    (seconds, None: no limit, AUTO: whatever the config says). Yes unless a budget shorter than the
    one asked for stopped it; under AUTO, and for models whose metrics do not say their budget, yes."""
    from core.models.engine import stopped_by

    if budget is AUTO or stopped_by(metrics) != "budget" or metrics.get("max_seconds") is None:
        return True
    return budget is not None and float(metrics["max_seconds"]) >= float(budget)  # type: ignore[arg-type]


def budget_job_key(spec: ModelSpec, budget: Budget) -> str:
    """The key of a job that trains `spec` under `budget`: the spec's job key and the budget (AUTO,
    the config's own budget, asks for nothing more: the spec's job key)."""
    return spec.job_key if budget is AUTO else f"{spec.job_key}@budget={budget or 'none'}"


def job_key(spec: ModelSpec, budget: Budget, cache_dir: Path | str | None = None) -> str:
    """The key of a background job that answers `spec` under `budget`: `spec.job_key` when a stored
    model answers that budget (`fits_budget`: every such budget shares one job, which loads it),
    else `budget_job_key` (a different budget asks for a different model)."""
    metrics = stored_metrics(spec, cache_dir)
    if metrics is not None and fits_budget(metrics, budget):
        return spec.job_key
    return budget_job_key(spec, budget)


@dataclass
class Trained:
    """A model out of the lifecycle: eval mode, on the CPU, with its artefact's record."""

    model: Any
    key: str
    trained: bool  # True when this call trained it, False when it was loaded
    metrics: dict
    extra: dict
    meta: dict
    steps: int = 0  # progress steps reported by this call's training (0 on a load)


def is_trained(spec: ModelSpec, cache_dir: Path | str | None = None, *, budget: Budget = AUTO) -> bool:
    """True when `train_or_load(spec, budget=budget)` would load stored weights instead of training
    (`fits_budget`). Never trains."""
    art = cache.lookup(spec.kind, spec.data, spec.key_config, code_version=spec.code_version, cache_dir=cache_dir)
    return art is not None and fits_budget(art.metrics, budget)


def stored_metrics(spec: ModelSpec, cache_dir: Path | str | None = None) -> dict | None:
    """How `spec`'s stored model was trained (its metrics: seconds, device, epochs, stopped_by), or
    None when none is stored. Reads meta.json only."""
    meta = cache.stored_meta(spec.kind, spec.data, spec.key_config, code_version=spec.code_version, cache_dir=cache_dir)
    if meta is None:
        return None
    metrics = dict(meta.get("metrics") or {})
    if metrics.get("seconds") is None and meta.get("train_seconds") is not None:
        metrics["seconds"] = meta["train_seconds"]
    return metrics


def train_or_load(
    spec: ModelSpec,
    *,
    budget: Budget = AUTO,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    cache_dir: Path | str | None = None,
) -> Trained:
    """Load `spec`'s model from the cache, or seed, build, fit (under `budget`) and store it, then
    load it. A stored model that a shorter budget stopped is trained again (`fits_budget`).

    Another process training the same key makes this call wait and load that result (the
    cache's lock). `TrainingCancelled` and fit errors propagate and store nothing."""
    from core.models.engine import seed_everything

    steps = 0

    def counted(p: Any) -> None:
        nonlocal steps
        if getattr(p, "stage", None) is None:
            steps += 1
        if progress is not None:
            progress(p)

    def train_fn(report: Callable | None) -> tuple[dict, dict, dict]:
        seed_everything(spec.seed)  # initial weights from the seed, not from the RNG's history
        model = spec.build()
        return spec.fit(model, report, cancel, budget)

    art = cache.get_or_train(
        spec.kind,
        spec.data,
        spec.key_config,
        train_fn,
        code_version=spec.code_version,
        progress=counted,
        cache_dir=cache_dir,
        accept=lambda art: fits_budget(art.metrics, budget),
    )
    if spec.restore is not None:
        model = spec.restore(art.state_dict)
    else:
        model = spec.build()
        model.load_state_dict(art.state_dict)
        model.eval()
    return Trained(
        model=model,
        key=art.key,
        trained=art.trained,
        metrics=dict(art.metrics),
        extra=dict(art.extra),
        meta=dict(art.meta),
        steps=steps,
    )


def engine_fit(make_batches: Callable, validate: Callable, train_config: Any, metric: str = "val_metric") -> FitFn:
    """The usual `spec.fit`: `engine.fit` with these batches, validation and trainer settings (the
    budget as their `max_seconds`); metrics = {metric: best} + `FitResult.summary()` (epochs,
    seconds, device, stopped_by, budget), extra = the same summary + {history}."""

    def fit_fn(
        model: Any, progress: Callable | None, cancel: threading.Event | None, budget: Budget = AUTO
    ) -> tuple[dict, dict, dict]:
        from core.models.engine import fit

        config = train_with_budget(train_config, budget)
        res = fit(model, make_batches, validate, config, progress=progress, cancel=cancel)
        summary = res.summary()
        return res.state_dict, {metric: res.best_metric, **summary}, {"history": res.history, **summary}

    return fit_fn
