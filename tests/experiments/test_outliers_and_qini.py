"""Heavy outliers per unit and capping them (winsorising), the relative cumulative lift, and the
bootstrap interval of a Qini difference on planted uplift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.experiments.analysis import ExperimentSpec, MetricSpec, analyze, cumulative_lift, prepare
from core.experiments.outliers import HEAVY_RATIO, outlier_check, winsorize
from core.experiments.uplift import _weighted_qini, mean_qini, qini_coefficient, qini_difference


def _rounds(seed: int = 0, whale: float = 50_000.0) -> pd.DataFrame:
    """Game rounds as several rows per player (two variants, days), one player with `whale` rounds."""
    rng = np.random.default_rng(seed)
    players = 600
    variant = np.where(np.arange(players) % 2 == 0, "A", "B")
    rows = []
    for p in range(players):
        for d in range(3):
            rows.append({"user": f"u{p}", "variant": variant[p], "day": f"2024-01-0{d + 1}", "rounds": rng.poisson(6)})
    rows[1]["rounds"] = whale  # player u0 (variant A), day 2
    return pd.DataFrame(rows)


def test_a_heavy_unit_is_found_and_ordinary_tails_are_not():
    rng = np.random.default_rng(1)
    ordinary = rng.gamma(2.0, 10.0, 5000)
    check = outlier_check(ordinary, "x", 99)
    assert check.cap == pytest.approx(np.percentile(ordinary, 99)) and not check.heavy
    assert check.n_above == int((ordinary > check.cap).sum())
    whale = np.r_[ordinary, 49_854.0]
    heavy = outlier_check(whale, "x", 99)
    assert heavy.heavy and heavy.max == 49_854.0 and heavy.max > HEAVY_RATIO * heavy.cap
    assert heavy.share_above > 0.2  # the whale alone is a large part of the total
    assert outlier_check(np.r_[np.zeros(500), 3.0], "x").heavy is False  # a zero percentile caps nothing useful
    with pytest.raises(ValueError):
        outlier_check(ordinary, "x", 0)
    assert np.array_equal(winsorize(np.array([1.0, np.nan, 9.0]), 5.0), np.array([1.0, np.nan, 5.0]), equal_nan=True)


def test_capping_per_unit_matches_winsorised_sums_and_is_reported():
    df = _rounds()
    per_unit = df.groupby("user").agg(variant=("variant", "first"), rounds=("rounds", "sum"))
    cap = np.percentile(per_unit["rounds"], 95)
    capped_means = per_unit.assign(rounds=np.minimum(per_unit["rounds"], cap)).groupby("variant")["rounds"].mean()
    m = MetricSpec("rounds")
    raw = prepare(df, ExperimentSpec("variant", unit="user"), [m])
    assert raw.outliers["rounds"].heavy and not raw.caps  # reported, not capped unless asked
    capped = prepare(df, ExperimentSpec("variant", unit="user", cap_percentile=95), [m])
    assert capped.caps["rounds"] == pytest.approx(cap)
    res, res_raw = analyze(capped, m), analyze(raw, m)
    assert {v.name: v.mean for v in res.variants} == pytest.approx(capped_means.to_dict())
    assert res.variants[0].mean < res_raw.variants[0].mean  # the whale no longer lifts control
    # the cumulative view caps each day's totals the same way: its last day is the capped result
    timeline = cumulative_lift(
        prepare(df, ExperimentSpec("variant", unit="user", time="day", cap_percentile=95), [m]), m
    )
    last = timeline.iloc[-1]
    assert last["lift"] == pytest.approx(res.variants[1].lift, abs=1e-9)


def test_binary_metrics_and_count_proportions_are_never_capped():
    df = pd.DataFrame(
        {"variant": ["A", "B"] * 100, "converted": [0, 1] * 100, "impressions": [100] * 200, "clicks": [3] * 200}
    )
    ms = [MetricSpec("converted"), MetricSpec("clicks", "impressions", name="CTR")]
    data = prepare(df, ExperimentSpec("variant", cap_percentile=50), ms)
    assert not data.caps and "converted" not in data.outliers and "clicks" not in data.outliers


def test_cumulative_lift_is_relative_like_the_table():
    rng = np.random.default_rng(3)
    n = 3000
    df = pd.DataFrame(
        {
            "variant": rng.choice(["A", "B"], n),
            "day": rng.choice(pd.date_range("2024-01-01", periods=5).astype(str), n),
            "y": rng.normal(10, 2, n),
        }
    )
    df.loc[df["variant"] == "B", "y"] += 0.5
    m = MetricSpec("y")
    data = prepare(df, ExperimentSpec("variant", time="day"), [m])
    timeline, res = cumulative_lift(data, m), analyze(data, m)
    last, b = timeline.iloc[-1], res.variants[1]
    assert last["relative_lift"] == pytest.approx(b.relative_lift)
    assert (last["relative_lift_ci_low"], last["relative_lift_ci_high"]) == pytest.approx(
        (b.relative_lift_ci_low, b.relative_lift_ci_high)
    )
    control = res.variants[0].mean
    assert last["sequential_relative_ci_low"] == pytest.approx(b.sequential_ci_low / control)
    assert (timeline["sequential_relative_ci_low"] <= timeline["relative_lift_ci_low"] + 1e-12).all()


def _planted_uplift(n: int = 4000, seed: int = 0):
    """Two variants; treatment lifts conversion by x (0 to 0.3) for a unit with feature x."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 0.3, n)
    variant = (rng.random(n) < 0.5).astype(int)
    y = (rng.random(n) < 0.1 + variant * x).astype(float)
    truth = np.c_[np.full(n, 0.1), 0.1 + x]  # predicted conversion under control, treatment
    noise = rng.random((n, 2))
    return truth, noise, variant, y, rng


