"""Churn labels around the cutoff, label parsing, and per-user features (with a leakage check)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cohorts.features import event_features, snapshot_features
from core.cohorts.labels import churn_labels_from_activity, default_cutoff, parse_churn_labels
from core.errors import ConfigError, InputError


def _log(rows):
    return pd.DataFrame(rows, columns=["user_id", "ts"]).assign(ts=lambda d: pd.to_datetime(d["ts"], format="mixed"))


def test_labels_around_the_cutoff():
    log = _log(
        [
            ("stays", "2024-03-01"),
            ("stays", "2024-03-31"),  # back on day 30 after the cutoff: retained
            ("late", "2024-02-20"),
            ("late", "2024-04-01 00:00:01"),  # back just after the window: churned
            ("edge", "2024-03-01 00:00:00"),  # active exactly at the cutoff only: churned
            ("new", "2024-03-10"),  # first seen after the cutoff: not labelled
            ("x", "2024-04-20"),
        ]
    )
    labels = churn_labels_from_activity(log, "2024-03-01", inactive_days=30)
    assert labels.to_dict() == {"edge": 1, "late": 1, "stays": 0}
    # signup times decide who is labelled when known
    signup = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-05"]), index=["stays", "new"])
    assert churn_labels_from_activity(log, "2024-03-01", 30, signup=signup).to_dict() == {"stays": 0}
    with pytest.raises(ConfigError, match="before the end"):
        churn_labels_from_activity(log, "2024-04-10", inactive_days=30)
    assert default_cutoff(log, 30) == pd.Timestamp("2024-03-22")


@pytest.mark.parametrize(
    "values,expected",
    [
        (["Yes", "No", "yes "], [1, 0, 1]),
        (["true", "FALSE", "True"], [1, 0, 1]),
        (["1", "0", "0"], [1, 0, 0]),
        ([1, 0, 1], [1, 0, 1]),
        ([True, False, False], [1, 0, 0]),
    ],
)
def test_parse_labels(values, expected):
    assert parse_churn_labels(pd.Series(values)).tolist() == expected


def test_parse_labels_errors_name_column_and_row():
    with pytest.raises(InputError, match=r"t\.csv, column 'Churn', row 3: .*'maybe'"):
        parse_churn_labels(pd.Series(["Yes", "maybe"]), column="Churn", source="t.csv")
    with pytest.raises(InputError, match="single class"):
        parse_churn_labels(pd.Series(["No", "No"]))


def test_event_features_by_hand():
    cutoff = pd.Timestamp("2024-03-01")
    log = _log([("a", "2024-02-29 12:00"), ("a", "2024-02-28"), ("a", "2024-01-05"), ("b", "2024-02-01")])
    f = event_features(log, cutoff, weeks=8)
    t = f.table
    assert t.loc["a", "recency_days"] == pytest.approx(0.5)
    assert t.loc["a", "frequency"] == 3 and t.loc["b", "frequency"] == 1
    assert t.loc["a", "tenure_days"] == pytest.approx(56.0)
    assert t.loc["b", "recency_days"] == pytest.approx(29.0)
    # weeks oldest first; (cutoff-7d, cutoff] is the last column
    # 8 weeks = (2024-01-05, 2024-03-01]; 2024-01-05 is exactly 56 days back, the first week's end
    assert f.timeline[list(t.index).index("a")].tolist() == [1, 0, 0, 0, 0, 0, 0, 2]
    assert f.timeline[list(t.index).index("b")].tolist() == [0, 0, 0, 1, 0, 0, 0, 0]  # 29 days back
    assert f.week_starts[0] == pd.Timestamp("2024-01-05") and f.week_starts[-1] == pd.Timestamp("2024-02-23")
    assert t.loc["a", "activity_trend"] > 0 > t.loc["b", "activity_trend"]


def test_no_leakage_of_post_cutoff_rows(sample_tables, sample_churn):
    """Adding, removing or changing anything dated after the cutoff must not change a single feature."""
    cutoff = sample_churn.cutoff
    tables = {k: v.copy() for k, v in sample_tables.items()}
    rng = np.random.default_rng(0)
    users = sample_churn.labels.index.to_numpy()
    for name, col in (("interactions", "ts"), ("posts", "ts"), ("edges", "ts")):
        t = tables[name]
        after = t[t[col] > cutoff]
        t = t[t[col] <= cutoff]
        flood = after.sample(n=len(after), replace=True, random_state=0).copy()
        flood[col] = cutoff + pd.to_timedelta(rng.integers(1, 40 * 86400, len(flood)), unit="s")
        if name == "edges":
            flood["src"] = rng.choice(users, len(flood))
        else:
            flood["user_id"] = rng.choice(users, len(flood))
        if name == "posts" and "label" in flood:
            flood["label"] = "negative"
        tables[name] = pd.concat([t, flood], ignore_index=True)
    activity = pd.concat([tables["interactions"][["user_id", "ts"]], tables["posts"][["user_id", "ts"]]])
    again = event_features(
        activity,
        cutoff,
        users=tables["users"],
        posts=tables["posts"],
        edges=tables["edges"],
        user_ids=sample_churn.labels.index,
    )
    pd.testing.assert_frame_equal(again.table, sample_churn.features.table)
    np.testing.assert_array_equal(again.timeline, sample_churn.features.timeline)


def test_sample_labels_match_ground_truth(sample_churn, ground_truth):
    truth = ground_truth["churn"]
    assert sample_churn.cutoff == pd.Timestamp(truth["cutoff"])
    expected = pd.Series(truth["churned"]).sort_index()
    got = sample_churn.labels.reindex(expected.index)
    assert (got == expected).all()
    t = sample_churn.features.table
    assert {"post_sentiment", "negative_post_share", "social_degree", "community", "segment", "region"} <= set(t)
    # the planted drivers show in the raw features: churners' activity falls, their posts are sadder
    y = sample_churn.labels.reindex(t.index)
    assert t.loc[y == 1, "activity_trend"].mean() < t.loc[y == 0, "activity_trend"].mean() - 0.3
    assert t.loc[y == 1, "post_sentiment"].mean() < t.loc[y == 0, "post_sentiment"].mean()
    assert t.loc[y == 1, "social_degree"].median() < t.loc[y == 0, "social_degree"].median()


def test_snapshot_features_on_telco(shared_datasets):
    df = pd.read_csv(shared_datasets / "telco_churn" / "Telco-Customer-Churn.csv")
    f = snapshot_features(df, "customerID", exclude=("Churn",))
    assert f.numeric == ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
    assert "Contract" in f.categorical and "Churn" not in f.categorical
    assert f.table["TotalCharges"].isna().sum() == 11  # the blanks stay missing, not zero
    assert f.n_weeks == 0
    with pytest.raises(InputError, match="unique"):
        snapshot_features(pd.concat([df.head(3), df.head(1)]), "customerID")
