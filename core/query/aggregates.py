"""The heavy aggregations on either engine, handed to the same statistics code as the in-process path.

    with open_engine("spark", "local[2]") as eng:   # or "duckdb"
        eng.register_workspace(ws)
        sums = ab_sums(eng, "ad_events", "variant", "converted")      # n, sum_y, sum_yy per variant
        result = ab_result(sums)                                      # the summary A/B engine
        retention(eng, period="month")                                # a RetentionResult
        sentiment_trends(eng, "scored", freq="week")                  # core.text.trends' table
        reply_graph(eng) / co_interaction_graph(eng)                  # a core.graph UserGraph

Every function runs one query from `core/query/sql.py`; sorting the result makes the engines'
answers comparable row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.query import sql
from core.query.engine import Engine


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, na_position="first", kind="mergesort").reset_index(drop=True)


def ab_sums(
    engine: Engine,
    table: str,
    variant: str,
    metric: str,
    covariate: str | None = None,
    by: tuple[str, ...] = (),
    day: str | None = None,
) -> pd.DataFrame:
    """Per variant (and `by` columns, and day): n, sum_y, sum_yy (+ sum_x, sum_xx, sum_xy)."""
    from core.errors import InputError

    cols = engine.columns(table)
    for c in (variant, metric, covariate, *by, day):
        if c and c not in cols:
            raise InputError(f"no such column; the columns are: {', '.join(cols[:12])}", file=table, column=c)
    df = engine.sql(sql.ab_sums(table, variant, metric, covariate, tuple(by), day))
    if "day" in df:
        df["day"] = pd.to_datetime(df["day"])
    df["n"] = df["n"].astype(np.int64)
    keys = ["variant", *by] + (["day"] if day else [])
    return _sorted(df, keys)


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
    """The A/B result for one metric from per-variant sums: the summary engine (Welch / pooled z)
    of `core.experiments.summary`, the same statistics the row-level path runs on."""
    from core.experiments.summary import SummaryColumns, SummarySpec, analyze_summary, read_summary

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


def ab_checks(engine: Engine, table: str, metric: str, denominator: str | None = None) -> dict:
    """`sql.ab_checks` as a dict of numbers (None where SQL gave NULL). InputError naming the table
    and column when the metric (or denominator) holds values that are not numbers."""
    from core.errors import InputError

    cols = engine.columns(table)
    for c in (metric, denominator):
        if c and c not in cols:
            raise InputError(f"no such column; the columns are: {', '.join(cols[:12])}", file=table, column=c)
    row = engine.sql(sql.ab_checks(table, metric, denominator)).iloc[0].to_dict()
    out: dict = {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in row.items()}
    for c, key in ((metric, "not_numbers"), (denominator, "d_not_numbers")):
        if c and out.get(key):
            example = f", found '{str(out['example'])[:40]}'" if c == metric and out.get("example") else ""
            raise InputError(
                f"metric values must be numbers{example} ({int(out[key])} of {int(out['n_rows'])} rows are not)",
                file=table,
                column=c,
            )
    return out


_DENOMINATOR_EXPOSURE = ("impressions", "imps", "exposures", "exposed", "views", "visits", "visitors", "reach")


def guess_ab_denominator(engine: Engine, table: str, metric: str, checks: dict) -> str | None:
    """For a table without user_id: the impressions / exposures / visits column a count metric
    (whole numbers, some above 1) is a share of, as `core.experiments.analysis.guess_denominator`."""
    from core.experiments.guesses import DENOMINATOR_NAMES

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
    from core.experiments.analysis import ExperimentData, ExperimentSpec, MetricSpec, result_from_statistics
    from core.experiments.direction import metric_direction
    from core.experiments.statistics import ProportionStatistic, RatioStatistic
    from core.experiments.summary import SummarySpec, variant_order

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


def retention(
    engine: Engine,
    period: str = "month",
    kind: str = "classic",
    tables: tuple[str, ...] = ("interactions",),
    cohorts: str | None = None,
    cohort_col: str = "cohort",
    max_periods: int | None = None,
):
    """The `RetentionResult` of the activity in `tables` (user_id, ts each) from four grouped counts:
    cells, last active periods, cohort sizes and the last period with an event. Cohorts: the period
    of each user's first event, or of `cohort_col` in table `cohorts` (e.g. `users`, `signup_at`),
    whose users count in the cohort size active or not. Cells after the last event are NaN."""
    from core.cohorts.activity import PERIODS
    from core.cohorts.retention import RetentionResult, period_start_of_index
    from core.errors import ConfigError

    if period not in PERIODS:
        raise ConfigError(f"unknown period '{period}'; use one of {', '.join(PERIODS)}")
    if kind not in ("classic", "unbounded"):
        raise ConfigError(f"unknown retention kind '{kind}'; use 'classic' or 'unbounded'")
    rows = engine.sql(sql.retention_cells(tuple(tables), period, cohorts, cohort_col, max_periods))
    end = rows.loc[rows["what"] == "end", "cohort"].dropna()
    rows = rows[rows["what"] != "end"].astype({"cohort": np.int64, "period": np.int64, "users": np.int64})
    cells, last, size = (rows[rows["what"] == w] for w in ("cell", "last", "size"))
    if size.empty or end.empty:
        raise ConfigError(f"{', '.join(tables)}: no events with a user and a time")
    first = int(size["cohort"].min())
    n_cohorts = int(size["cohort"].max()) - first + 1
    n_periods = int(cells["period"].max()) + 1 if len(cells) else 1
    grid = np.zeros((n_cohorts, n_periods))
    use = cells if kind == "classic" else last
    grid[use["cohort"].to_numpy() - first, use["period"].to_numpy()] = use["users"].to_numpy(dtype=float)
    if kind == "unbounded":  # a user counts in every period up to their last active one
        grid = np.cumsum(grid[:, ::-1], axis=1)[:, ::-1]
    sizes_raw = np.zeros(n_cohorts, dtype=np.int64)
    sizes_raw[size["cohort"].to_numpy() - first] = size["users"].to_numpy()
    present = sizes_raw > 0
    cohort_idx = np.flatnonzero(present) + first
    index = period_start_of_index(cohort_idx, period)
    index.name = "cohort"
    sizes = pd.Series(sizes_raw[present], index=index, name="cohort_size")
    observed = (cohort_idx[:, None] + np.arange(n_periods)[None, :]) <= int(end.iloc[0])
    counts = pd.DataFrame(
        np.where(observed, grid[present], np.nan), index=index, columns=pd.RangeIndex(n_periods, name="period")
    )
    return RetentionResult(
        counts=counts, shares=counts.div(sizes.to_numpy(), axis=0), sizes=sizes, period=period, kind=kind
    )


def sentiment_trends(
    engine: Engine, table: str = "scored", freq: str = "week", level: float = 0.95, overall: bool = True
) -> pd.DataFrame:
    """`core.text.trends.sentiment_trends` over a scored-posts table (ts, score, sentiment[, community])."""
    from core.text.trends import trend_intervals

    has_community = "community" in engine.columns(table)
    out = engine.sql(sql.sentiment_trends(table, freq, has_community, overall))
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    out["volume"] = out["volume"].astype(np.int64)
    out["negatives"] = out["negatives"].astype(float)
    out["sd"] = out["sd"].astype(float)
    return trend_intervals(_sorted(out, ["community", "period"]), level)


def reply_edges(engine: Engine, table: str = "posts") -> pd.DataFrame:
    """src, dst, weight (number of replies) per ordered pair, sorted."""
    out = engine.sql(sql.reply_edges(table, engine.columns(table)))
    out["weight"] = out["weight"].astype(float)
    return _sorted(out, ["src", "dst"])


def co_interaction_edges(
    engine: Engine, table: str = "interactions", min_shared: int = 2, max_item_users: int = 200
) -> pd.DataFrame:
    """src < dst, weight (distinct shared items) per pair, sorted."""
    out = engine.sql(sql.co_interaction_edges(table, min_shared, max_item_users))
    out["weight"] = out["weight"].astype(float)
    return _sorted(out, ["src", "dst"])


def reply_graph(engine: Engine, table: str = "posts", min_weight: float = 0.0):
    """The reply `UserGraph`: every poster a node, weight = replies, first_seen = each node's earliest
    reply; self-replies and replies without an author counted (`self_loops`, `dropped_rows`)."""
    from dataclasses import replace

    from core.graph.build import graph_from_pairs

    columns = engine.columns(table)
    pairs = engine.sql(sql.reply_pairs(table, columns))
    posters = engine.sql(sql.posters(table))
    replies = pairs["replies"].to_numpy(np.int64)
    g = graph_from_pairs(
        pairs["src"],
        pairs["dst"],
        pd.Series(replies.astype(float)),
        ts=pairs["first_ts"] if "ts" in columns else None,
        directed=True,
        source="replies",
        min_weight=min_weight,
        extra_nodes=posters["u"],
        table=table,
    )
    known = pairs["src"].notna().to_numpy()
    loops = known & (pairs["src"].astype(object) == pairs["dst"].astype(object)).to_numpy()
    g = replace(g, self_loops=int(replies[loops].sum()), dropped_rows=int(replies[~known].sum()))
    g.notes.append(f"{int(replies.sum())} replies out of {int(posters['posts'].sum())} posts")
    return g


def co_interaction_graph(engine: Engine, table: str = "interactions", min_shared: int = 2, max_item_users: int = 200):
    """The co-interaction `UserGraph`: every user with an item a node, first_seen = their earliest row;
    the notes say how many pairs fell below `min_shared` and how many items were skipped."""
    from dataclasses import replace

    from core.graph.build import graph_from_pairs

    edges = co_interaction_edges(engine, table, min_shared, max_item_users)
    has_ts = "ts" in engine.columns(table)
    users = engine.sql(sql.item_users(table, has_ts))
    facts = engine.sql(sql.co_interaction_facts(table, min_shared, max_item_users)).iloc[0]
    g = graph_from_pairs(
        edges["src"],
        edges["dst"],
        edges["weight"],
        directed=False,
        source="co_interaction",
        extra_nodes=users["u"],
        table=table,
    )
    if has_ts:
        first = pd.Series(pd.to_datetime(users["first_ts"]).to_numpy(), index=users["u"].astype(str).to_numpy())
        g = replace(g, first_seen=first.reindex(g.nodes.astype(str)).to_numpy("datetime64[ns]"))
    g.notes.append(f"pairs sharing fewer than {min_shared} items dropped: {int(facts['pairs_below'])}")
    if int(facts["skipped_items"]):
        g.notes.append(f"{int(facts['skipped_items'])} items with more than {max_item_users} users skipped")
    return g
