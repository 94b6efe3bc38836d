"""`python -m core abtest EVENTS.csv --variant C --metric C [--control NAME] [--covariate C]`
`python -m core abtest SUMMARY.csv --variant C --count C (--mean C | --sum C) (--variance C | --sd C |
--sum-squares C) [--experiment C] [--metric-column C] [--time C]`; binary: `--count C --conversions C`.

Prints the A/B result as JSON: {metric, control, srm_p_value, variants: [{name, n, mean, ci_low,
ci_high, lift, lift_ci_low, lift_ci_high, relative_lift, relative_lift_ci_low, relative_lift_ci_high,
p_value, prob_beat_control, ...}], ...}. `lift` is the absolute difference treatment - control
(relative_lift is the ratio - 1); control rows carry null comparison fields. Metrics given as 0/1,
true/false or yes/no are proportions; others means; --denominator makes a ratio metric (CTR =
clicks / impressions; rows of counts without a unit column are summed and tested as proportions).

With --count the rows are per-variant summaries (core.experiments.summary). With --experiment (or
several metrics in --metric-column) stdout is {"experiments": [{"experiment": ID, ...the shape
above...}, ...]}, one entry per experiment and metric; with --time the rows are cumulative
checkpoints, the latest one is reported, and `decisions` names per treatment the first checkpoint
where the always-valid (peeking-safe) test decided and where the fixed test first crossed alpha.
Each entry says `higher_is_better` and where it came from (`direction_source`: name, user,
default): a metric's direction is guessed from the whole words of its name (cost, CPA, churn,
bounce, error, refund, 流失, 成本 ... : a fall is good news) unless --lower-is-better /
--higher-is-better name it; a name that mixes such a word with one that turns it around
(cost_savings, error_free_sessions, 成本节约) exits 2 asking which. Verdicts, chance to beat control
and decisions follow it. Summaries: every treatment carries its portfolio `decision` and the p it
rests on (`decision_p_value`: BH-corrected over the file, or the always-valid one with --time;
`decision_basis` says which); a broken split (SRM) is `check_split`, never a ship.

Rows without a unit column whose metric is a count (clicks per ad or per day) beside an
impressions / exposures / visits column are tested as a share of it (`denominator`,
`denominator_source`: guessed; --denominator none tests the rows as units). A variant column
named like a campaign, ad or ad set is taken as not randomised (--randomised says it was): the
output is descriptive, without p-values, verdict or SRM check (`randomised`: false).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from core.cli import add_read_options, skipped_rows
from core.errors import ConfigError
from core.experiments.analysis import (
    ExperimentSpec,
    MetricSpec,
    Notice,
    analyze,
    check_direction_names,
    guess_denominator,
    prepare,
    randomised_guess,
)
from core.experiments.columns import guess_roles, read_events_csv
from core.experiments.direction import ambiguity_message, ambiguous_metrics, metric_direction
from core.experiments.summary import (
    SummaryColumns,
    SummarySpec,
    analyze_summary,
    experiment_dict,
    guess_summary_columns,
    portfolio_table,
    read_summary,
)
from core.experiments.wide import long_if_wide


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "abtest",
        help="analyse an A/B test from an events or summary CSV",
        description="Analyse an A/B test; prints JSON.",
    )
    p.add_argument("events", type=Path, help="CSV with a row per unit, exposure, aggregate, or variant summary")
    p.add_argument("--variant", required=True, help="column holding the variant name")
    p.add_argument("--metric", default=None, help="metric column (0/1, yes/no, true/false or numbers)")
    p.add_argument("--control", default=None, help="control variant (default: 'control'/'A' or the first)")
    p.add_argument("--covariate", default=None, help="pre-period covariate column for CUPED")
    p.add_argument(
        "--denominator",
        default=None,
        help="make the metric a ratio: metric / this column (default for aggregated rows of counts: an "
        "impressions/exposures/visits column; 'none': no denominator)",
    )
    rand = p.add_mutually_exclusive_group()
    rand.add_argument(
        "--randomised",
        dest="randomised",
        action="store_const",
        const=True,
        default=None,
        help="the variants were assigned at random (default unless the column is named like a campaign/ad)",
    )
    rand.add_argument(
        "--not-randomised",
        dest="randomised",
        action="store_const",
        const=False,
        help="the groups were not randomised (campaigns, ads): descriptive output only",
    )
    p.add_argument(
        "--unit", default=None, help="unit column (rows are summed per unit); default user_id/userid when present"
    )
    p.add_argument(
        "--lower-is-better",
        default="",
        metavar="METRICS",
        help="comma-separated metrics where a fall is good news (default: guessed from the name: cost, "
        "CPA, churn, bounce, error, refund, ... are lower-is-better)",
    )
    p.add_argument(
        "--higher-is-better", default="", metavar="METRICS", help="comma-separated metrics where a rise is good news"
    )
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument(
        "--sequential-tuning",
        type=float,
        default=5000.0,
        help="N* where the always-valid interval is tightest (planned total units)",
    )
    s = p.add_argument_group("per-variant summaries (instead of --metric)")
    s.add_argument("--count", default=None, help="units per variant: makes the rows summaries")
    s.add_argument("--mean", default=None, help="the metric's mean per variant")
    s.add_argument("--sum", default=None, help="the metric's sum per variant (instead of --mean)")
    spread = s.add_mutually_exclusive_group()
    spread.add_argument("--variance", default=None, help="sample variance per variant")
    spread.add_argument("--sd", default=None, help="standard deviation per variant")
    spread.add_argument("--sum-squares", default=None, help="sum of squared values per variant")
    s.add_argument("--conversions", default=None, help="converted units per variant (binary metric)")
    s.add_argument("--experiment", default=None, help="column naming the experiment (a portfolio)")
    s.add_argument("--metric-column", default=None, help="column naming the metric (several metrics)")
    s.add_argument("--time", default=None, help="checkpoint column: rows are cumulative totals so far")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    name = str(args.events)
    if not 0 < args.alpha < 1:
        raise ConfigError("--alpha must lie strictly between 0 and 1")
    if args.sequential_tuning <= 0:
        raise ConfigError("--sequential-tuning must be positive")
    df = read_events_csv(args.events, name)
    left_out = _wide(df, args, name)
    if left_out is not None:
        df, left_out = left_out
    summary_only = [
        f"--{k.replace('_', '-')}"
        for k in ("mean", "sum", "variance", "sd", "sum_squares", "conversions", "experiment", "metric_column", "time")
        if getattr(args, k)
    ]
    if args.count is None:
        if summary_only:
            raise ConfigError(f"{summary_only[0]} reads per-variant summaries and needs --count")
        if args.metric is None:
            raise ConfigError("--metric is required (or --count with --mean/--conversions for summaries)")
    elif args.metric or args.covariate or args.denominator or args.unit or args.randomised is not None:
        raise ConfigError(
            "--count reads per-variant summaries: use --mean/--sum/--conversions instead of "
            "--metric, and CUPED (--covariate) or --unit need unit rows"
        )
    out = _summary(df, args, name) if args.count else _rows(df, args, name)
    out.update(skipped_rows(args))
    if left_out is not None and left_out.rows:
        out["left_out"] = left_out.as_dict()  # rows without variances: not tested
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def _wide(df, args, name):
    """A wide summary (control and treatment side by side, core.experiments.wide) as its long form
    and the rows left out; with no --count/--metric its roles are guessed from the pairs' names."""
    if args.metric is not None:
        return None
    wide = long_if_wide(df, args.variant, name, args.experiment)
    if wide is None:
        return None
    if args.count is None:
        guess = guess_summary_columns(wide[0].drop(columns=[args.variant]))
        for role in ("count", "mean", "sum", "variance", "sd", "sum_squares", "conversions"):
            setattr(args, role, guess[role])
        if args.sum and args.mean:
            args.sum = None
        spreads = [r for r in ("variance", "sd", "sum_squares") if getattr(args, r)]
        for r in spreads[1:]:
            setattr(args, r, None)
    return wide


