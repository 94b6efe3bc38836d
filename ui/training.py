"""Streamlit helpers for background model training: a Train button, a live progress bar, Cancel.

Usage in a page (the training function goes through `core.models.lifecycle.train_or_load`, so
its result lands on disk and a reload or an app restart loads it instead of retraining; with the
model's spec, `model_panel(spec, fn)` keys the job by the cache key and loads a stored model at once)::

    from ui import training
    key = "reco:" + data_key + config_key          # what the job computes, not who asked
    result = training.training_panel(key, lambda progress, cancel: train(..., progress, cancel),
                                     button_label=tr("common.train"))
    if result is None:
        st.stop()                                  # still training, or not started yet
    ...draw result...

`training_panel` returns the job's result once it is done. While it runs it draws one progress bar
for the whole job (every stage: encoding, epochs, blending, scoring, baselines) with the current
stage's time left, inside an `st.fragment(run_every=...)`, so only that fragment re-runs every
`poll_seconds` and the rest of the page stays usable; when the job ends (done, failed, cancelled)
the fragment triggers one full rerun so the page draws the result and no stale message stays.
Jobs are keyed by `key` in a process-wide registry (core.models.jobs), so a browser reload finds
the running job instead of starting a second one.

The training budget: `model_panel` (and `training_panel(..., budget=SCOPE)`) draws a number input
(minutes; 5 on the CPU, none on a GPU) above the Train button and hands its value (seconds, None:
no limit) to the page's training callable, `fn(progress, cancel, budget)`, which passes it on to
`Model.fit(..., budget=budget)` (core.models.interface). The job key follows the lifecycle's one
budget rule (`lifecycle.job_key`): a stored model that answers the budget is one job for every
budget; a budget that asks for another model is another job. `card_line(metrics)` is the model
card's line on how training ended ("stopped by the 5 min budget at epoch 7/30 · cpu · 5 min").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.models import jobs
from core.models.engine import Progress, stopped_by
from core.models.lifecycle import budget_job_key, is_trained, job_key, stored_metrics
from ui import state
from ui.common import tr

BUDGET_KEY = state.TRAIN_BUDGET  # session key of the budget (its own key: survives page changes)


def record_training(key: str) -> None:
    """Record who started training `key` in the current workspace's audit trail."""
    from ui import auth
    from ui.common import current_workspace

    if st.session_state.get(state.WORKSPACE):
        auth.record(current_workspace(), "training", detail=key)


def start_training(
    key: str, fn: Callable[[Callable[[Progress], None], threading.Event], Any], budget: float | None = None
) -> jobs.TrainingJob:
    """Start `fn(progress, cancel)` in the background under `key` (or return the running job);
    `budget`: the seconds it trains under, if any (caps the bar's time left)."""
    return jobs.start_job(key, fn, budget=budget)


