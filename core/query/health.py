"""Community-health aggregations, written once in DuckDB's SQL (Spark gets them through sqlglot).

Definitions (README "Community health"): threads are posts without `parent_id`; replies are posts
with one, and a reply to a reply counts for its root thread. Over each scope (the whole site, each
community) and each key (the whole table, or each day/week/month) one row of raw counts comes back;
`core.health.metrics` turns them into the metrics. The query layer returns plain frames and imports
no analysis package.

    with open_engine("duckdb") as eng:
        eng.register_workspace(ws)
        prepare(eng, freq="week")                                   # posts with their thread roots
        counts = health_counts(eng, by_period=True, prepared=True)  # one row per (scope, period)

Scopes: `lvl` 0 is the whole site (community ''), `lvl` 1 one row per community. The community of
a post is its own `community` column (`source='posts'`) or its author's community in a registered
table `members` (user_id, community; `source='graph'`). Posts of members outside any community
count in the whole-site row only.
"""

from __future__ import annotations

import pandas as pd

from core.errors import ConfigError
from core.query.engine import Engine
from core.query.sql import q

SOURCES = ("posts", "graph")
FREQS = ("day", "week", "month")
# reply chains are followed up to ROOT_STEPS + 1 levels to their thread, one join per level: a
# linear chain of CTEs (pointer doubling would reference each step twice, and Spark, which inlines
# CTEs, would then plan 2**steps copies)
ROOT_STEPS = 8
SITE = ""  # the community value of the whole-site rows (lvl 0)
KEYS = ["lvl", "community", "k"]


def _clean(col: str) -> str:
    return f"NULLIF(trim(CAST({q(col)} AS VARCHAR)), '')"


def period_key(ts: str, freq: str) -> str:
    """Integer index of a timestamp's day (days since 1970-01-01), Monday-week (weeks since
    1969-12-29) or month (months since 1970-01)."""
    days = f"date_diff('day', DATE '1970-01-01', CAST({ts} AS DATE))"
    if freq == "day":
        return f"CAST({days} AS BIGINT)"
    if freq == "week":
        return f"CAST(floor(({days} + 3) / 7) AS BIGINT)"
    if freq == "month":
        return f"CAST((year({ts}) - 1970) * 12 + month({ts}) - 1 AS BIGINT)"
    raise ConfigError(f"unknown period '{freq}'; choose one of {', '.join(FREQS)}")


