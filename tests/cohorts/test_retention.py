"""Retention matrices against a small case computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cohorts.activity import activity_from_table, assign_cohorts, period_start
from core.cohorts.retention import retention_matrix
from core.errors import ConfigError, InputError


@pytest.fixture()
def small_log() -> pd.DataFrame:
    # a, b: January cohort; c: February cohort; d signs up in January but is never active.
    rows = [
        ("a", "2024-01-03"),
        ("a", "2024-01-31"),
        ("a", "2024-02-01"),
        ("a", "2024-04-10"),
        ("b", "2024-01-20"),
        ("b", "2024-02-15"),
        ("b", "2024-02-16"),
        ("c", "2024-02-02"),
        ("c", "2024-03-30"),
    ]
    return activity_from_table(pd.DataFrame(rows, columns=["who", "when"]), "who", "when", source="log.csv")


def test_classic_monthly_matches_hand_count(small_log):
    r = retention_matrix(small_log, period="month", kind="classic")
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    assert list(r.sizes.index) == [jan, feb]
    assert r.sizes.tolist() == [2, 1]
    # Jan cohort: month0 a,b; month1 a,b; month2 nobody; month3 a.  Feb cohort: c in months 0 and 1
    assert r.counts.loc[jan].tolist() == [2, 2, 0, 1]
    assert r.counts.loc[feb, [0, 1, 2]].tolist() == [1, 1, 0]
    assert np.isnan(r.counts.loc[feb, 3])  # May is after the data's end (10 April): not observed, not zero
    assert r.shares.loc[jan].tolist() == [1.0, 1.0, 0.0, 0.5]


def test_unbounded_counts_returns_on_or_after(small_log):
    r = retention_matrix(small_log, period="month", kind="unbounded")
    jan = pd.Timestamp("2024-01-01")
    # a last seen in month 3, b in month 1: on-or-after counts 2, 2, 1, 1
    assert r.counts.loc[jan].tolist() == [2, 2, 1, 1]
    # unbounded is never below classic and never increases with the period
    classic = retention_matrix(small_log, period="month", kind="classic")
    observed = r.counts.notna().to_numpy()
    assert (r.counts.to_numpy()[observed] >= classic.counts.to_numpy()[observed]).all()
    assert (np.diff(r.counts.loc[jan].to_numpy()) <= 0).all()


def test_signup_cohorts_count_inactive_users_in_size(small_log):
    users = pd.DataFrame(
        {"user_id": ["a", "b", "c", "d"], "signup_at": ["2024-01-01", "2024-01-15", "2024-02-01", "2024-01-09"]}
    )
    cohorts = assign_cohorts(small_log, "month", by="signup", users=users)
    r = retention_matrix(small_log, cohorts, period="month")
    jan = pd.Timestamp("2024-01-01")
    assert r.sizes.loc[jan] == 3  # a, b and the never-active d
    assert r.counts.loc[jan, 0] == 2
    assert r.shares.loc[jan, 0] == pytest.approx(2 / 3)


def test_weekly_periods_start_on_monday(small_log):
    r = retention_matrix(small_log, period="week")
    assert all(c.weekday() == 0 for c in r.sizes.index)
    # a: first week Mon 2024-01-01; 2024-01-31 is in week 4 (Mon 2024-01-29), 2024-02-01 too
    a_only = small_log[small_log["user_id"] == "a"]
    ra = retention_matrix(a_only, period="week")
    row = ra.counts.iloc[0]
    assert row[0] == 1 and row[4] == 1 and row[1] == 0
    assert int(row.sum()) == 3  # weeks 0, 4 and 14
    long = ra.to_long()
    assert set(long.columns) == {"cohort", "period", "users", "share", "cohort_size"}


def test_period_start_and_errors():
    ts = pd.Series(pd.to_datetime(["2024-03-31 23:59", "2024-03-06 00:00"]))
    assert period_start(ts, "month").tolist() == [pd.Timestamp("2024-03-01")] * 2
    assert period_start(ts, "week").tolist() == [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-03-04")]
    with pytest.raises(ConfigError):
        period_start(ts, "year")
    with pytest.raises(InputError, match="when"):
        activity_from_table(pd.DataFrame({"u": ["x"], "when": ["not a date"]}), "u", "when")
    with pytest.raises(InputError, match="'time'"):
        activity_from_table(pd.DataFrame({"u": ["x"]}), "u", "time", source="f.csv")


def test_matches_pandas_reference_on_random_log():
    rng = np.random.default_rng(3)
    n = 3000
    log = pd.DataFrame(
        {
            "user_id": rng.integers(0, 300, n).astype(str),
            "ts": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        }
    )
    r = retention_matrix(log, period="month")
    # reference: plain pandas on the same log
    month = log["ts"].dt.year * 12 + log["ts"].dt.month
    first = month.groupby(log["user_id"]).transform("min")
    ref = (
        pd.DataFrame({"c": first, "p": month - first, "u": log["user_id"]}).drop_duplicates().groupby(["c", "p"]).size()
    )
    for (c, p), n_users in ref.items():
        cohort = pd.Timestamp(year=(c - 1) // 12, month=(c - 1) % 12 + 1, day=1)
        assert r.counts.loc[cohort, p] == n_users


def retention_reference(log: pd.DataFrame, cohorts: pd.Series, period: str, kind: str, max_periods: int) -> dict:
    """(cohort start, period) -> users, by plain pandas: a user counts in period k of their cohort when
    active in it (classic) or in it or later (unbounded), periods 0 .. max_periods - 1. `cohorts`:
    user_id -> any time in the cohort's period (also used by tests/query)."""
    starts = period_start(log["ts"], period)
    step = (lambda a, b: (a.dt.year - b.dt.year) * 12 + a.dt.month - b.dt.month) if period == "month" else None
    start = period_start(pd.to_datetime(log["user_id"].astype(str).map(cohorts)), period)
    k = step(starts, start) if step else (starts - start).dt.days // 7
    act = pd.DataFrame({"u": log["user_id"].astype(str), "c": start, "k": k}).dropna()
    act = act[(act["k"] >= 0) & (act["k"] < max_periods)].drop_duplicates()
    if kind == "unbounded":
        last = act.groupby(["u", "c"])["k"].max().reset_index()
        act = pd.DataFrame([(u, c, j) for u, c, k in last.itertuples(index=False) for j in range(int(k) + 1)])
        act.columns = ["u", "c", "k"]
    return act.groupby(["c", "k"]).size().to_dict()


