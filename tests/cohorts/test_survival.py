"""Kaplan-Meier, log-rank and lifetimes against lifelines' own numbers and a hand-computed case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cohorts.survival import activity_survival, lifetimes_from_activity, survival_curves
from core.errors import InputError


def test_product_limit_by_hand():
    # durations 2, 3(censored), 5, 5, 8: S(2)=4/5, S(5)=4/5*(1-2/3)=4/15, S(8)=0
    r = survival_curves([2, 3, 5, 5, 8], [1, 0, 1, 1, 1])
    curve = r.curves.set_index("time")["survival"]
    assert curve.loc[2.0] == pytest.approx(0.8)
    assert curve.loc[3.0] == pytest.approx(0.8)
    assert curve.loc[5.0] == pytest.approx(4 / 15)
    assert curve.loc[8.0] == pytest.approx(0.0)
    assert r.medians.loc[0, "median"] == 5.0
    assert r.logrank is None


def test_matches_lifelines_on_waltons():
    from lifelines import KaplanMeierFitter
    from lifelines.datasets import load_waltons
    from lifelines.statistics import multivariate_logrank_test

    df = load_waltons()
    r = survival_curves(df["T"], df["E"], df["group"], alpha=0.05)
    for group, part in df.groupby("group"):
        kmf = KaplanMeierFitter().fit(part["T"], part["E"])
        ours = r.curves[r.curves["group"] == group].set_index("time")
        np.testing.assert_allclose(ours["survival"], kmf.survival_function_.iloc[:, 0].to_numpy())
        np.testing.assert_allclose(ours["ci_low"], kmf.confidence_interval_.iloc[:, 0].to_numpy())
        np.testing.assert_allclose(ours["ci_high"], kmf.confidence_interval_.iloc[:, 1].to_numpy())
        row = r.medians.set_index("group").loc[group]
        assert row["median"] == kmf.median_survival_time_
        assert row["users"] == len(part)
    ref = multivariate_logrank_test(df["T"], df["group"], df["E"])
    assert r.logrank.p_value == pytest.approx(ref.p_value)
    assert r.logrank.test_statistic == pytest.approx(ref.test_statistic)
    assert r.logrank.p_value < 1e-6  # miR-137 dies much sooner: the groups differ


def test_bands_contain_the_curve_and_small_groups_are_dropped():
    rng = np.random.default_rng(0)
    durations = rng.exponential(30, 300)
    events = (rng.random(300) < 0.7).astype(int)
    groups = np.where(np.arange(300) < 297, np.where(np.arange(300) % 2 == 0, "a", "b"), "tiny")
    r = survival_curves(durations, events, groups, min_group_size=5)
    assert set(r.curves["group"]) == {"a", "b"}
    assert (r.curves["ci_low"] <= r.curves["survival"] + 1e-12).all()
    assert (r.curves["survival"] <= r.curves["ci_high"] + 1e-12).all()
    assert r.logrank.degrees_of_freedom == 1
    with pytest.raises(InputError):
        survival_curves([1, 2], [1, 1], ["x", "y"], min_group_size=5)


def test_lifetimes_from_activity():
    log = pd.DataFrame(
        {
            "user_id": ["a", "a", "b", "b", "c"],
            "ts": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-05", "2024-03-30", "2024-03-01"]),
        }
    )
    life = lifetimes_from_activity(log, inactive_days=30)  # end = 2024-03-30
    assert life.loc["a"].tolist() == [10.0, 1]  # last seen 79 days before the end: churned after 10 days
    assert life.loc["b"].tolist() == [85.0, 0]  # active at the end: censored at 85 days
    assert life.loc["c"].tolist() == [29.0, 0]  # 29 days quiet < 30: still censored
    starts = pd.Series({"a": pd.Timestamp("2023-12-22")})
    assert lifetimes_from_activity(log, starts=starts).loc["a", "duration"] == 20.0
    r = activity_survival(log, inactive_days=30, min_group_size=1)
    assert r.medians.loc[0, "users"] == 3 and r.medians.loc[0, "events"] == 1
