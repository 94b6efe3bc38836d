"""Known answers for what no library computes the same way: Bayesian chance to beat (vs Monte
Carlo), CUPED (known correlation), delta-method ratios (vs the spread of simulated estimates),
the always-valid sequential test (vs peeking), summability, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError, InputError
from core.experiments.analysis import ExperimentSpec, MetricSpec, analyze, cumulative_lift, prepare, verdict
from core.experiments.columns import guess_roles, metric_values
from core.experiments.inference import (
    CompareConfig,
    beta_chance_and_loss,
    compare,
    normal_chance_and_loss,
    sequential_halfwidth,
    sequential_p_value,
)
from core.experiments.statistics import ProportionStatistic, SampleMeanStatistic, mean_from_values, ratio_from_values


@pytest.mark.parametrize("a,b", [((30, 70), (40, 60)), ((401, 9601), (450, 9552)), ((5, 3), (2, 9))])
def test_beta_chance_and_loss_match_monte_carlo(a, b):
    rng = np.random.default_rng(1)
    c = rng.beta(*a, 2_000_000)
    t = rng.beta(*b, 2_000_000)
    chance, loss_t, loss_c = beta_chance_and_loss(*a, *b)
    assert chance == pytest.approx((t > c).mean(), abs=2e-3)
    assert loss_t == pytest.approx(np.maximum(c - t, 0).mean(), rel=2e-2, abs=1e-5)
    assert loss_c == pytest.approx(np.maximum(t - c, 0).mean(), rel=2e-2, abs=1e-5)


def test_normal_chance_and_loss_match_monte_carlo():
    rng = np.random.default_rng(2)
    d = rng.normal(0.3, 1.1, 2_000_000)
    chance, loss_t, loss_c = normal_chance_and_loss(0.3, 1.1)
    assert chance == pytest.approx((d > 0).mean(), abs=2e-3)
    assert loss_t == pytest.approx(np.maximum(-d, 0).mean(), rel=1e-2)
    assert loss_c == pytest.approx(np.maximum(d, 0).mean(), rel=1e-2)


def test_statistics_add_up():
    rng = np.random.default_rng(3)
    x = rng.normal(size=1000)
    whole = mean_from_values(x)
    parts = mean_from_values(x[:300]) + mean_from_values(x[300:])
    assert parts.n == whole.n and parts.variance == pytest.approx(whole.variance)
    assert parts.variance == pytest.approx(np.var(x, ddof=1))
    with pytest.raises(TypeError):
        _ = whole + ProportionStatistic(10, 3)


def _cuped_frame(rho: float, n: int = 20_000, effect: float = 0.05, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pre = rng.normal(size=n)
    post = rho * pre + np.sqrt(1 - rho**2) * rng.normal(size=n)
    variant = np.where(np.arange(n) % 2 == 0, "control", "treatment")
    post = post + effect * (variant == "treatment")
    return pd.DataFrame({"variant": variant, "y": post, "pre": pre})


def test_cuped_reduces_variance_by_rho_squared():
    df = _cuped_frame(rho=0.7)
    m = MetricSpec("y")
    plain = analyze(prepare(df, ExperimentSpec("variant"), [m]), m)
    cuped = analyze(prepare(df, ExperimentSpec("variant", covariate="pre"), [m]), m)
    assert cuped.covariate == "pre" and cuped.cuped_theta == pytest.approx(0.7, abs=0.03)
    assert cuped.variance_reduction == pytest.approx(0.49, abs=0.03)  # 1 - Var_cuped/Var = rho^2
    w_plain = plain.variants[1].lift_ci_high - plain.variants[1].lift_ci_low
    w_cuped = cuped.variants[1].lift_ci_high - cuped.variants[1].lift_ci_low
    assert w_cuped / w_plain == pytest.approx(np.sqrt(1 - 0.49), abs=0.03)
    # the adjusted estimate agrees with OLS of y on treatment and the covariate
    import statsmodels.formula.api as smf

    ols = smf.ols("y ~ C(variant) + pre", data=df).fit()
    assert cuped.variants[1].lift == pytest.approx(ols.params["C(variant)[T.treatment]"], abs=2e-3)


def test_cuped_does_nothing_without_correlation():
    m = MetricSpec("y")
    res = analyze(prepare(_cuped_frame(rho=0.0), ExperimentSpec("variant", covariate="pre"), [m]), m)
    assert abs(res.variance_reduction) < 0.01


def test_ratio_delta_method_matches_simulated_spread():
    rng = np.random.default_rng(5)
    reps, n = 3000, 400
    imps = rng.poisson(20, size=(reps, n)) + 1
    ctr = rng.beta(2, 18, size=(reps, n))  # per-unit click propensity: clustered clicks
    clicks = rng.binomial(imps, ctr)
    estimates = clicks.sum(1) / imps.sum(1)
    stats = [ratio_from_values(clicks[i], imps[i]) for i in range(300)]
    predicted_var = np.mean([s.variance / s.n for s in stats])
    assert np.sqrt(predicted_var) == pytest.approx(estimates.std(ddof=1), rel=0.05)
    s = stats[0]
    naive_se = np.sqrt(s.mean * (1 - s.mean) / imps[0].sum())  # a binomial over impressions ignores clustering
    assert naive_se < 0.8 * estimates.std(ddof=1)


def test_sequential_interval_is_wider_and_dual_to_its_p_value():
    a, b = SampleMeanStatistic(3000, 1400.0, 52000.0), SampleMeanStatistic(3500, 2500.0, 135000.0)
    c = compare(a, b, CompareConfig(sequential_tuning=1000))
    assert c.sequential_ci_low < c.lift_ci_low and c.sequential_ci_high > c.lift_ci_high
    assert c.sequential_p_value >= c.p_value
    # p-value = alpha exactly where the band's edge touches zero
    var = c.lift_se**2
    half = sequential_halfwidth(var, 6500, 0.05, 1000)
    assert sequential_p_value(half, var, 6500, 0.05, 1000) == pytest.approx(0.05, rel=1e-9)


def test_sequential_test_survives_daily_peeking():
    """A/A tests looked at 20 times: the fixed test's false positives balloon, the sequential
    test's stay at most alpha."""
    rng = np.random.default_rng(6)
    sims, looks, per_look = 200, 20, 100
    fixed_hits = seq_hits = 0
    cfg = CompareConfig(sequential_tuning=looks * per_look * 2, bayesian=False)
    for _ in range(sims):
        a = rng.normal(size=(looks, per_look))
        b = rng.normal(size=(looks, per_look))
        ca, cb = np.cumsum(a.sum(1)), np.cumsum(b.sum(1))
        qa, qb = np.cumsum((a * a).sum(1)), np.cumsum((b * b).sum(1))
        ns = per_look * np.arange(1, looks + 1)
        ps = [
            compare(SampleMeanStatistic(n, sa, ssa), SampleMeanStatistic(n, sb, ssb), cfg)
            for n, sa, ssa, sb, ssb in zip(ns, ca, qa, cb, qb)
        ]
        fixed_hits += any(c.p_value < 0.05 for c in ps)
        seq_hits += any(c.sequential_p_value < 0.05 for c in ps)
    assert fixed_hits / sims > 0.12
    assert seq_hits / sims <= 0.05


