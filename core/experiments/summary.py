"""A/B tests from per-variant summaries: what experimentation platforms and warehouse queries export.

A row per (experiment?, metric?, variant[, checkpoint]) with a count and either
- a mean and one of variance (sample, ddof=1), sd, or sum of squares (sum of x^2), or sums
  instead of means (`sum`), for a numeric metric: Welch's t; or
- conversions (or a mean alone, in [0, 1]) for a binary metric: the pooled two-proportion z-test.
These are exactly the sufficient statistics the engine runs on (statistics.py), so everything defined
on sums works unchanged: intervals, relative lift, Bayesian chance to beat, Holm/BH, SRM from the
counts, power. What needs unit rows (CUPED, segments by a unit attribute) is not available.

With a time column, each row is a cumulative checkpoint (the totals so far): the last checkpoint is
the result, and every checkpoint is a point on the cumulative-lift chart, where the always-valid
confidence sequence says on which checkpoint a peeking-safe decision was first possible.

    table = read_summary(df, SummaryColumns(variant="variant", count="n", mean="mean", variance="var"))
    experiments = analyze_summary(table, SummarySpec())
    portfolio_table(experiments)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.experiments.assemble import result_from_statistics
from core.experiments.choices import relative_mde
from core.experiments.corrections import adjust_p_values, correct_all
from core.experiments.health import SRM_THRESHOLD, srm_p_values
from core.experiments.inference import CompareConfig, compare, compare_arrays
from core.experiments.prepare import ExperimentData, natural_key, pick_control
from core.experiments.results import ExperimentResult
from core.experiments.spec import ExperimentSpec, MetricSpec
from core.experiments.statistics import ProportionStatistic, SampleMeanStatistic
from core.experiments.summary_input import (  # noqa: F401  (callers read these here)
    KEYS,
    SummaryColumns,
    SummarySpec,
    guess_summary_columns,
    looks_like_summary,
    read_summary,
)
from core.experiments.timeline import timeline_row

# ---- analysis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryExperiment:
    """One experiment's results, one per metric, corrected together (Holm / BH over metrics x
    variants); `checkpoints`: whether the rows were cumulative checkpoints."""

    experiment: str
    results: tuple[ExperimentResult, ...]
    checkpoints: bool = False


def _statistics(frame: pd.DataFrame, binary: bool) -> list:
    if binary:
        return [ProportionStatistic(int(n), float(s)) for n, s in zip(frame["n"], frame["sum"])]
    return [
        SampleMeanStatistic(int(n), float(s), float(q))
        for n, s, q in zip(frame["n"], frame["sum"], frame["sum_squares"])
    ]


def variant_order(variants, spec: SummarySpec, where: str) -> list[str]:
    """Control first (spec.control, else one named like 'control'/'A', else the first in natural
    order), then the others in natural order. Errors name the experiment / metric."""
    names = sorted(set(variants), key=natural_key)
    if len(names) < 2:
        raise InputError(f"{where}: an A/B test needs at least two variants, found only '{names[0]}'", file=spec.source)
    try:
        control = pick_control(names, spec.control, "variant", spec.source)
    except ConfigError as exc:
        raise ConfigError(
            f"{where}: the control '{spec.control}' is missing; variants are: {', '.join(names)}", file=spec.source
        ) from exc
    return [control] + [v for v in names if v != control]


def _ordered(frame: pd.DataFrame, spec: SummarySpec, where: str) -> tuple[list[str], pd.DataFrame]:
    names = variant_order(frame["variant"], spec, where)
    return names, frame.set_index("variant").loc[names].reset_index()


def _latest(table: pd.DataFrame) -> pd.DataFrame:
    if "checkpoint" not in table:
        return table
    return table.groupby(list(KEYS), sort=False).tail(1)


def analyze_summary(
    table: pd.DataFrame, spec: SummarySpec = SummarySpec(), experiments: list[str] | None = None
) -> list[SummaryExperiment]:
    """Every experiment (or those in `experiments`) at its latest checkpoint, in file order."""
    latest = _latest(table)
    if experiments is not None:
        latest = latest[latest["experiment"].isin(experiments)]
    out = []
    for exp, rows in latest.groupby("experiment", sort=False):
        results = []
        for met, frame in rows.groupby("metric", sort=False):
            where = " / ".join(x for x in (exp, met) if x)
            names, frame = _ordered(frame, spec, where)
            espec = ExperimentSpec(
                variant="variant",
                control=names[0],
                alpha=spec.alpha,
                sequential_tuning=spec.sequential_tuning,
                weights=spec.weights,
                source=spec.source,
                check_srm=spec.check_srm,
                bayesian=spec.bayesian,
            )
            data = ExperimentData(variants=names, codes=np.zeros(0, dtype=np.int64), values={}, binary={}, spec=espec)
            binary = bool(frame["binary"].iloc[0])
            try:
                results.append(
                    result_from_statistics(
                        "proportion" if binary else "mean",
                        _statistics(frame, binary),
                        data,
                        MetricSpec(str(met)).with_direction(spec.lower_is_better, spec.higher_is_better),
                    )
                )
            except ValueError as exc:  # a planned split with the wrong number of weights
                raise ConfigError(f"{where}: {exc}", file=spec.source) from exc
        results = correct_all(*results) if len(results) > 1 else results
        out.append(SummaryExperiment(str(exp), tuple(results), "checkpoint" in table))
    return out


def checkpoint_lift(
    table: pd.DataFrame, experiment: str, metric: str, spec: SummarySpec = SummarySpec()
) -> pd.DataFrame:
    """Per checkpoint and treatment, the comparison of the cumulative totals at that checkpoint:
    the columns of analysis.cumulative_lift (day, variant, n, lift, CIs, p-values, relative_lift)."""
    if "checkpoint" not in table:
        raise ConfigError("a time column with cumulative checkpoints is needed for the cumulative lift")
    rows = table[(table["experiment"] == experiment) & (table["metric"] == metric)]
    names, _ = _ordered(_latest(rows), spec, " / ".join(x for x in (experiment, metric) if x))
    binary = bool(rows["binary"].iloc[0])
    cfg = CompareConfig(alpha=spec.alpha, sequential_tuning=spec.sequential_tuning, bayesian=False)
    out = []
    for day, frame in rows.groupby("checkpoint", sort=True):
        stats = dict(zip(frame["variant"], _statistics(frame, binary)))
        if names[0] not in stats:
            continue
        for v in names[1:]:
            if v not in stats:
                continue
            c = compare(stats[names[0]], stats[v], cfg)
            out.append(timeline_row(day, v, stats[names[0]].n + stats[v].n, c, stats[names[0]].mean))
    return pd.DataFrame(out)


def first_decisions(timeline: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per treatment, the first checkpoint where the always-valid p-value fell below alpha (a
    peeking-safe decision) and the first where the fixed-horizon p-value did (valid only at the
    planned end): variant, sequential_day, fixed_day (NaT / None when never)."""
    rows = []
    for v, g in timeline.groupby("variant", sort=False):
        seq = g.loc[g["sequential_p_value"] < alpha, "day"]
        fixed = g.loc[g["p_value"] < alpha, "day"]
        rows.append(
            {
                "variant": v,
                "sequential_day": seq.iloc[0] if len(seq) else None,
                "fixed_day": fixed.iloc[0] if len(fixed) else None,
            }
        )
    return pd.DataFrame(rows, columns=["variant", "sequential_day", "fixed_day"])


