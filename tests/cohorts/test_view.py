"""The churn view's rules (core.cohorts.view) on small planted data: any column names, the day-0
share of the survival curves, risk groupings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.cohorts.view import ChurnSettings, churn_options, churn_view, model_data, upload_mode, upload_source


def _event_log(seed: int = 0) -> tuple[pd.DataFrame, int]:
    """Purchases of 120 customers over 200 days; the first 30 buy once, early, and never return."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2025-01-01")
    for c in range(120):
        if c < 30:
            rows.append((f"k{c}", start + pd.Timedelta(days=int(rng.integers(0, 40))), 10.0))
            continue
        first = int(rng.integers(0, 60))
        for d in sorted(rng.integers(first, 200, size=int(rng.integers(3, 12)))):
            rows.append((f"k{c}", start + pd.Timedelta(days=int(d)), float(rng.integers(1, 50))))
    frame = pd.DataFrame(rows, columns=["Kunde", "Datum", "Betrag"])
    frame["Datum"] = frame["Datum"].dt.strftime("%Y-%m-%d")
    return frame, 30


def test_upload_mode():
    assert upload_mode("ts", None) == "events" and upload_mode("ts", "label") == "events"
    assert upload_mode(None, "label") == "snapshot" and upload_mode(None, None) is None


def test_event_log_with_its_own_column_names_and_the_day_zero_share():
    frame, once = _event_log()
    source = upload_source(frame, "kunden.csv", "Kunde", "Datum", None, ("k",))
    options = churn_options(source)
    assert options.bases == ("first_activity",) and options.groups == ("cohort", "all")
    view = churn_view(source, ChurnSettings(period="month", group="all", inactive_days=30))
    # users seen on a single day whose last activity is over 30 days before the log's end churned at day 0
    per_user = source.activity.groupby("user_id")["ts"].agg(["min", "max"])
    end = source.activity["ts"].max()
    zero = ((per_user["max"] == per_user["min"]) & (end - per_user["max"] > pd.Timedelta(days=30))).mean()
    assert view.day_zero_share == float(zero) and view.day_zero_share >= once / 120
    first = view.survival.curves.sort_values("time").iloc[0]
    assert first["time"] == 0 and abs(first["survival"] - (1 - view.day_zero_share)) < 1e-9  # the curve's start
    assert view.retention is not None and int(view.retention.sizes.sum()) == 120
    data = model_data(source, None, 30)
    assert "total_Betrag" in data.train.features.table.columns  # amounts summed, whatever their name
    assert data.label_rate == float(data.train.labels.mean()) and data.score.labels is None


def test_snapshot_without_telco_columns():
    rng = np.random.default_rng(1)
    n = 300
    plan = rng.choice(["monthly", "yearly"], n)
    months = rng.integers(0, 60, n)
    left = (rng.random(n) < np.where(plan == "monthly", 0.5, 0.1)).astype(int)
    frame = pd.DataFrame(
        {"kunde": [f"u{i}" for i in range(n)], "plan": plan, "months_active": months, "left": left, "x": rng.random(n)}
    )
    source = upload_source(frame, "s.csv", "kunde", None, "left", ("s",))
    options = churn_options(source)
    assert source.mode == "snapshot" and "plan" in options.groups and options.bases == ()
    assert options.default_duration in options.durations
    view = churn_view(source, ChurnSettings(group="plan", duration="months_active"))
    assert view.retention is None and set(view.survival.curves["group"]) == {"monthly", "yearly"}
    expected = float(((frame["months_active"] <= 0) & (frame["left"] == 1)).mean())
    assert abs(view.day_zero_share - expected) < 1e-12
