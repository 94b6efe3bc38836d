"""Statistics in, `ExperimentResult` out: every variant compared with control, health checks and
notices, Holm/BH corrections; `analyze`, `analyze_metrics` and `analyze_segments`."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, cast

import numpy as np
import pandas as pd

from core.experiments import sums
from core.experiments.corrections import correct, correct_all
from core.experiments.health import MIN_EVENTS, MIN_UNITS, SrmCheck, srm_check
from core.experiments.inference import CompareConfig, Comparison, compare, mean_interval
from core.experiments.notices import Notice
from core.experiments.prepare import ExperimentData
from core.experiments.results import ExperimentResult, VariantResult
from core.experiments.spec import MetricSpec
from core.experiments.statistics import (
    cuped_theta,
)
from core.experiments.sums import group_statistics


def result_from_statistics(
    kind: str,
    stats: list,
    data: ExperimentData,
    metric: MetricSpec,
    units: list[int] | None = None,
    segment: str | None = None,
    segment_value: str | None = None,
    covariate: str | None = None,
) -> ExperimentResult:
    """Compare every variant's statistic with control's (index 0) and run the health checks."""
    spec = data.spec
    theta = cuped_theta(stats) if covariate else None
    cfg = CompareConfig(
        alpha=spec.alpha,
        sequential_tuning=spec.sequential_tuning,
        theta=theta,
        higher_is_better=metric.higher_is_better,
        bayesian=spec.bayesian,
    )
    notices = list(data.notices) if segment is None else []
    rows: list[VariantResult] = []
    comps: list[Comparison] = []
    for i, (name, s) in enumerate(zip(data.variants, stats)):
        lo, hi = mean_interval(s, spec.alpha)
        c = compare(stats[0], s, cfg) if i > 0 else None
        rows.append(VariantResult(name, i == 0, int(s.n), float(s.mean), float(lo), float(hi), comparison=c))
        if s.n < MIN_UNITS:
            notices.append(Notice("small_sample", {"variant": name, "n": int(s.n), "min": MIN_UNITS}))
        elif kind == "proportion" and min(s.sum, s.n - s.sum) < MIN_EVENTS:
            notices.append(
                Notice("sparse", {"variant": name, "events": int(min(s.sum, s.n - s.sum)), "min": MIN_EVENTS})
            )
        if c is not None:
            comps.append(c)
            if c.reason == "too_few_units":
                arm = min((stats[0], data.variants[0]), (s, name), key=lambda t: t[0].n)
                params = {"variant": name, "control": data.variants[0], "arm": arm[1], "n": int(arm[0].n)}
                notices.append(Notice("untestable_units", params))
            elif c.reason == "no_variance":
                flat = [v for v, st_ in ((data.variants[0], stats[0]), (name, s)) if not st_.variance > 0]
                params = {"variant": name, "control": data.variants[0], "metric": metric.label}
                notices.append(Notice("untestable_variance", {**params, "arms": ", ".join(flat)}))
    counts = units if units is not None else [int(s.n) for s in stats]
    if not spec.randomised:
        notices = [n for n in notices if n.code not in ("untestable_units", "untestable_variance")]
        notices.insert(0, Notice("not_randomised", {"column": spec.variant}))
    if spec.check_srm and spec.randomised:
        srm = srm_check(data.variants, counts, list(spec.weights) if spec.weights else None)
    else:
        srm = SrmCheck(tuple(data.variants), tuple(int(c) for c in counts), (), float("nan"), float("nan"))
    if srm.mismatch:
        notices.insert(0, Notice("srm", {"p": srm.p_value, "threshold": srm.threshold}))
    elif srm.mild:
        notices.append(Notice("srm_mild", {"p": srm.p_value, "threshold": srm.threshold}))
    reductions = [c.variance_reduction for c in comps if c.variance_reduction is not None]
    result = ExperimentResult(
        metric=metric.label,
        kind=cast(Literal["proportion", "mean", "ratio"], kind),
        control=data.control,
        variants=tuple(rows),
        srm=srm,
        notices=tuple(notices),
        alpha=spec.alpha,
        higher_is_better=metric.higher_is_better,
        direction_source=metric.direction_source,
        covariate=covariate,
        cuped_theta=theta,
        variance_reduction=float(np.mean(reductions)) if reductions else None,
        segment=segment,
        segment_value=segment_value,
        randomised=spec.randomised,
    )
    return correct(result)


def analyze(data: ExperimentData, metric: MetricSpec, use_covariate: bool = True) -> ExperimentResult:
    """The whole-experiment result for one metric (CUPED when the spec has a covariate and the
    metric is not a ratio)."""
    cov = data.spec.covariate if use_covariate and not metric.denominator else None
    if cov == metric.column:
        cov = None
    nv = len(data.variants)
    kind, stats = group_statistics(data, metric, data.codes, nv, cov)
    counts = data.is_counts(metric)
    # count rows: SRM on the summed exposures unless an exposure column is named
    units = None if counts and not data.spec.exposure else data.units.tolist()
    result = result_from_statistics(kind, stats, data, metric, units=units, covariate=cov)
    left_out = 0 if counts else len(data.codes) - sum(s.n for s in stats)
    if left_out:
        result = replace(
            result,
            notices=result.notices
            + (Notice("dropped_missing_metric", {"rows": int(left_out), "metric": metric.label}),),
        )
    return result


def analyze_metrics(data: ExperimentData, metrics: list[MetricSpec]) -> list[ExperimentResult]:
    """Several metrics, corrected together (Holm and BH over metrics x variants)."""
    sums.prefetch_sums(data, metrics)
    results = [analyze(data, m) for m in metrics]
    return correct_all(*results) if len(results) > 1 else results


def analyze_segments(data: ExperimentData, metric: MetricSpec, segment: str) -> list[ExperimentResult]:
    """The same analysis inside each value of `segment`, corrected over segments x variants."""
    labels = data.segments[segment]
    seg_codes, seg_names = pd.factorize(labels, sort=True)
    nv, ns = len(data.variants), len(seg_names)
    groups = seg_codes.astype(np.int64) * nv + data.codes
    cov = data.spec.covariate if not metric.denominator and data.spec.covariate != metric.column else None
    kind, stats = group_statistics(data, metric, groups, ns * nv, cov)
    units = None if data.is_counts(metric) and not data.spec.exposure else data.exposure_counts(groups, ns * nv)
    results = []
    for j, name in enumerate(seg_names):
        chunk = stats[j * nv : (j + 1) * nv]
        if min(s.n for s in chunk) < 2:
            continue  # a segment some variant never reached cannot be compared
        part = None if units is None else units[j * nv : (j + 1) * nv].tolist()
        results.append(
            result_from_statistics(
                kind, chunk, data, metric, units=part, segment=segment, segment_value=str(name), covariate=cov
            )
        )
    return correct_all(*results) if len(results) > 1 else results
