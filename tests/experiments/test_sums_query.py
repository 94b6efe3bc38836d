"""The A/B engine's one-scan path: the DuckDB sums of core.query.experiments against pandas, and
the fast checks prepare uses on big inputs (unit ids, 0/1 columns) against their plain definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.experiments.columns import metric_values
from core.experiments.prepare import is_unique
from core.query.experiments import narrow_codes, pair_sums


def test_pair_sums_match_pandas_for_every_pair_in_one_scan():
    rng = np.random.default_rng(3)
    n = 20_000
    frame = pd.DataFrame(
        {
            "g": rng.choice([0, 1, 3], n),  # group 2 has no rows
            "y": rng.gamma(2.0, 3.0, n),
            "b": rng.integers(0, 2, n).astype(float),
            "x": rng.normal(size=n),
            "d": rng.integers(1, 9, n).astype(float),
        }
    )
    pairs = [("y", "x"), ("b", "x"), ("y", "d"), ("b", None)]
    cols = {c: frame[c].to_numpy() for c in "ybxd"}
    got = pair_sums(frame["g"].to_numpy(), 4, cols, pairs, binary={"b"})
    for y, x in pairs:
        products = frame.assign(xx=frame[x] * frame[x], xy=frame[y] * frame[x]) if x else None
        grouped = frame.groupby("g")
        want = [grouped.size(), grouped[y].sum(), grouped[y].apply(lambda s: (s * s).sum())]
        if products is not None:
            sums = products.groupby("g")[["xx", "xy"]].sum()
            want += [grouped[x].sum(), sums["xx"], sums["xy"]]
        assert len(got[(y, x)]) == len(want)
        for have, ref in zip(got[(y, x)], want):
            expected = ref.reindex(range(4), fill_value=0).to_numpy(dtype=float)
            np.testing.assert_allclose(have, expected, rtol=1e-10, atol=1e-9)
    assert narrow_codes(np.arange(5), 5).dtype == np.int8 and narrow_codes(np.arange(5), 300).dtype == np.int16


@pytest.mark.parametrize(
    "ids",
    [
        np.arange(1000),
        np.random.default_rng(1).permutation(1000),
        np.r_[np.random.default_rng(2).permutation(1000), 17],  # one id twice, ids filling a range
        np.array([10**12, 5, 10**15, 5]),  # sparse ids: pandas' hash table decides
        np.array([3, 2, 1], dtype=np.uint64),
        np.array([-5, -3, -4, -5], dtype=np.int32),
        np.array(["u1", "u2", "u1"]),
    ],
)
def test_unit_id_checks_agree_with_pandas(ids):
    column = pd.Series(ids)
    assert is_unique(column) == column.is_unique


@pytest.mark.parametrize(
    "values",
    [[0.0, 1.0, 1.0], [0.0, np.nan, 1.0], [np.nan, np.nan], [0.0, 2.0], [1.0] * 20_001, [0.5, 1.0], []],
)
def test_binary_columns_are_told_as_before(values):
    x = np.array(values, dtype=float)
    finite = x[~np.isnan(x)]
    assert metric_values(pd.Series(x, dtype=float), "m")[1] == (len(finite) > 0 and bool(np.isin(finite, [0, 1]).all()))


def test_pair_sums_from_several_threads_see_their_own_rows():
    """Sessions run in threads: each scan registers its rows on a connection of its own."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(4)
    jobs = [(rng.integers(0, 3, 5000), rng.normal(size=5000)) for _ in range(8)]

    def run(job):
        g, y = job
        return pair_sums(g, 3, {"y": y}, [("y", None)])[("y", None)][1]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(run, jobs))
    for (g, y), sums in zip(jobs, got):
        np.testing.assert_allclose(sums, np.bincount(g, weights=y, minlength=3), rtol=1e-10)