# ---- tables the views draw ------------------------------------------------------------------------

DECISIONS = ("ship", "stop_for_harm", "no_difference", "keep_running", "check_split")


def decide(rel, lo, hi, p, alpha: float, higher_is_better, target: float, srm_mismatch=False) -> np.ndarray:
    """Per comparison: check_split when the split is broken (sample ratio mismatch: nothing is read
    from it, least of all a ship); ship / stop_for_harm when p (the corrected or always-valid one: the
    caller's `p`) < alpha (good / bad direction); no_difference when the relative lift's CI lies
    within +-target (an effect that large is ruled out); else keep_running."""
    rel, lo, hi, p = (np.asarray(x, dtype=float) for x in (rel, lo, hi, p))
    broken = np.asarray(srm_mismatch, dtype=bool)
    good = (rel > 0) == np.asarray(higher_is_better, dtype=bool)
    sig = (p < alpha) & ~np.isnan(rel)
    narrow = (lo > -target) & (hi < target)
    return np.select(
        [broken, sig & good, sig & ~good, narrow],
        ["check_split", "ship", "stop_for_harm", "no_difference"],
        "keep_running",
    )


PORTFOLIO_COLUMNS = [
    "experiment",
    "metric",
    "variant",
    "control",
    "variants",
    "units",
    "relative_lift",
    "relative_lift_ci_low",
    "relative_lift_ci_high",
    "relative_p_value",
    "p_value",
    "p_value_fdr",
    "sequential_p_value",
    "higher_is_better",
    "direction_source",
    "decision",
    "decision_p_value",
    "decision_basis",
    "srm_p_value",
    "srm_mismatch",
]


