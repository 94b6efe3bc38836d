"""One trainer for every attention model: device choice, mixed precision, seeding, early stopping,
a time budget (`TrainConfig.max_seconds`: 5 min on the CPU by default; the caller's budget travels
in it, see core.models.interface), an optional one-cycle
schedule, threads from the free cores, progress with an ETA, cancel, and DistributedDataParallel
when launched under `torchrun`.

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

import functools
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import torch
from torch import nn

CPU_BUDGET_SECONDS = 300.0  # `max_seconds="auto"` on the CPU: five minutes; on a GPU: no budget
STOPPED_BY = ("epochs", "early_stop", "budget", "cancel")  # why training ended (FitResult.stopped_by)


class TrainingCancelled(Exception):
    """Raised by `fit` when its `cancel` event is set; nothing is returned and nothing is cached."""

    stopped_by = "cancel"


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
    amp: bool = True  # bf16 (or fp16 + scaler) autocast on CUDA
    cpu_amp: bool = False  # bf16 autocast on a CPU with native bf16 (AVX512-BF16 / AMX); opt-in per
    # model, where measured to pay (the sentiment Transformer: 1.6x per step, 1.9x encoding, here)
    grad_clip: float | None = 1.0
    max_seconds: float | str | None = "auto"  # wall-clock budget; the best weights so far are kept.
    # "auto": CPU_BUDGET_SECONDS on the CPU, none on a GPU; None: no budget (Model.fit(budget=...) sets it)
    num_threads: int | None = None  # CPU threads while fitting (None: the cores free now, see free_threads)
    schedule: str = "constant"  # "constant" | "onecycle" (warm up, then anneal; aware of the budget)

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
    detail: str | None = None  # what the stage is doing now (an i18n key), for a piece that reports no steps

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
    stopped_by: str = "epochs"  # "epochs" (all ran) | "early_stop" | "budget" (max_seconds reached)
    world_size: int = 1
    epochs: int = 0  # epochs asked for
    max_seconds: float | None = None  # the budget this fit ran under (resolved: "auto" is a number or None)
    num_threads: int = 0  # CPU threads torch used

    def summary(self) -> dict:
        """The JSON-able record a model card reads (`ui.training.card_line`): how and why training ended."""
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}


SUMMARY_FIELDS = (
    "epochs_run",
    "epochs",
    "steps",
    "seconds",
    "device",
    "stopped_by",
    "max_seconds",
    "num_threads",
)


def stopped_by(metrics: dict) -> str | None:
    """Why a stored model's training ended ("epochs" | "early_stop" | "budget"), from its metrics."""
    by = metrics.get("stopped_by")
    return str(by) if by else None


def stage_progress(
    progress: Callable[[Progress], None] | None, stage: str, detail: str | None = None
) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback that reports work outside the epochs (encoding inputs, scoring
    held-out rows) to a training progress callback as `Progress(stage=stage)`; None stays None.
    `detail`: what the next piece of work is (an i18n key), shown while it runs."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(Progress(0, 0, int(done), int(total) or None, float("nan"), None, None, stage=stage, detail=detail))

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


@functools.lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo): there
    bf16 autocast halves the matrix time; elsewhere oneDNN emulates it, and it does not pay."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:  # not Linux: no CPU autocast
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


def amp_dtype(device: torch.device, cuda: bool = True, cpu: bool = False) -> torch.dtype | None:
    """The autocast dtype for `device`, None for full precision: on CUDA (when `cuda`) bf16 where
    the GPU has it, else fp16 (which needs a GradScaler to train); on a CPU (when `cpu`) bf16 where
    it is native (`cpu_has_bf16`)."""
    if device.type == "cuda" and cuda:
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu" and cpu and cpu_has_bf16():
        return torch.bfloat16
    return None


def autocast(device: torch.device, dtype: torch.dtype | None) -> Any:
    """`torch.autocast` on `device` with `dtype`, or a no-op block when `dtype` is None."""
    return torch.autocast(device_type=device.type, dtype=dtype or torch.float32, enabled=dtype is not None)


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
# budget and threads


