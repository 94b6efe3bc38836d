"""The churn model on the planted sample, beside its baselines; calibration, reasons, save/load, cache."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from core.cohorts.churn import ChurnConfig, ChurnPredictor
from core.cohorts.datasets import ChurnDataset
from core.errors import ConfigError, InputError
from core.models.churn_transformer import ChurnTransformer, ChurnTransformerConfig
from core.models.engine import with_train

TINY = with_train(ChurnConfig(d_model=16, n_heads=2, n_layers=1), epochs=3, batch_size=256, device="cpu")


@pytest.fixture(scope="module")
def fitted(sample_churn, tmp_path_factory):
    cache = tmp_path_factory.mktemp("churn_cache")
    predictor = ChurnPredictor(TINY).fit(sample_churn, cache_dir=cache, progress=_reports.record)
    return predictor, cache


class _Reports:
    """What the fit's progress callback received (engine.Progress, in order)."""

    def __init__(self) -> None:
        self.seen: list = []

    def record(self, p) -> None:
        self.seen.append(p)


_reports = _Reports()


def test_every_stage_reports_as_it_goes(fitted):
    """Issue 25 item 10: churn training sat at "0/2" for minutes. Each stage of a real fit on the
    sample's event log reports more than once, its steps going up to its total (the baselines' stage
    within the boosting, not only between the two models), and says what it is doing."""
    seen = _reports.seen
    stages = list(dict.fromkeys(p.stage for p in seen))
    assert stages == [
        "stage.linear_start",
        None,
        "stage.importance",
        "stage.churn_baselines",
    ], stages
    for stage in stages:
        mine = [p for p in seen if p.stage == stage]
        steps = [(p.epoch, p.step) for p in mine]
        assert len(mine) > 2 and steps == sorted(steps), (stage, steps)
        last = mine[-1]
        assert last.step == last.steps_per_epoch and (stage is not None or last.epoch == last.epochs)
    baselines = [p for p in seen if p.stage == "stage.churn_baselines"]
    boosting = [p for p in baselines if p.detail == "stage.detail.gradient_boosting"]
    assert len(boosting) > 2 and baselines[0].detail == "stage.detail.logistic_regression"


