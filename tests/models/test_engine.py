"""The shared trainer: learns a known answer, early-stops, keeps the best epoch, cancels, seeds."""

from __future__ import annotations

import threading

import pytest
import torch
from torch import nn

from core.models.engine import FitResult, Progress, TrainConfig, TrainingCancelled, fit, pick_device


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 1)

    def calculate_loss(self, batch):
        x, y = batch
        return ((self.lin(x).squeeze(-1) - y) ** 2).mean()

    def predict(self, x):
        return self.lin(x).squeeze(-1)


X = torch.randn(256, 3, generator=torch.Generator().manual_seed(1))
W_TRUE = torch.tensor([1.0, -2.0, 0.5])
Y = X @ W_TRUE + 0.3


def batches(epoch, generator):
    order = torch.randperm(len(X), generator=generator)
    return [(X[order[i : i + 32]], Y[order[i : i + 32]]) for i in range(0, len(X), 32)]


def neg_mse(model):
    return -float(((model.predict(X) - Y) ** 2).mean())


def test_fit_recovers_known_weights_and_reports_progress():
    seen: list[Progress] = []
    model = Linear()
    result = fit(
        model, batches, neg_mse, TrainConfig(epochs=25, lr=0.1, patience=100, device="cpu"), progress=seen.append
    )
    assert isinstance(result, FitResult)
    assert torch.allclose(model.lin.weight.detach().squeeze(), W_TRUE, atol=1e-2)
    assert abs(float(model.lin.bias.detach()) - 0.3) < 1e-2
    assert result.steps == 25 * 8 and result.epochs_run == 25 and result.device == "cpu"
    assert len(result.history) == 25 and result.best_metric == max(h["val_metric"] for h in result.history)
    assert seen[0].steps_per_epoch == 8 and seen[-1].epoch == 25 and seen[-1].val_metric is not None
    assert 0.0 <= seen[0].fraction <= seen[-1].fraction == 1.0


def test_early_stopping_keeps_best_epoch_weights():
    # a validation metric that peaks at epoch 3 and then falls: training stops after `patience`
    # more epochs, and the returned weights are those of epoch 3 (not the last ones)
    scripted = iter([0.1, 0.2, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1])
    snapshots = {}

    def validate(model):
        snapshots[len(snapshots) + 1] = model.lin.weight.detach().clone()
        return next(scripted)

    model = Linear()
    result = fit(model, batches, validate, TrainConfig(epochs=8, lr=0.05, patience=2, device="cpu"))
    assert result.stopped_by == "early_stop" and result.epochs_run == 5 and result.best_metric == 0.9
    assert torch.equal(result.state_dict["lin.weight"], snapshots[3])
    assert torch.equal(model.lin.weight.detach(), snapshots[3])


def test_cancel_raises_and_seeding_is_reproducible():
    cancel = threading.Event()

    def stop_at_step_3(p: Progress):
        if p.step == 3:
            cancel.set()

    with pytest.raises(TrainingCancelled):
        fit(Linear(), batches, None, TrainConfig(epochs=5, device="cpu"), progress=stop_at_step_3, cancel=cancel)
    cfg = TrainConfig(epochs=2, seed=7, device="cpu")
    torch.manual_seed(7)
    a = fit(Linear(), batches, None, cfg).state_dict
    torch.manual_seed(7)
    b = fit(Linear(), batches, None, cfg).state_dict
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_max_seconds_keeps_best_so_far_and_device_choice():
    result = fit(Linear(), batches, neg_mse, TrainConfig(epochs=1000, max_seconds=0.0, device="cpu"))
    assert result.stopped_by == "budget" and result.epochs_run == 1 and result.steps == 1
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ValueError):
        pick_device("tpu")
    if not torch.cuda.is_available():
        assert pick_device("auto").type == "cpu"
        with pytest.raises(RuntimeError):
            pick_device("cuda")


def test_train_config_of_takes_the_trainer_fields_a_model_config_carries():
    from dataclasses import dataclass

    @dataclass
    class Settings:
        epochs: int = 7
        lr: float = 0.5
        device: str = "cpu"
        hidden: int = 64  # the model's own: not a trainer field

    tc = TrainConfig.of(Settings(), lr=0.1)
    assert (tc.epochs, tc.lr, tc.device) == (7, 0.1, "cpu")
    assert tc.batch_size == TrainConfig().batch_size and not hasattr(tc, "hidden")


class SlowLinear(Linear):
    """The same model with a step that takes ~20 ms, so a budget is reached within a few epochs."""

    def calculate_loss(self, batch):
        import time

        time.sleep(0.02)
        return super().calculate_loss(batch)


