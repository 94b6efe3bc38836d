"""Fixtures for the cohorts/churn tests: the sample workspace's tables and its churn data set, built once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sample_tables(sample_ws) -> dict:
    return {t: sample_ws.read(t) for t in ("users", "interactions", "posts", "edges")}


@pytest.fixture(scope="session")
def sample_churn(sample_tables):
    """Features at the sample's cutoff (derived, not read from the truth) and the derived labels."""
    from core.cohorts.datasets import tables_dataset

    return tables_dataset(sample_tables, inactive_days=30)
