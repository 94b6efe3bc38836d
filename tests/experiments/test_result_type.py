"""One A/B result type (issue 26 item 3), as gbstats has one TestResult per test: a variant's row
holds its `Comparison` and reads its figures from it (no field-by-field copy), and
`compare_arrays` is the vectorised form of `compare` over one shared field list."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from core.experiments import analysis as ab
from core.experiments.inference import ARRAY_FIELDS, CompareConfig, Comparison, compare, compare_arrays
from core.experiments.results import ROW, VariantResult
from core.experiments.statistics import ProportionStatistic, SampleMeanStatistic


def test_a_variant_row_holds_its_comparison_and_reads_it():
    rng = np.random.default_rng(7)
    df = pd.DataFrame(
        {
            "variant": np.repeat(["control", "b", "c"], 200),
            "m": np.concatenate([rng.normal(10, 2, 200), rng.normal(10.6, 2, 200), rng.normal(9.5, 3, 200)]),
        }
    )
    metric = ab.MetricSpec("m")
    res = ab.analyze(ab.prepare(df, ab.ExperimentSpec("variant", control="control"), [metric]), metric)
    # nothing of Comparison is declared again on the row: the row holds it
    assert {f.name for f in fields(VariantResult)} & {f.name for f in fields(Comparison)} == set()
    control = res.variants[0]
    assert control.is_control and control.comparison is None
    assert all(getattr(control, k) is None for k in ROW[6:])
    x = df.loc[df["variant"] == "control", "m"]
    for v in res.treatments:
        assert isinstance(v.comparison, Comparison)
        y = df.loc[df["variant"] == v.name, "m"]
        assert v.p_value == v.comparison.p_value == pytest.approx(st.ttest_ind(y, x, equal_var=False).pvalue)
        assert v.lift == v.comparison.lift == pytest.approx(y.mean() - x.mean())
        assert v.p_value_reason is v.comparison.reason is None
    # the JSON and the table keep the contract's columns, in order
    assert [list(v) for v in res.to_dict()["variants"]] == [list(ROW)] * 3
    assert list(res.table().columns) == list(ROW)


def test_an_untestable_row_says_why_through_its_comparison():
    df = pd.DataFrame({"variant": ["a", "a", "b", "b"], "m": [1.0, 1.0, 2.0, 2.0]})
    metric = ab.MetricSpec("m")
    res = ab.analyze(ab.prepare(df, ab.ExperimentSpec("variant", control="a"), [metric]), metric)
    (v,) = res.treatments
    assert v.comparison is not None and v.comparison.reason == v.p_value_reason == "no_variance"
    assert v.lift == pytest.approx(1.0) and np.isnan(v.p_value)


def test_compare_arrays_returns_comparisons_fields_including_validity():
    assert set(ARRAY_FIELDS) <= {f.name for f in fields(Comparison)}
    # valid, too-few-units and no-variance comparisons, proportions and means
    binary = np.array([True, False, True, False, False])
    na, nb = np.array([400, 300, 1, 50, 3]), np.array([420, 280, 80, 1, 3])
    sa, sb = np.array([40, 300.0 * 5, 1, 100, 6]), np.array([55, 280.0 * 5.2, 10, 3, 6])
    ssa, ssb = sa**2 / na + (na - 1) * 4.0, sb**2 / nb + (nb - 1) * 3.0
    ssa[4], ssb[4] = 12.0, 12.0  # every unit 2: no variation in either arm
    out = compare_arrays(binary, na, sa, ssa, nb, sb, ssb)
    assert tuple(out) == ARRAY_FIELDS
    cfg = CompareConfig(bayesian=False)
    for i in range(len(binary)):
        if binary[i]:
            c = compare(ProportionStatistic(int(na[i]), sa[i]), ProportionStatistic(int(nb[i]), sb[i]), cfg)
        else:
            c = compare(
                SampleMeanStatistic(int(na[i]), sa[i], ssa[i]), SampleMeanStatistic(int(nb[i]), sb[i], ssb[i]), cfg
            )
        assert bool(out["valid"][i]) == c.valid
        for key in ARRAY_FIELDS:
            assert out[key][i] == pytest.approx(getattr(c, key), abs=1e-12, nan_ok=True), (i, key)
    assert out["valid"].tolist() == [True, True, False, False, False]
