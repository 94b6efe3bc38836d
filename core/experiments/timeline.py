"""The cumulative lift: per day and treatment, the comparison of the data up to that day, with the
fixed-horizon interval and the always-valid (sequential) band."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.experiments.inference import CompareConfig, compare
from core.experiments.outliers import winsorize
from core.experiments.prepare import ExperimentData
from core.experiments.spec import MetricSpec
from core.experiments.statistics import (
    cuped_theta,
)
from core.experiments.sums import group_statistics


def timeline_row(day, variant, n, c, base: float | None = None) -> dict:
    """One row of a cumulative-lift timeline: the comparison `c` of `variant` with control at `day`.
    With the control's mean `base`, the always-valid interval also relative to it (as the summary
    table's: the absolute interval over |base|), so the chart can plot relative lift throughout."""
    seq_rel = (math.nan, math.nan)
    if base is not None and base != 0 and math.isfinite(base):
        seq_rel = (c.sequential_ci_low / abs(base), c.sequential_ci_high / abs(base))
    return {
        "day": day,
        "variant": variant,
        "n": n,
        "lift": c.lift,
        "lift_ci_low": c.lift_ci_low,
        "lift_ci_high": c.lift_ci_high,
        "sequential_ci_low": c.sequential_ci_low,
        "sequential_ci_high": c.sequential_ci_high,
        "p_value": c.p_value,
        "sequential_p_value": c.sequential_p_value,
        "relative_lift": c.relative_lift,
        "relative_lift_ci_low": c.relative_lift_ci_low,
        "relative_lift_ci_high": c.relative_lift_ci_high,
        "sequential_relative_ci_low": seq_rel[0],
        "sequential_relative_ci_high": seq_rel[1],
    }


def cumulative_lift(data: ExperimentData, metric: MetricSpec) -> pd.DataFrame:
    """Per day and treatment, the lift of the data up to that day: fixed-horizon CI and the
    always-valid (sequential) band. Columns: day, variant, n, lift, lift_ci_low, lift_ci_high,
    sequential_ci_low, sequential_ci_high, p_value, sequential_p_value, relative_lift and its
    relative_lift_ci_low/high and sequential_relative_ci_low/high."""
    if data.day is None:
        raise ConfigError("a time column is needed for the cumulative lift")
    if data.rows is not None:
        return _cumulative_from_rows(data, metric)
    ok = ~pd.isna(data.day)
    day_codes, days = pd.factorize(data.day[ok], sort=True)
    nv, nd = len(data.variants), len(days)
    sub = replace(data, codes=data.codes[ok], values={k: v[ok] for k, v in data.values.items()}, day=None, segments={})
    cov = data.spec.covariate if not metric.denominator and data.spec.covariate != metric.column else None
    kind, stats = group_statistics(sub, metric, day_codes.astype(np.int64) * nv + sub.codes, nd * nv, cov)
    rows = []
    running = list(stats[:nv])
    for j in range(nd):
        if j:
            running = [running[i] + stats[j * nv + i] for i in range(nv)]
        theta = cuped_theta(running) if cov else None
        cfg = CompareConfig(
            alpha=data.spec.alpha,
            sequential_tuning=data.spec.sequential_tuning,
            theta=theta,
            higher_is_better=metric.higher_is_better,
        )
        for i in range(1, nv):
            c = compare(running[0], running[i], cfg)
            rows.append(timeline_row(days[j], data.variants[i], running[0].n + running[i].n, c, running[0].mean))
    return pd.DataFrame(rows)


def _cumulative_from_rows(data: ExperimentData, metric: MetricSpec) -> pd.DataFrame:
    """Cumulative lift when rows were summed per unit: at each day, each unit seen so far with
    its metric summed (binary: maxed) over its rows up to that day. One vectorised pass per day."""
    assert data.rows is not None  # called only for data read row by row
    unit, day = data.rows["unit"], data.rows["day"]
    n_units = len(data.codes)
    days = np.sort(pd.unique(day[~pd.isna(day)]))
    cols = [metric.column] + ([metric.denominator] if metric.denominator else [])
    rows = []
    for d in days:
        mask = day <= d
        seen = np.bincount(unit[mask], minlength=n_units) > 0
        values = dict(data.values)
        for c in cols:
            x = data.rows["values"][c]
            m = mask & ~np.isnan(x)
            total = np.bincount(unit[m], weights=x[m], minlength=n_units)
            has = np.bincount(unit[m], minlength=n_units) > 0
            v = (total > 0).astype(float) if data.binary[c] and not metric.denominator else total
            if c in data.caps:  # capped as in the whole analysis
                v = winsorize(v, data.caps[c])
            values[c] = np.where(has, v, np.nan)
        sub = replace(
            data,
            codes=data.codes[seen],
            values={k: v[seen] for k, v in values.items()},
            day=None,
            segments={},
            rows=None,
        )
        if np.bincount(sub.codes, minlength=len(data.variants)).min() < 2:
            continue
        part = cumulative_lift(replace(sub, day=np.full(len(sub.codes), d)), metric)
        rows.append(part)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