def portfolio_table(table: pd.DataFrame, spec: SummarySpec = SummarySpec(), target: float = 0.05) -> pd.DataFrame:
    """One row per experiment x metric x treatment, every comparison at once (vectorised: 1,000
    experiments x 4 metrics x 3 variants in well under a second): experiment, metric, variant,
    control, variants, units, relative_lift (+ _ci_low/high), relative_p_value (the delta-method
    test of the relative lift, the same test as its interval), p_value, p_value_fdr (Benjamini-
    Hochberg over the whole portfolio), sequential_p_value, higher_is_better (the metric's direction,
    `SummarySpec.direction`), direction_source, decision (see `decide`), decision_p_value (the p it
    rests on: p_value_fdr, or with cumulative checkpoints the always-valid p-value) and decision_basis
    (which of the two), srm_p_value, srm_mismatch (such a comparison's decision is check_split)."""
    latest = _latest(table).reset_index(drop=True)
    keys = ["experiment", "metric"]
    gcode, groups = pd.factorize(pd.MultiIndex.from_frame(latest[keys]))
    order = np.zeros(len(latest), dtype=np.int64)
    controls = []
    variants = latest["variant"].to_numpy()
    rows_by_group = np.split(np.argsort(gcode, kind="stable"), np.cumsum(np.bincount(gcode))[:-1])
    for g, idx in enumerate(rows_by_group):
        exp, met = groups[g]
        names = variant_order(variants[idx], spec, " / ".join(x for x in (exp, met) if x))
        rank = {v: i for i, v in enumerate(names)}
        order[idx] = [rank[v] for v in variants[idx]]
        controls.append(names[0])
    k = np.bincount(gcode)
    weights = None
    if spec.weights:
        if (k != len(spec.weights)).any():
            bad = groups[int(np.flatnonzero(k != len(spec.weights))[0])]
            raise ConfigError(
                f"{' / '.join(x for x in bad if x)}: the planned split has {len(spec.weights)} "
                f"weights for {k[k != len(spec.weights)][0]} variants",
                file=spec.source,
            )
        weights = np.asarray(spec.weights, dtype=float)[order]
    srm = srm_p_values(gcode, latest["n"].to_numpy(), weights) if spec.check_srm else np.full(len(groups), np.nan)
    units = np.bincount(gcode, weights=latest["n"].to_numpy(dtype=float))
    ctrl_row = np.empty(len(groups), dtype=np.int64)
    ctrl_row[gcode[order == 0]] = np.flatnonzero(order == 0)
    t = np.flatnonzero(order > 0)
    c = ctrl_row[gcode[t]]
    n, s, ss = (latest[col].to_numpy(dtype=float) for col in ("n", "sum", "sum_squares"))
    binary = latest["binary"].to_numpy(dtype=bool)
    r = compare_arrays(binary[t], n[c], s[c], ss[c], n[t], s[t], ss[t], spec.alpha, spec.sequential_tuning)
    checkpoints = "checkpoint" in table
    metrics = latest["metric"].to_numpy()[t]
    better = {m: spec.direction(str(m)) for m in pd.unique(metrics)}
    rise_is_good = np.array([better[m] for m in metrics], dtype=bool)
    sources = {m: spec.direction_source(str(m)) for m in better}
    p_fdr = adjust_p_values(r["p_value"], "bh")
    decision_p = r["sequential_p_value"] if checkpoints else p_fdr
    broken = srm[gcode[t]] < SRM_THRESHOLD
    frame = pd.DataFrame(
        {
            "experiment": latest["experiment"].to_numpy()[t],
            "metric": metrics,
            "variant": latest["variant"].to_numpy()[t],
            "control": np.asarray(controls, dtype=object)[gcode[t]],
            "variants": k[gcode[t]],
            "units": units[gcode[t]].astype(np.int64),
            "relative_lift": r["relative_lift"],
            "relative_lift_ci_low": r["relative_lift_ci_low"],
            "relative_lift_ci_high": r["relative_lift_ci_high"],
            "relative_p_value": r["relative_p_value"],
            "p_value": r["p_value"],
            "p_value_fdr": p_fdr,
            "sequential_p_value": r["sequential_p_value"],
            "higher_is_better": rise_is_good,
            "direction_source": [sources[m] for m in metrics],
            "decision": decide(
                r["relative_lift"],
                r["relative_lift_ci_low"],
                r["relative_lift_ci_high"],
                decision_p,
                spec.alpha,
                rise_is_good,
                target,
                broken,
            ),
            "decision_p_value": decision_p,
            "decision_basis": "sequential_p_value" if checkpoints else "p_value_fdr",
            "srm_p_value": srm[gcode[t]],
            "srm_mismatch": broken,
        },
        columns=PORTFOLIO_COLUMNS,
    )
    frame.attrs["alpha"] = spec.alpha
    return frame


