"""Background training: run a function in a worker thread with live progress and a cancel switch.

    job = start_job(key, lambda progress, cancel: train(..., progress=progress, cancel=cancel))
    job.progress      # latest engine.Progress (or None), job.status, job.result, job.error
    job.cancel()      # sets the event the trainer polls; status becomes "cancelled"

Jobs live in a process-wide registry keyed by what they compute (a cache key, not a session id),
so a browser reload or a second tab finds the job that is already running instead of starting
another. Results are meant to land in the disk cache (core.models.cache), so an app restart loads
them instead of retraining. Streamlit-free: ui/training.py draws these jobs.

One job, one progress bar: every stage of the work (encoding inputs, the epochs, blending, scoring,
baselines; `Progress.stage`, None for the epochs) moves `job.fraction`, which never goes back, and
`job.eta_seconds` estimates the current stage's time left from its first report on (the trainer's
ETA for the epochs, the rate so far for the other stages). Cancel: `job.cancel()` ends the job as
cancelled at once (its status, for the page); the worker stops at its next step or progress report,
because the progress callback the job hands to `fn` raises `TrainingCancelled` once the event is set,
so every stage that reports progress polls the cancel event, and what it computes after is dropped.

The registry is bounded: it keeps every running job and at most `MAX_FINISHED` finished ones (the
oldest finished are evicted when a new job starts), so a long-lived server does not keep every
result (models and their data) forever; an evicted result is in the disk cache. A failed job's
traceback goes to the `core.models.jobs` logger.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.models.engine import Progress, TrainingCancelled

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
MAX_FINISHED = 8
TRAINING = "stage.training"  # the stage of the epochs (Progress.stage is None there)
# The share of the rest of the bar a stage may fill when it begins: a plan-free split, so the bar never
# runs back and leaves room for what usually follows (encoding: the epochs; the epochs: blending,
# scoring, baselines); a stage not named here is taken to be the job's last (e.g. a graph profile).
STAGE_SHARE: dict[str | None, float] = {
    "stage.encoding": 0.5,
    TRAINING: 0.85,
    "stage.fusion": 0.3,
    "stage.scoring": 0.5,
    "stage.baselines": 0.9,
    None: 0.95,
}

log = logging.getLogger(__name__)


class RateEstimator:
    """Time left from the rate measured over the recent past, re-made at every report.

    A whole-run average keeps the rate of the start (a fast first epoch, a cache warm-up) for the
    whole run: a training that slows down after a minute read "58 s left" at 64 s of 440 s. Here the
    rate is the work done over the last `share` of the elapsed time (at least `min_window` seconds),
    so the estimate follows a change of rate within that window.
    """

    def __init__(self, share: float = 0.25, min_window: float = 3.0) -> None:
        self.share, self.min_window = share, min_window
        self.points: list[tuple[float, float]] = []  # (time, work done), oldest first

    def add(self, t: float, done: float) -> None:
        if self.points and done < self.points[-1][1]:  # work went back (a restart): measure anew
            self.points.clear()
        self.points.append((t, done))
        start = self.points[0][0]
        window = max(self.min_window, self.share * (t - start))
        while len(self.points) > 2 and self.points[1][0] <= t - window:  # keep one point at the edge
            self.points.pop(0)

    def eta(self, total: float) -> float | None:
        """Seconds until `total` work is done at the recent rate; None before a rate is measured."""
        if len(self.points) < 2:
            return None
        (t0, d0), (t1, d1) = self.points[0], self.points[-1]
        if t1 <= t0 or d1 <= d0:
            return None
        return max(0.0, (total - d1) * (t1 - t0) / (d1 - d0))


@dataclass
class TrainingJob:
    """One background training. Read its fields from any thread; only the worker writes them."""

    key: str
    status: str = RUNNING
    progress: Progress | None = None
    result: Any = None
    error: str | None = None  # one line for the user; `traceback` has the details
    traceback: str | None = None
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    stage: str | None = None  # the current stage's i18n key; TRAINING for the epochs
    fraction: float = 0.0  # the whole job's completion in [0, 1]; never decreases
    eta_seconds: float | None = None  # the current stage's seconds left (None: no estimate yet)
    stage_started: float = field(default_factory=time.monotonic)
    _stage_from: float = 0.0  # `fraction` when the current stage began
    _stage_span: float = 0.0  # the share of the bar the current stage may fill
    _rate: RateEstimator = field(default_factory=RateEstimator)  # the current stage's measured rate
    budget: float | None = None  # the training budget in seconds `fn` runs under (caps the epochs' ETA)

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def stage_seconds(self) -> float:
        """Seconds since the current stage began."""
        return time.monotonic() - self.stage_started

    def cancel(self) -> None:
        """End the job as cancelled now; the worker stops at its next step or progress report."""
        self.cancel_event.set()
        with _lock:
            if self.status == RUNNING:
                self.status = CANCELLED
                self.finished_at = time.time()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (True) or `timeout` seconds pass (False)."""
        if self.thread is None:
            return True
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def _on_progress(self, p: Progress) -> None:
        """The callback `fn` reports to: raises TrainingCancelled once cancelled (so every stage that
        reports polls the cancel event), else moves the bar and the estimate."""
        if self.cancel_event.is_set():
            raise TrainingCancelled("training was cancelled")
        stage = p.stage or TRAINING
        if stage != self.stage:  # a new stage takes a share of what is left of the bar
            self.stage, self.stage_started = stage, time.monotonic()
            self._stage_from = self.fraction
            self._stage_span = (1.0 - self.fraction) * STAGE_SHARE.get(stage, STAGE_SHARE[None])
            self._rate = RateEstimator()
        elapsed = self.stage_seconds
        if p.stage is None and p.steps_per_epoch:  # the epochs: steps of all planned epochs
            done_work, total = (p.epoch - 1) * p.steps_per_epoch + p.step, p.epochs * p.steps_per_epoch
        elif p.stage is None:
            done_work, total = p.epoch - 1 + (1 if p.step else 0), p.epochs
        else:
            done_work, total = p.step, p.steps_per_epoch or 0
        self._rate.add(time.monotonic(), done_work)
        eta = self._rate.eta(total) if total else None
        if eta is None and p.stage is not None and total and p.step > 0:  # one report so far: from the start
            eta = elapsed / p.step * max(0, total - p.step)
        if p.stage is None:
            eta = _within_budget(eta, elapsed, p.eta_seconds, self.budget)
        done = p.fraction
        if eta is not None and elapsed + eta > 0:
            done = max(done, elapsed / (elapsed + eta))  # a budget can end the epochs early
        self.fraction = max(self.fraction, min(1.0, self._stage_from + self._stage_span * done))
        self.eta_seconds = eta
        self.progress = p