def resolve_budget(max_seconds: float | str | None, device: torch.device | str) -> float | None:
    """The budget in seconds a fit on `device` runs under: `max_seconds`, with "auto" read as
    CPU_BUDGET_SECONDS on the CPU and no budget on a GPU."""
    if max_seconds == "auto":
        return None if torch.device(device).type == "cuda" else CPU_BUDGET_SECONDS
    if max_seconds is None:
        return None
    if isinstance(max_seconds, str):
        raise ValueError(f"max_seconds must be a number of seconds, None or 'auto', not {max_seconds!r}")
    return float(max_seconds)


def free_threads() -> int:
    """CPU threads worth using now: the cores this process may run on (sched_getaffinity) less the
    load other processes put on them (the 1-minute load average), at least 1, and never more than
    torch is set to use. Small models on a busy machine run many times faster on the cores that are
    actually free than when their threads spin-wait for cores that are not."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return max(1, min(torch.get_num_threads(), cores - int(busy)))


def _one_cycle(progress: float, lr: float) -> float:
    """The one-cycle learning rate at `progress` in [0, 1] (torch's OneCycleLR shape: cosine warm-up
    from lr/25 over the first 30%, cosine anneal to lr/1e4)."""
    t = min(max(progress, 0.0), 1.0)
    start, end, peak = lr / 25.0, lr / 1e4, 0.3
    if t < peak:
        a, b, x = start, lr, t / peak
    else:
        a, b, x = lr, end, (t - peak) / (1.0 - peak)
    return b + (a - b) * (1.0 + math.cos(math.pi * x)) / 2.0


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
    Raises TrainingCancelled when `cancel` is set (checked before every step).

    Training ends after `epochs`, when validation has not improved for `patience` epochs, or when
    the budget (`max_seconds`, see `resolve_budget`) is spent: the step that crosses it ends the
    epoch, which is validated, and the best weights so far are kept; `stopped_by` says which.
    Progress reports carry an ETA from the first step on: the remaining epochs at the rate so far,
    or the budget's remaining seconds when that is shorter.

    Under torchrun (WORLD_SIZE > 1) the model is wrapped in DistributedDataParallel, each rank
    trains on every world-th batch, rank 0 validates and its metric is broadcast so all ranks stop
    together; every rank returns the same weights.
    """
    config = config or TrainConfig()
    if config.schedule not in ("constant", "onecycle"):
        raise ValueError(f"schedule must be 'constant' or 'onecycle', not {config.schedule!r}")
    with torch_threads(config.num_threads or free_threads()):
        return _fit(model, make_batches, validate, config, progress, cancel)


def _fit(model, make_batches, validate, config, progress, cancel) -> FitResult:
    distributed = init_distributed(config.device)
    rank, world = rank_and_world()
    device = pick_device(config.device)
    budget = resolve_budget(config.max_seconds, device)
    seed_everything(config.seed)
    model.to(device)

    train_module: nn.Module = _LossModule(model)
    if distributed:
        from torch.nn.parallel import DistributedDataParallel as DDP

        train_module = DDP(train_module, device_ids=[device.index] if device.type == "cuda" else None)

    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=config.lr, weight_decay=config.weight_decay
    )
    dtype = amp_dtype(device, cuda=config.amp, cpu=config.cpu_amp)
    scaler = torch.amp.GradScaler("cuda", enabled=dtype == torch.float16)

    generator = torch.Generator().manual_seed(config.seed)
    started = time.perf_counter()
    clock = _Clock(started, config.epochs, budget)
    best_metric: float | None = None
    best_state = _state_on_cpu(model)
    history: list[dict] = []
    total_steps = 0
    epochs_run = 0
    stale = 0
    stopped_by = "epochs"
    last_val: float | None = None

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
        clock.n_batches = n_batches
        train_module.train()
        loss_sum, loss_n = 0.0, 0
        timed_out = False
        for step, batch in enumerate(batches, start=1):
            check_cancel()
            if config.schedule == "onecycle":
                for group in optimizer.param_groups:
                    group["lr"] = _one_cycle(clock.done_fraction(epoch, step - 1), config.lr)
            batch = to_device(batch, device)
            with autocast(device, dtype):
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
                        clock.eta(epoch, step, total_steps),
                    )
                )
            if not distributed and clock.out_of_time():
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
            timed_out = bool(_broadcast_float(1.0 if clock.out_of_time() else 0.0, device))
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
                    0.0 if epoch == config.epochs else clock.eta(epoch + 1, 0, total_steps),
                )
            )

        if validate is None:
            best_state = _state_on_cpu(model)
        elif val is not None and (best_metric is None or val > best_metric):
            best_metric, best_state, stale = val, _state_on_cpu(model), 0
        else:
            stale += 1
        if timed_out and (epoch < config.epochs or (n_batches is not None and loss_n < n_batches)):
            stopped_by = "budget"
            break
        if validate is not None and stale >= config.patience and epoch >= config.min_epochs and epoch < config.epochs:
            stopped_by = "early_stop"
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
        stopped_by=stopped_by,
        world_size=world,
        epochs=config.epochs,
        max_seconds=budget,
        num_threads=torch.get_num_threads(),
    )


