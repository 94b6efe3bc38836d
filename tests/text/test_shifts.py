"""Shift detection: no flags on pure noise, the planted drop found, in synthetic series and in the sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.text.shifts import ShiftConfig, detect_shifts, explain_shifts
from core.text.trends import sentiment_trends


def _posts(
    seed: int, weeks: int = 30, communities: int = 8, drop: tuple[int, int] | None = None, tau: float = 0.0
) -> pd.DataFrame:
    """Weekly posts per community: volume ~ Poisson(60), score ~ N(mean_c + week jitter, 0.45)."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-01-05")
    for c in range(communities):
        base = rng.uniform(-0.2, 0.4)
        for w in range(weeks):
            mean = base + rng.normal(0, tau)
            if drop and (c, w) == drop:
                mean -= 0.5
            n = rng.poisson(60)
            score = np.clip(rng.normal(mean, 0.45, n), -1, 1)
            ts = start + pd.to_timedelta(w * 7 + rng.uniform(0, 7, n), unit="D")
            text = np.where(score < -0.3, "outage again" if drop and (c, w) == drop else "bad app", "fine app")
            rows.append(
                pd.DataFrame(
                    {
                        "ts": ts,
                        "score": score,
                        "community": f"c{c}",
                        "text": text,
                        "sentiment": np.where(score < -0.3, "negative", "positive"),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("seed", range(4))
def test_no_flags_on_pure_noise(seed):
    trends = sentiment_trends(_posts(seed), "week")
    assert detect_shifts(trends) == []


def test_at_most_one_false_flag_with_normal_week_to_week_variation():
    flags = sum(len(detect_shifts(sentiment_trends(_posts(s, tau=0.03), "week"))) for s in range(3))
    assert flags <= 1


def test_planted_drop_is_flagged_and_explained():
    posts = _posts(7, drop=(3, 20))
    trends = sentiment_trends(posts, "week")
    shifts = detect_shifts(trends)
    assert [(s.community, s.period) for s in shifts] == [("c3", pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=20))]
    shift = explain_shifts(shifts, posts, "week", ShiftConfig())[0]
    assert shift.direction == "drop" and shift.z < -4
    assert shift.terms[0][0] == "outage"
    assert shift.examples[0] == "outage again"


def test_sample_drop_found_within_a_week(sample_ws, ground_truth):
    from core.text.analysis import analyse_sentiment

    result = analyse_sentiment(sample_ws.read("posts"))
    drop = ground_truth["sentiment_drop"]
    week = pd.Timestamp(drop["week_start"])
    hits = [s for s in result.shifts if s.community == drop["community"] and abs((s.period - week).days) <= 7]
    assert hits and hits[0].direction == "drop"
    false = pd.Series([s.community for s in result.shifts if s not in hits]).value_counts()
    assert (false <= 1).all(), false
    assert {"宕机", "outage"} & {t for t, _ in hits[0].terms}
    drivers = result.drivers[result.drivers["community"] == drop["community"]]
    assert len(drivers) and (drivers["z"] > 0).all()