def test_budget_stops_training_keeps_the_best_weights_and_is_recorded():
    from core.models.budget import AUTO, train_with_budget
    from core.models.engine import CPU_BUDGET_SECONDS, resolve_budget

    seen: list[Progress] = []
    model = SlowLinear()
    result = fit(model, batches, neg_mse, TrainConfig(epochs=1000, lr=0.05, max_seconds=0.5, device="cpu"), seen.append)
    # 8 steps of >= 20 ms an epoch: the 0.5 s budget ends training in the fourth epoch at the latest
    assert result.stopped_by == "budget" and 1 <= result.epochs_run <= 4
    assert 0.5 <= result.seconds < 5 and result.max_seconds == 0.5 and result.epochs == 1000
    best = max(h["val_metric"] for h in result.history)
    with torch.no_grad():
        assert result.best_metric == best and neg_mse(model) == pytest.approx(best)  # the best epoch's weights
    # the ETA is there from the first step on, and never beyond the budget's remaining seconds
    assert seen[0].step == 1 and seen[0].eta_seconds is not None and seen[0].eta_seconds <= 0.5
    summary = result.summary()
    assert summary["stopped_by"] == "budget" and summary["max_seconds"] == 0.5 and summary["epochs"] == 1000
    # the caller's budget (an argument) wins over the config; "auto" is 5 min on the CPU, none on a GPU
    asked = train_with_budget(TrainConfig(epochs=1000, device="cpu"), 0.1)
    assert fit(SlowLinear(), batches, None, asked).max_seconds == 0.1
    assert resolve_budget(asked.max_seconds, "cpu") == 0.1 and train_with_budget(asked, AUTO) == asked
    assert resolve_budget("auto", "cpu") == CPU_BUDGET_SECONDS and resolve_budget("auto", "cuda") is None
    done = fit(Linear(), batches, neg_mse, TrainConfig(epochs=2, device="cpu"))
    assert done.stopped_by == "epochs" and done.max_seconds == CPU_BUDGET_SECONDS


def test_eta_without_budget_comes_from_the_first_steps_rate():
    seen: list[Progress] = []
    fit(SlowLinear(), batches, None, TrainConfig(epochs=3, max_seconds=None, device="cpu"), seen.append)
    first = seen[0]
    # 23 steps left at >= 20 ms each: at least ~0.4 s, and the estimate falls as training goes on
    assert first.step == 1 and first.eta_seconds is not None and first.eta_seconds > 0.3
    assert seen[-1].eta_seconds == 0.0 and seen[len(seen) // 2].eta_seconds < first.eta_seconds


def test_one_cycle_schedule_follows_torch_and_still_trains():
    from core.models.engine import _one_cycle, free_threads

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    total = 10_000
    ref = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=total, cycle_momentum=False)
    for i in range(0, total, 500):
        while ref.last_epoch < i:
            opt.step()
            ref.step()
        assert _one_cycle(i / (total - 1), 0.1) == pytest.approx(opt.param_groups[0]["lr"], abs=2e-4)
    model = Linear()
    result = fit(
        model, batches, neg_mse, TrainConfig(epochs=25, lr=0.2, patience=100, schedule="onecycle", device="cpu")
    )
    assert torch.allclose(model.lin.weight.detach().squeeze(), W_TRUE, atol=2e-2)
    assert 1 <= result.num_threads <= max(1, torch.get_num_threads()) and 1 <= free_threads()
    with pytest.raises(ValueError, match="schedule"):
        fit(Linear(), batches, None, TrainConfig(epochs=1, schedule="cosine", device="cpu"))


class _DtypeProbe(Linear):
    """Linear that records the dtype its layer computes in during training steps."""

    def __init__(self):
        super().__init__()
        self.seen: set[torch.dtype] = set()

    def calculate_loss(self, batch):
        x, y = batch
        out = self.lin(x).squeeze(-1)
        self.seen.add(out.dtype)
        return ((out.float() - y) ** 2).mean()


def test_cpu_autocast_is_opt_in_and_only_where_the_cpu_has_bf16(monkeypatch):
    from core.models import engine

    cpu = torch.device("cpu")
    assert engine.amp_dtype(cpu, cuda=True, cpu=False) is None  # the default: CPU training stays fp32
    monkeypatch.setattr(engine, "cpu_has_bf16", lambda: False)
    assert engine.amp_dtype(cpu, cpu=True) is None  # emulated bf16 does not pay: no autocast
    probe = _DtypeProbe()
    fit(probe, batches, neg_mse, TrainConfig(epochs=1, lr=0.1, device="cpu", cpu_amp=True))
    assert probe.seen == {torch.float32}
    monkeypatch.setattr(engine, "cpu_has_bf16", lambda: True)
    assert engine.amp_dtype(cpu, cpu=True) == torch.bfloat16
    for cpu_amp, want in ((True, {torch.bfloat16}), (False, {torch.float32})):
        probe = _DtypeProbe()
        result = fit(probe, batches, neg_mse, TrainConfig(epochs=20, lr=0.1, device="cpu", cpu_amp=cpu_amp))
        assert probe.seen == want
        # bf16 steps still learn the known answer (master weights stay fp32 under autocast)
        assert probe.lin.weight.dtype == torch.float32
        assert torch.allclose(probe.lin.weight.detach().squeeze(), W_TRUE, atol=0.05), result.history[-1]


def test_cpu_has_bf16_reads_the_cpu_flags():
    from pathlib import Path

    from core.models.engine import cpu_has_bf16

    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    assert cpu_has_bf16() == (" avx512_bf16" in flags or " amx_bf16" in flags)