def test_planted_sample_auc_and_drivers(fitted, sample_churn):
    predictor, _ = fitted
    m = predictor.result_.metrics.set_index("model")
    assert m.loc["churn_transformer", "auc"] >= 0.80
    assert m.loc["churn_transformer", "auc"] >= m[["auc"]].drop("churn_transformer").max().item() - 0.02
    # calibrated: Brier well under the base-rate predictor's p(1-p)
    rate = m.loc["churn_transformer", "test_churn_rate"]
    assert m.loc["churn_transformer", "brier"] < 0.5 * rate * (1 - rate)
    imp = predictor.result_.importance
    third = -(-len(imp) // 3)
    # by the test-AUC drop when a feature is shuffled (by mean |contribution| the activity columns,
    # six correlated ones, share the credit and crowd the top)
    top = imp.sort_values("permutation", ascending=False)["feature"].head(third).tolist()
    assert {"activity_trend", "weekly timeline"} & set(top), imp  # falling activity
    assert {"post_sentiment", "negative_post_share"} & set(top), imp  # negative sentiment
    top_contrib = imp.sort_values("contribution", ascending=False)["feature"].head(third).tolist()
    assert {"activity_trend", "weekly timeline"} & set(top_contrib), imp
    # churners' reasons name the planted drivers
    churners = sample_churn.labels.index[sample_churn.labels == 1]
    reasons = predictor.explain(sample_churn.features.subset(churners))["top_features"].str.cat(sep="; ")
    for driver in ("activity_trend", "post_sentiment", "social_degree"):
        assert driver in reasons


def test_splits_and_scores(fitted, sample_churn):
    predictor, _ = fitted
    training = predictor.result_.training  # what the model card line reads
    assert training["stopped_by"] in ("epochs", "early_stop") and training["epochs_run"] == len(
        predictor.result_.history
    )
    scores = predictor.result_.scores
    assert scores["split"].value_counts(normalize=True)["test"] == pytest.approx(0.2, abs=0.01)
    assert scores["churn_probability"].between(0, 1).all()
    test = scores[scores["split"] == "test"]
    assert test["churned"].mean() == pytest.approx(sample_churn.labels.mean(), abs=0.02)  # stratified
    rel = predictor.result_.reliability
    assert set(rel["model"]) == {"churn_transformer", "logistic_regression", "gradient_boosting"}
    assert rel.groupby("model")["users"].sum().eq(len(test)).all()


def test_explanations_name_features_and_weeks(fitted, sample_churn):
    predictor, _ = fitted
    f = sample_churn.features.subset(sample_churn.features.users[:50])
    out = predictor.explain(f, top_k=3)
    assert len(out) == 50
    names = set(predictor.encoder_.numeric + predictor.encoder_.categorical)
    first = out.loc[0, "top_features"].split("; ")
    assert len(first) == 3 and all(item.split("=")[0] in names for item in first)
    assert len(out.loc[0, "top_weeks"].split("; ")) == 3
    np.testing.assert_allclose(out["churn_probability"], predictor.predict_proba(f).to_numpy())


def test_save_load_roundtrip_and_cache(fitted, sample_churn, tmp_path):
    predictor, cache = fitted
    predictor.save(tmp_path / "m")
    loaded = ChurnPredictor.load(tmp_path / "m")
    f = sample_churn.features.subset(sample_churn.features.users[:100])
    np.testing.assert_allclose(loaded.predict_proba(f), predictor.predict_proba(f), rtol=1e-5)
    assert ChurnPredictor(TINY).is_trained(sample_churn, cache_dir=cache)
    with pytest.raises(ConfigError, match="no churn model"):
        ChurnPredictor.load(tmp_path / "missing")
    missing_col = f.subset(f.users)
    missing_col.table = missing_col.table.drop(columns=["recency_days"])
    with pytest.raises(InputError, match="recency_days"):
        loaded.predict_proba(missing_col)


def test_model_shapes_attention_and_learning():
    cfg = ChurnTransformerConfig(
        n_numeric=2, cardinalities=[3], n_weeks=4, d_model=16, n_heads=2, n_layers=2, dropout=0.0
    )
    torch.manual_seed(0)
    model = ChurnTransformer(cfg)
    n = 256
    x = torch.randn(n, 2)
    x[:5, 1] = float("nan")  # missing values get their own token, never NaN logits
    batch = {
        "numeric": x,
        "categorical": torch.randint(0, 3, (n, 1)),
        "timeline": torch.rand(n, 4),
        "label": (torch.nan_to_num(x[:, 0]) * torch.nan_to_num(x[:, 1]) > 0).float(),
    }  # an interaction
    logits, att = model(batch)
    assert logits.shape == (n,) and att.shape == (n, 2 + 1 + 4)
    assert torch.isfinite(logits).all()
    torch.testing.assert_close(att.sum(dim=1), torch.ones(n))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    first = model.calculate_loss(batch).detach().item()
    for _ in range(150):
        opt.zero_grad()
        model.calculate_loss(batch).backward()
        opt.step()
    assert (
        model.calculate_loss(batch).detach().item() < 0.6 * first
    )  # learns an XOR-like interaction a linear model cannot


def test_too_few_labels():
    from core.cohorts.features import FeatureSet

    table = pd.DataFrame({"x": np.arange(10.0)}, index=[f"u{i}" for i in range(10)])
    f = FeatureSet(table, ["x"], [], np.zeros((10, 0), dtype=np.float32))
    with pytest.raises(InputError, match="at least 20"):
        ChurnPredictor(TINY).fit(ChurnDataset(f, pd.Series(np.arange(10) % 2, index=table.index), "snapshot"))


def test_a_cached_load_restores_baselines_and_importances_without_refitting(fitted, sample_churn, monkeypatch):
    import core.cohorts.churn as churn

    predictor, cache = fitted

    def refit(*args, **kwargs):
        raise AssertionError("a cached load refitted something")

    monkeypatch.setattr(churn, "fit_baselines", refit)
    monkeypatch.setattr(churn.ChurnPredictor, "_importance", refit)
    again = ChurnPredictor(TINY).fit(sample_churn, cache_dir=cache)
    assert not again.result_.trained
    pd.testing.assert_frame_equal(again.result_.metrics, predictor.result_.metrics)
    pd.testing.assert_frame_equal(again.result_.reliability, predictor.result_.reliability)
    pd.testing.assert_frame_equal(again.result_.importance, predictor.result_.importance)
    assert set(again.result_.metrics["model"]) > {"churn_transformer"}  # the baselines are there


def test_the_model_card_keeps_its_column_order(fitted):
    result = fitted[0].result_
    assert list(result.metrics.columns)[:4] == ["model", "auc", "pr_auc", "brier"]
    assert list(result.reliability.columns) == ["bin", "mean_predicted", "observed", "users", "model"]
    assert list(result.importance.columns) == ["feature", "contribution", "attention", "permutation"]


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: ChurnConfig(**kw),
        lambda **kw: __import__("core.graph.attention", fromlist=["x"]).PlacementConfig(**kw),
        lambda **kw: __import__("core.experiments.response", fromlist=["x"]).DINSettings(**kw),
    ],
    ids=["churn", "placement", "din"],
)
def test_each_model_config_nests_one_train_config(make):
    from dataclasses import asdict, fields

    from core.models.engine import TrainConfig

    default = make()
    own = {f.name for f in fields(default)}
    assert own & {f.name for f in fields(TrainConfig)} == set()  # nothing re-declared beside `train`
    assert isinstance(default.train, TrainConfig)
    flat = with_train(make(), epochs=3, device="cpu")  # trainer settings changed land in `train`...
    assert (flat.train.epochs, flat.train.device) == (3, "cpu")
    assert flat.train.lr == default.train.lr and flat.train.patience == default.train.patience  # ...on its defaults
    again = make(**json.loads(json.dumps(asdict(flat))))  # a config read back from JSON
    assert again == flat