def test_qini_difference_finds_the_model_that_knows_the_uplift():
    truth, noise, variant, y, _ = _planted_uplift()
    d = qini_difference(truth, noise, variant, y, n_boot=100)
    reference = qini_coefficient(truth[:, 1] - truth[:, 0], variant == 1, y) - qini_coefficient(
        noise[:, 1] - noise[:, 0], variant == 1, y
    )
    assert d.difference == pytest.approx(reference) and d.low < d.difference < d.high
    assert d.clear and d.low > 0
    assert mean_qini(truth, variant, y) == pytest.approx(qini_coefficient(truth[:, 1] - truth[:, 0], variant == 1, y))
    # a resample reweighs the sorted units instead of sorting again: weight 1 is the plain coefficient,
    # weight 2 on every unit (each unit twice) the coefficient of the doubled sample
    score = noise[:, 1] - noise[:, 0]
    order = np.argsort(-score, kind="stable")
    t, yy = variant[order] == 1, y[order]
    assert _weighted_qini(t, yy, np.ones(len(y))) == pytest.approx(qini_coefficient(score, variant == 1, y))
    doubled = qini_coefficient(np.repeat(score, 2), np.repeat(variant == 1, 2), np.repeat(y, 2))
    assert _weighted_qini(t, yy, np.full(len(y), 2.0)) == pytest.approx(doubled, rel=1e-3)


def test_two_uninformed_models_show_no_clear_difference():
    _, noise, variant, y, rng = _planted_uplift(seed=1)
    other = rng.random(noise.shape)
    d = qini_difference(noise, other, variant, y, n_boot=100)
    assert d.low < 0 < d.high and not d.clear


def test_outlier_check_on_big_columns_is_numpys_to_the_bit(monkeypatch):
    """On big columns the percentile comes from the top of the column only (a strided sample
    brackets it): the cap, the largest value, the units above the cap and their share must still
    be numpy's, bit for bit. The thresholds are lowered so that 50,000 values take that path."""
    from core.experiments import outliers

    monkeypatch.setattr(outliers, "SELECT_MIN_ROWS", 1000)
    monkeypatch.setattr(outliers, "SAMPLE_ROWS", 2000)
    rng = np.random.default_rng(5)
    n = 50_000
    columns = {
        "gamma with a whale": np.r_[rng.gamma(2.0, 15.0, n), 1e7],
        "counts with ties": rng.poisson(3.0, n).astype(float),
        "sorted descending": np.sort(rng.normal(size=n))[::-1].copy(),
        "negatives": rng.standard_cauchy(n),
        "with gaps": np.where(rng.random(n) < 0.1, np.nan, rng.exponential(5.0, n)),
    }
    for name, values in columns.items():
        x = values[~np.isnan(values)]
        assert len(outliers.percentile_and_tail(x, 99)[1]) < len(x)  # the top only, not a fallback
        for pct in (99, 95, 99.9, 50, 30, 100):
            check = outlier_check(values, name, pct)
            cap = np.percentile(x, pct)
            assert check.cap == cap, (name, pct)
            assert check.max == x.max() and check.n_above == int((x > cap).sum()), (name, pct)
            assert check.share_above == (x[x > cap] - cap).sum() / np.abs(x).sum(), (name, pct)
