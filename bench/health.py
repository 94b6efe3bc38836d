"""Community-health bench: the SQL's time on N generated posts, and the alerts' false-alert rate on
communities whose metrics are pure noise over 52 periods.

    python bench/health.py [--posts 10000000] [--communities 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from core.health.alerts import ALERT_METRICS, detect_alerts  # noqa: E402
from core.health.metrics import HealthResult  # noqa: E402
from core.query import health as hq  # noqa: E402
from core.query.engine import DuckDBEngine  # noqa: E402


def generated_posts(con, n: int) -> None:
    """n posts over a year, 20 communities, n/20 members; 60% replies to an earlier post."""
    members = max(n // 20, 10)
    con.execute(
        f"""CREATE TABLE posts AS SELECT CAST(i AS VARCHAR) AS post_id,
        'u' || CAST(hash(i) % {members} AS VARCHAR) AS user_id,
        TIMESTAMP '2024-01-01' + to_microseconds(CAST(i * (365 * 86400e6 / {n}) AS BIGINT)) AS ts,
        CASE WHEN i > 0 AND hash(i * 7) % 10 < 6 THEN CAST(i - 1 - hash(i * 13) % least(i, 500) AS VARCHAR) END AS parent_id,
        'c' || CAST(hash(i * 3) % 20 AS VARCHAR) AS community FROM range({n}) AS t(i)"""
    )


def false_alert_rate(communities: int, periods: int = 52) -> tuple[int, int]:
    from tests.health.test_alerts import noise_periods

    alerts = tests = 0
    for seed in range(communities):
        frame = noise_periods(periods, seed)
        alerts += len(detect_alerts(HealthResult("week", "posts", {}, [], frame, {})))
        tests += (periods - 4) * len(ALERT_METRICS)
    return alerts, tests


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--communities", type=int, default=200)
    args = ap.parse_args()
    eng = DuckDBEngine()
    generated_posts(eng.con, args.posts)
    eng._columns["posts"] = ["post_id", "user_id", "ts", "parent_id", "community"]
    start = time.perf_counter()
    hq.prepare(eng, freq="week")
    roots = time.perf_counter()
    whole = hq.health_counts(eng, by_period=False, prepared=True)
    mid = time.perf_counter()
    per = hq.health_counts(eng, by_period=True, prepared=True)
    end = time.perf_counter()
    print(
        f"posts {args.posts:,}: {end - start:.1f} s in all (thread roots {roots - start:.1f} s, whole span "
        f"{mid - roots:.1f} s, per week {end - mid:.1f} s; {len(whole)} + {len(per)} rows)"
    )
    alerts, tests = false_alert_rate(args.communities)
    print(
        f"false alerts on noise: {alerts} in {tests:,} tests ({args.communities} communities x 52 weeks): rate {alerts / tests:.2e}"
    )


if __name__ == "__main__":
    main()
