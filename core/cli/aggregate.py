"""`python -m core aggregate ab|retention|trends|edges --workspace W --out OUT.csv [--engine duckdb|spark]`.

The heavy aggregations of `core/query` over a workspace's Parquet tables, on DuckDB (default) or on
Spark (`--engine spark --spark-master URL`); the same SQL on both, the same statistics after it.

    aggregate ab --variant C --metric C [--covariate C | --denominator C|none] [--by C ...] [--day C]
        [--control NAME] [--lower-is-better M] [--higher-is-better M]
        OUT.csv: variant[, by..][, day], n, sum_y, sum_yy[, sum_x, sum_xx, sum_xy]
        stdout (no --by/--day): the A/B result JSON of `abtest` (from the sums, Welch / pooled z);
        a metric that is not numbers, or an ambiguous metric name, is one line and exit 2; rows with
        a NULL metric are left out with a warning; a count metric beside an impressions / exposures
        / visits column in a table without user_id is tested as a share of it (as `abtest`)
    aggregate retention [--period month|week] [--kind classic|unbounded] [--cohort first_activity|signup]
        [--max-periods N]   activity: interactions and posts (user_id, ts), as the churn page reads it
        OUT.csv: cohort, period, users, share, cohort_size
    aggregate trends [--scored DIR] [--freq day|week|month]
        OUT.csv: community, period, volume, mean_score, ... (input: the output of `score posts`)
    aggregate edges [--source replies|co_interaction] [--min-shared N] [--max-item-users N]
        OUT.csv: src, dst, weight;  stdout: the graph summary
    aggregate health [--community-source posts|graph] [--freq day|week|month]
        OUT.csv: the per-community table of `python -m core health` (same SQL, core/query/health.py)
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli import add_engine_options, check_range
from core.cohorts.retention import retention_from_engine
from core.data.workspace import open_workspace
from core.errors import ConfigError, InputError
from core.experiments.analysis import (  # scipy: core/lazy.py  # scipy
    EXPOSURE_NAMES,
    ExperimentData,
    ExperimentSpec,
    MetricSpec,
    Notice,
    check_direction_names,
    result_from_statistics,
)
from core.experiments.direction import ambiguity_message, metric_direction
from core.experiments.guesses import DENOMINATOR_NAMES
from core.experiments.statistics import ProportionStatistic, RatioStatistic
from core.experiments.summary import (  # scipy
    SummaryColumns,
    SummarySpec,
    analyze_summary,
    read_summary,
    variant_order,  # scipy
)
from core.export import check_output, write_csv
from core.graph.build import co_interaction_graph, reply_graph
from core.health.view import workspace_health
from core.query import aggregates as A
from core.query.engine import open_engine
from core.text.trends import trends_from_engine


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "aggregate",
        help="A/B sums, retention, sentiment trends or graph edges (DuckDB or Spark)",
        description="Run one of the heavy aggregations over a workspace; writes CSV.",
    )
    p.add_argument("what", choices=["ab", "retention", "trends", "edges", "health"])
    p.add_argument("--workspace", required=True, help="workspace name or folder")
    p.add_argument("--out", type=Path, required=True, help="output CSV")
    add_engine_options(p)
    a = p.add_argument_group("ab")
    a.add_argument("--table", default="ad_events", help="table of A/B rows (default ad_events)")
    a.add_argument("--variant", default="variant")
    a.add_argument("--metric", default=None)
    a.add_argument("--covariate", default=None)
    a.add_argument("--by", nargs="*", default=[], help="segment columns")
    a.add_argument("--day", default=None, help="time column: sums per day")
    a.add_argument("--control", default=None)
    a.add_argument(
        "--denominator",
        default=None,
        help="metric / this column (default for counts without user_id: an impressions/exposures/visits "
        "column; 'none': no denominator)",
    )
    a.add_argument("--lower-is-better", default="", metavar="METRIC", help="the metric is one where a fall is good")
    a.add_argument("--higher-is-better", default="", metavar="METRIC", help="the metric is one where a rise is good")
    r = p.add_argument_group("retention")
    r.add_argument("--period", choices=["month", "week"], default="month")
    r.add_argument("--kind", choices=["classic", "unbounded"], default="classic")
    r.add_argument(
        "--cohort",
        choices=["first_activity", "signup"],
        default="first_activity",
        help="cohort of a user: period of the first event, or of users.signup_at",
    )
    r.add_argument("--max-periods", type=int, default=None, help="keep periods 0 .. N-1")
    t = p.add_argument_group("trends")
    t.add_argument("--scored", type=Path, default=None, help="Parquet folder from 'score posts'")
    t.add_argument("--freq", choices=["day", "week", "month"], default="week")
    e = p.add_argument_group("edges")
    e.add_argument("--source", choices=["replies", "co_interaction"], default="replies")
    e.add_argument("--min-shared", type=int, default=2)
    e.add_argument("--max-item-users", type=int, default=200)
    h = p.add_argument_group("health")
    h.add_argument("--community-source", choices=["posts", "graph"], default="posts")
    h.add_argument("--no-sentiment", action="store_true", help="skip scoring the posts' text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_range(args.min_shared, "--min-shared", 1)
    check_range(args.max_periods, "--max-periods", 1)
    check_range(args.max_item_users, "--max-item-users", 1)
    if args.what == "ab" and not args.metric:
        raise ConfigError("aggregate ab needs --metric")
    if args.what == "trends" and args.scored is None:
        raise ConfigError("aggregate trends needs --scored DIR (the output of 'score posts')")
    ws = open_workspace(args.workspace)
    check_output(args.out, [args.scored] if args.scored else [])
    start = time.perf_counter()
    summary: dict = {}
    with open_engine(args.engine, args.spark_master) as eng:
        eng.register_workspace(ws)
        if args.what == "ab":
            out, summary = _ab(eng, args)
        elif args.what == "retention":
            if args.cohort == "signup" and not (eng.has("users") and "signup_at" in eng.columns("users")):
                raise ConfigError(f"--cohort signup needs a 'users' table with signup_at in workspace '{ws.name}'")
            res = retention_from_engine(
                eng,
                period=args.period,
                kind=args.kind,
                tables=_activity_tables(eng, ws),
                cohorts="users" if args.cohort == "signup" else None,
                cohort_col="signup_at",
                max_periods=args.max_periods,
            )
            out = res.to_long()
            summary = {"cohorts": int(len(res.sizes)), "periods": int(res.counts.shape[1])}
        elif args.what == "health":
            health = workspace_health(ws, eng, args.community_source, args.freq, not args.no_sentiment)
            out = health.table()
            summary = {"overall": health.overall, "alerts": len(health.alerts)}
        elif args.what == "trends":
            eng.register("scored", args.scored)
            out = trends_from_engine(eng, "scored", args.freq)
        else:
            table = "posts" if args.source == "replies" else "interactions"
            _need(eng, table, ws)
            graph = (
                reply_graph(eng)
                if args.source == "replies"
                else co_interaction_graph(eng, min_shared=args.min_shared, max_item_users=args.max_item_users)
            )
            names = graph.nodes.astype(str)
            out = pd.DataFrame({"src": names[graph.src], "dst": names[graph.dst], "weight": graph.weight})
            summary = graph.summary()
    write_csv(out, args.out)
    print(
        json.dumps(
            {
                "rows": int(len(out)),
                "out": str(args.out),
                "engine": args.engine,
                "seconds": round(time.perf_counter() - start, 3),
                **summary,
            },
            ensure_ascii=False,
            default=str,
        )
    )
    return 0


def _ab(eng, args):
    """(the per-variant sums, the A/B result JSON or {}) for `aggregate ab`."""

    lower = tuple(n for n in args.lower_is_better.split(",") if n.strip())
    higher = tuple(n for n in args.higher_is_better.split(",") if n.strip())
    check_direction_names([args.metric], lower, higher, args.table)
    if metric_direction(args.metric, lower, higher).ambiguous:
        raise ConfigError(ambiguity_message([args.metric]), file=args.table, column=args.metric)
    den, guessed = args.denominator, False
    if den is not None and den.strip().lower() == "none":
        den = None
    elif den is not None and args.covariate:
        raise ConfigError("--denominator and --covariate cannot be combined (CUPED needs a plain metric)")
    checks = A.ab_checks(eng, args.table, args.metric, den)
    if args.denominator is None and not args.covariate:
        den = guess_ab_denominator(eng, args.table, args.metric, checks)
        guessed = den is not None
        if den:
            checks = A.ab_checks(eng, args.table, args.metric, den)
    counts = bool(den) and not checks.get("not_counts") and not checks.get("d_not_counts")
    if counts and checks.get("over"):
        if EXPOSURE_NAMES.match(str(den).strip()):
            raise InputError(
                f"{args.metric} exceeds {den} in {int(checks['over'])} rows; a count of clicks or conversions "
                "cannot be larger than its exposures",
                file=args.table,
                column=args.metric,
            )
        counts = False
    out = A.ab_sums(eng, args.table, args.variant, args.metric, den or args.covariate, tuple(args.by), args.day)
    if args.by or args.day:
        return out, {}
    if den:
        result = ab_ratio_result(
            out, args.metric, den, counts, args.control, source=args.table, lower=lower, higher=higher
        )
    else:
        result = ab_result(out, args.metric, control=args.control, source=args.table, lower=lower, higher=higher)
    notices = []
    if guessed:
        notices.append(Notice("denominator_guessed", {"metric": args.metric, "denominator": den}))
    left_out = int(checks.get("missing") or 0) + int(checks.get("d_missing") or 0)
    if left_out:
        notices.append(Notice("dropped_missing_metric", {"rows": left_out, "metric": result.metric}))
    summary = replace(result, notices=(*notices, *result.notices)).to_dict()
    summary["denominator"], summary["denominator_source"] = den, ("guessed" if guessed else "user" if den else None)
    return out, summary


def _activity_tables(eng, ws) -> tuple[str, ...]:
    """The tables whose rows are events (user_id and ts), as `core.cohorts.datasets.tables_activity`."""
    tables = tuple(t for t in ("interactions", "posts") if eng.has(t) and {"user_id", "ts"} <= set(eng.columns(t)))
    if not tables:
        raise ConfigError(f"workspace '{ws.name}' has no 'interactions' or 'posts' table with user_id and ts")
    return tables


def _need(eng, table: str, ws) -> None:
    if not eng.has(table):
        raise ConfigError(f"workspace '{ws.name}' has no '{table}' table")


# ---- the A/B result from per-variant sums (the experiments analysis on what the query layer summed) ----


def ab_result(
    sums: pd.DataFrame,
    metric: str = "metric",
    binary: bool | None = None,
    control: str | None = None,
    alpha: float = 0.05,
    source: str | None = None,
    lower: tuple[str, ...] = (),
    higher: tuple[str, ...] = (),
):
    """The A/B result for one metric from per-variant sums (`core.query.aggregates.ab_sums`): the
    summary engine (Welch / pooled z) of `core.experiments.summary`, the same statistics the
    row-level path runs on."""

    frame = sums.dropna(subset=["variant"]).assign(metric=metric)
    if binary is None:  # 0/1 values: sum of squares equals the sum
        binary = bool(np.allclose(frame["sum_y"], frame["sum_yy"]) and (frame["sum_y"] <= frame["n"]).all())
    if binary:
        cols = SummaryColumns(variant="variant", count="n", conversions="sum_y", metric="metric")
    else:
        cols = SummaryColumns(variant="variant", count="n", sum="sum_y", sum_squares="sum_yy", metric="metric")
    table = read_summary(frame, cols, source)
    spec = SummarySpec(control=control, alpha=alpha, source=source, lower_is_better=lower, higher_is_better=higher)
    return analyze_summary(table, spec)[0].results[0]


_DENOMINATOR_EXPOSURE = ("impressions", "imps", "exposures", "exposed", "views", "visits", "visitors", "reach")


def guess_ab_denominator(engine, table: str, metric: str, checks: dict) -> str | None:
    """For a table without user_id: the impressions / exposures / visits column a count metric
    (whole numbers, some above 1) is a share of, as `core.experiments.analysis.guess_denominator`;
    `checks` from `core.query.aggregates.ab_checks`."""
    cols = engine.columns(table)
    if "user_id" in cols or DENOMINATOR_NAMES.match(metric) or checks.get("not_counts"):
        return None
    if not (checks.get("max_value") or 0) > 1:
        return None
    hits = [c for c in cols if c != metric and DENOMINATOR_NAMES.match(str(c))]
    hits.sort(key=lambda c: not str(c).lower().startswith(_DENOMINATOR_EXPOSURE[:4]))
    return hits[0] if hits else None


def ab_ratio_result(
    sums: pd.DataFrame,
    metric: str,
    denominator: str,
    counts: bool,
    control: str | None = None,
    alpha: float = 0.05,
    source: str | None = None,
    lower: tuple[str, ...] = (),
    higher: tuple[str, ...] = (),
):
    """The A/B result for metric / denominator from per-variant sums with the denominator as x
    (`ab_sums(..., covariate=denominator)`): counts (clicks over impressions) are a proportion of the
    summed counts (the two-proportion z-test), other ratios a delta-method ratio with rows as units."""

    frame = sums.dropna(subset=["variant"]).set_index("variant")
    names = variant_order(frame.index, SummarySpec(control=control, source=source), f"{metric} / {denominator}")
    frame = frame.loc[names]
    if counts:
        kind = "proportion"
        stats: list = [ProportionStatistic(int(round(x)), float(y)) for x, y in zip(frame["sum_x"], frame["sum_y"])]
        units = [int(round(x)) for x in frame["sum_x"]]
    else:
        kind = "ratio"
        stats = [RatioStatistic(int(r.n), r.sum_y, r.sum_yy, r.sum_x, r.sum_xx, r.sum_xy) for r in frame.itertuples()]
        units = [int(n) for n in frame["n"]]
    spec = ExperimentSpec(variant="variant", control=names[0], alpha=alpha, source=source)
    data = ExperimentData(variants=names, codes=np.zeros(0, dtype=np.int64), values={}, binary={}, spec=spec)
    d = metric_direction(metric, lower, higher)
    m = MetricSpec(metric, denominator, higher_is_better=d.higher_is_better, direction_source=d.source)
    return result_from_statistics(kind, stats, data, m, units=units)
