"""Multiple-comparison corrections, Holm (family-wise error) and Benjamini-Hochberg (false
discovery rate) side by side.

Both are the textbook step-down / step-up formulas, checked to 1e-12 against statsmodels'
`multipletests` in tests/experiments. They are written out because `multipletests` calls
`gc.collect()` on every Holm call (~0.3 s once a 10M-row table is in memory) and importing
statsmodels costs the CLI seconds; the formulas are three lines each.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.experiments.results import ExperimentResult


def holm(p_values) -> np.ndarray:
    """Holm step-down: adjusted p_(i) = max_{j <= i} (m - j + 1) p_(j), capped at 1."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    out = np.empty(len(p))
    out[order] = np.minimum(stepped, 1.0)
    return out


def benjamini_hochberg(p_values) -> np.ndarray:
    """BH step-up: adjusted p_(i) = min_{j >= i} m p_(j) / j, capped at 1."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out


def adjust_p_values(p_values, method: str) -> np.ndarray:
    """Adjusted p-values for `method` 'holm' or 'bh'; NaNs (e.g. the control row) stay NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        if method == "holm":
            out[ok] = holm(p[ok])
        elif method == "bh":
            out[ok] = benjamini_hochberg(p[ok])
        else:
            raise ValueError(f"unknown correction '{method}'")
    return out


def correct(result: ExperimentResult) -> ExperimentResult:
    """Holm and BH over the treatment comparisons of one result."""
    return correct_all(result)[0]


def correct_all(*results: ExperimentResult) -> list[ExperimentResult]:
    """Holm and BH over every treatment comparison in `results` together."""
    p = [v.p_value for r in results for v in r.treatments]
    by_holm, by_bh = adjust_p_values(p, "holm"), adjust_p_values(p, "bh")
    out, k = [], 0
    for r in results:
        rows = []
        for v in r.variants:
            if not v.is_control:
                v = replace(v, p_value_holm=float(by_holm[k]), p_value_bh=float(by_bh[k]))
                k += 1
            rows.append(v)
        out.append(replace(r, variants=tuple(rows)))
    return out
