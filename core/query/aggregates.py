"""The heavy aggregations on either engine, as plain frames and dicts the analyses build their results from.

    with open_engine("spark", "local[2]") as eng:   # or "duckdb"
        eng.register_workspace(ws)
        sums = ab_sums(eng, "ad_events", "variant", "converted")      # n, sum_y, sum_yy per variant
        retention_counts(eng, period="month")                         # -> core.cohorts.retention
        sentiment_trend_sums(eng, "scored", freq="week")              # -> core.text.trends
        reply_parts(eng) / co_interaction_parts(eng)                  # -> core.graph.build

Every function runs queries from `core/query/sql.py`; sorting the result makes the engines'
answers comparable row by row. The query layer sits below the analyses and imports none of them
(`core.cohorts`, `core.graph`, `core.text`, `core.health`, `core.experiments`): each analysis turns
these frames into its own result type (`retention_from_engine`, `trends_from_engine`,
`reply_graph` / `co_interaction_graph`; the A/B result from sums: `core.cli.aggregate`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import InputError
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


def ab_checks(engine: Engine, table: str, metric: str, denominator: str | None = None) -> dict:
    """`sql.ab_checks` as a dict of numbers (None where SQL gave NULL). InputError naming the table
    and column when the metric (or denominator) holds values that are not numbers."""
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


def retention_counts(
    engine: Engine,
    period: str = "month",
    tables: tuple[str, ...] = ("interactions",),
    cohorts: str | None = None,
    cohort_col: str = "cohort",
    max_periods: int | None = None,
) -> dict:
    """`sql.retention_cells` as plain frames: {"cells", "last", "size"} (cohort, period, users as
    integer periods, `core.query.sql.period_index`) and "end", the period of the last event (None
    without events). `core.cohorts.retention` turns them into the matrix."""
    rows = engine.sql(sql.retention_cells(tuple(tables), period, cohorts, cohort_col, max_periods))
    end = rows.loc[rows["what"] == "end", "cohort"].dropna()
    rows = rows[rows["what"] != "end"].astype({"cohort": np.int64, "period": np.int64, "users": np.int64})
    out: dict = {w: rows[rows["what"] == w].reset_index(drop=True) for w in ("cell", "last", "size")}
    out["end"] = int(end.iloc[0]) if len(end) else None
    return out


def sentiment_trend_sums(
    engine: Engine, table: str = "scored", freq: str = "week", overall: bool = True
) -> pd.DataFrame:
    """Per (community, period) of a scored-posts table (ts, score, sentiment[, community]): volume,
    mean_score, sd, negatives, sorted; `core.text.trends` adds the intervals."""
    has_community = "community" in engine.columns(table)
    out = engine.sql(sql.sentiment_trends(table, freq, has_community, overall))
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    out["volume"] = out["volume"].astype(np.int64)
    out["negatives"] = out["negatives"].astype(float)
    out["sd"] = out["sd"].astype(float)
    return _sorted(out, ["community", "period"])


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


def reply_parts(engine: Engine, table: str = "posts") -> dict:
    """What a reply graph is built from (`core.graph.build.reply_graph`): "pairs" (src, dst, replies,
    first_ts per replier -> replied-to pair; src NULL for replies without an author), "posters" (u,
    posts per poster) and "has_ts"."""
    columns = engine.columns(table)
    return {
        "pairs": engine.sql(sql.reply_pairs(table, columns)),
        "posters": engine.sql(sql.posters(table)),
        "has_ts": "ts" in columns,
    }


def co_interaction_parts(
    engine: Engine, table: str = "interactions", min_shared: int = 2, max_item_users: int = 200
) -> dict:
    """What a co-interaction graph is built from (`core.graph.build.co_interaction_graph`): "edges"
    (`co_interaction_edges`), "users" (u[, first_ts] per user with an item), "has_ts", and the counts
    "pairs_below" (pairs sharing fewer than `min_shared` items) and "skipped_items" (items with more
    than `max_item_users` users)."""
    has_ts = "ts" in engine.columns(table)
    facts = engine.sql(sql.co_interaction_facts(table, min_shared, max_item_users)).iloc[0]
    return {
        "edges": co_interaction_edges(engine, table, min_shared, max_item_users),
        "users": engine.sql(sql.item_users(table, has_ts)),
        "has_ts": has_ts,
        "pairs_below": int(facts["pairs_below"]),
        "skipped_items": int(facts["skipped_items"]),
    }
