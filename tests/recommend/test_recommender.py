"""End to end on the sample workspace: SASRec beats both baselines on the planted series, never
recommends a seen item, explains with the user's own history, and is cached and saved."""

from __future__ import annotations

import threading
from dataclasses import asdict

import numpy as np
import pytest

from core.errors import ConfigError
from core.models.engine import TrainConfig, TrainingCancelled, with_train
from core.recommend.data import SequenceData, build_sequences
from core.recommend.recommender import (
    FULL_CE_MAX_ITEMS,
    SAMPLED_CE_NEGATIVES,
    RecommendConfig,
    SequentialRecommender,
    cached_training_exists,
    default_train,
    evaluate,
)

TINY = dict(
    max_len=20,
    hidden=32,
    n_layers=1,
    n_heads=1,
    val_users=500,
    train=TrainConfig(epochs=4, batch_size=64, lr=3e-3, device="cpu"),
)


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


def test_config_nests_the_trainer_settings_and_round_trips():
    config = RecommendConfig(**TINY)
    assert config.train.epochs == 4 and config.train.lr == 3e-3
    # trainer settings changed with `with_train` write into `train`
    legacy = with_train(RecommendConfig(max_len=20), epochs=7, batch_size=32, device="cpu")
    assert (legacy.train.epochs, legacy.train.batch_size, legacy.train.device) == (7, 32, "cpu")
    assert legacy.train.lr == RecommendConfig().train.lr  # untouched fields keep the defaults
    assert RecommendConfig.from_dict(asdict(config)) == config
    old_folder = {"max_len": 20, "epochs": 3, "lr": 0.01, "seed": 4, "hidden": 16, "n_heads": 2}
    assert RecommendConfig.from_dict(old_folder).train == TrainConfig(
        **{**asdict(default_train()), "epochs": 3, "lr": 0.01, "seed": 4}
    )
    with pytest.raises(ConfigError, match="epochs"):
        RecommendConfig(train=TrainConfig(epochs=0))
    # patience and the minimum length stretch to the step counts, never past the epochs asked for
    tc = RecommendConfig(min_steps=50, patience_steps=30, train=TrainConfig(epochs=4, batch_size=10, patience=1))
    stretched = tc.train_config(n_windows=100)  # 10 steps an epoch
    assert (stretched.min_epochs, stretched.patience) == (4, 3)


def test_window_follows_the_history_length_percentile():
    lengths = list(range(1, 101))  # 90th percentile 90.1 -> 96 (a multiple of 8)
    data = SequenceData(
        user_ids=np.array([f"u{i}" for i in lengths]),
        item_ids=np.array([""] + [f"i{j}" for j in range(100)]),
        sequences=[np.arange(1, n + 1) for n in lengths],
    )
    assert RecommendConfig().window(data) == 96 and RecommendConfig(max_len=30).window(data) == 30
    assert RecommendConfig().model_config(data).max_len == 96
    assert RecommendConfig().model_config(data).ce_negatives == 0  # a small catalogue: full softmax
    many = SequenceData(data.user_ids, np.array([""] + [f"i{j}" for j in range(FULL_CE_MAX_ITEMS + 1)]), data.sequences)
    assert RecommendConfig().model_config(many).ce_negatives == SAMPLED_CE_NEGATIVES
    assert RecommendConfig(ce_negatives=0).model_config(many).ce_negatives == 0
    short = SequenceData(data.user_ids[:3], data.item_ids, data.sequences[:3])
    long = SequenceData(data.user_ids[:1], data.item_ids, [np.tile(np.arange(1, 101), 5)])
    assert RecommendConfig().window(short) == 8 and RecommendConfig().window(long) == 200  # kept in range


def test_cancel_stops_training_at_the_next_step_and_stores_nothing(sample_data, tmp_path):
    cancel, steps = threading.Event(), []

    def progress(p):
        if p.stage is None:
            steps.append(p.step)
            cancel.set()

    config = RecommendConfig(**{**TINY, "train": TrainConfig(epochs=50, batch_size=16, device="cpu")})
    with pytest.raises(TrainingCancelled):
        evaluate(sample_data, config, progress=progress, cancel=cancel, cache_dir=tmp_path)
    assert steps == [1]  # checked before every batch: the second never ran
    assert not cached_training_exists(sample_data, config, "eval", cache_dir=tmp_path)


def test_cancel_stops_the_stages_outside_the_epochs_too(sample_data, tmp_path):
    cancel, stages = threading.Event(), []

    def progress(p):
        stages.append(p.stage)
        if p.stage == "stage.baselines":
            cancel.set()

    with pytest.raises(TrainingCancelled):
        evaluate(sample_data, RecommendConfig(**TINY), progress=progress, cancel=cancel, cache_dir=tmp_path)
    assert stages == ["stage.baselines"]  # reported, then the next chunk of baseline scoring saw the cancel
    assert not cached_training_exists(sample_data, RecommendConfig(**TINY), "eval", cache_dir=tmp_path)