@dataclass
class _Clock:
    """Time and progress bookkeeping of one fit: budget, ETA, the one-cycle schedule's position."""

    started: float
    epochs: int
    budget: float | None
    n_batches: int | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def out_of_time(self) -> bool:
        return self.budget is not None and self.elapsed() > self.budget

    def done_fraction(self, epoch: int, step: int) -> float:
        """How far through training: by steps of the planned epochs, or by the budget when that is
        further along (so a budget-bound one-cycle schedule still anneals before the budget ends)."""
        by_steps = (epoch - 1 + step / self.n_batches) / self.epochs if self.n_batches else (epoch - 1) / self.epochs
        by_time = self.elapsed() / self.budget if self.budget else 0.0
        return max(by_steps, by_time)

    def eta(self, epoch: int, step: int, steps_done: int) -> float | None:
        """Seconds left: the remaining planned steps at the rate so far (an upper bound: early
        stopping may end sooner), capped by the budget's remaining seconds; the budget alone while
        the epoch size is unknown."""
        elapsed = self.elapsed()
        left = None if self.budget is None else max(0.0, self.budget - elapsed)
        if self.n_batches and steps_done > 0:
            done = (epoch - 1) * self.n_batches + step
            by_rate = max(0.0, elapsed / steps_done * (self.epochs * self.n_batches - done))
            left = by_rate if left is None else min(left, by_rate)
        return left


def with_train(config: Any, **train: Any) -> Any:
    """A copy of a model's settings (a dataclass with one nested `train: TrainConfig`) with these
    trainer settings changed: `with_train(ChurnConfig(), epochs=5, device="cpu")`."""

    return replace(config, train=replace(config.train, **train))


def train_from(value: Any) -> TrainConfig:
    """A `train` field's value as a TrainConfig (a config read back from JSON holds a dict)."""
    return TrainConfig(**value) if isinstance(value, dict) else value


def stage_checkpoint(
    progress: Callable[[Progress], None] | None,
    cancel: threading.Event | None,
    stage: str,
    done: int,
    total: int,
    detail: str | None = None,
) -> None:
    """Between the pieces of work outside the epochs (a baseline, a feature's permutation, a batch
    scored): report `done` of `total` as `Progress(stage=stage)` and raise TrainingCancelled when
    `cancel` is set, so a cancel stops within one piece of work."""
    if cancel is not None and cancel.is_set():
        raise TrainingCancelled("training was cancelled")
    report = stage_progress(progress, stage, detail)
    if report is not None:
        report(done, total)


def torch_threads(n: int | None) -> Any:
    """torch's CPU threads set to `n` inside the block (None: as they are), restored after. Small
    models on a busy CPU run many times faster on one thread (measured: a churn step 0.6 s on one
    thread, 7.4 s on two, at load 18 on two cores): use it around their scoring as `fit` does around
    their training (`TrainConfig.num_threads`)."""

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
