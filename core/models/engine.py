"""One trainer for every attention model: device choice, mixed precision, seeding, early stopping,
progress, cancel, and DistributedDataParallel when launched under `torchrun`.

Imports only torch (and stdlib), so benchmarks run on a GPU box without the app's other packages.

Contract every model follows (RecBole-style)::

    class MyModel(nn.Module):
        def calculate_loss(self, batch) -> torch.Tensor   # scalar training loss
        def predict(self, batch) -> torch.Tensor          # scores; recommenders: full-ranking scores

    result = fit(model, make_batches, validate, TrainConfig(epochs=20), progress=cb, cancel=event)
    model.load_state_dict(result.state_dict)               # the best epoch's weights

`make_batches(epoch, generator)` returns the epoch's batches (a list, or any iterable; a sized one
lets the progress bar show steps). Shuffle with `generator` only, so runs are reproducible and
every DDP rank sees the same order (the trainer then gives rank r every world-th batch).
A batch is a tensor, a tuple/list of tensors or a dict of tensors; the trainer moves it to the device.
`validate(model) -> float` is called in eval mode under `torch.no_grad()`; higher is better.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import torch
from torch import nn


class TrainingCancelled(Exception):
    """Raised by `fit` when its `cancel` event is set; nothing is returned and nothing is cached."""


@dataclass
class TrainConfig:
    """Trainer settings shared by all models (the model's own settings live in its config)."""

    epochs: int = 30
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.0
    patience: int = 5  # epochs without a better validation metric before stopping
    min_epochs: int = 1  # early stopping never ends training before this epoch
    seed: int = 0
    device: str = "auto"  # "auto" (CUDA when available) | "cpu" | "cuda"
    amp: bool = True  # bf16 (or fp16 + scaler) autocast, on CUDA only
    grad_clip: float | None = 1.0
    max_seconds: float | None = None  # wall-clock budget; the best weights so far are kept
    num_threads: int | None = None  # CPU threads torch may use while fitting (None: as set)

    @classmethod
    def of(cls, settings: Any, **overrides: Any) -> TrainConfig:
        """The trainer settings a model's own config carries (its fields named like ours: epochs, lr,
        batch_size, patience, seed, device, ...), with `overrides` on top: no field copied by hand."""
        ours = {f.name for f in fields(cls)}
        values = {k: v for k, v in asdict(settings).items() if k in ours}
        return cls(**{**values, **overrides})


@dataclass
class Progress:
    """A snapshot handed to the progress callback after every step and at each epoch's end."""

    epoch: int  # 1-based epoch in progress
    epochs: int
    step: int  # 1-based step within the epoch
    steps_per_epoch: int | None  # None when make_batches returned an unsized iterable
    loss: float  # running mean training loss of this epoch
    val_metric: float | None  # latest validation metric (None before the first validation)
    eta_seconds: float | None
    stage: str | None = None  # work outside the epochs (an i18n key, e.g. "stage.encoding"):
    # step / steps_per_epoch then count that work, not training steps

    @property
    def fraction(self) -> float:
        """Overall completion in [0, 1] (by epochs when the epoch size is unknown); a stage's own
        completion while `stage` is set."""
        per = self.step / self.steps_per_epoch if self.steps_per_epoch else 0.0
        if self.stage is not None:
            return min(1.0, max(0.0, per))
        return min(1.0, max(0.0, (self.epoch - 1 + min(per, 1.0)) / max(self.epochs, 1)))


@dataclass
class FitResult:
    """What `fit` returns: the best weights (on CPU) and how training went."""

    state_dict: dict[str, torch.Tensor]
    best_metric: float | None
    history: list[dict] = field(default_factory=list)  # one dict per epoch: epoch, loss, val_metric, seconds
    epochs_run: int = 0
    steps: int = 0
    seconds: float = 0.0
    device: str = "cpu"
    stopped: str = "completed"  # "completed" | "early_stop" | "max_seconds"
    world_size: int = 1


def stage_progress(progress: Callable[[Progress], None] | None, stage: str) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback that reports work outside the epochs (encoding inputs, scoring
    held-out rows) to a training progress callback as `Progress(stage=stage)`; None stays None."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(Progress(0, 0, int(done), int(total) or None, float("nan"), None, None, stage=stage))

    return report


def pick_device(pref: str = "auto") -> torch.device:
    """`"auto"` → CUDA when available, else CPU; `"cpu"` forces CPU; `"cuda"` requires a GPU."""
    if pref not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {pref!r}")
    if pref == "cpu":
        return torch.device("cpu")
    if pref == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device='cuda' was asked for but no CUDA GPU is available")
    if torch.cuda.is_available():
        if _distributed():
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        return torch.device("cuda")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python, torch (CPU and CUDA) and numpy when it is importable."""
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np
    except ImportError:  # numpy is optional for the trainer itself
        return
    np.random.seed(seed % (2**32))


# ---------------------------------------------------------------------------------------------
# distributed helpers (torchrun sets WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)


def _distributed() -> bool:
    import torch.distributed as dist

    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def init_distributed(device_pref: str = "auto") -> bool:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1); a no-op otherwise.

    Returns True when training will be distributed. gloo on CPU, nccl on CUDA.
    """
    import torch.distributed as dist

    if not dist.is_available():
        return False
    if dist.is_initialized():
        return dist.get_world_size() > 1
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    use_cuda = device_pref != "cpu" and torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    return True


def rank_and_world() -> tuple[int, int]:
    """(rank, world_size); (0, 1) outside a process group."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class _LossModule(nn.Module):
    """Routes DDP's forward to `calculate_loss`, so DDP's gradient hooks see every step."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, batch):
        return self.model.calculate_loss(batch)


def _broadcast_float(value: float | None, device: torch.device) -> float | None:
    """Rank 0's value on every rank (NaN stands for None)."""
    import torch.distributed as dist

    t = torch.tensor([float("nan") if value is None else float(value)], dtype=torch.float64, device=device)
    dist.broadcast(t, src=0)
    out = float(t.item())
    return None if math.isnan(out) else out


# ---------------------------------------------------------------------------------------------


def to_device(batch: Any, device: torch.device) -> Any:
    """Move a tensor, or a tuple/list/dict of tensors, to `device` (other values pass through)."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch


def _state_on_cpu(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def fit(
    model: nn.Module,
    make_batches: Callable[[int, torch.Generator], Iterable[Any]],
    validate: Callable[[nn.Module], float] | None,
    config: TrainConfig | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> FitResult:
    """Train `model` with AdamW and keep the weights of the best validation epoch.

    In: the model (nn.Module with `calculate_loss(batch)`), `make_batches(epoch, generator)`,
    `validate(model) -> float` (higher is better; None trains all epochs and keeps the last),
    a TrainConfig, an optional progress callback and an optional threading.Event to cancel.
    Out: FitResult with the best state_dict on CPU. The model is left holding the best weights.
    Raises TrainingCancelled when `cancel` is set.

    Under torchrun (WORLD_SIZE > 1) the model is wrapped in DistributedDataParallel, each rank
    trains on every world-th batch, rank 0 validates and its metric is broadcast so all ranks stop
    together; every rank returns the same weights.
    """
    config = config or TrainConfig()
    if config.num_threads:
        # small models on a busy CPU run many times faster single-threaded (no spin-waiting)
        previous = torch.get_num_threads()
        torch.set_num_threads(config.num_threads)
        try:
            return _fit(model, make_batches, validate, config, progress, cancel)
        finally:
            torch.set_num_threads(previous)
    return _fit(model, make_batches, validate, config, progress, cancel)


def _fit(model, make_batches, validate, config, progress, cancel) -> FitResult:
    distributed = init_distributed(config.device)
    rank, world = rank_and_world()
    device = pick_device(config.device)
    seed_everything(config.seed)
    model.to(device)

    train_module: nn.Module = _LossModule(model)
    if distributed:
        from torch.nn.parallel import DistributedDataParallel as DDP

        train_module = DDP(train_module, device_ids=[device.index] if device.type == "cuda" else None)

    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=config.lr, weight_decay=config.weight_decay
    )
    use_amp = bool(config.amp) and device.type == "cuda"
    amp_dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp and amp_dtype == torch.float16)

    generator = torch.Generator().manual_seed(config.seed)
    started = time.perf_counter()
    best_metric: float | None = None
    best_state = _state_on_cpu(model)
    history: list[dict] = []
    total_steps = 0
    epochs_run = 0
    stale = 0
    stopped = "completed"
    last_val: float | None = None

    def out_of_time() -> bool:
        return config.max_seconds is not None and time.perf_counter() - started > config.max_seconds

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise TrainingCancelled("training was cancelled")

    for epoch in range(1, config.epochs + 1):
        check_cancel()
        epoch_started = time.perf_counter()
        batches = make_batches(epoch, generator)
        try:
            n_batches: int | None = len(batches)  # type: ignore[arg-type]
        except TypeError:
            n_batches = None
        if distributed:
            # Every rank must take the same number of steps, or the gradient all-reduce hangs.
            batches = list(batches)
            per_rank = len(batches) // world
            batches = batches[rank : per_rank * world : world]
            n_batches = per_rank
        train_module.train()
        loss_sum, loss_n = 0.0, 0
        timed_out = False
        for step, batch in enumerate(batches, start=1):
            check_cancel()
            batch = to_device(batch, device)
            with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=use_amp):
                loss = train_module(batch)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            if config.grad_clip:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            scaler.step(optimizer)
            scaler.update()
            total_steps += 1
            loss_sum += float(loss.detach())
            loss_n += 1
            if progress is not None and rank == 0:
                progress(
                    Progress(
                        epoch,
                        config.epochs,
                        step,
                        n_batches,
                        loss_sum / loss_n,
                        last_val,
                        _eta(started, epoch, step, n_batches, config.epochs),
                    )
                )
            if not distributed and out_of_time():
                timed_out = True
                break
        epochs_run = epoch

        val: float | None = None
        if validate is not None and rank == 0:
            model.eval()
            with torch.no_grad():  # full precision: bf16 scores would tie in rankings
                val = float(validate(model))
        if distributed:
            val = _broadcast_float(val, device)
            timed_out = bool(_broadcast_float(1.0 if out_of_time() else 0.0, device))
        last_val = val
        seconds = time.perf_counter() - epoch_started
        history.append({"epoch": epoch, "loss": loss_sum / max(loss_n, 1), "val_metric": val, "seconds": seconds})
        if progress is not None and rank == 0:
            progress(
                Progress(
                    epoch,
                    config.epochs,
                    n_batches or loss_n,
                    n_batches or loss_n,
                    loss_sum / max(loss_n, 1),
                    val,
                    _eta(started, epoch + 1, 0, n_batches, config.epochs),
                )
            )

        if validate is None:
            best_state = _state_on_cpu(model)
        elif val is not None and (best_metric is None or val > best_metric):
            best_metric, best_state, stale = val, _state_on_cpu(model), 0
        else:
            stale += 1
        if timed_out:
            stopped = "max_seconds"
            break
        if validate is not None and stale >= config.patience and epoch >= config.min_epochs:
            stopped = "early_stop"
            break

    model.load_state_dict(best_state)
    return FitResult(
        state_dict=best_state,
        best_metric=best_metric,
        history=history,
        epochs_run=epochs_run,
        steps=total_steps,
        seconds=time.perf_counter() - started,
        device=str(device),
        stopped=stopped,
        world_size=world,
    )


def _eta(started: float, epoch: int, step: int, n_batches: int | None, epochs: int) -> float | None:
    """Seconds left if the remaining epochs run as fast as the ones so far (upper bound: early
    stopping may end sooner)."""
    if not n_batches:
        return None
    done = (epoch - 1) * n_batches + step
    if done <= 0:
        return None
    total = epochs * n_batches
    elapsed = time.perf_counter() - started
    return max(0.0, elapsed / done * (total - done))


def nests_train_config(cls: Any) -> Any:
    """Class decorator for a model's settings dataclass that nests one `train: TrainConfig`.

    Trainer fields given flat (`ChurnConfig(epochs=5, device="cpu")`, as older callers write them)
    go into its `train`, on top of the class's own trainer defaults (the field's default_factory);
    a `train` given as a dict (a config read back from JSON) becomes a TrainConfig."""
    import functools
    from dataclasses import replace

    init = cls.__init__
    own = {f.name for f in fields(cls)}
    trainer = {f.name for f in fields(TrainConfig)} - own
    default: Callable[[], TrainConfig] = next(f.default_factory for f in fields(cls) if f.name == "train")  # type: ignore[assignment,misc]

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        flat = {k: kwargs.pop(k) for k in list(kwargs) if k in trainer}
        train = kwargs.get("train")
        if isinstance(train, dict):
            train = TrainConfig(**train)
        if flat:
            train = replace(train if train is not None else default(), **flat)
        if train is not None:
            kwargs["train"] = train
        init(self, *args, **kwargs)

    cls.__init__ = __init__
    return cls


def stage_checkpoint(
    progress: Callable[[Progress], None] | None, cancel: threading.Event | None, stage: str, done: int, total: int
) -> None:
    """Between the pieces of work outside the epochs (a baseline, a feature's permutation, a batch
    scored): report `done` of `total` as `Progress(stage=stage)` and raise TrainingCancelled when
    `cancel` is set, so a cancel stops within one piece of work."""
    if cancel is not None and cancel.is_set():
        raise TrainingCancelled("training was cancelled")
    report = stage_progress(progress, stage)
    if report is not None:
        report(done, total)


def torch_threads(n: int | None) -> Any:
    """torch's CPU threads set to `n` inside the block (None: as they are), restored after. Small
    models on a busy CPU run many times faster on one thread (measured: a churn step 0.6 s on one
    thread, 7.4 s on two, at load 18 on two cores): use it around their scoring as `fit` does around
    their training (`TrainConfig.num_threads`)."""
    from contextlib import contextmanager

    @contextmanager
    def threads() -> Any:
        if not n:
            yield
            return
        before = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)

    return threads()
