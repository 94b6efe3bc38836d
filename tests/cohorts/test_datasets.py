"""Reading uploads and guessing their roles on the three public churn/cohort files."""

from __future__ import annotations

import pytest

from core.cohorts.datasets import event_log_dataset, guess_churn_columns, read_csv_bytes
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
