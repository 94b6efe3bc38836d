"""Alerts: the sample's planted c3 sentiment drop is the top alert of its week; noise raises none;
the CLI writes the JSON and the table; modularity is compared with rewirings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.health.alerts import AlertConfig, detect_alerts
from core.health.metrics import HealthResult, metrics_from_counts


@pytest.mark.slow
def test_sample_c3_drop_is_the_top_alert_of_its_week(run_cli, sample_ws, ground_truth, tmp_path):
    out = tmp_path / "health.json"
    res = run_cli("health", "--workspace", "sample", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"overall", "communities", "periods", "alerts"} <= data.keys()
    drop = ground_truth["sentiment_drop"]
    week = [a for a in data["alerts"] if a["period"] == drop["week_start"]]
    assert week, "no alert in the planted week"
    top = week[0]
    assert top["community"] == drop["community"] and top["metric"] in ("sentiment_mean", "share_negative")
    assert top["direction"] == ("fell" if top["metric"] == "sentiment_mean" else "rose")
    assert drop["community"] in top["sentence"]["en"] and "社群" in top["sentence"]["zh"]
    # the communities are the posts' own column, the whole site on top
    assert sorted(c["community"] for c in data["communities"]) == sorted(ground_truth["community_sentiment"])
    csv = tmp_path / "health.csv"
    res = run_cli("health", "--workspace", "sample", "--out", str(csv), "--no-sentiment", "--freq", "month")
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(csv)
    assert len(table) == 1 + len(data["communities"]) and pd.isna(table["community"].iloc[0])


def noise_periods(n_periods: int, seed: int) -> pd.DataFrame:
    """Counts of one unchanged community over `n_periods` weeks: Poisson activity, binomial answers."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_periods):
        threads = int(rng.poisson(60))
        answered = int(rng.binomial(threads, 0.8))
        replies = int(rng.poisson(90))
        newcomers = int(rng.poisson(20))
        pairs = int(rng.poisson(40))
        rows.append(
            dict(
                lvl=1,
                community="c",
                k=k,
                posts=threads + replies,
                members=int(rng.poisson(80)),
                threads=threads,
                replies=replies,
                span_us=6.5 * 86400e6,
                answered=answered,
                median_hours=np.nan,
                p90_hours=np.nan,
                newcomers=newcomers,
                newcomers_next=newcomers,
                returned=int(rng.binomial(newcomers, 0.4)),
                members_half=np.nan,
                pairs=pairs,
                mutual=2 * int(rng.binomial(pairs // 2, 0.1)),
            )
        )
    frame = metrics_from_counts(pd.DataFrame(rows))
    frame["period"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(7 * frame["k"], unit="D")
    scored = frame["posts"].to_numpy()
    frame["scored"] = scored
    sd = 0.5
    frame["sentiment_mean"] = rng.normal(0.1, sd / np.sqrt(scored))
    frame["sentiment_se"] = sd / np.sqrt(scored)
    frame["negatives"] = rng.binomial(scored, 0.2)
    frame["share_negative"] = frame["negatives"] / scored
    return frame


def test_an_unchanged_community_gives_no_alert_over_52_periods():
    result = HealthResult("week", "posts", {}, [], noise_periods(52, 0), {})
    assert detect_alerts(result) == []
    # and over many such communities the rate per test stays near the limit's (bench/health.py)
    alerts = sum(len(detect_alerts(HealthResult("week", "posts", {}, [], noise_periods(52, s), {}))) for s in range(8))
    tests = 8 * (52 - 4) * 10
    assert alerts / tests < 5e-4


def test_a_planted_fall_in_answers_is_found_and_worded():
    periods = noise_periods(20, 7)
    row = periods.index[15]
    periods.loc[row, "answered"] = int(periods.at[row, "threads"] * 0.3)
    periods = metrics_from_counts(periods.drop(columns=["share_answered"]))
    result = HealthResult("week", "posts", {}, [], periods, {})
    alerts = detect_alerts(result, AlertConfig())
    hit = [a for a in alerts if a.metric == "share_answered"]
    assert len(hit) == 1 and hit[0].period == periods.at[row, "period"]
    unanswered = int(periods.at[row, "threads"] - periods.at[row, "answered"])
    assert hit[0].sentence("en").endswith(f"{unanswered} unanswered threads")
    assert "fell from" in hit[0].sentence("en") and "降到" in hit[0].sentence("zh")


@pytest.mark.slow
def test_modularity_beyond_chance_only_where_structure_exists(shared_datasets):
    import igraph as ig

    from core.graph.build import graph_from_edges
    from core.graph.significance import EARLY_Z, MIN_REWIRINGS, modularity_significance

    email = pd.read_csv(
        shared_datasets / "email_eu_core" / "email-Eu-core.txt", sep=r"\s+", header=None, names=["src", "dst"]
    )
    g = graph_from_edges(email, source_col="src", target_col="dst")
    sig = modularity_significance(g, rewirings=10, stop_early=False)
    assert sig.rewirings == 10 and sig.structure_beyond_chance
    # far beyond chance after three copies: the test stops there with the same verdict and null
    early = modularity_significance(g, rewirings=10)
    assert early.rewirings == MIN_REWIRINGS and early.z >= EARLY_Z and early.structure_beyond_chance
    assert early.modularity == sig.modularity
    assert abs(early.null_modularity_mean - sig.null_modularity_mean) < 4 * sig.null_modularity_sd
    # a graph drawn from the configuration model with the same degrees has none
    deg = g.degrees()
    deg = deg[deg > 0]
    deg[0] += int(deg.sum()) % 2
    cm = ig.Graph.Degree_Sequence(deg.tolist(), method="edge_switching_simple")
    e = np.array(cm.get_edgelist())
    null = graph_from_edges(pd.DataFrame({"src": e[:, 0], "dst": e[:, 1]}), source_col="src", target_col="dst")
    sig0 = modularity_significance(null, rewirings=10)
    assert not sig0.structure_beyond_chance and sig0.rewirings == 10  # no early stop without structure
    assert abs(sig0.z) < 3


@pytest.mark.slow
def test_sample_reply_graph_is_beyond_chance(sample_ws):
    from core.graph.build import reply_graph
    from core.graph.significance import modularity_significance, significance_sentence
    from core.query.engine import DuckDBEngine

    with DuckDBEngine() as eng:
        eng.register_workspace(sample_ws, ["posts"])
        sig = modularity_significance(reply_graph(eng), rewirings=10)
    assert sig.structure_beyond_chance and sig.modularity > sig.null_modularity_mean + 3 * sig.null_modularity_sd
    assert "beyond chance" in significance_sentence(sig, "en") and "并非偶然" in significance_sentence(sig, "zh")


def test_a_graph_too_large_to_test_says_so_in_both_languages():
    from core.graph.significance import MAX_EDGES, significance_sentence

    en, zh = (significance_sentence(None, lang, edges=250_000) for lang in ("en", "zh"))
    for text in (en, zh):
        assert "250,000" in text and f"{MAX_EDGES:,}" in text and "--significance" in text
    assert "Not tested" in en and "未与随机重连图比较" in zh
