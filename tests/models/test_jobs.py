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


def _stage(progress, stage, n, pause=0.0):
    import time

    from core.models.engine import stage_progress

    report = stage_progress(progress, stage)
    for i in range(1, n + 1):
        time.sleep(pause)
        report(i, n)


def test_one_bar_covers_every_stage_monotonically_with_an_estimate():
    trace: list[tuple[str | None, float, float | None]] = []
    holder: dict = {}

    def pipeline(progress, cancel):
        def watched(p):
            progress(p)
            job = holder["job"]
            trace.append((job.stage, job.fraction, job.eta_seconds))

        _stage(watched, "stage.encoding", 5, pause=0.01)
        fit(Linear(), batches, None, TrainConfig(epochs=3, device="cpu"), watched, cancel)
        _stage(watched, "stage.scoring", 4)
        _stage(watched, "stage.baselines", 1)
        return "ok"

    release = threading.Event()
    holder["job"] = job = jobs.start_job("test:stages", lambda p, c: release.wait(10) and pipeline(p, c))
    release.set()
    assert job.wait(60) and job.status == jobs.DONE and job.result == "ok"
    stages = [s for s, _, _ in trace]
    assert list(dict.fromkeys(stages)) == ["stage.encoding", jobs.TRAINING, "stage.scoring", "stage.baselines"]
    fractions = [f for _, f, _ in trace]
    assert fractions == sorted(fractions) and 0.0 < fractions[0] and fractions[-1] < 1.0 == job.fraction
    for stage in ("stage.encoding", jobs.TRAINING, "stage.scoring"):  # each stage moves the bar
        mine = [f for s, f, _ in trace if s == stage]
        assert mine[-1] > mine[0]
    # an estimate from the first report of a stage that counts its steps (encoding, the epochs)
    assert trace[0][2] is not None and next(e for s, _, e in trace if s == jobs.TRAINING) is not None
    jobs.forget_job("test:stages")


def test_cancel_during_a_non_epoch_stage_ends_the_job_within_a_second():
    import time

    reported = threading.Event()

    def encoding_forever(progress, cancel):
        def tick(p):
            progress(p)
            reported.set()

        _stage(tick, "stage.encoding", 10_000, pause=0.05)  # never looks at `cancel` itself
        return "finished"

    job = jobs.start_job("test:cancel-stage", encoding_forever)
    assert reported.wait(30)
    asked = time.monotonic()
    job.cancel()
    assert job.status == jobs.CANCELLED  # the page sees it at once: no stale bar
    assert job.wait(1.0) and time.monotonic() - asked < 1.0  # the worker stopped at its next report
    assert job.status == jobs.CANCELLED and job.result is None

    # a stage that reports nothing for a long while: the job still ends as cancelled at once, and
    # what the worker returns afterwards is dropped
    busy = threading.Event()

    def silent(progress, cancel):
        busy.set()
        cancel.wait(30)
        time.sleep(0.2)
        return "late"

    quiet = jobs.start_job("test:cancel-silent", silent)
    assert busy.wait(10)
    quiet.cancel()
    assert quiet.status == jobs.CANCELLED and not quiet.running
    assert quiet.wait(5) and quiet.status == jobs.CANCELLED and quiet.result is None
    for key in ("test:cancel-stage", "test:cancel-silent"):
        jobs.forget_job(key)