def metrics_table(
    experiment: SummaryExperiment,
    guardrails: tuple[str, ...] = (),
    target: float = 0.05,
    portfolio: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """GrowthBook's results table: one row per metric x variant (control rows with empty
    comparisons): metric, variant, is_control, guardrail, higher_is_better, n, mean, ci_low, ci_high, relative_lift
    (+ CI), with cumulative checkpoints the always-valid relative interval (the absolute
    sequential interval over control's mean; None otherwise), p_value, p_value_holm,
    prob_beat_control, expected_loss, relative_mde (80% power at the current size), decision and
    decision_p_value: the `portfolio` table's (so a portfolio's page and CLI agree) when given, else
    read here the same way on this experiment's own BH-corrected p-values (always-valid ones with
    checkpoints), check_split when the split is broken."""
    decided = {}
    if portfolio is not None:
        mine = portfolio[portfolio["experiment"] == experiment.experiment]
        decided = {
            (m, v): (d, p)
            for m, v, d, p in zip(mine["metric"], mine["variant"], mine["decision"], mine["decision_p_value"])
        }
    rows = []
    for r in experiment.results:
        base = r.variants[0].mean
        for v in r.variants:
            row = {
                "metric": r.metric,
                "variant": v.name,
                "is_control": v.is_control,
                "guardrail": r.metric in guardrails,
                "higher_is_better": r.higher_is_better,
                "n": v.n,
                "mean": v.mean,
                "ci_low": v.ci_low,
                "ci_high": v.ci_high,
                "relative_lift": v.relative_lift,
                "relative_lift_ci_low": v.relative_lift_ci_low,
                "relative_lift_ci_high": v.relative_lift_ci_high,
                "sequential_relative_ci_low": None,
                "sequential_relative_ci_high": None,
                "relative_p_value": v.relative_p_value,
                "p_value": v.p_value,
                "p_value_holm": v.p_value_holm,
                "prob_beat_control": v.prob_beat_control,
                "expected_loss": v.expected_loss,
                "relative_mde": None if v.is_control else relative_mde(r, v),
                "decision": None,
                "decision_p_value": None,
            }
            if not v.is_control:
                if (
                    experiment.checkpoints
                    and base
                    and v.sequential_ci_low is not None
                    and v.sequential_ci_high is not None
                ):
                    row["sequential_relative_ci_low"] = v.sequential_ci_low / abs(base)
                    row["sequential_relative_ci_high"] = v.sequential_ci_high / abs(base)
                p = v.sequential_p_value if experiment.checkpoints else v.p_value_bh  # as in portfolio_table
                row["decision"] = str(
                    decide(
                        v.relative_lift,
                        v.relative_lift_ci_low,
                        v.relative_lift_ci_high,
                        np.nan if p is None else p,
                        r.alpha,
                        r.higher_is_better,
                        target,
                        r.srm.mismatch,
                    )
                )
                row["decision_p_value"] = p
                if (r.metric, v.name) in decided:
                    row["decision"], row["decision_p_value"] = decided[(r.metric, v.name)]
            rows.append(row)
    return pd.DataFrame(rows)


def checkpoint_text(x) -> str | None:
    """A checkpoint as text: a date (with the time when it has one), a number or a name; None when missing."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return None
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(x)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    return str(x)


def experiment_dict(
    experiment: SummaryExperiment,
    table: pd.DataFrame | None = None,
    spec: SummarySpec = SummarySpec(),
    portfolio: pd.DataFrame | None = None,
) -> list[dict]:
    """The CLI's JSON entries for one experiment: one per metric, today's shape plus `experiment`;
    with cumulative checkpoints (and the table) also `decisions`: per treatment the first checkpoint
    where the always-valid test decided (`sequential_checkpoint`) and where the fixed test first
    crossed alpha (`fixed_checkpoint`, valid only at the planned end). With the `portfolio`
    (portfolio_table of the whole file) every treatment carries its portfolio `decision`,
    `decision_p_value` (the p it rests on) and `decision_basis` (p_value_fdr / sequential_p_value)."""
    out = []
    mine = None if portfolio is None else portfolio[portfolio["experiment"] == experiment.experiment]
    for r in experiment.results:
        entry = {"experiment": experiment.experiment, **r.to_dict()}
        if mine is not None:
            rows = mine[mine["metric"] == r.metric].set_index("variant")
            for v in entry["variants"]:
                if not v["is_control"] and v["name"] in rows.index:
                    row = rows.loc[v["name"]]
                    p = float(row["decision_p_value"])
                    v["decision"] = str(row["decision"])
                    v["decision_p_value"] = p if np.isfinite(p) else None
                    v["decision_basis"] = str(row["decision_basis"])
        if experiment.checkpoints and table is not None:
            first = first_decisions(checkpoint_lift(table, experiment.experiment, r.metric, spec), spec.alpha)
            entry["decisions"] = [
                {
                    "variant": row.variant,
                    "sequential_checkpoint": checkpoint_text(row.sequential_day),
                    "fixed_checkpoint": checkpoint_text(row.fixed_day),
                }
                for row in first.itertuples()
            ]
        out.append(entry)
    return out
