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

`training_panel` returns the job's result once it is done. While it runs it draws a progress bar
inside an `st.fragment(run_every=...)`, so only that fragment re-runs every `poll_seconds` and the
rest of the page stays usable; when the job ends the fragment triggers one full rerun so the page
can draw the result. Jobs are keyed by `key` in a process-wide registry (core.models.jobs), so a
browser reload finds the running job instead of starting a second one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.models import jobs
from core.models.engine import Progress
from ui.common import tr


def start_training(key: str, fn: Callable[[Callable[[Progress], None], threading.Event], Any]) -> jobs.TrainingJob:
    """Start `fn(progress, cancel)` in the background under `key` (or return the running job)."""
    return jobs.start_job(key, fn)


def progress_text(p: Progress | None) -> str:
    """One line: epoch, step, loss, validation metric, time left."""
    if p is None:
        return tr("common.training")
    if p.stage is not None:  # work outside the epochs: encoding inputs, scoring held-out rows
        text = tr(p.stage)
        if p.steps_per_epoch and p.steps_per_epoch > 1:
            return f"{text} · {p.step:,}/{p.steps_per_epoch:,}"
        return text + "…"
    parts = [f"epoch {p.epoch}/{p.epochs}"]
    if p.steps_per_epoch:
        parts.append(f"step {p.step}/{p.steps_per_epoch}")
    parts.append(f"loss {p.loss:.4f}")
    if p.val_metric is not None:
        parts.append(f"val {p.val_metric:.4f}")
    if p.eta_seconds is not None:
        parts.append(f"≤{p.eta_seconds:.0f}s left")
    return " · ".join(parts)


def show_progress(key: str, *, poll_seconds: float = 1.0) -> None:
    """Draw the job's progress bar and a Cancel button; refreshes itself every `poll_seconds`.

    When the job has finished (or there is none) it reruns the whole page once, so the caller
    can draw the result.
    """

    @st.fragment(run_every=poll_seconds)
    def _panel() -> None:
        job = jobs.get_job(key)
        if job is None or not job.running:
            st.rerun(scope="app")
        p = job.progress
        st.progress(p.fraction if p is not None else 0.0, text=progress_text(p))
        if st.button(tr("common.cancel"), key=f"cancel:{key}"):
            job.cancel()
            job.wait(timeout=10)
            st.rerun(scope="app")

    _panel()


def model_panel(
    spec, fn: Callable[[Callable[[Progress], None], threading.Event], Any], *, button_label: str | None = None
) -> Any | None:
    """`training_panel` for a model of the lifecycle (core.models.lifecycle.ModelSpec): the job key
    is the spec's cache key, and a model already on disk loads without a Train button."""
    from core.models.lifecycle import is_trained

    return training_panel(
        spec.job_key, fn, button_label=button_label, autostart=jobs.get_job(spec.job_key) is None and is_trained(spec)
    )


def training_panel(
    key: str,
    fn: Callable[[Callable[[Progress], None], threading.Event], Any],
    *,
    button_label: str | None = None,
    autostart: bool = False,
    poll_seconds: float = 1.0,
) -> Any | None:
    """The whole flow: result when done; else a progress bar (running) or a Train button.

    `autostart=True` starts training without a click (use it when the result is already in the
    disk cache, so the "training" is a load that finishes at once). A failed job shows its error
    and the button again; a cancelled one says so.
    """
    job = jobs.get_job(key)
    if job is not None and job.status == jobs.DONE:
        return job.result
    if job is not None and job.running:
        show_progress(key, poll_seconds=poll_seconds)
        return None
    if job is not None and job.status == jobs.FAILED:
        st.error(f"{tr('common.error')}: {job.error}")
    elif job is not None and job.status == jobs.CANCELLED:
        st.warning(tr("common.train_cancelled"))
    start_now = autostart and job is None  # e.g. a cache load after an app restart: no button
    slot = st.empty()
    if not start_now:
        start_now = slot.button(button_label or tr("common.train"), key=f"train:{key}", type="primary")
    if start_now:
        slot.empty()  # the progress bar takes the button's place
        job = start_training(key, fn)
        if job.status == jobs.DONE:
            return job.result
        job.wait(timeout=0.2)  # a cache load finishes at once: skip the bar
        if job.status == jobs.DONE:
            return job.result
        if job.running:
            show_progress(key, poll_seconds=poll_seconds)
    return None