def duration_text(seconds: float) -> str:
    """'0.4 s', '45 s', '3 min', '1 h 5 min' in the session's language."""
    if seconds < 9.95:
        return tr("common.seconds", n=f"{max(0.0, seconds):.1f}")
    s = round(seconds)
    if s < 90:
        return tr("common.seconds", n=s)
    m = round(s / 60)
    if m < 90:
        return tr("common.minutes", n=m)
    return tr("common.hours", h=m // 60, m=m % 60)


def progress_text(p: Progress | None, eta_seconds: float | None = None, *, eta: bool = True) -> str:
    """One line: the stage (or epoch, step, loss, validation metric) and the time left
    (`eta_seconds`, else the trainer's estimate; none with `eta=False`)."""
    if p is None:
        return tr("common.training")
    left = p.eta_seconds if eta_seconds is None and p.stage is None else eta_seconds
    eta = eta and left is not None
    left = left if eta else None
    return _progress_line(p, left)


def _progress_line(p: Progress, eta: float | None) -> str:
    if p.stage is not None:  # work outside the epochs: encoding inputs, scoring held-out rows
        parts = [tr(p.stage)] + ([tr(p.detail)] if p.detail else [])  # and what it is doing now
        if p.steps_per_epoch and p.steps_per_epoch > 1:
            parts.append(f"{p.step:,}/{p.steps_per_epoch:,}")
    else:
        parts = [tr("common.epoch", epoch=p.epoch, epochs=p.epochs)]
        if p.steps_per_epoch:
            parts.append(tr("common.step", step=p.step, steps=p.steps_per_epoch))
        parts.append(tr("common.loss", loss=p.loss))
        if p.val_metric is not None:
            parts.append(tr("common.val", val=p.val_metric))
    if eta is not None:
        parts.append(tr("common.eta", t=duration_text(eta)))
    return " · ".join(parts) if len(parts) > 1 or p.stage is None else parts[0] + "…"


def job_text(job: jobs.TrainingJob) -> str:
    """The bar's line for a running job: its current stage with the time left, else how long the
    stage has been running (a stage that reports no steps still shows it is alive)."""
    left = job.eta_seconds
    waiting = left is None or left < 0.5  # no rate yet, or the stage's steps are done and what follows
    text = progress_text(job.progress, left, eta=not waiting)  # is being set up: not "0 s left" for long
    if waiting:
        text += " · " + tr("common.elapsed", t=duration_text(job.stage_seconds))
    return text


def show_progress(key: str, *, poll_seconds: float = 1.0) -> None:
    """Draw the job's progress bar and a Cancel button; refreshes itself every `poll_seconds`.

    When the job has finished (or there is none) it reruns the whole page once, so the caller
    can draw the result. Cancel ends the job at once (core.models.jobs) and reruns the page.
    """

    @st.fragment(run_every=poll_seconds)
    def _panel() -> None:
        job = jobs.get_job(key)
        if job is None or not job.running:
            st.rerun(scope="app")
        st.progress(job.fraction, text=job_text(job))
        if st.button(tr("common.cancel"), key=f"cancel:{key}"):
            job.cancel()
            st.rerun(scope="app")

    _panel()


def default_budget_minutes() -> float:
    """5 minutes on the CPU, 0 (no budget) when a CUDA GPU will train."""
    import torch

    from core.models.engine import CPU_BUDGET_SECONDS

    return 0.0 if torch.cuda.is_available() else CPU_BUDGET_SECONDS / 60


def budget_seconds(scope: str = "model") -> float | None:
    """The session's training budget in seconds (None: no budget): the `scope`'s control when it has
    just been changed (before it is drawn again in this run), else the last one set on any view."""
    minutes = st.session_state.get(state.TRAIN_BUDGET_OF + scope, st.session_state.get(BUDGET_KEY))
    minutes = default_budget_minutes() if minutes is None else float(minutes)
    return minutes * 60 if minutes > 0 else None


def budget_control(scope: str = "model", *, disabled: bool = False) -> float | None:
    """A number input for the training budget in minutes (0: none); one value for every view (each
    `scope` is one input, e.g. a model kind; `disabled` while its model trains). Returns
    `budget_seconds(scope)`."""
    seconds = budget_seconds(scope)
    minutes = st.number_input(
        tr("common.budget"),
        min_value=0.0,
        max_value=600.0,
        step=1.0,
        value=(seconds or 0.0) / 60,
        help=tr("common.budget_help"),
        key=state.TRAIN_BUDGET_OF + scope,
        disabled=disabled,
    )
    st.session_state[BUDGET_KEY] = float(minutes)
    return budget_seconds(scope)


def card_line(metrics: dict) -> str:
    """How training ended, for a model card: 'Stopped by the 5-min budget at epoch 7/30 · cpu ·
    301 s' (or early stopping, or all epochs), from a trained model's metrics (FitResult.summary())."""
    by = stopped_by(metrics)
    epoch, epochs = metrics.get("epochs_run"), metrics.get("epochs") or metrics.get("epochs_run")
    if by == "budget":
        how = tr(
            "common.card_budget", t=duration_text(float(metrics.get("max_seconds") or 0)), epoch=epoch, epochs=epochs
        )
    elif by == "early_stop":
        how = tr("common.card_early", epoch=epoch, epochs=epochs)
    else:
        how = tr("common.card_epochs", epochs=epoch)
    return tr(
        "common.card_line",
        how=how,
        device=metrics.get("device", "cpu"),
        t=duration_text(float(metrics.get("seconds") or 0)),
    )


def specs_key(specs: list, budget: float | None) -> str:
    """The job key of lifecycle specs (several: joined by "+") asked for under `budget`: the
    lifecycle's rule (`lifecycle.job_key`), except that the job which just trained them under this
    budget keeps its key (the page keeps its result instead of loading the model again)."""

    asked = "+".join(budget_job_key(spec, budget) for spec in specs)
    job = jobs.get_job(asked)
    if job is not None and job.status in (jobs.RUNNING, jobs.DONE):
        return asked
    return "+".join(job_key(spec, budget) for spec in specs)


def model_panel(
    spec,
    fn: Callable[[Callable[[Progress], None], threading.Event, float | None], Any],
    *,
    button_label: str | None = None,
) -> Any | None:
    """`training_panel` for a model of the lifecycle (core.models.lifecycle.ModelSpec, e.g.
    `model.specs(data)[0]`): `fn(progress, cancel, budget)` trains it under the session's budget;
    the job is keyed by the one budget rule (`specs_key`), a model already on disk that answers the
    budget loads without a Train button, and the budget control sits above the button."""

    return training_panel(
        lambda budget: specs_key([spec], budget),
        fn,
        button_label=button_label,
        autostart=lambda budget: is_trained(spec, budget=budget),
        budget=spec.kind,
        record=lambda: stored_metrics(spec),
    )


def device_name(device: object) -> str:
    """'CPU' or 'GPU' for a torch device string ('cpu', 'cuda', 'cuda:0')."""
    return "GPU" if str(device or "cpu").startswith("cuda") else "CPU"


def trained_line(budget: float | None, record: dict | None) -> str:
    """The line that stays once a model is trained: in how long and on which device (from its stored
    metrics, `record`), under which budget."""
    limit = duration_text(budget) if budget else tr("journey.no_budget")
    if record and record.get("seconds") is not None:
        return tr(
            "journey.trained_in",
            t=duration_text(float(record["seconds"])),
            device=device_name(record.get("device")),
            budget=limit,
        )
    return tr("journey.trained", budget=limit)


def training_panel(
    key: str | Callable[[float | None], str],
    fn: Callable[..., Any],
    *,
    button_label: str | None = None,
    autostart: bool | Callable[..., bool] = False,
    poll_seconds: float = 1.0,
    budget: str | None = None,
    record: Callable[[], dict | None] | None = None,
) -> Any | None:
    """The whole flow: result when done; else a progress bar (running) or a Train button.

    `autostart=True` (or a callable answering it) starts training without a click (use it when the
    result is already in the disk cache, so the "training" is a load that finishes at once). A
    failed job shows its error and the button again; a cancelled one says so.

    `budget=SCOPE` (a name for the control, e.g. the model kind) adds the training budget: the
    control above the button or the result (disabled while training), and its value in seconds
    (`budget_seconds(SCOPE)`, None: no limit) is an argument: `fn(progress, cancel, budget)`,
    `autostart(budget)` and `key(budget)` (when callable) receive it, so the job key can say when a
    budget asks for another model (`specs_key`: a model trained for 5 minutes is not taken for the
    one asked with 20). Once trained, a line says so in place of the control ("Trained in 12 s on
    CPU", from `record()`: the stored model's metrics, when given) and the control waits, folded, under it.
    Without `budget`, `fn(progress, cancel)` and `autostart()` take no budget and `key` is a string.
    """
    seconds: float | None = None
    if budget is not None:
        seconds = budget_seconds(budget)
        inner, ask = fn, autostart

        def fn(progress: Callable[[Progress], None], cancel: threading.Event) -> Any:
            return inner(progress, cancel, seconds)

        def autostart() -> bool:
            return ask(seconds) if callable(ask) else bool(ask)

    if callable(key):
        key = key(seconds)

    job = jobs.get_job(key)
    if budget is not None and job is not None and job.status == jobs.DONE:  # trained: a line says so; the
        # control (another budget is another model) waits, folded, under it
        st.success(trained_line(seconds, record() if record is not None else None))
        with st.expander(tr("journey.retrain")):
            budget_control(budget)
    elif budget is not None:
        budget_control(budget, disabled=job is not None and job.running)
    if job is not None and job.status == jobs.DONE:
        return job.result
    if job is not None and job.running:
        show_progress(key, poll_seconds=poll_seconds)
        return None
    if job is not None and job.status == jobs.FAILED:
        st.error(f"{tr('common.error')}: {job.error}")
    elif job is not None and job.status == jobs.CANCELLED:
        st.warning(tr("common.train_cancelled"))
    # e.g. a cache load after an app restart: no button
    start_now = job is None and (autostart() if callable(autostart) else autostart)
    slot = st.empty()
    if not start_now:
        start_now = slot.button(button_label or tr("common.train"), key=f"train:{key}", type="primary")
        if start_now:  # a user's request (not a cache load): in the workspace's audit trail
            record_training(key)
    if start_now:
        slot.empty()  # the progress bar takes the button's place
        job = start_training(key, fn, seconds)
        if job.status == jobs.DONE:
            return job.result
        job.wait(timeout=0.2)  # a cache load finishes at once: skip the bar
        if job.status == jobs.DONE:
            return job.result
        if job.running:
            show_progress(key, poll_seconds=poll_seconds)
    return None
