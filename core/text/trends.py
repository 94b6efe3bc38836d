"""Sentiment over time: per period (day / week / month), overall and per community: volume, mean
score with a t confidence band, and the share of negative posts with a Wilson band."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.query.aggregates import sentiment_trend_sums
from core.query.engine import DuckDBEngine, Engine

FREQS = ("day", "week", "month")
ALL = "all"  # the community name of the overall series


def period_start(ts: pd.Series, freq: str) -> pd.Series:
    """Start of each timestamp's period: the day, the Monday of its ISO week, or the 1st of the month."""
    ts = pd.to_datetime(ts)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    day = ts.dt.floor("D")
    if freq == "day":
        return day
    if freq == "week":
        return day - pd.to_timedelta(day.dt.weekday, unit="D")
    if freq == "month":
        return day.dt.to_period("M").dt.start_time
    raise ConfigError(f"unknown period '{freq}'; choose one of {', '.join(FREQS)}")


def sentiment_trends(
    scored: pd.DataFrame, freq: str = "week", level: float = 0.95, overall: bool = True
) -> pd.DataFrame:
    """Trend table from scored posts (columns ts, score, sentiment, optional community).

    Out: one row per (community, period): community ('all' for the overall series), period,
    volume, mean_score, sd, se, ci_low, ci_high (t interval of the mean), share_negative,
    neg_ci_low, neg_ci_high (Wilson interval). Sorted by community, period. Posts without a time
    are left out. The counting is the shared query (`core.query.sql.sentiment_trends`, the one
    `aggregate trends` runs on Spark), here on DuckDB over the frame.
    """
    if freq not in FREQS:
        raise ConfigError(f"unknown period '{freq}'; choose one of {', '.join(FREQS)}")
    ts = pd.to_datetime(scored["ts"])
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)  # the wall time, as `period_start` reads it
    frame = pd.DataFrame(
        {
            "ts": ts.to_numpy(),
            "score": scored["score"].astype(float).to_numpy(),
            "sentiment": scored["sentiment"].to_numpy(),
        }
    )
    if "community" in scored:
        frame["community"] = scored["community"].astype(str).to_numpy()
    with DuckDBEngine.of_frames(scored=frame) as eng:
        return trends_from_engine(eng, "scored", freq, level, overall)


def trends_from_engine(
    engine: Engine, table: str = "scored", freq: str = "week", level: float = 0.95, overall: bool = True
) -> pd.DataFrame:
    """`sentiment_trends` over a scored-posts table (ts, score, sentiment[, community]) of a DuckDB or
    Spark engine: the per-period sums of `core.query.aggregates.sentiment_trend_sums` with intervals."""
    return trend_intervals(sentiment_trend_sums(engine, table, freq, overall), level)


def trend_intervals(out: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Intervals from per-(community, period) aggregates (volume, mean_score, sd, negatives), whether
    DuckDB computed them over a frame (`sentiment_trends`) or an engine over a table (`trends_from_engine`)."""
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    out = out.copy()
    n = out["volume"].to_numpy(dtype=float)
    sd = out["sd"].fillna(0.0).to_numpy()
    se = np.where(n > 1, sd / np.sqrt(np.maximum(n, 1)), np.nan)
    tq = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    out["se"] = se
    out["ci_low"] = out["mean_score"] - tq * se
    out["ci_high"] = out["mean_score"] + tq * se
    out["share_negative"] = out["negatives"] / n
    lo, hi = proportion_confint(out["negatives"].to_numpy(), n, alpha=1 - level, method="wilson")
    out["neg_ci_low"], out["neg_ci_high"] = lo, hi
    out["negatives"] = out["negatives"].astype(int)
    return out