def test_time_left_follows_a_change_of_rate():
    """Issue 25 item 10: the estimate is re-made from the measured rate. Work at 10 units/s for 60 s,
    then at 1 unit/s: within a few seconds the estimate reads the new rate (a whole-run average
    would still read about 8 units/s and say a tenth of the true time left)."""
    est = jobs.RateEstimator()
    total, t, done = 1000.0, 0.0, 0.0
    for _ in range(60):
        t, done = t + 1.0, done + 10.0
        est.add(t, done)
    left = est.eta(total)
    assert left is not None and abs(left - (total - done) / 10.0) < 1e-6  # steady: exact
    for _ in range(30):  # the rate drops tenfold (a cold cache, a busy machine, a slower stage part)
        t, done = t + 1.0, done + 1.0
        est.add(t, done)
    truth = (total - done) / 1.0
    average = (total - done) / (done / t)
    assert average < truth / 5  # what a whole-run average says: several times too little
    left = est.eta(total)
    assert left is not None and abs(left - truth) / truth < 0.05
    for _ in range(30):  # and back up: the estimate follows again
        t, done = t + 1.0, done + 10.0
        est.add(t, done)
    left = est.eta(total)
    assert left is not None and abs(left - (total - done) / 10.0) / ((total - done) / 10.0) < 0.05
    assert jobs.RateEstimator().eta(total) is None  # no rate measured yet


def test_a_long_stage_says_what_it_is_doing():
    """Issue 25 item 10: the churn baselines' stage named only "0/2" for minutes; the piece of work
    running now is reported with it, through the job, in both languages."""
    from core.i18n import t
    from core.models.engine import stage_checkpoint
    from ui.training import job_text

    started, release = threading.Event(), threading.Event()

    def baselines(progress, cancel):
        stage_checkpoint(progress, cancel, "stage.churn_baselines", 0, 2, "stage.detail.logistic_regression")
        started.set()
        release.wait(10)
        return "ok"

    job = jobs.start_job("test:detail", baselines)
    assert started.wait(10)
    text = job_text(job)
    assert text.startswith(t("stage.churn_baselines")) and "fitting the logistic regression" in text
    assert t("common.elapsed", t="").strip() in text  # no rate yet: how long it has run instead
    release.set()
    assert job.wait(10) and job.result == "ok"
    jobs.forget_job("test:detail")


def test_time_left_at_half_way_through_a_steady_stage_is_within_twice_the_truth():
    """Issue 25 item 10: a job whose stage works at a steady pace (40 pieces of 50 ms, as scoring
    batches or the baselines' boosting rounds report) says, at half way, a time left within 2x of the
    time the second half then takes: the estimate is the measured rate's, re-made at each report."""
    import time

    from core.models.engine import stage_checkpoint

    said: list = []

    def steady(progress, cancel):
        for done in range(41):
            if done:
                time.sleep(0.05)
            stage_checkpoint(progress, cancel, "stage.scoring", done, 40)
            if done == 20:
                said.append((time.monotonic(), jobs.get_job("test:steady").eta_seconds))
        return time.monotonic()

    job = jobs.start_job("test:steady", steady)
    assert job.wait(30) and job.status == jobs.DONE
    at_half, eta = said[0]
    truth = job.result - at_half
    assert eta is not None and truth / 2 <= eta <= truth * 2, (eta, truth)
    jobs.forget_job("test:steady")


def test_a_finished_stage_waiting_for_the_next_shows_its_elapsed_time():
    """Issue 25 item 10: between a stage's last report and the next stage's first (the churn model's
    linear start, then the first batch) the bar said "about 0.0 s left" for seconds; it says how long
    the stage has run instead, and the time moves."""
    import time

    from core.i18n import t
    from core.models.engine import stage_checkpoint
    from ui.training import job_text

    reported, release = threading.Event(), threading.Event()

    def fn(progress, cancel):
        for done in range(3):
            stage_checkpoint(progress, cancel, "stage.linear_start", done, 2)
            time.sleep(0.05)
        reported.set()
        release.wait(10)
        return "ok"

    job = jobs.start_job("test:between", fn)
    assert reported.wait(10)
    first = job_text(job)
    time.sleep(0.3)
    later = job_text(job)
    assert t("common.elapsed", t="").strip() in first and "left" not in first, first
    assert first != later  # the elapsed time keeps moving between draws
    release.set()
    assert job.wait(10)
    jobs.forget_job("test:between")