@pytest.mark.parametrize("basis", ["first_activity", "signup"])
@pytest.mark.parametrize("period,kind", [("month", "classic"), ("week", "unbounded"), ("week", "classic")])
def test_every_cohort_kind_matches_pandas_reference(basis, period, kind):
    """The app's choices (signup / first activity, week / month, classic / unbounded, 53 periods at
    most) against a reference computed here; Chinese and categorical ids give the same matrix."""
    rng = np.random.default_rng(1)
    ids = np.array([f"用户{i}" if i % 3 else f"u{i}" for i in range(300)], dtype=object)
    log = pd.DataFrame(
        {
            "user_id": ids[rng.integers(0, 300, 6000)],
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 500 * 24, 6000), unit="h"),
        }
    )
    signups = pd.DataFrame(  # some sign up after their first event, some (ids 300+) are never active
        {
            "user_id": np.concatenate([ids, ["新人1", "新人2"]]),
            "signup_at": pd.Timestamp("2023-12-01") + pd.to_timedelta(rng.integers(0, 90, 302), unit="D"),
        }
    )
    cohorts = assign_cohorts(log, period, by=basis, users=signups)
    r = retention_matrix(log, cohorts, period=period, kind=kind, max_periods=53)
    want = retention_reference(log, cohorts, period, kind, 53)
    got = r.counts.stack()
    got = {key: int(v) for key, v in got.items() if v > 0}
    assert got == want and len(want) > 20
    assert r.counts.shape[1] <= 53
    assert r.sizes.sum() == cohorts.notna().sum()  # never-active signups count in the sizes
    as_category = retention_matrix(
        log.assign(user_id=log["user_id"].astype("category")), cohorts, period=period, kind=kind, max_periods=53
    )
    pd.testing.assert_frame_equal(as_category.counts, r.counts)
