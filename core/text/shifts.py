"""Sentiment shifts: periods whose mean score departs from the recent past beyond noise.

Method: a Shewhart-style control chart on period means with limits from a trailing baseline.
For each community and period t (volume >= min_volume), the baseline is the previous
`baseline_periods` periods that have enough volume and were not flagged themselves (a flagged
period would widen the limits and hide the next shift). With baseline means m_1..m_k, their
mean M and sample variance S2, and the period's standard error se_t:
    tau2 = max(0, S2 - mean(se_i^2))           between-period variation beyond sampling noise
    z    = (mean_t - M) / sqrt(tau2 + se_t^2 + S2 / k)
and the period is flagged when |z| > z_limit. The default limit 4.0 keeps the chance of a false
flag per test near 6e-5, so a year of weekly data across a dozen communities rarely raises one on
pure noise (tests/text/test_shifts.py checks it). Each shift is explained by the terms that rose
most against the baseline periods (Monroe et al. log-odds, terms.py) and by example posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.text.terms import count_terms, log_odds_dirichlet
from core.text.tokenize import content_terms
from core.text.trends import ALL, period_start


@dataclass
class ShiftConfig:
    baseline_periods: int = 8
    min_baseline: int = 4
    min_volume: int = 5
    z_limit: float = 4.0
    n_terms: int = 8
    n_examples: int = 5


@dataclass
class Shift:
    community: str
    period: pd.Timestamp
    direction: str  # "drop" | "rise"
    mean_score: float
    baseline_mean: float
    z: float
    volume: int
    baseline_periods: list[pd.Timestamp] = field(default_factory=list)
    terms: list[tuple[str, float]] = field(default_factory=list)  # (term, log-odds z), rising most first
    examples: list[str] = field(default_factory=list)  # post texts (plain text)


def detect_shifts(trends: pd.DataFrame, config: ShiftConfig | None = None, include_overall: bool = True) -> list[Shift]:
    """Control-chart shifts in a trend table from `sentiment_trends` (see the module docstring), in
    the whole-site series (community `ALL`) and in every community's. The whole-site series is
    always looked at by default: posts without a community column have no other series, and a
    site-wide drop spread thinly over many communities may show only there. Shifts come whole-site
    first, then by community."""
    config = config or ShiftConfig()
    shifts: list[Shift] = []
    groups = sorted(trends.groupby("community", sort=True), key=lambda kv: kv[0] != ALL)
    for community, g in groups:
        if community == ALL and not include_overall:
            continue
        g = g.sort_values("period")
        g = g[(g["volume"] >= config.min_volume) & g["se"].notna()]
        means, ses, periods = g["mean_score"].to_numpy(), g["se"].to_numpy(), list(g["period"])
        vols = g["volume"].to_numpy()
        usable: list[int] = []  # indices of in-control periods, newest last
        for i in range(len(g)):
            base = usable[-config.baseline_periods :]
            if len(base) >= config.min_baseline:
                m = means[base]
                s2 = float(np.var(m, ddof=1))
                tau2 = max(0.0, s2 - float(np.mean(ses[base] ** 2)))
                denom = np.sqrt(tau2 + ses[i] ** 2 + s2 / len(base))
                z = float((means[i] - m.mean()) / denom) if denom > 0 else 0.0
                if abs(z) > config.z_limit:
                    shifts.append(
                        Shift(
                            str(community),
                            pd.Timestamp(periods[i]),
                            "drop" if z < 0 else "rise",
                            float(means[i]),
                            float(m.mean()),
                            z,
                            int(vols[i]),
                            [pd.Timestamp(periods[j]) for j in base],
                        )
                    )
                    continue
            usable.append(i)
    return shifts


def explain_shifts(
    shifts: list[Shift], scored: pd.DataFrame, freq: str, config: ShiftConfig | None = None
) -> list[Shift]:
    """Fill each shift's `terms` (rising most vs its baseline periods) and `examples` (posts of the
    period using the most of those terms, then furthest in the shift's direction). `scored` has
    ts, text, score, community."""
    config = config or ShiftConfig()
    if not shifts:
        return shifts
    period = period_start(scored["ts"], freq)
    community = scored["community"].astype(str) if "community" in scored else pd.Series(ALL, index=scored.index)
    for shift in shifts:
        in_comm = (community == shift.community) if shift.community != ALL else pd.Series(True, index=scored.index)
        target = scored[in_comm & (period == shift.period)]
        reference = scored[in_comm & period.isin(shift.baseline_periods)]
        t_counts, r_counts = count_terms(target["text"]), count_terms(reference["text"])
        table = log_odds_dirichlet(t_counts, r_counts, prior=count_terms(scored.loc[in_comm, "text"]))
        table = table[(table["target_count"] >= 2) & (table["z"] > 0)].head(config.n_terms)
        shift.terms = [(str(t), float(z)) for t, z in zip(table["term"], table["z"])]
        # examples: posts of the period that use the most rising terms, then the most extreme scores
        top = {t for t, _ in shift.terms[:5]}
        texts = target["text"].fillna("").astype(str)
        hits = texts.map(lambda x: len(top & set(content_terms(x))))
        sign = 1.0 if shift.direction == "drop" else -1.0
        ordered = target.assign(_hits=-hits, _s=sign * target["score"]).sort_values(["_hits", "_s"])
        shift.examples = ordered["text"].astype(str).drop_duplicates().head(config.n_examples).tolist()
    return shifts


def negative_drivers(scored: pd.DataFrame, n_terms: int = 10, min_count: int = 3) -> pd.DataFrame:
    """Top terms of negative posts per community: log-odds of negative vs other posts of the same
    community, prior = all posts. Out: DataFrame[community, term, z, target_count]."""
    if "community" not in scored:
        scored = scored.assign(community=ALL)
    prior = count_terms(scored["text"])
    rows = []
    for community, g in scored.groupby(scored["community"].astype(str), sort=True):
        neg = g["sentiment"] == "negative"
        if neg.sum() == 0:
            continue
        table = log_odds_dirichlet(count_terms(g.loc[neg, "text"]), count_terms(g.loc[~neg, "text"]), prior=prior)
        table = table[table["target_count"] >= min_count].head(n_terms)
        rows += [(community, t, float(z), int(c)) for t, z, c in zip(table["term"], table["z"], table["target_count"])]
    return pd.DataFrame(rows, columns=["community", "term", "z", "target_count"])
