"""The A/B engine against reference libraries (statsmodels, scipy) on cookie_cats.csv, to 1e-6."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from core.experiments.analysis import ExperimentSpec, MetricSpec, analyze_metrics, prepare
from core.experiments.corrections import adjust_p_values
from core.experiments.power import minimum_detectable_effect, power_for, sample_size

TOL = 1e-6


@pytest.fixture(scope="module")
def cookie_cats(shared_datasets) -> pd.DataFrame:
    return pd.read_csv(shared_datasets / "cookie_cats" / "cookie_cats.csv")


@pytest.fixture(scope="module")
def cookie_results(cookie_cats):
    metrics = [MetricSpec("retention_1"), MetricSpec("retention_7"), MetricSpec("sum_gamerounds")]
    data = prepare(cookie_cats, ExperimentSpec("version", unit="userid", source="cookie_cats.csv"), metrics)
    return {r.metric: r for r in analyze_metrics(data, metrics)}


@pytest.mark.parametrize("metric", ["retention_1", "retention_7"])
def test_proportions_match_statsmodels(cookie_cats, cookie_results, metric):
    res = cookie_results[metric]
    assert res.kind == "proportion" and res.control == "gate_30"
    groups = {v: g[metric].astype(float).to_numpy() for v, g in cookie_cats.groupby("version")}
    xa, na = groups["gate_30"].sum(), groups["gate_30"].size
    xb, nb = groups["gate_40"].sum(), groups["gate_40"].size
    control, treat = res.variants
    assert (control.n, treat.n) == (44700, 45489)  # README's group sizes
    assert control.mean == pytest.approx(xa / na, abs=TOL)
    for row, x, n in [(control, xa, na), (treat, xb, nb)]:
        lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), abs=TOL)
    _, p = proportions_ztest([xb, xa], [nb, na])  # pooled two-proportion z-test
    assert treat.p_value == pytest.approx(p, abs=TOL)
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff")
    assert (treat.lift_ci_low, treat.lift_ci_high) == pytest.approx((lo, hi), abs=TOL)
    assert treat.lift == pytest.approx(xb / nb - xa / na, abs=TOL)


def test_published_cookie_cats_numbers(cookie_results):
    r1, r7 = cookie_results["retention_1"], cookie_results["retention_7"]
    assert [round(v.mean * 100, 2) for v in r1.variants] == [44.82, 44.23]
    assert [round(v.mean * 100, 2) for v in r7.variants] == [19.02, 18.20]
    assert r1.srm.p_value == pytest.approx(0.0086, abs=5e-4)  # README: p ~ 0.009
    assert not r1.srm.mismatch and r1.srm.mild  # shown calmly, not an alarm
    assert {n.code for n in r1.notices} == {"srm_mild"}


def test_srm_matches_scipy(cookie_results):
    srm = cookie_results["retention_1"].srm
    chi2, p = st.chisquare([44700, 45489])
    assert srm.p_value == pytest.approx(p, abs=TOL) and srm.chi2 == pytest.approx(chi2, abs=TOL)


def test_means_match_scipy_welch(cookie_cats, cookie_results):
    res = cookie_results["sum_gamerounds"]
    assert res.kind == "mean"
    a = cookie_cats.loc[cookie_cats.version == "gate_30", "sum_gamerounds"].to_numpy(float)
    b = cookie_cats.loc[cookie_cats.version == "gate_40", "sum_gamerounds"].to_numpy(float)
    control, treat = res.variants
    for row, x in [(control, a), (treat, b)]:
        assert row.mean == pytest.approx(x.mean(), abs=TOL)
        assert (row.ci_low, row.ci_high) == pytest.approx(DescrStatsW(x).tconfint_mean(0.05), abs=TOL)
    assert treat.p_value == pytest.approx(st.ttest_ind(b, a, equal_var=False).pvalue, abs=TOL)
    lo, hi = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(alpha=0.05, usevar="unequal")
    assert (treat.lift_ci_low, treat.lift_ci_high) == pytest.approx((lo, hi), abs=TOL)


def test_corrections_match_multipletests(cookie_results):
    from statsmodels.stats.multitest import multipletests

    rows = [r.variants[1] for r in cookie_results.values()]
    raw = [v.p_value for v in rows]
    assert [v.p_value_holm for v in rows] == pytest.approx(multipletests(raw, method="holm")[1], abs=1e-12)
    assert [v.p_value_bh for v in rows] == pytest.approx(multipletests(raw, method="fdr_bh")[1], abs=1e-12)
    assert all(v.p_value <= v.p_value_bh and v.p_value <= v.p_value_holm for v in rows)
    mixed = adjust_p_values([np.nan, 0.01, 0.04], "holm")
    assert np.isnan(mixed[0]) and mixed[1:] == pytest.approx([0.02, 0.04])


def test_power_matches_statsmodels():
    from statsmodels.stats.power import NormalIndPower

    ref = NormalIndPower()
    mde = minimum_detectable_effect(10_000, baseline=0.2)
    assert ref.power(effect_size=mde.mde / mde.sd, nobs1=10_000, alpha=0.05, ratio=1) == pytest.approx(0.8, abs=1e-9)
    n = sample_size(0.01, baseline=0.2)
    assert n.n_per_variant == pytest.approx(
        ref.solve_power(effect_size=0.01 / 0.4, nobs1=None, alpha=0.05, power=0.8, ratio=1), rel=1e-6
    )
    # means: sd given explicitly
    assert power_for(2.0, 500, sd=10.0) == pytest.approx(ref.power(0.2, nobs1=500, alpha=0.05), abs=1e-12)


def test_corrections_match_multipletests_on_random_families():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(0)
    for m in (1, 2, 5, 17, 60):
        p = np.concatenate([rng.uniform(size=m - m // 3), rng.uniform(0, 0.01, m // 3)])
        p[rng.integers(0, m)] = p[0]  # ties
        assert adjust_p_values(p, "holm") == pytest.approx(multipletests(p, method="holm")[1], abs=1e-12)
        assert adjust_p_values(p, "bh") == pytest.approx(multipletests(p, method="fdr_bh")[1], abs=1e-12)


def test_power_plan_matches_statsmodels():
    from statsmodels.stats.power import NormalIndPower

    from core.experiments.power import power_plan

    plan = power_plan(5000, 0.1, None, 0.1, alpha=0.05)
    sd = np.sqrt(0.1 * 0.9)
    need = NormalIndPower().solve_power(effect_size=0.01 / sd, alpha=0.05, power=0.8, ratio=1.0)
    assert plan.n_needed == int(np.ceil(need))
    at_mde = NormalIndPower().power(effect_size=plan.mde.mde / sd, nobs1=5000, alpha=0.05, ratio=1.0)
    assert at_mde == pytest.approx(0.8, abs=1e-6)
    assert plan.powers[0] == pytest.approx(0.05, abs=1e-9) and list(plan.powers) == sorted(plan.powers)
