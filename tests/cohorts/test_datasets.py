"""Reading uploads and guessing their roles on the three public churn/cohort files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cohorts.datasets import (
    event_log_csv_dataset,
    event_log_dataset,
    guess_churn_columns,
    numeric_value_columns,
    read_csv_bytes,
)
from core.cohorts.retention import retention_matrix
from core.errors import InputError


def _head(path, n=300) -> bytes:
    return b"\n".join(path.read_bytes().splitlines()[: n + 1])


def test_guesses_on_public_files(shared_datasets):
    telco = read_csv_bytes(_head(shared_datasets / "telco_churn" / "Telco-Customer-Churn.csv"), "telco.csv")
    g = guess_churn_columns(telco)
    assert (g.id, g.time, g.label) == ("customerID", None, "Churn")
    cdnow = read_csv_bytes(_head(shared_datasets / "cdnow" / "CDNOW_master.txt"), "CDNOW_master.txt")
    assert list(cdnow.columns) == ["customer_id", "date", "number_of_cds", "dollar_value"]  # whitespace-separated
    g = guess_churn_columns(cdnow)
    assert (g.id, g.time, g.label) == ("customer_id", "date", None)
    retail = read_csv_bytes(_head(shared_datasets / "online_retail_cohorts" / "online_cohorts.csv"), "r.csv")
    g = guess_churn_columns(retail)
    assert (g.id, g.time) == ("CustomerID", "InvoiceDate")


def test_online_retail_cohort_sizes_match_readme(shared_datasets):
    df = read_csv_bytes((shared_datasets / "online_retail_cohorts" / "online_cohorts.csv").read_bytes(), "r.csv")
    assert (df["CustomerID"] == "").sum() == 277  # guest checkouts: dropped as rows without a user
    data = event_log_dataset(df, "CustomerID", "InvoiceDate", with_labels=False)
    r = retention_matrix(data.activity, period="month")
    assert r.sizes.sum() == 4372  # distinct customers
    expected = [948, 421, 380, 440, 299, 279, 235, 191, 167, 298, 352, 321, 41]
    assert r.sizes.tolist() == expected
    assert (r.counts[0] == r.sizes).all()  # everyone is active in their first month


def test_unreadable_upload():
    with pytest.raises(InputError, match="at least two columns"):
        read_csv_bytes(b"just_one\n1\n2\n", "one.csv")


# ---- an event log CSV read, labelled and reduced in DuckDB (issue 29) -------------------------------


def _planted_log(n_users: int = 150, n_events: int = 2500, seed: int = 0) -> pd.DataFrame:
    """Events as an export holds them: ISO times with and without seconds, US-style times (not
    ISO: read per value by pandas), unreadable times, blank users, an amount with blanks, a text column."""
    rng = np.random.default_rng(seed)
    users = np.array([f"u{i:03d}" for i in range(n_users)] + ["客户7"], dtype=object)
    who = users[rng.integers(0, len(users), n_events)]
    ts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200 * 86400, n_events), unit="s")
    style = rng.integers(0, 4, n_events)
    text = np.where(
        style == 0,
        ts.strftime("%Y-%m-%d %H:%M:%S"),
        np.where(style == 1, ts.strftime("%Y-%m-%d"), np.where(style == 2, ts.strftime("%m/%d/%Y %H:%M"), "")),
    )
    text[style == 3] = ts[style == 3].strftime("%Y-%m-%dT%H:%M")
    text[rng.random(n_events) < 0.01] = "n/a"
    who[rng.random(n_events) < 0.01] = " "
    amount = np.round(rng.gamma(2.0, 10.0, n_events), 2).astype(str).astype(object)
    amount[rng.random(n_events) < 0.02] = ""
    return pd.DataFrame({"user": who, "when": text, "amount": amount, "channel": rng.choice(["web", "app"], n_events)})


def _reference(raw: pd.DataFrame, inactive_days: int, weeks: int):
    """Labels and behaviour features by pandas alone, as the rules say (the in-memory path's rules)."""
    log = raw[raw["user"].str.strip() != ""].assign(
        ts=lambda d: pd.to_datetime(d["when"], format="mixed", errors="coerce"),
        amount=lambda d: pd.to_numeric(d["amount"], errors="coerce"),
    )
    log = log[log["ts"].notna()]
    cutoff = log["ts"].max().normalize() + pd.Timedelta(days=1) - pd.Timedelta(days=inactive_days)
    before = log[log["ts"] <= cutoff]
    window = log[(log["ts"] > cutoff) & (log["ts"] <= cutoff + pd.Timedelta(days=inactive_days))]
    users = sorted(before["user"].unique())
    labels = pd.Series([0 if u in set(window["user"]) else 1 for u in users], index=users)
    g = before.groupby("user")
    days = pd.Timedelta(days=1)
    ago = (cutoff - before["ts"]) / days
    week = np.where(ago == 0, 0, np.ceil(ago / 7) - 1)
    timeline = (
        before.assign(week=week)[week < weeks]
        .groupby(["user", "week"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=users, columns=range(weeks), fill_value=0)
    )
    table = pd.DataFrame(
        {
            "recency_days": (cutoff - g["ts"].max()) / days,
            "frequency": g.size().astype(float),
            "active_days": g["ts"].apply(lambda s: s.dt.normalize().nunique()).astype(float),
            "events_last_30d": before[before["ts"] > cutoff - 30 * days].groupby("user").size(),
            "tenure_days": (cutoff - g["ts"].min()) / days,
            "total_amount": g["amount"].sum(),
        }
    ).reindex(users)
    table["events_last_30d"] = table["events_last_30d"].fillna(0)
    return cutoff, labels, table, timeline.to_numpy()[:, ::-1]  # oldest week first


def test_csv_event_log_in_duckdb_matches_pandas(tmp_path):
    raw = _planted_log()
    path = tmp_path / "events.csv"
    raw.to_csv(path, index=False)
    data = event_log_csv_dataset(path, "user", "when", inactive_days=30, weeks=8)
    cutoff, labels, table, timeline = _reference(raw, 30, 8)
    assert data.cutoff == cutoff and data.activity is None
    pd.testing.assert_series_equal(data.labels, labels, check_names=False, check_index_type=False)
    got = data.features.table
    assert list(got.index) == list(table.index)
    for col in table.columns:  # "channel" is text: not a value column; amount (2% blank) is
        np.testing.assert_allclose(got[col].to_numpy(dtype=float), table[col].to_numpy(dtype=float), err_msg=col)
    assert "total_channel" not in got.columns
    np.testing.assert_array_equal(data.features.timeline, timeline)
    # the same data set as reading the whole file into pandas first (the page's path)
    frame = numeric_value_columns(read_csv_bytes(path.read_bytes(), "events.csv"), ("user", "when"))
    in_memory = event_log_dataset(frame, "user", "when", inactive_days=30, weeks=8)
    pd.testing.assert_frame_equal(data.features.table, in_memory.features.table)
    # scoring "now": every user, as of the last event; a GBK file with semicolons reads the same
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(raw.to_csv(index=False, sep=";").encode("gbk"))
    now = event_log_csv_dataset(gbk, "user", "when", weeks=8, with_labels=False)
    now_ref = event_log_dataset(frame, "user", "when", weeks=8, with_labels=False)
    assert "客户7" in now.features.users
    pd.testing.assert_frame_equal(now.features.table, now_ref.features.table)
    np.testing.assert_array_equal(now.features.timeline, now_ref.features.timeline)


def test_csv_event_log_errors_name_file_and_column(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user,when\na,soon\nb,later\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"log\.csv, column 'when'.*date or time"):
        event_log_csv_dataset(path, "user", "when")
    with pytest.raises(InputError, match=r"log\.csv, column 'time'.*the columns are: user, when"):
        event_log_csv_dataset(path, "user", "time")
