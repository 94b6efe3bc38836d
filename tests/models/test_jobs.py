"""Background jobs: progress from the worker thread, one job per key, cancel, failures reported."""

from __future__ import annotations

import threading

from core.models import jobs
from core.models.engine import TrainConfig, fit
from tests.models.test_engine import Linear, batches  # noqa: E402 - same tiny model


def test_job_runs_in_background_reports_progress_and_is_shared_by_key():
    release = threading.Event()

    def train(progress, cancel):
        release.wait(10)  # keep it running until the test has looked at it
        return fit(Linear(), batches, None, TrainConfig(epochs=3, device="cpu"), progress, cancel).steps

    job = jobs.start_job("test:ok", train)
    assert job.running and job.thread is not threading.current_thread()
    assert jobs.start_job("test:ok", train) is job  # a reload finds the running job
    release.set()
    assert job.wait(60)
    assert job.status == jobs.DONE and job.result == 24
    assert job.progress.epoch == 3 and job.progress.fraction == 1.0
    assert jobs.start_job("test:ok", train) is job  # done: not retrained
    jobs.forget_job("test:ok")
    assert jobs.get_job("test:ok") is None


def test_cancel_and_failure():
    started = threading.Event()

    def slow(progress, cancel):
        def tick(p):
            started.set()
            progress(p)

        return fit(Linear(), batches, None, TrainConfig(epochs=10_000, device="cpu"), tick, cancel)

    job = jobs.start_job("test:cancel", slow)
    assert started.wait(30)
    job.cancel()
    assert job.wait(30) and job.status == jobs.CANCELLED and job.result is None

    def broken(progress, cancel):
        raise ValueError("column 'x' is empty")

    bad = jobs.start_job("test:fail", broken)
    assert bad.wait(10) and bad.status == jobs.FAILED
    assert bad.error == "ValueError: column 'x' is empty" and "Traceback" in bad.traceback
    # a failed job is started afresh on the next request
    assert jobs.start_job("test:fail", lambda p, c: 1).wait(10)
    assert jobs.get_job("test:fail").result == 1


def test_registry_stays_bounded_under_50_sequential_trainings(caplog):
    import logging

    before = set(jobs.job_keys())
    for i in range(50):
        job = jobs.start_job(f"bounded:{i}", lambda progress, cancel, i=i: [i] * 1000)
        assert job.wait(10) and job.result[0] == i
    mine = jobs.job_keys("bounded:")
    assert len(set(jobs.job_keys()) - before) <= jobs.MAX_FINISHED
    assert mine == [f"bounded:{i}" for i in range(50 - len(mine), 50)]  # the newest are kept
    with caplog.at_level(logging.ERROR, logger="core.models.jobs"):
        bad = jobs.start_job("bounded:fail", lambda p, c: 1 / 0)
        bad.wait(10)
    assert "bounded:fail" in caplog.text and "ZeroDivisionError" in caplog.text
    for key in jobs.job_keys("bounded:"):
        jobs.forget_job(key)
