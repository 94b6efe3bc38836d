"""The heavy aggregations, written once in DuckDB's SQL dialect (Spark gets them through sqlglot).

Each function returns the text of one query over views named like the workspace tables
(`ad_events`, `interactions`, `posts`) or a scored-posts view. Column names are quoted identifiers;
values that come from the user (thresholds) are numbers checked by the caller.
"""

from __future__ import annotations

from core.errors import ConfigError


def q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _clean_id(col: str) -> str:
    """An id as stripped text, blank -> NULL (like `core.graph.build._clean_ids`)."""
    return f"NULLIF(trim(CAST({q(col)} AS VARCHAR)), '')"


def period_start(ts: str, freq: str) -> str:
    """The first instant of the day / Monday-week / month of a timestamp expression."""
    if freq not in ("day", "week", "month"):
        raise ConfigError(f"unknown period '{freq}'; choose one of day, week, month")
    return f"CAST(date_trunc('{freq}', CAST({ts} AS TIMESTAMP)) AS TIMESTAMP)"


def period_index(ts: str, period: str) -> str:
    """Integer period of a timestamp, as `core.cohorts.retention.period_index`: months since
    1970-01, or Monday-weeks since 1969-12-29."""
    if period == "month":
        return f"CAST((year({ts}) - 1970) * 12 + month({ts}) - 1 AS BIGINT)"
    if period == "week":
        days = f"date_diff('day', DATE '1970-01-01', CAST({ts} AS DATE))"
        return f"CAST(floor(({days} + 3) / 7) AS BIGINT)"
    raise ConfigError(f"unknown period '{period}'; use month or week")


def ab_sums(
    table: str,
    variant: str,
    metric: str,
    covariate: str | None = None,
    by: tuple[str, ...] = (),
    day: str | None = None,
) -> str:
    """Sufficient statistics per variant (and per `by` column, and per day of `day`): n, sum_y,
    sum_yy, and with a covariate sum_x, sum_xx, sum_xy. Rows with a NULL metric or covariate are
    left out, as `group_statistics` leaves NaN rows out."""
    keys = [f"CAST({q(variant)} AS VARCHAR) AS variant"]
    keys += [f"CAST({q(c)} AS VARCHAR) AS {q(c)}" for c in by]
    if day:
        keys.append(f"CAST({q(day)} AS DATE) AS day")
    names = ["variant", *[q(c) for c in by]] + (["day"] if day else [])
    cols = [f"CAST({q(metric)} AS DOUBLE) AS y"]
    where = [f"{q(metric)} IS NOT NULL"]
    sums = ["count(*) AS n", "sum(y) AS sum_y", "sum(y * y) AS sum_yy"]
    if covariate:
        cols.append(f"CAST({q(covariate)} AS DOUBLE) AS x")
        where.append(f"{q(covariate)} IS NOT NULL")
        sums += ["sum(x) AS sum_x", "sum(x * x) AS sum_xx", "sum(x * y) AS sum_xy"]
    return (
        f"SELECT {', '.join(names)}, {', '.join(sums)} FROM ("
        f"SELECT {', '.join(keys + cols)} FROM {q(table)} WHERE {' AND '.join(where)}) AS r "
        f"GROUP BY {', '.join(names)}"
    )


def retention_cells(table: str = "interactions", period: str = "month", user: str = "user_id", ts: str = "ts") -> str:
    """Rows (what, cohort, period, users): 'cell' = distinct users of cohort c active in period p
    after it; 'last' = users of cohort c whose last active period is p; 'size' = users of cohort c
    (period -1). Cohort = period of the user's first event (integer period index)."""
    return (
        f"WITH ev AS (SELECT CAST({q(user)} AS VARCHAR) AS u, {period_index(q(ts), period)} AS p "
        f"FROM {q(table)} WHERE {q(user)} IS NOT NULL AND {q(ts)} IS NOT NULL), "
        "fl AS (SELECT u, min(p) AS c, max(p) AS l FROM ev GROUP BY u), "
        "dist AS (SELECT DISTINCT u, p FROM ev) "
        "SELECT 'cell' AS what, fl.c AS cohort, dist.p - fl.c AS period, count(*) AS users "
        "FROM dist JOIN fl ON dist.u = fl.u GROUP BY fl.c, dist.p - fl.c "
        "UNION ALL SELECT 'last' AS what, c AS cohort, l - c AS period, count(*) AS users FROM fl GROUP BY c, l - c "
        "UNION ALL SELECT 'size' AS what, c AS cohort, -1 AS period, count(*) AS users FROM fl GROUP BY c"
    )


