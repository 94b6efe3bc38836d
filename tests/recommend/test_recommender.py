"""End to end on the sample workspace: SASRec beats both baselines on the planted series, never
recommends a seen item, explains with the user's own history, and is cached and saved."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from core.recommend.data import build_sequences
from core.recommend.recommender import RecommendConfig, SequentialRecommender, cached_training_exists, evaluate

TINY = dict(max_len=20, hidden=32, n_layers=1, n_heads=1, epochs=4, batch_size=64, lr=3e-3, device="cpu", val_users=500)


@pytest.fixture(scope="module")
def sample_data(sample_ws):
    """The sample's first 600 users (the planted series are in every user; tests stay quick)."""
    df = sample_ws.read("interactions")
    users = sorted(df["user_id"].unique())[:600]
    return build_sequences(df[df["user_id"].isin(users)])


@pytest.fixture(scope="module")
def report(sample_data, tmp_path_factory):
    cache = tmp_path_factory.mktemp("reco-cache")
    return evaluate(sample_data, RecommendConfig(**TINY), cache_dir=cache), cache


def test_sasrec_beats_popularity_and_item_knn_on_planted_series(report):
    rep, _ = report
    sas, pop, knn = (rep.metric(m) for m in ("SASRec", "Popularity", "Item-kNN"))
    assert sas.users == pop.users == knn.users > 550
    assert sas.ndcg >= 1.5 * pop.ndcg and sas.ndcg > 1.5 * knn.ndcg
    assert sas.hr > knn.hr > pop.hr
    table = rep.table()
    assert set(table["protocol"]) == {"full ranking", "100 sampled negatives"}
    sampled = rep.metric("SASRec", "100 sampled negatives")
    assert sampled.hr >= sas.hr  # 100 negatives is an easier protocol than the full catalogue
    assert rep.training["trained"] and rep.training["epochs_run"] >= 1


def test_recommendations_exclude_seen_and_explanations_come_from_history(report):
    rep, _ = report
    rec = rep.recommender
    out = rec.recommend(np.arange(50), k=10)
    assert (out.groupby("user").size() == 10).all()
    history = {rec.data.user_ids[u]: {rec.data.item_ids[i] for i in rec.data.sequences[u]} for u in range(50)}
    assert not any(item in history[user] for user, item in zip(out["user"], out["item"]))
    assert out.groupby("user")["rank"].apply(lambda r: r.tolist() == list(range(1, 11))).all()
    why = rec.explain(0)
    assert 1 <= len(why) <= 3 and all(item in history[rec.data.user_ids[0]] for item, _ in why)
    assert all(0 <= w <= 1 for _, w in why)
    assert set(rep.diversity) == {"SASRec", "Popularity", "Item-kNN"}
    assert rep.diversity["Popularity"]["coverage"] < rep.diversity["SASRec"]["coverage"]


def test_second_evaluation_loads_from_cache(report, sample_data):
    rep, cache = report
    assert cached_training_exists(sample_data, RecommendConfig(**TINY), "eval", cache_dir=cache)
    again = evaluate(sample_data, RecommendConfig(**TINY), cache_dir=cache)
    assert again.training["trained"] is False
    assert again.metric("SASRec").ndcg == pytest.approx(rep.metric("SASRec").ndcg)


def test_save_load_round_trip(report, tmp_path):
    rec = report[0].recommender
    rec.save(tmp_path / "m")
    loaded = SequentialRecommender.load(tmp_path / "m")
    a, b = rec.recommend(np.arange(20), k=5), loaded.recommend(np.arange(20), k=5)
    assert a[["user", "item", "rank"]].equals(b[["user", "item", "rank"]])
    (tmp_path / "m" / "model.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="cannot be read"):
        SequentialRecommender.load(tmp_path / "m")
    with pytest.raises(ConfigError, match="recommend fit"):
        SequentialRecommender.load(tmp_path / "missing")