def _rows(df, args, name) -> dict:
    unit = args.unit
    if unit is None:
        guess = guess_roles(df.head(0)).unit
        unit = guess if guess in df.columns and guess not in (args.variant, args.metric) else None
    lower, higher = _names(args.lower_is_better), _names(args.higher_is_better)
    check_direction_names([args.metric], lower, higher, name)
    direction = metric_direction(args.metric, lower, higher)
    if direction.ambiguous:
        raise ConfigError(ambiguity_message([args.metric]), file=name, column=args.metric)
    denominator, denominator_source = args.denominator, "user" if args.denominator else None
    if denominator is not None and denominator.strip().lower() == "none":
        denominator, denominator_source = None, None
    elif denominator is None and unit is None and args.metric in df.columns:
        denominator = guess_denominator(df, args.metric, exclude=(args.variant, args.covariate))
        denominator_source = "guessed" if denominator else None
    randomised = randomised_guess(args.variant) if args.randomised is None else args.randomised
    spec = ExperimentSpec(
        variant=args.variant,
        control=args.control,
        unit=unit,
        covariate=args.covariate,
        alpha=args.alpha,
        sequential_tuning=args.sequential_tuning,
        source=name,
        randomised=randomised,
    )
    metric = MetricSpec(
        args.metric,
        denominator=denominator,
        higher_is_better=direction.higher_is_better,
        direction_source=direction.source,
    )
    result = analyze(prepare(df, spec, [metric]), metric)
    if denominator_source == "guessed":
        said = Notice("denominator_guessed", {"metric": args.metric, "denominator": denominator})
        result = replace(result, notices=(said, *result.notices))
    out = result.to_dict()
    out["denominator"], out["denominator_source"] = denominator, denominator_source
    return out


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _summary(df, args, name) -> dict:
    if not (args.mean or args.sum or args.conversions):
        raise ConfigError("--count needs --mean, --sum or --conversions")
    cols = SummaryColumns(
        variant=args.variant,
        count=args.count,
        mean=args.mean,
        sum=args.sum,
        variance=args.variance,
        sd=args.sd,
        sum_squares=args.sum_squares,
        conversions=args.conversions,
        experiment=args.experiment,
        metric=args.metric_column,
        time=args.time,
    )
    table = read_summary(df, cols, name)
    lower, higher = _names(args.lower_is_better), _names(args.higher_is_better)
    names = [str(m) for m in pd.unique(table["metric"])]
    check_direction_names(names, lower, higher, name)
    unclear = ambiguous_metrics(names, lower, higher)
    if unclear:
        raise ConfigError(ambiguity_message(unclear), file=name)
    spec = SummarySpec(
        control=args.control,
        alpha=args.alpha,
        sequential_tuning=args.sequential_tuning,
        source=name,
        lower_is_better=lower,
        higher_is_better=higher,
    )
    portfolio = portfolio_table(table, spec)
    entries = [e for exp in analyze_summary(table, spec) for e in experiment_dict(exp, table, spec, portfolio)]
    if args.experiment is None and len(entries) == 1:
        entries[0].pop("experiment")
        return entries[0]
    if args.experiment is None:
        for e in entries:
            e["experiment"] = None
    return {"experiments": entries}
