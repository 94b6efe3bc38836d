"""Risk by group: the default grouping is chosen from the data, never by a data set's column name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.cohorts.risk import default_group


def test_default_group_prefers_canonical_columns_then_the_widest_risk_spread():
    rng = np.random.default_rng(0)
    n = 400
    table = pd.DataFrame(
        {"plan": rng.choice(["month", "year"], n), "colour": rng.choice(["r", "g", "b"], n)},
        index=[f"u{i}" for i in range(n)],
    )
    probs = pd.Series(np.where(table["plan"] == "month", 0.7, 0.1) + rng.normal(0, 0.02, n), index=table.index)
    assert default_group(probs, table, ["colour", "plan"]) == "plan"  # planted: risk differs by plan
    assert default_group(probs, table.assign(segment="a"), ["colour", "plan", "segment"]) == "segment"