def period_start_of_key(keys, freq: str) -> pd.DatetimeIndex:
    """The first instant of each period index of `period_key`."""
    k = pd.Series(keys, dtype="int64")
    if freq == "day":
        return pd.DatetimeIndex(pd.Timestamp("1970-01-01") + pd.to_timedelta(k, unit="D"))
    if freq == "week":
        return pd.DatetimeIndex(pd.Timestamp("1969-12-29") + pd.to_timedelta(7 * k, unit="D"))
    return pd.DatetimeIndex(
        pd.to_datetime({"year": 1970 + k // 12, "month": k % 12 + 1, "day": 1}).astype("datetime64[ns]")
    )


POSTS_VIEW = "health_posts"  # every post with its thread root, materialized once per run


def roots_sql(table: str, columns, source: str, freq: str) -> str:
    """Every post once: pid, par, u, ts, c (its community), fp (its period) and root (its thread)."""
    if source not in SOURCES:
        raise ConfigError(f"unknown community source '{source}'; choose one of {', '.join(SOURCES)}")
    cols = set(columns)
    if "user_id" not in cols:
        raise ConfigError("posts need a 'user_id' column for community health")
    ts = f"CAST({q('ts')} AS TIMESTAMP)" if "ts" in cols else "CAST(NULL AS TIMESTAMP)"
    par = _clean("parent_id") if "parent_id" in cols else "CAST(NULL AS VARCHAR)"
    pid = _clean("post_id") if "post_id" in cols else "CAST(NULL AS VARCHAR)"
    if source == "posts":
        comm = _clean("community") if "community" in cols else "CAST(NULL AS VARCHAR)"
        raw = f"SELECT {pid} AS pid, {par} AS par, {_clean('user_id')} AS u, {ts} AS ts, {comm} AS c FROM {q(table)}"
    else:
        raw = (
            f"SELECT x.pid, x.par, x.u, x.ts, m.c FROM (SELECT {pid} AS pid, {par} AS par, "
            f"{_clean('user_id')} AS u, {ts} AS ts FROM {q(table)}) AS x LEFT JOIN "
            f"(SELECT {_clean('user_id')} AS u, min({_clean('community')}) AS c FROM {q('members')} "
            f"GROUP BY {_clean('user_id')}) AS m ON x.u = m.u"
        )
    ctes = [
        f"p0 AS ({raw})",
        f"p AS (SELECT pid, par, u, ts, c, {period_key('ts', freq)} AS fp FROM p0)",
        "node AS (SELECT pid, min(par) AS par FROM p WHERE pid IS NOT NULL GROUP BY pid)",
        # f0: a reply's parent when that parent is a post of the table (else itself)
        "f0 AS (SELECT n.pid AS pid, CASE WHEN x.pid IS NULL THEN n.pid ELSE n.par END AS a "
        "FROM node AS n LEFT JOIN node AS x ON n.par = x.pid WHERE n.par IS NOT NULL)",
    ]
    for i in range(ROOT_STEPS):  # f(i+1) = one level above f(i)
        ctes.append(
            f"f{i + 1} AS (SELECT a1.pid AS pid, coalesce(a2.a, a1.a) AS a FROM f{i} AS a1 "
            f"LEFT JOIN f0 AS a2 ON a1.a = a2.pid)"
        )
    last = f"f{ROOT_STEPS}"
    return (
        "WITH "
        + ", ".join(ctes)
        + f" SELECT p.pid, p.par, p.u, p.ts, p.c, p.fp, CASE WHEN p.par IS NULL THEN p.pid ELSE {last}.a END "
        f"AS root FROM p LEFT JOIN {last} ON p.pid = {last}.pid"
    )


def _base(by_period: bool) -> str:
    """CTEs over the materialized posts (`prepare`): `r` (every post), `node` (each post id once,
    the smallest parent / author when an id repeats) and `s`: every post once per scope (lvl,
    community) with its key `k` (its period, or 0 for the whole table)."""
    k = "fp" if by_period else "CAST(0 AS BIGINT)"
    when = " AND fp IS NOT NULL" if by_period else ""
    return (
        f"WITH r AS (SELECT pid, par, u, ts, c, fp, root FROM {q(POSTS_VIEW)}), "
        "node AS (SELECT pid, min(par) AS par, min(u) AS au FROM r WHERE pid IS NOT NULL GROUP BY pid), "
        f"s AS (SELECT 0 AS lvl, '{SITE}' AS c, {k} AS k, pid, par, u, ts, fp, root FROM r WHERE 1 = 1{when} "
        f"UNION ALL SELECT 1 AS lvl, c, {k} AS k, pid, par, u, ts, fp, root FROM r WHERE c IS NOT NULL{when})"
    )


def prepare(engine: Engine, table: str = "posts", source: str = "posts", freq: str = "week") -> None:
    """Materialize every post with its thread root as `health_posts` on `engine` (once per run)."""
    engine.materialize(POSTS_VIEW, roots_sql(table, engine.columns(table), source, freq))


def counts_sql(by_period: bool = False) -> str:
    """One row per (lvl, community, k) with the raw counts behind every metric:
    posts, members, threads, replies, span_us (microseconds between the first and the last post),
    answered (threads with a reply by another member anywhere in the thread), median_hours /
    p90_hours (hours from a thread to that first reply, over answered threads with times),
    newcomers, newcomers_next (those whose first period is not the data's last), returned (of those,
    who posted again in the next period), members_half (fewest members writing half the replies
    with an author), pairs / mutual (distinct replier -> parent-author pairs, and those answered
    back in the same scope)."""
    kf = "f0" if by_period else "CAST(0 AS BIGINT)"
    sql = _base(by_period) + (
        # first reply by another member, per thread (anywhere in the table)
        ", fr AS (SELECT t.pid AS root, min(x.ts) AS first_ts FROM node AS t JOIN r AS x ON x.root = t.pid "
        "AND x.par IS NOT NULL AND x.u IS NOT NULL AND (t.au IS NULL OR x.u <> t.au) "
        "WHERE t.par IS NULL GROUP BY t.pid), "
        "th AS (SELECT s.lvl, s.c, s.k, CASE WHEN fr.root IS NULL THEN 0 ELSE 1 END AS ans, "
        "CAST(date_diff('microsecond', s.ts, fr.first_ts) AS DOUBLE) / 3600000000.0 AS h "
        "FROM s LEFT JOIN fr ON s.pid = fr.root WHERE s.par IS NULL), "
        "tha AS (SELECT lvl, c, k, sum(ans) AS answered, quantile_cont(h, 0.5) AS median_hours, "
        "quantile_cont(h, 0.9) AS p90_hours FROM th GROUP BY lvl, c, k), "
        "pa AS (SELECT lvl, c, k, count(*) AS posts, count(DISTINCT u) AS members, "
        "sum(CASE WHEN par IS NULL THEN 1 ELSE 0 END) AS threads, "
        "sum(CASE WHEN par IS NULL THEN 0 ELSE 1 END) AS replies, "
        "date_diff('microsecond', min(ts), max(ts)) AS span_us FROM s GROUP BY lvl, c, k), "
        # newcomers: a member's first period in the scope, and whether they posted in the next one
        "act AS (SELECT DISTINCT lvl, c, u, fp FROM s WHERE u IS NOT NULL AND fp IS NOT NULL), "
        "fu AS (SELECT lvl, c, u, min(fp) AS f0 FROM act GROUP BY lvl, c, u), "
        "lastp AS (SELECT max(fp) AS lp FROM r), "
        f"nw AS (SELECT fu.lvl, fu.c, {kf} AS k, count(*) AS newcomers, "
        "sum(CASE WHEN fu.f0 < lastp.lp THEN 1 ELSE 0 END) AS newcomers_next, "
        "sum(CASE WHEN a2.u IS NULL THEN 0 ELSE 1 END) AS returned FROM fu CROSS JOIN lastp "
        "LEFT JOIN act AS a2 ON a2.lvl = fu.lvl AND a2.c = fu.c AND a2.u = fu.u AND a2.fp = fu.f0 + 1 "
        f"GROUP BY fu.lvl, fu.c, {kf}), "
        # the fewest members who together wrote half of the replies
        "ra AS (SELECT lvl, c, k, u, count(*) AS n FROM s WHERE par IS NOT NULL AND u IS NOT NULL "
        "GROUP BY lvl, c, k, u), "
        "rc AS (SELECT lvl, c, k, sum(n) OVER (PARTITION BY lvl, c, k ORDER BY n DESC, u "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum, "
        "sum(n) OVER (PARTITION BY lvl, c, k) AS tot, "
        "row_number() OVER (PARTITION BY lvl, c, k ORDER BY n DESC, u) AS rk FROM ra), "
        "half AS (SELECT lvl, c, k, min(rk) AS members_half FROM rc WHERE 2 * cum >= tot GROUP BY lvl, c, k), "
        # reciprocity: replier -> author of the post replied to
        "pr AS (SELECT DISTINCT s.lvl, s.c, s.k, s.u AS a, node.au AS b FROM s JOIN node ON s.par = node.pid "
        "WHERE s.u IS NOT NULL AND node.au IS NOT NULL AND s.u <> node.au), "
        "rec AS (SELECT x.lvl, x.c, x.k, count(*) AS pairs, sum(CASE WHEN y.a IS NULL THEN 0 ELSE 1 END) "
        "AS mutual FROM pr AS x LEFT JOIN pr AS y ON x.lvl = y.lvl AND x.c = y.c AND x.k = y.k "
        "AND x.a = y.b AND x.b = y.a GROUP BY x.lvl, x.c, x.k) "
        "SELECT pa.lvl AS lvl, pa.c AS community, pa.k AS k, pa.posts, pa.members, pa.threads, pa.replies, "
        "pa.span_us, coalesce(tha.answered, 0) AS answered, tha.median_hours, tha.p90_hours, "
        "coalesce(nw.newcomers, 0) AS newcomers, coalesce(nw.newcomers_next, 0) AS newcomers_next, "
        "coalesce(nw.returned, 0) AS returned, half.members_half, coalesce(rec.pairs, 0) AS pairs, "
        "coalesce(rec.mutual, 0) AS mutual FROM pa "
        "LEFT JOIN tha ON pa.lvl = tha.lvl AND pa.c = tha.c AND pa.k = tha.k "
        "LEFT JOIN nw ON pa.lvl = nw.lvl AND pa.c = nw.c AND pa.k = nw.k "
        "LEFT JOIN half ON pa.lvl = half.lvl AND pa.c = half.c AND pa.k = half.k "
        "LEFT JOIN rec ON pa.lvl = rec.lvl AND pa.c = rec.c AND pa.k = rec.k"
    )
    return sql


def sentiment_sql(by_period: bool = False) -> str:
    """Per (lvl, community, k): scored (posts with a score), mean_score, sd_score (sample), negatives,
    from a registered table `scored` (post_id, score, sentiment) joined on the post id."""
    return _base(by_period) + (
        f", sc AS (SELECT {_clean('post_id')} AS pid, CAST({q('score')} AS DOUBLE) AS score, "
        f"CASE WHEN {q('sentiment')} = 'negative' THEN 1 ELSE 0 END AS neg FROM {q('scored')} "
        f"WHERE {q('score')} IS NOT NULL) "
        "SELECT s.lvl AS lvl, s.c AS community, s.k AS k, count(*) AS scored, avg(sc.score) AS mean_score, "
        "stddev_samp(sc.score) AS sd_score, sum(sc.neg) AS negatives FROM s JOIN sc ON s.pid = sc.pid "
        "GROUP BY s.lvl, s.c, s.k"
    )


def member_sql() -> str:
    """Distinct (lvl, community, user_id) of everyone who posted: to join per-member results of
    other analyses (churn risk, A/B assignment) onto the scopes."""
    return _base(False) + (" SELECT DISTINCT lvl, c AS community, u AS user_id FROM s WHERE u IS NOT NULL")


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    ints = [
        c
        for c in df.columns
        if c
        in (
            "lvl",
            "k",
            "posts",
            "members",
            "threads",
            "replies",
            "answered",
            "newcomers",
            "newcomers_next",
            "returned",
            "pairs",
            "mutual",
            "scored",
            "negatives",
        )
    ]
    out = df.astype({c: "int64" for c in ints})
    for c in ("median_hours", "p90_hours", "span_us", "members_half", "mean_score", "sd_score"):
        if c in out:
            out[c] = out[c].astype(float)
    out["community"] = out["community"].astype(str)
    return out.sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def health_counts(
    engine: Engine,
    table: str = "posts",
    source: str = "posts",
    freq: str = "week",
    by_period: bool = False,
    prepared: bool = False,
) -> pd.DataFrame:
    """`counts_sql` on `engine`, typed and sorted by (lvl, community, k). prepared=True: `prepare`
    already ran for this table, source and freq."""
    if not prepared:
        prepare(engine, table, source, freq)
    return _typed(engine.sql(counts_sql(by_period)))


def health_sentiment(engine: Engine, by_period: bool = False) -> pd.DataFrame:
    """`sentiment_sql` on `engine` after `prepare` (needs a registered `scored` table), typed and sorted."""
    return _typed(engine.sql(sentiment_sql(by_period)))


def health_members(engine: Engine) -> pd.DataFrame:
    """lvl, community, user_id of every poster per scope (after `prepare`)."""
    out = engine.sql(member_sql())
    out["lvl"] = out["lvl"].astype("int64")
    out["community"] = out["community"].astype(str)
    out["user_id"] = out["user_id"].astype(str)
    return out.sort_values(["lvl", "community", "user_id"], kind="mergesort").reset_index(drop=True)
