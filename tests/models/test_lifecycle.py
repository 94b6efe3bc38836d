"""The one model lifecycle: every model kind trains once, says so, and keys without the device."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from core.models.engine import with_train
from core.models.lifecycle import ModelSpec, is_trained, spec_key, train_or_load


def tiny_model(kind: str, device: str = "cpu"):
    """(an untrained model of `kind`, a tiny input it fits on): the five models of the interface."""
    if kind == "gat":
        import networkx as nx

        from core.graph.attention import GATPlacer, PlacementConfig, PlacementData
        from core.graph.build import graph_from_edges
        from core.graph.detect import detect_communities

        g = nx.planted_partition_graph(3, 20, 0.4, 0.01, seed=1, directed=True)
        edges = pd.DataFrame([(f"n{a}", f"n{b}") for a, b in g.edges()], columns=["src", "dst"]).assign(weight=1.0)
        graph = graph_from_edges(edges)
        config = with_train(PlacementConfig(positional_dim=4), epochs=3, device=device)
        return GATPlacer(config), PlacementData(graph, detect_communities(graph))
    rng = np.random.default_rng(0)
    if kind == "din":
        from core.experiments.response import DINSettings, ResponseModel, response_data

        users = [f"u{i}" for i in range(200)]
        ad = pd.DataFrame(
            {
                "user_id": users,
                "variant": rng.choice(["A", "B"], 200),
                "converted": rng.integers(0, 2, 200),
                "ts": pd.Timestamp("2026-02-01"),
            }
        )
        inter = pd.DataFrame(
            {
                "user_id": np.repeat(users, 3),
                "item_id": rng.integers(0, 20, 600).astype(str),
                "ts": pd.Timestamp("2026-01-01"),
            }
        )
        data = response_data(ad, inter, variant="variant", unit="user_id", outcome="converted", control="A", time="ts")
        return ResponseModel(with_train(DINSettings(dim=4, hidden=8), epochs=2, device=device)), data
    if kind == "sasrec":
        from core.recommend.data import build_sequences
        from core.recommend.recommender import RecommendConfig, SequentialRecommender

        df = pd.DataFrame(
            {
                "user_id": np.repeat([f"u{i}" for i in range(60)], 6),
                "item_id": rng.integers(0, 15, 360).astype(str),
                "ts": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.tile(np.arange(6), 60), unit="h"),
            }
        )
        config = with_train(
            RecommendConfig(max_len=8, hidden=8, n_layers=1, n_heads=1), epochs=2, batch_size=64, device=device
        )
        return SequentialRecommender(config), build_sequences(df)
    if kind == "churn":
        from core.cohorts.churn import ChurnConfig, ChurnPredictor
        from core.cohorts.datasets import ChurnDataset
        from core.cohorts.features import FeatureSet

        n = 120
        table = pd.DataFrame(
            {"recency_days": rng.integers(0, 60, n).astype(float), "plan": rng.choice(["a", "b"], n)},
            index=pd.Index([f"u{i}" for i in range(n)]),
        )
        labels = pd.Series((table["recency_days"] > 30).astype(int).to_numpy(), index=table.index)
        features = FeatureSet(table, ["recency_days"], ["plan"], np.zeros((n, 0), np.float32), [], None)
        config = with_train(ChurnConfig(d_model=8, n_heads=2, n_layers=1, baselines=False), epochs=2, device=device)
        return ChurnPredictor(config), ChurnDataset(features, labels, "snapshot")
    from core.text.classifier import ClassifierConfig, LabelledTexts, SentimentClassifier

    texts = ["很好很喜欢", "太差了失望", "非常满意", "质量很差"] * 10
    config = ClassifierConfig(zh_encoder="chars", zh_d_model=16)
    config.train.epochs, config.train.batch_size, config.train.device = 1, 8, device
    return SentimentClassifier(config), LabelledTexts(texts, ["1", "0", "1", "0"] * 10)


def _spec(kind: str):
    def spec(device: str):
        model, data = tiny_model(kind, device)
        return model.specs(data)[0]

    return spec


MODELS = ("gat", "din", "sasrec", "churn", "sentiment")


SPECS = {kind: _spec(kind) for kind in MODELS}


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_second_call_trains_zero_steps_and_is_trained_says_so(kind, tmp_path, one_torch_thread):
    spec = SPECS[kind]("cpu")
    assert not is_trained(spec, tmp_path)
    first = train_or_load(spec, cache_dir=tmp_path)
    assert first.trained and first.steps > 0
    assert is_trained(spec, tmp_path)
    again = SPECS[kind]("auto")  # another device: the same key, so a load
    assert again.key == spec.key == first.key
    assert is_trained(again, tmp_path)
    second = train_or_load(again, cache_dir=tmp_path)
    assert not second.trained and second.steps == 0
    assert second.metrics == first.metrics


def _tiny_spec(config: dict) -> ModelSpec:
    from core.models.engine import TrainConfig
    from core.models.lifecycle import engine_fit
    from tests.models.test_engine import Linear, batches

    return ModelSpec(
        kind="tiny",
        code_version="t1",
        config=config,
        data="d",
        build=Linear,
        fit=engine_fit(batches, None, TrainConfig(epochs=2, device="cpu")),
    )


def test_key_rule_drops_device_settings_at_any_depth_and_nothing_else():
    base = {"lr": 0.1, "train": {"device": "cpu", "amp": True, "cpu_amp": False, "epochs": 2}, "device": "cpu"}
    moved = {"lr": 0.1, "train": {"device": "cuda", "amp": False, "cpu_amp": True, "epochs": 2}, "device": "auto"}
    assert spec_key(_tiny_spec(base)) == spec_key(_tiny_spec(moved))
    assert spec_key(_tiny_spec(base)) != spec_key(_tiny_spec({**base, "lr": 0.2}))
    spec = _tiny_spec(base)
    assert spec_key(spec) != spec_key(dataclasses.replace(spec, code_version="t2"))
    assert spec_key(spec) != spec_key(dataclasses.replace(spec, data="e"))


def test_two_processes_train_once(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(__import__("pathlib").Path(__file__).resolve().parents[2])!r})
        from tests.models.test_lifecycle import _tiny_spec
        from core.models.lifecycle import train_or_load
        done = train_or_load(_tiny_spec({{"lr": 0.1}}), cache_dir={str(tmp_path)!r})
        print("TRAINED" if done.trained else "LOADED", done.key)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert sorted(o[0] for o in outs) == ["LOADED", "TRAINED"]
    assert outs[0][1] == outs[1][1]


def test_a_model_a_shorter_budget_stopped_is_retrained_for_a_longer_one(tmp_path, one_torch_thread):
    from core.models.engine import TrainConfig
    from core.models.lifecycle import engine_fit
    from tests.models.test_engine import Linear, SlowLinear, batches, neg_mse
    from ui.training import card_line

    def spec(build, epochs):
        return ModelSpec(
            kind="tiny",
            code_version="t1",
            config={"train": {"epochs": epochs, "max_seconds": "auto"}},
            data=build.__name__,
            build=build,
            fit=engine_fit(batches, neg_mse, TrainConfig(epochs=epochs, device="cpu")),
        )

    slow = spec(SlowLinear, 1000)
    short = train_or_load(slow, budget=0.3, cache_dir=tmp_path)
    assert short.trained and is_trained(slow, tmp_path, budget=0.3)
    assert is_trained(slow, tmp_path, budget=0.2)  # a shorter budget takes the longer-trained model
    # a longer budget is not answered by the model 0.3 s cut short
    assert slow.key == short.key and not is_trained(slow, tmp_path, budget=1.0)
    longer = train_or_load(slow, budget=1.0, cache_dir=tmp_path)
    assert longer.trained and longer.metrics["max_seconds"] == 1.0 and longer.key == short.key
    assert is_trained(slow, tmp_path, budget=1.0)
    assert is_trained(slow, tmp_path)  # without a budget asked (AUTO) any stored model answers
    m = short.metrics
    assert m["stopped_by"] == "budget" and m["max_seconds"] == 0.3 and m["epochs"] == 1000
    assert 1 <= m["epochs_run"] < 1000 and m["val_metric"] == max(h["val_metric"] for h in short.extra["history"])
    # a model that ran all its epochs is the same model under any budget (and from a GPU without one)
    quick = spec(Linear, 2)
    assert train_or_load(quick, budget=None, cache_dir=tmp_path).metrics["stopped_by"] == "epochs"
    assert is_trained(quick, tmp_path, budget=0.1)

    line = card_line(m)  # the model card's line says the budget stopped it, where and on what
    assert line.startswith("Training: stopped by the 0.3 s budget") and f"epoch {m['epochs_run']}/1000" in line
    assert "cpu" in line
    assert "trained all 2 epochs" in card_line({"stopped_by": "epochs", "epochs_run": 2, "device": "cpu", "seconds": 3})
