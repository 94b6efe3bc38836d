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


def ab_checks(table: str, metric: str, denominator: str | None = None) -> str:
    """One row about an A/B metric column before it is summed: rows, missing (NULL) values, values
    that are not numbers (and the smallest such, as text), values that are not counts (fractional
    or negative), the largest value; with a denominator the same for it and the rows where the
    metric exceeds it. TRY_CAST, so a text column is reported instead of failing the query."""
    m = f"TRY_CAST({q(metric)} AS DOUBLE)"
    cols = [
        "count(*) AS n_rows",
        f"sum(CASE WHEN {q(metric)} IS NULL THEN 1 ELSE 0 END) AS missing",
        f"sum(CASE WHEN {q(metric)} IS NOT NULL AND {m} IS NULL THEN 1 ELSE 0 END) AS not_numbers",
        f"min(CASE WHEN {q(metric)} IS NOT NULL AND {m} IS NULL THEN CAST({q(metric)} AS VARCHAR) END) AS example",
        f"sum(CASE WHEN {m} < 0 OR {m} <> floor({m}) THEN 1 ELSE 0 END) AS not_counts",
        f"max({m}) AS max_value",
    ]
    if denominator:
        d = f"TRY_CAST({q(denominator)} AS DOUBLE)"
        cols += [
            f"sum(CASE WHEN {q(denominator)} IS NULL THEN 1 ELSE 0 END) AS d_missing",
            f"sum(CASE WHEN {q(denominator)} IS NOT NULL AND {d} IS NULL THEN 1 ELSE 0 END) AS d_not_numbers",
            f"sum(CASE WHEN {d} < 0 OR {d} <> floor({d}) THEN 1 ELSE 0 END) AS d_not_counts",
            f"sum(CASE WHEN {m} > {d} THEN 1 ELSE 0 END) AS over",
        ]
    return f"SELECT {', '.join(cols)} FROM {q(table)}"


