"""Metrics from the health query's counts, and the whole assembly in one call.

    result = community_health(engine, freq="week", scored=scored, churn=churned)

`engine` has a `posts` table registered (and `members` for `source='graph'`); the other analyses'
results come in as arguments (analyses are siblings): `scored` (post_id, score, sentiment: the
sentiment view's scorer), `churn` (user_id -> 1 at high churn risk, 0 else: the churn view's model or
its activity rule), `ab` (user_id -> variant of a running test and a 0/1 or numeric outcome),
`influencers` (community -> top member ids). A metric the data cannot give is absent, with a reason
in `absent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import ConfigError
from core.health.alerts import detect_alerts
from core.i18n import t
from core.query import health as hq

# (name, kind): kind says what its sampling noise is, for the alerts and the colouring
METRICS: dict[str, str] = {
    "members": "count",
    "newcomers": "count",
    "returning_newcomers": "share:newcomers_next",
    "threads": "count",
    "replies": "count",
    "threads_per_day": "rate",
    "replies_per_thread": "ratio:threads",
    "share_answered": "share:threads",
    "median_hours_to_first_response": "hours",
    "p90_hours_to_first_response": "hours",
    "members_for_half_of_replies": "count",
    "reciprocity": "share:pairs",
    "sentiment_mean": "mean",
    "share_negative": "share:scored",
    "share_high_churn_risk": "share:churn_known",
    "members_in_ab_test": "count",
    "ab_lift": "lift",
}
HIGHER_IS_BETTER = {
    "members": True,
    "newcomers": True,
    "returning_newcomers": True,
    "threads": True,
    "replies": True,
    "threads_per_day": True,
    "replies_per_thread": True,
    "share_answered": True,
    "median_hours_to_first_response": False,
    "p90_hours_to_first_response": False,
    "members_for_half_of_replies": True,  # more members carrying the replies: less concentration
    "reciprocity": True,
    "sentiment_mean": True,
    "share_negative": False,
    "share_high_churn_risk": False,
    "members_in_ab_test": True,
    "ab_lift": True,
}
RESPONSIVENESS = (
    "replies",
    "replies_per_thread",
    "share_answered",
    "median_hours_to_first_response",
    "p90_hours_to_first_response",
    "members_for_half_of_replies",
    "reciprocity",
)
NEEDS_TIME = (
    "newcomers",
    "returning_newcomers",
    "threads_per_day",
    "median_hours_to_first_response",
    "p90_hours_to_first_response",
)
# Stack Exchange's Area 51 targets for a healthy beta site ("15 questions a day, 90% answered,
# 2.5 answers per question"): https://area51.stackexchange.com/faq and the Area 51 site stats pages
AREA51_TARGETS = {"threads_per_day": 15.0, "share_answered": 0.90, "replies_per_thread": 2.5}
AREA51_SOURCE = "https://area51.stackexchange.com/faq"


@dataclass
class HealthResult:
    freq: str
    source: str  # "posts" | "graph" | "site" (no communities: the whole site only)
    overall: dict
    communities: list[dict]
    periods: pd.DataFrame  # lvl, community, period, every metric + the counts behind it
    absent: dict[str, str]  # metric -> reason key (core/i18n/health.py)
    notes: list = field(default_factory=list)  # keys (core/i18n/health.py) or (key, format values)
    alerts: list = field(default_factory=list)
    influencers: dict[str, list[str]] = field(default_factory=dict)
    significance: dict | None = None  # the reply graph's modularity vs rewirings (source 'graph')

    def note_texts(self, lang: str = "en") -> list[str]:
        return [t(n, lang) if isinstance(n, str) else t(n[0], lang, **n[1]) for n in self.notes]

    def absent_texts(self, lang: str = "en") -> list[tuple[str, str]]:
        """(metric name, why) for each absent metric."""
        return [(t(f"health.m.{m}", lang), t(k, lang)) for m, k in self.absent.items()]

    @property
    def metrics(self) -> list[str]:
        return [m for m in METRICS if m not in self.absent]

    def to_dict(self) -> dict:
        periods = self.periods.copy()
        periods["period"] = periods["period"].dt.strftime("%Y-%m-%d")
        keep = ["community", "period", *self.metrics]
        rows = periods[[c for c in keep if c in periods]]
        return {
            "freq": self.freq,
            "community_source": self.source,
            "overall": self.overall,
            "communities": self.communities,
            "periods": _records(rows),
            "alerts": [a.to_dict() for a in self.alerts],
            "absent": {m: t(k, "en") for m, k in self.absent.items()},
            "notes": self.note_texts("en"),
            "significance": self.significance,
        }

    def table(self) -> pd.DataFrame:
        """The per-community table (whole site first) of the whole span."""
        return pd.DataFrame([self.overall, *self.communities])


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else float(v)
    return v


def _div(a, b) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def metrics_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the metrics to the health query's counts (one row per scope and key)."""
    out = counts.copy()
    out["returning_newcomers"] = _div(out["returned"], out["newcomers_next"])
    out["threads_per_day"] = _div(out["threads"], out["span_us"] / 86_400e6)
    out["replies_per_thread"] = _div(out["replies"], out["threads"])
    out["share_answered"] = _div(out["answered"], out["threads"])
    out["median_hours_to_first_response"] = out["median_hours"]
    out["p90_hours_to_first_response"] = out["p90_hours"]
    out["members_for_half_of_replies"] = out["members_half"]
    out["reciprocity"] = _div(out["mutual"], out["pairs"])
    return out


