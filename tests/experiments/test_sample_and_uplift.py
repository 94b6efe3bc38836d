"""Planted structure in the sample workspace's ad_events, the uplift metrics on known answers,
and the DIN response model (tiny config) through the model engine and cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.experiments.analysis import (
    ExperimentSpec,
    MetricSpec,
    analyze,
    analyze_segments,
    cumulative_lift,
    funnel_table,
    prepare,
    verdict,
)
from core.experiments.columns import guess_roles
from core.experiments.response import DINSettings, response_data, train_response_model
from core.experiments.uplift import auuc, qini_coefficient, qini_curve
from core.models.engine import with_train


@pytest.fixture(scope="module")
def ad_events(sample_ws) -> pd.DataFrame:
    return sample_ws.read("ad_events")


@pytest.fixture(scope="module")
def sample_data(ad_events):
    spec = ExperimentSpec("variant", unit="user_id", covariate="pre_spend", time="ts")
    metrics = [MetricSpec("converted"), MetricSpec("clicks", "impressions", name="CTR")]
    return prepare(ad_events, spec, metrics, segments=["age_group"])


def test_planted_overall_winner(sample_data, ground_truth):
    truth = ground_truth["ad"]
    res = analyze(sample_data, MetricSpec("converted"))
    assert res.control == truth["control"] and sum(v.n for v in res.variants) == ground_truth["users"]
    v = verdict(res)
    assert (v.status, v.variant) == ("winner", truth["lift_variant"])
    b = next(x for x in res.variants if x.name == truth["lift_variant"])
    assert b.lift_ci_low > 0 and b.prob_beat_control > 0.95
    assert not res.srm.mismatch  # the generator assigns an exact 1/3 split


def test_planted_segment_winner(sample_data, ground_truth):
    seg = ground_truth["ad"]["segment"]
    results = analyze_segments(sample_data, MetricSpec("converted"), seg["column"])
    assert len(results) == 4
    inside = next(r for r in results if r.segment_value == seg["value"])
    winner = next(v for v in inside.treatments if v.name == seg["winner"])
    assert winner.lift > 0 and winner.p_value_holm < 0.05
    # Holm over 4 segments x 2 treatments: corrected p-values are at least the raw ones
    all_rows = [v for r in results for v in r.treatments]
    assert len(all_rows) == 8 and all(v.p_value_holm >= v.p_value for v in all_rows)
    elsewhere = [next(v for v in r.treatments if v.name == seg["winner"]) for r in results if r is not inside]
    assert all(v.lift < 0 for v in elsewhere)


def test_cumulative_lift_ends_at_the_overall_lift(sample_data):
    m = MetricSpec("converted")
    timeline = cumulative_lift(sample_data, m)
    overall = analyze(sample_data, m)
    last = timeline.loc[timeline["day"] == timeline["day"].max()].set_index("variant")
    for v in overall.treatments:
        assert last.loc[v.name, "lift"] == pytest.approx(v.lift, abs=1e-9)
        assert last.loc[v.name, "sequential_p_value"] == pytest.approx(v.sequential_p_value, abs=1e-9)
    assert (timeline["sequential_ci_low"] <= timeline["lift_ci_low"] + 1e-12).all()
    assert timeline.groupby("variant")["n"].is_monotonic_increasing.all()


def test_funnel_and_ctr_ratio(sample_data, ad_events):
    roles = guess_roles(ad_events)
    table = funnel_table(sample_data, roles).set_index("variant")
    assert table.loc["B", "ctr"] == pytest.approx(0.14, abs=0.01)  # generator: B clicks at 14%, others 12%
    assert table.loc["A", "ctr"] == pytest.approx(0.12, abs=0.01)
    assert table["impressions"].sum() == ad_events["impressions"].sum()
    ctr = analyze(sample_data, MetricSpec("clicks", "impressions", name="CTR"))
    assert ctr.kind == "ratio" and ctr.variants[1].p_value < 1e-4
    assert ctr.variants[1].mean == pytest.approx(table.loc["B", "ctr"])


def test_qini_known_answers():
    # 4 treated, 4 control; the score puts the two treated converters first
    treated = np.array([1, 1, 0, 0, 1, 1, 0, 0], bool)
    y = np.array([1, 1, 0, 0, 0, 0, 1, 1], float)
    frac, q = qini_curve(np.arange(8, 0, -1), treated, y)
    assert q == pytest.approx([0, 1, 2, 2, 2, 2, 2, 2 - 1 * 4 / 3, 0])  # Y_t - Y_c * N_t / N_c
    rng = np.random.default_rng(0)
    n = 20_000
    t = rng.random(n) < 0.5
    uplift = rng.uniform(-0.1, 0.3, n)
    yy = (rng.random(n) < 0.2 + t * uplift).astype(float)
    good, noise = qini_coefficient(uplift, t, yy), qini_coefficient(rng.random(n), t, yy)
    assert good > 0.02 and abs(noise) < 0.01 and qini_coefficient(-uplift, t, yy) < -0.02
    assert auuc(uplift, t, yy) > auuc(rng.random(n), t, yy)


def test_response_data_says_when_there_is_no_history(ad_events):
    data = response_data(
        ad_events, None, variant="variant", unit="user_id", outcome="converted", control="A", features=["age_group"]
    )
    assert not data.has_history and data.history_share == 0


@pytest.mark.slow
def test_din_learns_a_history_driven_response(tmp_path):
    """Fans of items 1-5 convert under variant C, nobody else responds to C: DIN must rank fans
    first (positive Qini for C) and predict a larger C-uplift for them."""
    rng = np.random.default_rng(1)
    n = 900
    users = [f"u{i}" for i in range(n)]
    fan = rng.random(n) < 0.3
    variant = rng.choice(["A", "B", "C"], n)
    p = 0.1 + 0.5 * (fan & (variant == "C"))
    converted = (rng.random(n) < p).astype(int)
    ad = pd.DataFrame({"user_id": users, "variant": variant, "converted": converted, "ts": pd.Timestamp("2026-03-01")})
    rows = []
    for i, u in enumerate(users):
        pool = np.arange(1, 6) if fan[i] else np.arange(6, 40)
        for item in rng.choice(pool, 6):
            rows.append((u, f"i{item}", pd.Timestamp("2026-02-01")))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "ts"])
    data = response_data(ad, inter, variant="variant", unit="user_id", outcome="converted", control="A", time="ts")
    assert data.has_history
    stages: list = []
    res = train_response_model(
        data,
        with_train(DINSettings(dim=8, hidden=32), epochs=8, patience=8, device="cpu", lr=1e-2),
        progress=lambda p: stages.append(p.stage),
        cache_dir=tmp_path,
    )
    assert stages[0] is None and stages[-1] == "stage.uplift_baseline"  # the epochs, then the baseline
    # the oracle ranks by the planted fan flag on the same held-out users
    fan_of = dict(zip(users, fan))
    c = data.variants.index("C")
    m = (data.split == 2) & np.isin(data.variant, [0, c])
    oracle = qini_coefficient(
        np.array([fan_of[u] for u in data.users[m]], float), data.variant[m] == c, data.outcome[m]
    )
    assert res.trained and oracle > 0.03
    assert res.qini["din"]["C"] > 0.4 * oracle and res.qini["din"]["C"] > res.qini["din"]["B"]
    again = train_response_model(
        data, with_train(DINSettings(dim=8, hidden=32), epochs=8, patience=8, device="cpu", lr=1e-2), cache_dir=tmp_path
    )
    assert not again.trained and again.qini == res.qini  # second call loads the cached weights
