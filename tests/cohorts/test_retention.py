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


def test_factorize_users_hash_path_partitions_like_pandas(monkeypatch):
    """The DuckDB-hash factorisation used for large logs groups rows exactly as pd.factorize does,
    and the retention matrix does not change when it is used."""
    import core.cohorts.retention as retention

    rng = np.random.default_rng(1)
    ids = np.array([f"用户{i}" if i % 3 else f"u{i}" for i in range(500)], dtype=object)
    users = pd.Series(ids[rng.integers(0, 500, 20_000)])
    ts = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, 20_000), unit="D"))
    log = pd.DataFrame({"user_id": users, "ts": ts})
    expected = retention.retention_matrix(log, period="week")
    monkeypatch.setattr(retention, "_HASH_FROM", 10)
    codes, uniques = retention.factorize_users(users)
    ref_codes, ref_uniques = pd.factorize(users)
    assert len(uniques) == len(ref_uniques) == users.nunique()
    assert (uniques[codes] == users.to_numpy()).all()  # every row maps back to its own id
    assert pd.crosstab(codes, ref_codes).astype(bool).sum(axis=1).eq(1).all()  # same partition
    got = retention.retention_matrix(log, period="week")
    pd.testing.assert_frame_equal(got.counts, expected.counts)
    cohorts = pd.Series(pd.Timestamp("2024-01-01"), index=pd.Index(ids, name="user_id"))
    pd.testing.assert_frame_equal(
        retention.retention_matrix(log, cohorts, period="month").counts,
        retention.retention_matrix(
            log.assign(user_id=log["user_id"].astype("category")), cohorts, period="month"
        ).counts,
    )