def add_sentiment(frame: pd.DataFrame, sentiment: pd.DataFrame) -> pd.DataFrame:
    s = sentiment.rename(columns={"mean_score": "sentiment_mean"})
    s["share_negative"] = _div(s["negatives"], s["scored"])
    s["sentiment_se"] = _div(s["sd_score"], np.sqrt(s["scored"]))
    return frame.merge(s, on=hq.KEYS, how="left")


def add_member_shares(
    frame: pd.DataFrame, members: pd.DataFrame, flags: pd.Series, known: str, hit: str
) -> pd.DataFrame:
    """Per scope: how many of its members have a flag (`known`) and how many of those are 1 (`hit`)."""
    f = pd.Series(flags.to_numpy(dtype=float), index=flags.index.astype(str))
    m = members.assign(flag=f.reindex(members["user_id"]).to_numpy())
    m = m[m["flag"].notna()]
    g = m.groupby(["lvl", "community"]).agg(**{known: ("flag", "size"), hit: ("flag", "sum")}).reset_index()
    return frame.merge(g, on=["lvl", "community"], how="left")


def ab_by_scope(members: pd.DataFrame, ab: pd.DataFrame, control: str | None = None) -> pd.DataFrame:
    """Per scope: members in the test and the lift (treatment mean - control mean) of the outcome.
    `ab` has user_id, variant, outcome; the control is `control` or the first variant in order."""
    a = ab.assign(user_id=ab["user_id"].astype(str))
    variants = sorted(a["variant"].astype(str).unique())
    control = control if control in variants else variants[0]
    m = members.merge(a, on="user_id", how="inner")
    rows = []
    for (lvl, comm), g in m.groupby(["lvl", "community"]):
        is_c = g["variant"].astype(str) == control
        lift = (
            g.loc[~is_c, "outcome"].mean() - g.loc[is_c, "outcome"].mean() if is_c.any() and (~is_c).any() else np.nan
        )
        rows.append((lvl, comm, int(g["user_id"].nunique()), float(lift)))
    return pd.DataFrame(rows, columns=["lvl", "community", "members_in_ab_test", "ab_lift"])