def _within_budget(eta: float | None, elapsed: float, trainer_eta: float | None, budget: float | None) -> float | None:
    """The epochs' time left: the measured rate's, capped by what is left of the job's training
    budget; the trainer's own estimate until a rate is measured."""
    if eta is None:
        return trainer_eta
    if budget:
        eta = min(eta, max(0.0, budget - elapsed))
    return eta


_jobs: dict[str, TrainingJob] = {}
_lock = threading.Lock()


def start_job(
    key: str,
    fn: Callable[[Callable[[Progress], None], threading.Event], Any],
    *,
    restart_finished: bool = False,
    budget: float | None = None,
) -> TrainingJob:
    """Start `fn(progress_callback, cancel_event)` in a daemon thread under `key`; `budget`: the
    training budget in seconds `fn` trains under, if any (the bar's time left never exceeds it).

    If a job with this key is running, that job is returned and nothing new starts. A finished job
    is returned as is, unless it failed or was cancelled (or `restart_finished`), which starts anew.
    """
    with _lock:
        job = _jobs.get(key)
        if job is not None and (job.running or (job.status == DONE and not restart_finished)):
            return job
        job = TrainingJob(key=key, budget=budget)
        _jobs.pop(key, None)
        _evict_finished(MAX_FINISHED - 1)
        _jobs[key] = job

        def work() -> None:
            status, result = DONE, None
            try:
                result = fn(job._on_progress, job.cancel_event)
            except TrainingCancelled:
                status = CANCELLED
            except Exception as exc:  # noqa: BLE001 - reported to the page, not swallowed
                first = str(exc).splitlines()[0] if str(exc) else ""
                job.error = f"{type(exc).__name__}: {first}" if not _is_user_error(exc) else str(exc)
                job.traceback = traceback.format_exc()
                status = FAILED
                log.error("training job %s failed: %s\n%s", key, job.error, job.traceback)
            with _lock:
                if job.status == RUNNING:  # a cancel already ended the job: its late result is dropped
                    job.result, job.status = result, status
                    if status == DONE:
                        job.fraction, job.eta_seconds = 1.0, 0.0
                    job.finished_at = time.time()

        job.thread = threading.Thread(target=work, name=f"train-{key[:12]}", daemon=True)
        job.thread.start()
        return job


def _evict_finished(keep: int) -> None:
    """Drop the oldest finished jobs until at most `keep` remain (caller holds `_lock`)."""
    finished = sorted(
        (j for j in _jobs.values() if not j.running and j.finished_at is not None), key=lambda j: j.finished_at or 0.0
    )
    for job in finished[: max(0, len(finished) - keep)]:
        del _jobs[job.key]


def get_job(key: str) -> TrainingJob | None:
    """The job registered under `key` (running or finished), or None."""
    with _lock:
        return _jobs.get(key)


def job_keys(prefix: str = "") -> list[str]:
    """Keys of the registered jobs (running or finished) that start with `prefix`."""
    with _lock:
        return [k for k in _jobs if k.startswith(prefix)]


def forget_job(key: str) -> None:
    """Drop a finished job from the registry (a running one is cancelled first)."""
    with _lock:
        job = _jobs.pop(key, None)
    if job is not None and job.running:
        job.cancel()


def _is_user_error(exc: BaseException) -> bool:
    try:
        from core.errors import UserError
    except ImportError:  # core.models may run without the rest of core (GPU bench box)
        return False
    return isinstance(exc, UserError)