def test_metric_values_parse_binary_words_and_reject_text():
    x, binary = metric_values(pd.Series(["Yes", "no", "YES", None]), "m")
    assert binary and np.array_equal(x[:3], [1, 0, 1]) and np.isnan(x[3])
    x, binary = metric_values(pd.Series(["TRUE", "FALSE"]), "m")
    assert binary and list(x) == [1, 0]
    x, binary = metric_values(pd.Series(["1.5", "2"]), "m")
    assert not binary and list(x) == [1.5, 2.0]
    with pytest.raises(InputError, match=r"column 'm'.*row 2"):
        metric_values(pd.Series(["1", "lots", "3"]), "m", "f.csv")


def test_bad_input_is_named():
    df = pd.DataFrame({"v": ["a", "a", "b", "b"], "y": [1, 0, 1, 1]})
    m = MetricSpec("y")
    with pytest.raises(InputError, match="at least two variants, found only 'a'"):
        prepare(df.assign(v="a"), ExperimentSpec("v"), [m])
    with pytest.raises(ConfigError, match="control 'zz' is not a variant"):
        prepare(df, ExperimentSpec("v", control="zz"), [m])
    with pytest.raises(InputError, match="column 'nope'"):
        prepare(df, ExperimentSpec("v"), [MetricSpec("nope")])
    with pytest.raises(InputError, match="variant 'b' has no values"):
        prepare(df.assign(y=[1, 0, None, None]), ExperimentSpec("v"), [m])
    many = pd.DataFrame({"id": [f"u{i}" for i in range(30)], "y": [0, 1] * 15})
    with pytest.raises(InputError, match="column 'id': has 30 distinct values"):
        prepare(many, ExperimentSpec("id"), [m])
    with pytest.raises(InputError, match="no rows"):
        prepare(df.iloc[:0], ExperimentSpec("v"), [m])


