"""core.experiments.view: the rules the A/B page used to hold (covariate, exposure, the standard
deviation behind the power calculator, when the sequential p-value is shown, capping) and the
display frames of both data sources, on the sample's ad_events and small planted frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.experiments.response import ResponseModelResult
from core.experiments.summary import DECISIONS
from core.experiments.uplift import QiniDifference
from core.experiments.view import (
    ABSettings,
    BadSplit,
    ab_choices,
    ab_view,
    filter_portfolio,
    interval_text,
    portfolio_frame,
    response_view,
    summary_columns,
)


@pytest.fixture(scope="module")
def ad_events(sample_ws) -> pd.DataFrame:
    return sample_ws.read("ad_events")


def _settings(**kw) -> ABSettings:
    base = dict(variant="variant", metric="converted", control="A", unit="user_id", source="ad_events")
    return ABSettings(**{**base, **kw})


def test_results_table_blank_control_and_sequential_only_with_time(ad_events):
    choices = ab_choices(ad_events)
    view = ab_view(ad_events, _settings(time="ts"), choices)
    t = view.table
    assert list(t["variant"]) == ["A", "B", "C"] and "expected_loss" in t and "sequential_p_value" in t
    control = t.iloc[0]
    assert pd.isna(control["relative_lift"]) and control["relative_lift_ci"] == "" and pd.isna(control["p_value"])
    assert view.sequential and view.timeline is not None and "relative_lift_ci_low" in view.timeline
    plain = ab_view(ad_events, _settings(), choices)
    assert "sequential_p_value" not in plain.table and not plain.sequential and plain.timeline is None
    b = plain.result.variants[1]
    assert t.iloc[1]["relative_lift_ci"] == interval_text(b.relative_lift_ci_low, b.relative_lift_ci_high)


def test_covariate_equal_to_the_metric_is_dropped_and_metric_titles_name_columns(ad_events):
    choices = ab_choices(ad_events)
    view = ab_view(ad_events, _settings(metric="revenue", covariate="revenue"), choices)
    assert view.result.covariate is None
    with_cov = ab_view(ad_events, _settings(metric="revenue", covariate="pre_spend"), choices)
    assert with_cov.result.covariate == "pre_spend"
    ctr = ab_view(ad_events, _settings(metric="CTR"), choices)
    assert ctr.metric_title == "CTR = clicks / impressions"
    assert ctr.funnel_steps == ["impressions", "clicks", "converted"]  # the file's own names
    assert {"variant", "impressions", "clicks", "converted", "ctr"} <= set(ctr.funnel.columns)


def test_power_defaults_recover_the_per_unit_sd(ad_events):
    view = ab_view(ad_events, _settings(metric="revenue"), ab_choices(ad_events))
    per_user = ad_events.groupby("user_id").agg(variant=("variant", "first"), revenue=("revenue", "sum"))
    control = per_user.loc[per_user["variant"] == "A", "revenue"]
    # the CI is a t interval: its width over 2 x 1.96 gives the sd to within the t/z ratio
    assert view.power.sd == pytest.approx(control.std(ddof=1), rel=0.01)
    assert view.power.baseline == pytest.approx(control.mean()) and view.power.n == len(control)
    assert ab_view(ad_events, _settings(), ab_choices(ad_events)).power.sd is None  # a proportion


def test_aggregated_rows_check_the_split_on_impressions_and_a_bad_split_is_refused():
    df = pd.DataFrame({"variant": ["A", "B"] * 2, "impressions": [1000, 1000, 1000, 3000], "clicks": [50, 60, 40, 150]})
    choices = ab_choices(df)
    view = ab_view(df, ABSettings(variant="variant", metric="CTR"), choices)
    assert view.result.srm.mismatch  # 2,000 vs 4,000 impressions on an equal split
    assert not ab_view(df, ABSettings(variant="variant", metric="CTR", split="1,2"), choices).result.srm.mismatch
    with pytest.raises(BadSplit):
        ab_view(df, ABSettings(variant="variant", metric="CTR", split="half"), choices)


def test_heavy_outliers_reported_then_capped_on_request():
    rng = np.random.default_rng(0)
    n = 2000
    df = pd.DataFrame({"userid": np.arange(n), "version": np.where(np.arange(n) % 2, "gate_40", "gate_30")})
    df["sum_gamerounds"] = rng.poisson(50, n).astype(float)
    df.loc[0, "sum_gamerounds"] = 49_854.0
    choices = ab_choices(df)
    s = ABSettings(variant="version", metric="sum_gamerounds", unit="userid")
    view = ab_view(df, s, choices)
    assert view.outliers is not None and view.outliers.max == 49_854.0 and view.capped is None
    capped = ab_view(df, ABSettings(**{**s.__dict__, "cap_percentile": 99.0}), choices)
    cap = np.percentile(df["sum_gamerounds"], 99)
    assert capped.capped is not None and capped.capped.cap == pytest.approx(cap)
    expected = df.assign(x=np.minimum(df["sum_gamerounds"], cap)).groupby("version")["x"].mean()
    assert capped.table.set_index("variant")["mean"].to_dict() == pytest.approx(expected.to_dict())


def test_summary_frames_filter_and_columns():
    port = pd.DataFrame(
        {
            "experiment": ["checkout", "search", "Checkout-2"],
            "metric": ["orders", "clicks", "revenue"],
            "variant": ["B", "B", "C"],
            "variants": [2, 2, 3],
            "units": [100, 200, 300],
            "relative_lift": [0.1, np.nan, -0.05],
            "relative_lift_ci_low": [0.01, np.nan, -0.1],
            "relative_lift_ci_high": [0.2, np.nan, 0.0],
            "p_value": [0.01, 1.0, 0.2],
            "p_value_fdr": [0.03, 1.0, 0.3],
            "sequential_p_value": [0.2, 1.0, 1.0],
            "higher_is_better": [True, True, False],
            "decision": ["ship", "keep_running", "no_difference"],
            "srm_mismatch": [False, True, False],
        }
    )
    assert list(filter_portfolio(port, DECISIONS, " checkout ")["experiment"]) == ["checkout", "Checkout-2"]
    assert list(filter_portfolio(port, ["ship"], "")["experiment"]) == ["checkout"]
    shown = portfolio_frame(port, checkpoints=False)
    assert "sequential_p_value" not in shown and list(shown["srm_mismatch"]) == ["", "⚠", ""]
    assert shown["relative_lift_ci"].tolist()[:2] == ["[+1.0%, +20.0%]", ""]
    assert shown["better"].tolist() == ["↑", "↑", "↓"]
    assert "sequential_p_value" in portfolio_frame(port, checkpoints=True)
    assert summary_columns({"variant": "v", "count": "n"}) is None
    cols = summary_columns({"variant": "v", "count": "n", "mean": "m", "sd": "s", "variance": "var"})
    assert cols is not None and cols.variance == "var" and cols.sd is None  # one spread column: the first


def _response(diff: QiniDifference | None) -> ResponseModelResult:
    seg = pd.DataFrame(
        {"feature": ["age"] * 2, "value": ["18-24"] * 2, "variant": ["A", "C"], "predicted": [0.1, 0.3]}
    ).assign(users=50, best=[False, True])
    return ResponseModelResult(
        qini={},
        auuc={},
        mean_qini={"din": 0.035, "logistic": 0.027},
        auc={"din": 0.7, "logistic": 0.68},
        segments=seg,
        trained=True,
        epochs_run=3,
        seconds=1.0,
        n_users=100,
        history_share=0.9,
        qini_difference=diff,
    )


def test_response_verdict_follows_the_interval_not_the_point_estimates():
    covers = response_view(_response(QiniDifference(0.008, -0.01, 0.02, 0.95, 200)))
    assert covers.verdict == "no_clear_difference"  # 0.035 > 0.027, but the interval covers 0
    assert response_view(_response(QiniDifference(0.008, 0.002, 0.02, 0.95, 200))).verdict == "better"
    assert response_view(_response(QiniDifference(-0.008, -0.02, -0.001, 0.95, 200))).verdict == "worse"
    assert response_view(_response(None)).verdict == "no_clear_difference"
    assert list(covers.best["best_variant"]) == ["C"] and list(covers.scores["response_model"]) == ["din", "logistic"]


def test_daily_count_rows_are_a_two_proportion_test():
    """Issue 11: one row per variant and day with impressions and clicks: the summed counts."""
    from statsmodels.stats.proportion import proportions_ztest

    df = pd.DataFrame(
        {
            "variant": ["A", "B", "A", "B"],
            "date": ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"],
            "impressions": [500] * 4,
            "clicks": [20, 35, 30, 45],
        }
    )
    view = ab_view(df, ABSettings(variant="variant", metric="CTR"), ab_choices(df))
    _, p = proportions_ztest([80, 50], [1000, 1000])
    assert list(view.table["n"]) == [1000, 1000] and view.table["p_value"].iloc[1] == pytest.approx(p, abs=1e-6)
