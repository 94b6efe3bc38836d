"""A metric's direction: where a fall is good news (costs, churn, refunds ...) the verdict, the
chance to beat control and every decision read it that way; the name gives the default, the
analyst has the last word, and every output says which direction was used."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError
from core.experiments import analysis as ab
from core.experiments import summary as sm
from core.experiments.columns import guess_roles


@pytest.mark.parametrize(
    "name",
    [
        "cost",
        "CPA",
        "cost_per_order",
        "churn_rate",
        "bounce_rate",
        "refunds",
        "errors",
        "load_time",
        "流失率",
        "退款金额",
        "获客成本",
    ],
)
def test_costs_losses_and_failures_are_lower_is_better(name):
    assert ab.higher_is_better(name) is False
    assert ab.higher_is_better(name, higher=[name]) is True  # the analyst's word wins


@pytest.mark.parametrize("name", ["revenue", "CTR", "retention_7", "clicks", "time_on_site", "转化率", "留存"])
def test_other_metrics_are_higher_is_better(name):
    assert ab.higher_is_better(name) is True
    assert ab.higher_is_better(name, lower=[name]) is False


def _summaries() -> pd.DataFrame:
    # one experiment, two metrics: B cuts the cost per order (a clear fall) and the revenue (a clear fall)
    return pd.DataFrame(
        {
            "metric": ["cost_per_order", "cost_per_order", "revenue", "revenue"],
            "variant": ["A", "B", "A", "B"],
            "n": [4000, 4000, 4000, 4000],
            "mean": [10.0, 9.0, 20.0, 19.0],
            "sd": [5.0, 5.0, 8.0, 8.0],
        }
    )


def _table():
    cols = sm.SummaryColumns(variant="variant", count="n", mean="mean", sd="sd", metric="metric")
    return sm.read_summary(_summaries(), cols, "s.csv")


def test_a_fall_in_a_cost_ships_and_a_fall_in_revenue_stops():
    table = _table()
    port = sm.portfolio_table(table).set_index("metric")
    assert port.loc["cost_per_order", "relative_lift"] < 0 and port.loc["cost_per_order", "p_value"] < 1e-6
    assert port.loc["cost_per_order", ["higher_is_better", "decision"]].tolist() == [False, "ship"]
    assert port.loc["revenue", ["higher_is_better", "decision"]].tolist() == [True, "stop_for_harm"]
    # the experiment's own table agrees, and chance to beat control follows the direction
    (exp,) = sm.analyze_summary(table)
    mt = sm.metrics_table(exp).query("not is_control").set_index("metric")
    assert mt.loc["cost_per_order", "decision"] == "ship" and mt.loc["revenue", "decision"] == "stop_for_harm"
    assert mt.loc["cost_per_order", "prob_beat_control"] > 0.99 > 0.01 > mt.loc["revenue", "prob_beat_control"]
    # said otherwise: both read as higher-is-better, the cost's fall becomes harm
    spec = sm.SummarySpec(higher_is_better=("cost_per_order", "revenue"))
    port = sm.portfolio_table(table, spec).set_index("metric")
    assert port.loc["cost_per_order", ["higher_is_better", "decision"]].tolist() == [True, "stop_for_harm"]


def test_unit_rows_verdict_follows_the_direction():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"variant": np.repeat(["A", "B"], 3000)})
    df["refunded"] = (rng.random(len(df)) < np.where(df["variant"] == "A", 0.10, 0.06)).astype(int)
    spec = ab.ExperimentSpec(variant="variant")
    for metric, want in (
        (ab.MetricSpec("refunded", higher_is_better=False), "winner"),
        (ab.MetricSpec("refunded"), "control_wins"),
    ):
        result = ab.analyze(ab.prepare(df, spec, [metric]), metric)
        assert ab.verdict(result).status == want
        assert result.to_dict()["higher_is_better"] is metric.higher_is_better
    offered = {m.label: m for m in ab.metric_choices(guess_roles(df), "variant")}
    assert offered["refunded"].higher_is_better is False  # the page starts from the name's guess


def test_direction_names_must_be_metrics_and_not_both():
    with pytest.raises(ConfigError, match="no metric named 'cost_per_ordr'"):
        ab.check_direction_names(["cost_per_order", "revenue"], ["cost_per_ordr"], [])
    with pytest.raises(ConfigError, match="both lower- and higher-is-better"):
        ab.check_direction_names(["revenue"], ["revenue"], ["revenue"])
