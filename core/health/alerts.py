"""What changed: each metric of each community against its own previous periods (a control chart).

For a community, a metric and a period t, the baseline is the previous `baseline_periods` periods
with enough volume that were not flagged themselves (as the sentiment view's shifts). With baseline
values m_1..m_k (mean M, sample variance S2) and the sampling variance v_i of each value (the
metric's own noise: p(1-p)/n for a share (p Agresti-Coull-adjusted; twice that for reciprocity,
whose pairs come in twos), the value for a count (Poisson), sd^2/n for a mean score,
r(1+r)/n for replies per thread r over n threads, both counts Poisson):
    tau2 = max(0, S2 - mean(v_i))            between-period variation beyond sampling noise
    z    = (x_t - M) / sqrt(tau2 + v_t + max(S2, mean(v_i)) / k)
and the period raises an alert when |z| > z_limit (4.0: about 6e-5 per test on noise, measured in
bench/health.py). For a share, v_t uses the baseline's share (a period at 0% or 100% still has noise).
Alerts are ranked by |z| x the members of the community in that period (size of the change x
members affected).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.i18n import t

ALERT_METRICS = (
    "sentiment_mean",
    "share_negative",
    "share_answered",
    "replies_per_thread",
    "returning_newcomers",
    "reciprocity",
    "members",
    "newcomers",
    "threads",
    "replies",
)
PERCENT = {"share_answered", "share_negative", "returning_newcomers", "reciprocity", "share_high_churn_risk"}


@dataclass(frozen=True)
class AlertConfig:
    baseline_periods: int = 8
    min_baseline: int = 4
    min_volume: int = 5  # periods with fewer posts (threads, scored posts, ...) are never flagged
    z_limit: float = 4.0


@dataclass
class Alert:
    community: str  # '' for the whole site
    period: pd.Timestamp
    metric: str
    value: float
    baseline: float
    z: float
    members: int
    detail: int | None  # unanswered threads, negative posts, ... of that period (None: nothing to add)
    freq: str

    @property
    def direction(self) -> str:
        return "fell" if self.value < self.baseline else "rose"

    @property
    def rank_score(self) -> float:
        return abs(self.z) * max(self.members, 1)

    def sentence(self, lang: str = "en") -> str:
        who = t("health.site", lang) if not self.community else t("health.community_named", lang, name=self.community)
        when = t(
            f"health.when.{self.freq}", lang, date=self.period.strftime("%Y-%m-%d" if self.freq != "month" else "%Y-%m")
        )
        text = t(
            f"health.alert.{self.direction}",
            lang,
            who=who,
            metric=t(f"health.m.{self.metric}", lang),
            before=format_value(self.metric, self.baseline),
            after=format_value(self.metric, self.value),
            when=when,
        )
        if self.detail is not None and f"health.detail.{self.metric}" in _DETAILS:
            text += t(f"health.detail.{self.metric}", lang, n=self.detail)
        return text

    def to_dict(self) -> dict:
        return {
            "community": self.community or None,
            "period": self.period.strftime("%Y-%m-%d"),
            "metric": self.metric,
            "direction": self.direction,
            "value": float(self.value),
            "baseline": float(self.baseline),
            "z": round(float(self.z), 3),
            "members": int(self.members),
            "score": round(self.rank_score, 3),
            "sentence": {"en": self.sentence("en"), "zh": self.sentence("zh")},
        }


_DETAILS = {"health.detail.share_answered", "health.detail.share_negative", "health.detail.sentiment_mean"}


def format_value(metric: str, value) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if metric in PERCENT:
        return f"{100 * value:.0f}%"
    if metric in ("sentiment_mean", "replies_per_thread", "threads_per_day", "ab_lift"):
        return f"{value:.2f}"
    if "hours" in metric:
        return f"{value:.1f} h"
    return f"{value:,.0f}"


def sampling_variance(metric: str, frame: pd.DataFrame, baseline_value: float | None = None) -> np.ndarray:
    """Each row's sampling variance of `metric` (see the module docstring); NaN where unknown."""
    x = frame[metric].to_numpy(dtype=float)
    if metric in ("sentiment_mean",):
        return frame["sentiment_se"].to_numpy(dtype=float) ** 2
    n_col = {
        "share_answered": "threads",
        "share_negative": "scored",
        "returning_newcomers": "newcomers_next",
        "reciprocity": "pairs",
        "replies_per_thread": "threads",
    }.get(metric)
    if n_col is not None:
        n = frame[n_col].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if metric == "replies_per_thread":
                r = x if baseline_value is None else np.full_like(x, baseline_value)
                return np.where(n > 0, r * (1 + r) / n, np.nan)  # delta method, both counts Poisson
            p = x if baseline_value is None else np.full_like(x, baseline_value)
            p = (p * n + 2) / (n + 4)  # Agresti-Coull: a share near 0% or 100% still has noise
            # reciprocity's pairs come in twos (a->b and b->a): design effect 2
            deff = 2.0 if metric == "reciprocity" else 1.0
            return np.where(n > 0, deff * p * (1 - p) / n, np.nan)
    lam = x if baseline_value is None else np.full_like(x, baseline_value)
    return np.maximum(lam, 0.0)  # counts: Poisson


