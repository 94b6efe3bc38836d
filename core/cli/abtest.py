"""`python -m core abtest EVENTS.csv --variant C --metric C [--control NAME] [--covariate C]`

Prints the A/B result as JSON: {metric, control, srm_p_value, variants: [{name, n, mean, ci_low,
ci_high, lift, lift_ci_low, lift_ci_high, p_value, prob_beat_control, ...}], ...}. `lift` is the
absolute difference treatment - control (relative_lift is the ratio - 1); control rows carry null
comparison fields. Metrics given as 0/1, true/false or yes/no are proportions; others means;
--denominator makes a ratio metric (CTR = clicks / impressions).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("abtest", help="analyse an A/B test from an events CSV",
                              description="Analyse an A/B test; prints JSON.")
    p.add_argument("events", type=Path, help="CSV with a row per unit, exposure or aggregate")
    p.add_argument("--variant", required=True, help="column holding the variant name")
    p.add_argument("--metric", required=True, help="metric column (0/1, yes/no, true/false or numbers)")
    p.add_argument("--control", default=None, help="control variant (default: 'control'/'A' or the first)")
    p.add_argument("--covariate", default=None, help="pre-period covariate column for CUPED")
    p.add_argument("--denominator", default=None, help="make the metric a ratio: metric / this column")
    p.add_argument("--unit", default=None,
                   help="unit column (rows are summed per unit); default user_id/userid when present")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--sequential-tuning", type=float, default=5000.0,
                   help="N* where the always-valid interval is tightest (planned total units)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.errors import ConfigError
    from core.experiments.analysis import ExperimentSpec, MetricSpec, analyze, prepare
    from core.experiments.columns import guess_roles, read_events_csv

    name = str(args.events)
    if not 0 < args.alpha < 1:
        raise ConfigError("--alpha must lie strictly between 0 and 1")
    if args.sequential_tuning <= 0:
        raise ConfigError("--sequential-tuning must be positive")
    df = read_events_csv(args.events, name)
    unit = args.unit
    if unit is None:
        guess = guess_roles(df.head(0)).unit
        unit = guess if guess in df.columns and guess not in (args.variant, args.metric) else None
    spec = ExperimentSpec(variant=args.variant, control=args.control, unit=unit, covariate=args.covariate,
                          alpha=args.alpha, sequential_tuning=args.sequential_tuning, source=name)
    metric = MetricSpec(args.metric, denominator=args.denominator)
    result = analyze(prepare(df, spec, [metric]), metric)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    return 0