def test_missing_metric_values_are_counted():
    df = pd.DataFrame({"v": ["A", "B"] * 150, "y": [1.0, 0.0, np.nan] * 100})
    res = analyze(prepare(df, ExperimentSpec("v"), [MetricSpec("y")]), MetricSpec("y"))
    assert sum(v.n for v in res.variants) == 200 and res.srm.observed == (150, 150)
    assert [n.params for n in res.notices if n.code == "dropped_missing_metric"] == [{"rows": 100, "metric": "y"}]


def test_units_in_two_variants_are_dropped_and_rows_summed():
    df = pd.DataFrame(
        {
            "user": ["u1", "u1", "u2", "u3", "u3", "u4"],
            "v": ["A", "A", "B", "A", "B", "B"],
            "conv": [0, 1, 0, 1, 1, 0],
            "rev": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    data = prepare(df, ExperimentSpec("v", unit="user"), [MetricSpec("conv"), MetricSpec("rev")])
    assert [n.code for n in data.notices] == ["mixed_units"]
    assert data.units.tolist() == [1, 2]  # u1 in A; u2, u4 in B; u3 dropped
    assert sorted(data.values["rev"].tolist()) == [3.0, 3.0, 6.0] and data.binary["conv"]


def test_guess_roles_on_shared_files(shared_datasets):
    cookie = guess_roles(pd.read_csv(shared_datasets / "cookie_cats" / "cookie_cats.csv", nrows=500))
    assert (cookie.variant, cookie.unit) == ("version", "userid")
    assert cookie.metrics[:2] == ["retention_1", "retention_7"]
    kag = guess_roles(pd.read_csv(shared_datasets / "fb_ad_conversion" / "KAG_conversion_data.csv"))
    assert (kag.impressions, kag.clicks, kag.spend) == ("Impressions", "Clicks", "Spent")
    assert kag.conversions == "Approved_Conversion" and {"age", "gender"} <= set(kag.segments)


def test_srm_alarm_makes_the_test_unhealthy():
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"v": ["A"] * 5000 + ["B"] * 5400, "y": rng.integers(0, 2, 10400)})
    m = MetricSpec("y")
    res = analyze(prepare(df, ExperimentSpec("v"), [m]), m)
    assert res.srm.mismatch and res.notices[0].code == "srm"
    assert verdict(res).status == "unhealthy"
    planned = analyze(prepare(df, ExperimentSpec("v", weights=(50, 54)), [m]), m)
    assert not planned.srm.mismatch and planned.srm.p_value > 0.5


def test_duckdb_and_numpy_sums_agree(monkeypatch):
    from core.experiments import analysis

    rng = np.random.default_rng(8)
    df = pd.DataFrame(
        {
            "v": rng.choice(["A", "B", "C"], 5000),
            "y": rng.integers(0, 2, 5000),
            "r": rng.gamma(2, 3, 5000),
            "pre": rng.normal(size=5000),
            "den": rng.integers(1, 9, 5000),
            "t": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 5, 5000), unit="D"),
        }
    )
    metrics = [MetricSpec("y"), MetricSpec("r"), MetricSpec("r", "den")]
    spec = ExperimentSpec("v", covariate="pre", time="t")
    small_data = prepare(df, spec, metrics)
    small = analysis.analyze_metrics(small_data, metrics)
    small_timeline = cumulative_lift(small_data, metrics[1])
    monkeypatch.setattr(analysis, "DUCKDB_MIN_ROWS", 10)
    data = prepare(df, spec, metrics)
    big = analysis.analyze_metrics(data, metrics)  # one prefetched DuckDB scan for all metrics
    assert len(data.prefetched["sums"]) == 3
    assert "units" in vars(data)  # the scan counted the units per variant (SRM) as well
    assert np.array_equal(data.units, np.bincount(data.codes, minlength=3))
    single = [analyze(prepare(df, spec, metrics), m) for m in metrics]  # one DuckDB scan per metric
    # the timeline groups by day too: it must not reuse the whole-test prefetched sums
    pd.testing.assert_frame_equal(small_timeline, cumulative_lift(data, metrics[1]), rtol=1e-9)
    for a, b, c in zip(small, big, single):
        for va, vb, vc in zip(a.variants, b.variants, c.variants):
            assert va.n == vb.n == vc.n and va.mean == pytest.approx(vb.mean, rel=1e-12)
            if not va.is_control:
                assert va.p_value == pytest.approx(vb.p_value, rel=1e-9)
                assert va.p_value == pytest.approx(vc.p_value, rel=1e-9)