def volume(metric: str, frame: pd.DataFrame) -> np.ndarray:
    col = {
        "sentiment_mean": "scored",
        "share_negative": "scored",
        "share_answered": "threads",
        "replies_per_thread": "threads",
        "returning_newcomers": "newcomers_next",
        "reciprocity": "pairs",
    }.get(metric, "posts")
    return frame[col].fillna(0).to_numpy(dtype=float) if col in frame else np.zeros(len(frame))


def control_z(values, variances, vols, config: AlertConfig, metric: str = "", frame=None):
    """Yield (i, z, baseline mean) for every period with a usable baseline."""
    usable: list[int] = []
    for i in range(len(values)):
        if not np.isfinite(values[i]) or vols[i] < config.min_volume:
            continue
        base = usable[-config.baseline_periods :]
        if len(base) >= config.min_baseline:
            m = values[base]
            mean = float(m.mean())
            s2 = float(np.var(m, ddof=1))
            tau2 = max(0.0, s2 - float(np.nanmean(variances[base])))
            if frame is not None and metric:
                v_t = float(sampling_variance(metric, frame.iloc[[i]], mean)[0])
            else:
                v_t = float(variances[i])
            # the baseline mean's own uncertainty is at least its sampling noise / k (8 periods can
            # look calmer than they are)
            var_mean = max(s2, float(np.nanmean(variances[base]))) / len(base)
            denom = np.sqrt(tau2 + (v_t if np.isfinite(v_t) else 0.0) + var_mean)
            z = float((values[i] - mean) / denom) if denom > 0 else 0.0
            yield i, z, mean
            if abs(z) > config.z_limit:
                continue
        usable.append(i)


def detect_alerts(result, config: AlertConfig | None = None) -> list[Alert]:
    """Alerts of every community (the whole site when there is none), ranked by |z| x members."""
    config = config or AlertConfig()
    per = result.periods
    if per is None or per.empty:
        return []
    lvl = 1 if (per["lvl"] == 1).any() else 0
    alerts: list[Alert] = []
    for comm, g in per[per["lvl"] == lvl].groupby("community", sort=True):
        g = g.sort_values("period").reset_index(drop=True)
        for metric in ALERT_METRICS:
            if metric in result.absent or metric not in g or g[metric].isna().all():
                continue
            values = g[metric].to_numpy(dtype=float)
            variances = sampling_variance(metric, g)
            vols = volume(metric, g)
            for i, z, mean in control_z(values, variances, vols, config, metric, g):
                if abs(z) > config.z_limit:
                    alerts.append(
                        Alert(
                            community=str(comm),
                            period=pd.Timestamp(g.at[i, "period"]),
                            metric=metric,
                            value=float(values[i]),
                            baseline=mean,
                            z=z,
                            members=int(g.at[i, "members"]),
                            detail=_detail(metric, g.iloc[i]),
                            freq=result.freq,
                        )
                    )
    alerts.sort(key=lambda a: -a.rank_score)
    return alerts


def _detail(metric: str, row) -> int | None:
    if metric == "share_answered":
        return int(row["threads"] - row["answered"])
    if metric in ("share_negative", "sentiment_mean") and "negatives" in row and np.isfinite(row["negatives"]):
        return int(row["negatives"])
    return None


def cell_z(result, period, config: AlertConfig | None = None) -> pd.DataFrame:
    """For the table's colouring: z of each (community, metric) in `period` against its own recent
    past (same rule as the alerts). Rows: community ('' = site); columns: metrics; NaN: no baseline."""
    config = config or AlertConfig()
    per = result.periods
    out: dict[str, dict[str, float]] = {}
    for comm, g in per.groupby("community", sort=True):
        g = g[g["period"] <= period].sort_values("period").reset_index(drop=True)
        if g.empty or g["period"].iloc[-1] != period:
            continue
        row = {}
        for metric in result.metrics:
            if metric not in g or metric not in ALERT_METRICS:
                continue
            values = g[metric].to_numpy(dtype=float)
            zs = dict(
                (i, z)
                for i, z, _ in control_z(values, sampling_variance(metric, g), volume(metric, g), config, metric, g)
            )
            row[metric] = zs.get(len(g) - 1, np.nan)
        out[str(comm)] = row
    return pd.DataFrame.from_dict(out, orient="index")