def retention_cells(
    tables: tuple[str, ...] = ("interactions",),
    period: str = "month",
    cohorts: str | None = None,
    cohort_col: str = "cohort",
    max_periods: int | None = None,
) -> str:
    """Rows (what, cohort, period, users) over the events (user_id, ts) of `tables` (several logs are
    one activity log: interactions and posts):
    'cell' = distinct users of cohort c active in period p after it (0 <= p < `max_periods`);
    'last' = users of cohort c whose last such period is p; 'size' = users of cohort c (period -1),
    active or not; 'end' = the period of the last event of all (in `cohort`; NULL without events).
    Cohort = the period of the user's first event, or with `cohorts` the period of `cohort_col` in
    that table (user_id, e.g. `users` and `signup_at`; the earliest when a user has several rows).
    Events before a user's cohort and of users without one are left out (they still move 'end')."""
    uid = f"CAST({q('user_id')} AS VARCHAR)"
    ev = " UNION ALL ".join(
        f"SELECT {uid} AS u, {period_index(q('ts'), period)} AS p FROM {q(t)} "
        f"WHERE {q('user_id')} IS NOT NULL AND trim({uid}) <> '' AND {q('ts')} IS NOT NULL"
        for t in tables
    )
    if cohorts is None:
        co = "SELECT u, min(p) AS c FROM ev GROUP BY u"
    else:
        co = (
            f"SELECT {uid} AS u, min({period_index(q(cohort_col), period)}) AS c FROM {q(cohorts)} "
            f"WHERE {q('user_id')} IS NOT NULL AND {q(cohort_col)} IS NOT NULL GROUP BY {uid}"
        )
    upto = f" AND ev.p - co.c < {int(max_periods)}" if max_periods is not None else ""
    return (
        f"WITH ev AS ({ev}), co AS ({co}), "
        f"act AS (SELECT DISTINCT ev.u AS u, co.c AS c, ev.p - co.c AS k FROM ev JOIN co ON ev.u = co.u "
        f"WHERE ev.p >= co.c{upto}) "
        "SELECT 'cell' AS what, c AS cohort, k AS period, count(*) AS users FROM act GROUP BY c, k "
        "UNION ALL SELECT 'last' AS what, c AS cohort, l AS period, count(*) AS users "
        "FROM (SELECT u, c, max(k) AS l FROM act GROUP BY u, c) AS m GROUP BY c, l "
        "UNION ALL SELECT 'size' AS what, c AS cohort, -1 AS period, count(*) AS users FROM co GROUP BY c "
        "UNION ALL SELECT 'end' AS what, max(p) AS cohort, -1 AS period, count(*) AS users FROM ev"
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


def _replies(table: str, columns) -> str:
    """CTEs up to `g`: every reply grouped by (src, dst) with its number of replies and earliest
    time. The target is `reply_to_user`, else the author of `parent_id` (the smallest author id when a
    post id repeats); src may be NULL (a reply without an author) or equal to dst (a self-reply)."""
    has_to, has_parent = "reply_to_user" in columns, "parent_id" in columns
    if not (has_to or has_parent):
        raise ConfigError("posts need 'reply_to_user' or 'parent_id' for a reply graph")
    p_cols = [
        f"{_clean_id('user_id')} AS u",
        f"{_clean_id('reply_to_user')} AS r" if has_to else "CAST(NULL AS VARCHAR) AS r",
        f"{_clean_id('parent_id')} AS par" if has_parent else "CAST(NULL AS VARCHAR) AS par",
        f"CAST({q('ts')} AS TIMESTAMP) AS ts" if "ts" in columns else "CAST(NULL AS TIMESTAMP) AS ts",
    ]
    sql = f"WITH p AS (SELECT {', '.join(p_cols)} FROM {q(table)})"
    if has_parent:
        sql += (
            f", author AS (SELECT pid, min(au) AS au FROM (SELECT {_clean_id('post_id')} AS pid, "
            f"{_clean_id('user_id')} AS au FROM {q(table)}) AS a WHERE pid IS NOT NULL GROUP BY pid), "
            "t AS (SELECT p.u AS u, coalesce(p.r, author.au) AS v, p.ts AS ts FROM p "
            "LEFT JOIN author ON p.par = author.pid)"
        )
    else:
        sql += ", t AS (SELECT u, r AS v, ts FROM p)"
    return (
        sql + ", g AS (SELECT u AS src, v AS dst, count(*) AS replies, min(ts) AS first_ts FROM t "
        "WHERE v IS NOT NULL GROUP BY u, v)"
    )


def posters(table: str = "posts") -> str:
    """u (the raw user_id) and the number of posts of each."""
    return f"SELECT {q('user_id')} AS u, count(*) AS posts FROM {q(table)} GROUP BY {q('user_id')}"


def reply_pairs(table: str = "posts", columns: list[str] | tuple[str, ...] = ()) -> str:
    """src, dst, replies, first_ts for every (replier, replied-to) pair, NULL repliers and
    self-replies included (the graph builder counts them)."""
    return _replies(table, columns) + " SELECT src, dst, replies, first_ts FROM g"


def reply_edges(table: str = "posts", columns: list[str] | tuple[str, ...] = ()) -> str:
    """Directed replier -> replied-to pairs with the number of replies (self-replies left out)."""
    return _replies(table, columns) + " SELECT src, dst, replies AS weight FROM g WHERE src IS NOT NULL AND src <> dst"


def _user_items(table: str, has_ts: bool = False) -> str:
    """Rows of `table` with a user and an item (ids cleaned): u, i, ts (NULL without `has_ts`)."""
    ts = f"CAST({q('ts')} AS TIMESTAMP)" if has_ts else "CAST(NULL AS TIMESTAMP)"
    return (
        f"SELECT u, i, ts FROM (SELECT {_clean_id('user_id')} AS u, {_clean_id('item_id')} AS i, "
        f"{ts} AS ts FROM {q(table)}) AS r WHERE u IS NOT NULL AND i IS NOT NULL"
    )


def _co_pairs(table: str, max_item_users: int) -> str:
    """CTEs up to `pairs`: undirected user pairs (src < dst) with the number of distinct items both
    touched (`shared`), items with more than `max_item_users` users left out (`pop` has them all)."""
    return (
        f"WITH ok AS (SELECT DISTINCT u, i FROM ({_user_items(table)}) AS r), "
        "pop AS (SELECT i, count(*) AS k FROM ok GROUP BY i), "
        f"kept AS (SELECT ok.u AS u, ok.i AS i FROM ok JOIN pop ON ok.i = pop.i WHERE pop.k <= {int(max_item_users)}), "
        "pairs AS (SELECT a.u AS src, b.u AS dst, count(*) AS shared FROM kept AS a JOIN kept AS b "
        "ON a.i = b.i AND a.u < b.u GROUP BY a.u, b.u)"
    )


def co_interaction_edges(table: str = "interactions", min_shared: int = 2, max_item_users: int = 200) -> str:
    """Undirected user pairs (src < dst) with the number of distinct items both touched, at least
    `min_shared`; items with more than `max_item_users` users are skipped."""
    return (
        _co_pairs(table, max_item_users)
        + f" SELECT src, dst, shared AS weight FROM pairs WHERE shared >= {int(min_shared)}"
    )


def co_interaction_facts(table: str = "interactions", min_shared: int = 2, max_item_users: int = 200) -> str:
    """One row: pairs_below (pairs sharing fewer than `min_shared` items) and skipped_items (items
    with more than `max_item_users` users), for the graph's notes."""
    return (
        _co_pairs(table, max_item_users)
        + f" SELECT (SELECT count(*) FROM pairs WHERE shared < {int(min_shared)}) AS pairs_below, "
        f"(SELECT count(*) FROM pop WHERE k > {int(max_item_users)}) AS skipped_items"
    )


def item_users(table: str = "interactions", has_ts: bool = True) -> str:
    """Every user with an item: u and the earliest time of their rows (first_ts; NULL without ts)."""
    return f"SELECT u, min(ts) AS first_ts FROM ({_user_items(table, has_ts)}) AS r GROUP BY u"
