"""Every test here trains tiny models: run them on one torch thread (fixture in tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _single_thread(one_torch_thread):
    yield