def test_permutation_importance_on_encoded_columns_equals_shuffling_the_raw_column(fitted, sample_churn, monkeypatch):
    """The importance shuffles encoded columns of a sample of the rows; shuffling the raw column of the
    same sample and encoding again is the reference."""
    from sklearn.metrics import roc_auc_score

    import core.cohorts.churn as churn

    predictor, _ = fitted
    monkeypatch.setattr(churn, "IMPORTANCE_ROWS", 200)
    f = sample_churn.features.subset(sample_churn.features.users[:300])
    y = sample_churn.labels.reindex(f.users).to_numpy()
    imp = predictor._importance(f, y).set_index("feature")["permutation"]
    rng = np.random.default_rng(predictor.config.train.seed)  # the same draws, in the same order
    rows = np.sort(rng.choice(300, 200, replace=False))
    users, y = f.users[rows], y[rows]
    f = f.subset(users)
    base = roc_auc_score(y, predictor._forward(f)[0])
    for name in predictor.token_names_[: len(imp) - 1] + ["weekly timeline"]:
        perm = rng.permutation(len(users))
        shuffled = f.subset(users)
        shuffled.table = shuffled.table.copy()
        if name == "weekly timeline":
            shuffled.timeline = f.timeline[perm]
        else:
            shuffled.table[name] = f.table[name].to_numpy()[perm]
        assert imp[name] == pytest.approx(base - roc_auc_score(y, predictor._forward(shuffled)[0]), abs=1e-9), name


def test_cancel_during_the_model_card_stops_there_and_caches_nothing(sample_churn, tmp_path):
    import threading

    from core.models.engine import TrainingCancelled

    cancel, stages = threading.Event(), []

    def progress(p):
        if p.stage is not None:
            stages.append(p.stage)
            if p.stage == "stage.importance":
                cancel.set()

    predictor = ChurnPredictor(with_train(ChurnConfig(d_model=8, n_heads=2, n_layers=1), epochs=1, device="cpu"))
    with pytest.raises(TrainingCancelled):
        predictor.fit(sample_churn, progress=progress, cancel=cancel, cache_dir=tmp_path)
    assert stages[0] == "stage.linear_start" and stages.count("stage.importance") == 1  # stopped at the first check
    assert "stage.churn_baselines" not in stages
    assert not predictor.is_trained(sample_churn, cache_dir=tmp_path)


def test_an_epoch_trains_on_at_most_epoch_rows(sample_churn, tmp_path, monkeypatch):
    """Issue 29: on 200,000 users an epoch over every training row took minutes. An epoch is a fresh
    sample of at most EPOCH_ROWS training rows (here 300 of the sample's ~1,300: 3 batches of 128)."""
    import core.cohorts.churn_training as churn_training

    monkeypatch.setattr(churn_training, "EPOCH_ROWS", 300)
    seen: list = []
    config = with_train(
        ChurnConfig(d_model=8, n_heads=2, n_layers=1, baselines=False), epochs=1, batch_size=128, device="cpu"
    )
    predictor = ChurnPredictor(config).fit(sample_churn, cache_dir=tmp_path, progress=seen.append)
    train_rows = int((predictor.result_.scores["split"] == "train").sum())
    assert train_rows > 1000
    epochs = [p for p in seen if p.stage is None]
    assert {p.steps_per_epoch for p in epochs} == {3}
    assert predictor.result_.training["steps"] == 3 * predictor.result_.training["epochs_run"]