def sentiment_trends(table: str, freq: str = "week", community: bool = True, overall: bool = True) -> str:
    """Per (community, period): volume, mean_score, sd (sample), negatives. Posts without a time are
    left out; with `overall` the same rows again under the community 'all'."""
    comm = f"CAST({q('community')} AS VARCHAR)" if community else "'all'"
    base = (
        f"SELECT {comm} AS community, {period_start(q('ts'), freq)} AS period, "
        f"CAST({q('score')} AS DOUBLE) AS score, "
        f"CASE WHEN {q('sentiment')} = 'negative' THEN 1 ELSE 0 END AS neg "
        f"FROM {q(table)} WHERE {q('ts')} IS NOT NULL AND {q('score')} IS NOT NULL"
    )
    rows = "SELECT * FROM s"
    if overall and community:
        rows += " UNION ALL SELECT 'all' AS community, period, score, neg FROM s"
    return (
        f"WITH s AS ({base}) SELECT community, period, count(*) AS volume, avg(score) AS mean_score, "
        f"stddev_samp(score) AS sd, sum(neg) AS negatives FROM ({rows}) AS a GROUP BY community, period"
    )


def reply_edges(table: str = "posts", columns: list[str] | tuple[str, ...] = ()) -> str:
    """Directed replier -> replied-to pairs with the number of replies (self-replies left out).
    The target is `reply_to_user`, else the author of `parent_id` (as `graph_from_replies`)."""
    has_to, has_parent = "reply_to_user" in columns, "parent_id" in columns
    if not (has_to or has_parent):
        raise ConfigError("posts need 'reply_to_user' or 'parent_id' for a reply graph")
    p_cols = [
        f"{_clean_id('user_id')} AS u",
        f"{_clean_id('reply_to_user')} AS r" if has_to else "CAST(NULL AS VARCHAR) AS r",
        f"{_clean_id('parent_id')} AS par" if has_parent else "CAST(NULL AS VARCHAR) AS par",
    ]
    sql = f"WITH p AS (SELECT {', '.join(p_cols)} FROM {q(table)})"
    if has_parent:
        sql += (
            f", author AS (SELECT pid, min(au) AS au FROM (SELECT {_clean_id('post_id')} AS pid, "
            f"{_clean_id('user_id')} AS au FROM {q(table)}) AS a WHERE pid IS NOT NULL GROUP BY pid), "
            "t AS (SELECT p.u AS u, coalesce(p.r, author.au) AS v FROM p LEFT JOIN author ON p.par = author.pid)"
        )
    else:
        sql += ", t AS (SELECT u, r AS v FROM p)"
    return (
        sql + " SELECT u AS src, v AS dst, count(*) AS weight FROM t "
        "WHERE u IS NOT NULL AND v IS NOT NULL AND u <> v GROUP BY u, v"
    )


def co_interaction_edges(table: str = "interactions", min_shared: int = 2, max_item_users: int = 200) -> str:
    """Undirected user pairs (src < dst) with the number of distinct items both touched, at least
    `min_shared`; items with more than `max_item_users` users are skipped (as `graph_from_co_interaction`)."""
    return (
        f"WITH ui AS (SELECT DISTINCT {_clean_id('user_id')} AS u, {_clean_id('item_id')} AS i "
        f"FROM {q(table)}), ok AS (SELECT u, i FROM ui WHERE u IS NOT NULL AND i IS NOT NULL), "
        "pop AS (SELECT i, count(*) AS k FROM ok GROUP BY i), "
        f"kept AS (SELECT ok.u AS u, ok.i AS i FROM ok JOIN pop ON ok.i = pop.i WHERE pop.k <= {int(max_item_users)}) "
        "SELECT a.u AS src, b.u AS dst, count(*) AS weight FROM kept AS a JOIN kept AS b "
        "ON a.i = b.i AND a.u < b.u GROUP BY a.u, b.u "
        f"HAVING count(*) >= {int(min_shared)}"
    )
