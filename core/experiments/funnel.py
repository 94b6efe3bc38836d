"""The ad funnel: impressions -> clicks -> conversions, spend and revenue per variant, and CTR, CVR,
CPA and ROAS as ratio metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.experiments.columns import ColumnRoles
from core.experiments.prepare import ExperimentData
from core.experiments.spec import MetricSpec
from core.experiments.sums import bincount_sums


def funnel_metrics(roles: ColumnRoles) -> list[MetricSpec]:
    """CTR, CVR, CPA and ROAS as ratio metrics for the funnel columns that exist."""
    out = []
    if roles.impressions and roles.clicks:
        out.append(MetricSpec(roles.clicks, roles.impressions, name="CTR"))
    if roles.clicks and roles.conversions:
        out.append(MetricSpec(roles.conversions, roles.clicks, name="CVR"))
    if roles.spend and roles.conversions:
        out.append(
            MetricSpec(roles.spend, roles.conversions, name="CPA", higher_is_better=False, direction_source="name")
        )
    if roles.spend and roles.revenue:
        out.append(MetricSpec(roles.revenue, roles.spend, name="ROAS"))
    return out


def funnel_table(data: ExperimentData, roles: ColumnRoles) -> pd.DataFrame:
    """Totals per variant (impressions -> clicks -> conversions, spend, revenue) with CTR, CVR,
    CPA and ROAS. Missing stages are left out."""
    nv = len(data.variants)
    out = pd.DataFrame({"variant": data.variants})
    for stage in ("impressions", "clicks", "conversions", "spend", "revenue"):
        col = getattr(roles, stage)
        if col and col in data.values:
            x = data.values[col]
            ok = ~np.isnan(x)
            out[stage] = bincount_sums(data.codes[ok], nv, x[ok])

    def ratio(a, b):
        if a in out and b in out:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(out[b] > 0, out[a] / out[b], np.nan)
        return None

    for name, (a, b) in {
        "ctr": ("clicks", "impressions"),
        "cvr": ("conversions", "clicks"),
        "cpa": ("spend", "conversions"),
        "roas": ("revenue", "spend"),
    }.items():
        r = ratio(a, b)
        if r is not None:
            out[name] = r
    return out