def community_health(
    engine,
    *,
    table: str = "posts",
    source: str = "posts",
    freq: str = "week",
    scored: pd.DataFrame | None = None,
    churn: pd.Series | None = None,
    ab: pd.DataFrame | None = None,
    influencers: dict[str, list[str]] | None = None,
    notes: list | None = None,
    alert_config=None,
    significance: dict | None = None,
) -> HealthResult:
    """Every metric per scope over the whole span and per period, then the alerts."""
    if freq not in hq.FREQS:
        raise ConfigError(f"unknown period '{freq}'; choose one of {', '.join(hq.FREQS)}")
    cols = set(engine.columns(table))
    absent: dict[str, str] = {}
    notes = list(notes or [])
    if "parent_id" not in cols:
        absent.update({m: "health.absent.no_parent" for m in RESPONSIVENESS})
    if "ts" not in cols:
        absent.update({m: "health.absent.no_ts" for m in NEEDS_TIME})
        notes.append("health.note.no_periods")
    if source == "posts" and "community" not in cols:
        notes.append("health.note.no_community_column")
    hq.prepare(engine, table, source, freq)
    whole = metrics_from_counts(hq.health_counts(engine, by_period=False, prepared=True))
    per = metrics_from_counts(hq.health_counts(engine, by_period=True, prepared=True)) if "ts" in cols else None
    if scored is not None and len(scored) and "post_id" in cols:
        engine.register_frame("scored", scored[["post_id", "score", "sentiment"]])
        whole = add_sentiment(whole, hq.health_sentiment(engine, by_period=False))
        if per is not None:
            per = add_sentiment(per, hq.health_sentiment(engine, by_period=True))
    else:
        absent.update({"sentiment_mean": "health.absent.no_text", "share_negative": "health.absent.no_text"})
    members = hq.health_members(engine) if (churn is not None or ab is not None) else None
    if churn is not None and members is not None and len(churn):
        whole = add_member_shares(whole, members, churn, "churn_known", "churn_high")
        whole["share_high_churn_risk"] = _div(whole["churn_high"], whole["churn_known"])
    else:
        absent["share_high_churn_risk"] = "health.absent.no_churn"
    if ab is not None and members is not None and len(ab):
        whole = whole.merge(ab_by_scope(members, ab), on=["lvl", "community"], how="left")
        whole["members_in_ab_test"] = whole["members_in_ab_test"].fillna(0)
    else:
        absent.update({"members_in_ab_test": "health.absent.no_ab", "ab_lift": "health.absent.no_ab"})
    if not influencers:
        absent["top_influencers"] = "health.absent.influencers"
    for frame in (whole, per):
        if frame is not None:
            for m in METRICS:
                if m not in frame:
                    frame[m] = np.nan
    if per is not None:
        per["period"] = hq.period_start_of_key(per["k"], freq)
    else:
        per = whole.iloc[0:0].assign(period=pd.to_datetime([]))
    has_comm = bool((whole["lvl"] == 1).any())
    if not has_comm:
        source = "site"
    keep = [m for m in METRICS if m not in absent]
    overall = {"community": None, **_row(whole[whole["lvl"] == 0], keep)}
    comms = [
        {"community": str(c), **_row(g, keep)} for c, g in whole[whole["lvl"] == 1].groupby("community", sort=True)
    ]
    for c in comms:
        if influencers and c["community"] in influencers:
            c["top_influencers"] = list(influencers[c["community"]])
    result = HealthResult(
        freq=freq,
        source=source,
        overall=overall,
        communities=comms,
        periods=per.assign(community=np.where(per["lvl"] == 0, "", per["community"])).reset_index(drop=True),
        absent=absent,
        notes=notes,
        influencers=dict(influencers or {}),
        significance=significance,
    )
    result.alerts = detect_alerts(result, alert_config)
    return result


def _row(frame: pd.DataFrame, keep: list[str]) -> dict:
    if frame.empty:
        return {m: None for m in keep}
    row = frame.iloc[0]
    return {m: _plain(row[m]) for m in keep}
