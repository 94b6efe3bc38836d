"""The sequential recommender end to end: train SASRec through the model cache, evaluate it against
popularity and item-kNN on the same leave-last-out split, recommend unseen items, explain them,
and save/load a self-describing model folder for the CLI.
"""

from __future__ import annotations

import json
import math
import pickle
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.models.artefact import read_model_dir, write_model_dir
from core.models.budget import AUTO, Budget
from core.models.engine import Progress, TrainConfig, train_from
from core.models.interface import Model
from core.models.lifecycle import ModelSpec, engine_fit, is_trained, train_or_load
from core.recommend.baselines import ItemKNNRecommender, PopularityRecommender
from core.recommend.data import SequenceData, Split, holdout_last, leave_last_out, sequences_fingerprint
from core.recommend.metrics import RankingMetrics, evaluate_scores, list_diversity, top_k

if TYPE_CHECKING:
    from core.models.sasrec import SASRec, SASRecConfig

# Above FULL_CE_MAX_ITEMS items the softmax runs over SAMPLED_CE_NEGATIVES shared uniform negatives
# instead of the catalogue: scoring every item at every position then costs more than the
# Transformer itself (3,706 items: 3x the time of an epoch with 512 negatives; bench/recommend.py --big).
FULL_CE_MAX_ITEMS = 2_000
SAMPLED_CE_NEGATIVES = 512
MAX_LEN_PERCENTILE = 90  # max_len=None: this percentile of the users' history lengths ...
MAX_LEN_RANGE = (8, 200)  # ... rounded up to a multiple of 8 and kept in this range


def default_train() -> TrainConfig:
    """The recommender's trainer settings. bench/recommend.py's settings table measures them against
    the previous ones (100 epochs at lr 1e-3, at least 300 steps, patience 150 steps): on the sample
    the validation NDCG@10 is within 0.03 of its final value after 10 epochs at lr 3e-3."""
    return TrainConfig(epochs=20, batch_size=128, lr=3e-3, patience=3)


@dataclass
class RecommendConfig:
    """SASRec settings for the recommender plus its trainer settings (`train`); JSON-able.
    `RecommendConfig(train=TrainConfig(epochs=3))`, or `engine.with_train(RecommendConfig(), epochs=3)`."""

    max_len: int | None = None  # history window; None: from the data (MAX_LEN_PERCENTILE)
    hidden: int = 64
    n_layers: int = 2
    n_heads: int = 2
    dropout: float = 0.2
    loss: str = "ce"  # "ce" = SASRec+ full softmax; "bce" = original one negative
    ce_negatives: int | None = None  # None: full softmax up to FULL_CE_MAX_ITEMS items
    val_users: int = 1000  # validation users sampled for early stopping (all of them score at the end)
    min_steps: int = 100  # early stopping waits for at least this many optimiser steps ...
    patience_steps: int = 60  # ... and for this many steps without improvement
    bucket: int = 50  # batches grouped by window length this many at a time (1: plain shuffle)
    train: TrainConfig = field(default_factory=default_train)

    def __post_init__(self) -> None:
        self.train = train_from(self.train)  # a config read back from JSON holds a dict
        if self.loss not in ("ce", "bce"):
            raise ConfigError(f"loss must be 'ce' or 'bce', not {self.loss!r}")
        if self.max_len is not None and self.max_len < 2:
            raise ConfigError(f"max_len must be at least 2, not {self.max_len}")
        if self.hidden < 1 or self.train.epochs < 1 or self.train.batch_size < 1 or self.val_users < 1:
            raise ConfigError("hidden >= 1, epochs >= 1, batch_size >= 1 and val_users >= 1 are required")
        if self.hidden % self.n_heads:
            raise ConfigError(f"hidden ({self.hidden}) must be divisible by n_heads ({self.n_heads})")

    def window(self, data: SequenceData) -> int:
        """The history window: `max_len`, or when None the MAX_LEN_PERCENTILE-th percentile of the
        users' history lengths rounded up to a multiple of 8 (a longer window mostly pads)."""
        if self.max_len is not None:
            return self.max_len
        lengths = [len(s) for s in data.sequences] or [0]
        low, high = MAX_LEN_RANGE
        return int(min(high, max(low, 8 * math.ceil(float(np.percentile(lengths, MAX_LEN_PERCENTILE)) / 8))))

    def model_config(self, data: SequenceData) -> SASRecConfig:
        from core.models.sasrec import SASRecConfig

        negatives = self.ce_negatives
        if negatives is None:
            negatives = 0 if data.n_items <= FULL_CE_MAX_ITEMS else SAMPLED_CE_NEGATIVES
        return SASRecConfig(
            n_items=data.n_items,
            max_len=self.window(data),
            hidden=self.hidden,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            dropout=self.dropout,
            loss=self.loss,
            ce_negatives=negatives,
        )

    def train_config(self, n_windows: int | None = None) -> TrainConfig:
        """Trainer settings. Given the number of training windows, patience and the minimum
        training length are stretched to at least `min_steps` / `patience_steps` optimiser steps:
        on a small data set an epoch is a handful of steps, and stopping after a few of them
        (on a noisy validation metric) would stop before the model has learnt anything."""
        patience, min_epochs = self.train.patience, self.train.min_epochs
        if n_windows:
            steps_per_epoch = max(1, math.ceil(n_windows / self.train.batch_size))
            patience = max(patience, math.ceil(self.patience_steps / steps_per_epoch))
            min_epochs = max(min_epochs, math.ceil(self.min_steps / steps_per_epoch))
        return replace(self.train, patience=patience, min_epochs=min(min_epochs, self.train.epochs))

    @classmethod
    def from_dict(cls, d: dict) -> RecommendConfig:
        """Back from `asdict` (a model folder's meta.json); unknown keys are ignored, and the flat
        trainer fields of folders written before `train` was nested are read into it."""
        trainer = {f.name for f in fields(TrainConfig)}
        own = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in own}
        if isinstance(values.get("train"), dict):
            values["train"] = TrainConfig(**{k: v for k, v in values["train"].items() if k in trainer})
        flat = {k: v for k, v in d.items() if k in trainer - own}  # a folder from before `train` was nested
        if flat:
            values["train"] = replace(values.get("train") or default_train(), **flat)
        return cls(**values)


@dataclass
class TrainedModel:
    """A SASRec trained on a split, with where it came from."""

    model: SASRec  # on the CPU, in eval mode
    metrics: dict  # val_ndcg10, epochs_run, steps, seconds, device, stopped
    history: list[dict]
    trained: bool  # False when loaded from the model cache
    cache_key: str


def _val_subset(split: Split, limit: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    n = len(split.val_targets)
    if n <= limit:
        return split.val_histories, split.val_targets
    pick = np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))
    return [split.val_histories[i] for i in pick], split.val_targets[pick]


def sasrec_spec(data: SequenceData, split: Split | None, config: RecommendConfig, mode: str):
    """SASRec's ModelSpec for this data, mode and config (its key is the cache key and the job key).

    `split` may be None when only the key is needed (`cached_training_exists`)."""
    from core.models.sasrec import CODE_VERSION, SASRec, sasrec_training

    model_config = config.model_config(data)

    def fit_fn(model, progress, cancel, budget=AUTO):
        assert split is not None, "sasrec_spec(split=None) only answers is_trained"
        hist, targets = _val_subset(split, config.val_users, config.train.seed)
        make_batches, validate, n_windows = sasrec_training(
            split.train, model_config, config.train.batch_size, hist, targets, config.bucket
        )
        fit = engine_fit(make_batches, validate, config.train_config(n_windows), "val_ndcg10")
        return fit(model, progress, cancel, budget)

    return ModelSpec(
        kind="sasrec",
        code_version=CODE_VERSION,
        config={"recommend": asdict(config), "model": asdict(model_config), "mode": mode},
        data=sequences_fingerprint(data),
        build=lambda: SASRec(model_config),
        fit=fit_fn,
        seed=config.train.seed,
    )


def train_sasrec_cached(
    data: SequenceData,
    split: Split,
    config: RecommendConfig,
    mode: str,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    cache_dir: Path | str | None = None,
    *,
    budget: Budget = AUTO,
) -> TrainedModel:
    """Train SASRec on `split.train` with early stopping on its validation cases under `budget`, or
    load the identical run from the model cache (key: data, mode, config, code version)."""

    spec = sasrec_spec(data, split, config, mode)
    done = train_or_load(spec, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)
    return TrainedModel(done.model, dict(done.metrics), list(done.extra.get("history", [])), done.trained, done.key)


def cached_training_exists(
    data: SequenceData,
    config: RecommendConfig,
    mode: str = "eval",
    cache_dir: Path | str | None = None,
    *,
    budget: Budget = AUTO,
) -> bool:
    """True when `evaluate`/`fit` under `budget` would load SASRec from the cache instead of training."""

    return is_trained(sasrec_spec(data, None, config, mode), cache_dir, budget=budget)


class SequentialRecommender(Model):
    """A trained SASRec plus the interaction history it recommends from (core.models.interface.Model):
    `SequentialRecommender(config).fit(data)` on a SequenceData, then `recommend`, `explain`, `predict`."""

    kind = "recommend"

    def __init__(
        self,
        config: RecommendConfig | None = None,
        *,
        model: SASRec | None = None,
        data: SequenceData | None = None,
        metrics: dict | None = None,
    ):
        self.config = config or RecommendConfig()
        self.model: SASRec = model  # type: ignore[assignment]  # set by fit or load before use
        self.data: SequenceData = data  # type: ignore[assignment]
        self.metrics = metrics or {}

    def specs(self, data: SequenceData, cache_dir: Path | str | None = None) -> list:
        """[the SASRec spec `fit` trains or loads on `data`]: every user's last item validates."""
        return [sasrec_spec(data, holdout_last(data), self.config, "fit")]

    def fit(
        self,
        data: SequenceData,
        *,
        budget: Budget = AUTO,
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        cache_dir: Path | str | None = None,
    ) -> SequentialRecommender:
        """Train the model that will make predictions under `budget`: every user's last item
        validates early stopping, the rest trains; recommendations then read each user's full history."""
        if data.n_items < 2:
            raise InputError("need at least two distinct items to recommend anything")
        split = holdout_last(data)
        if len(split.val_users) == 0:
            raise InputError(
                "no user has two or more interactions: the model learns from what a user did "
                "next, so at least one user needs two items"
            )
        trained = train_sasrec_cached(data, split, self.config, "fit", progress, cancel, cache_dir, budget=budget)
        self.model, self.data = trained.model, data
        self.metrics = dict(trained.metrics, trained=trained.trained, users=data.n_users, items=data.n_items)
        return self

    def predict(self, data: SequenceData) -> np.ndarray:
        """Scores of every item (column 0: padding) after each history of `data`: (users, items + 1)."""
        from core.models.sasrec import score_histories

        return score_histories(self.model, list(data.sequences))

    def scores(self, users: np.ndarray) -> np.ndarray:
        from core.models.sasrec import score_histories

        return score_histories(self.model, [self.data.sequences[u] for u in users])

    def recommend(self, users: np.ndarray | None = None, k: int = 10, chunk: int = 1024) -> pd.DataFrame:
        """Top-k unseen items per user: DataFrame user, item, rank (1-based), score."""
        users = np.arange(self.data.n_users) if users is None else np.asarray(users, np.int64)
        frames = []
        for i in range(0, len(users), chunk):
            u = users[i : i + chunk]
            scores = self.scores(u)
            hist = [self.data.sequences[j] for j in u]
            best = top_k(scores, hist, k)
            rank = np.tile(np.arange(1, best.shape[1] + 1), (len(u), 1))
            ok = best > 0
            frames.append(
                pd.DataFrame(
                    {
                        "user": np.repeat(self.data.user_ids[u], best.shape[1])[ok.ravel()],
                        "item": self.data.item_ids[best[ok]],
                        "rank": rank[ok],
                        "score": np.take_along_axis(scores, best, axis=1)[ok].astype(float),
                    }
                )
            )
        if not frames:
            return pd.DataFrame({"user": [], "item": [], "rank": [], "score": []})
        return pd.concat(frames, ignore_index=True)

    def explain(self, user: int, top: int = 3) -> list[tuple[str, float]]:
        """The past items the last attention block weighted most when scoring this user's next
        item (the top recommendation is read off the same position): [(item_id, weight)]."""
        import torch

        from core.models.sasrec import pad_histories

        padded = pad_histories([self.data.sequences[user]], self.model.config.max_len)
        with torch.inference_mode():
            w = self.model.last_attention(padded)[0].numpy()
        seq = padded[0].numpy()
        order = [i for i in np.argsort(-w, kind="stable") if seq[i] > 0][:top]
        return [(str(self.data.item_ids[seq[i]]), float(w[i])) for i in order]

    # ---- a self-describing folder for the CLI --------------------------------------------------
    def save(self, model_dir: str | Path) -> Path:
        """Write model.pt (state dict), history.npz and meta.json (configs, metrics, sha256s) through
        the one model-folder format (`core/models/artefact.py`)."""
        import torch

        from core.models.sasrec import CODE_VERSION

        lengths = np.asarray([len(s) for s in self.data.sequences], dtype=np.int64)
        flat = np.concatenate(self.data.sequences) if self.data.sequences else np.zeros(0, np.int64)
        state = self.model.state_dict()

        def write(tmp: Path) -> None:
            torch.save(state, tmp / "model.pt")
            np.savez(
                tmp / "history.npz",
                user_ids=self.data.user_ids.astype(str),
                item_ids=self.data.item_ids.astype(str),
                lengths=lengths,
                items=flat,
            )

        meta = json.loads(
            json.dumps(
                {"model": asdict(self.model.config), "recommend": asdict(self.config), "metrics": self.metrics},
                default=str,
            )
        )
        return write_model_dir(model_dir, "recommend", CODE_VERSION, meta, write)

    @classmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> SequentialRecommender:
        """Load a folder written by `save`, verified first; ConfigError when missing, tampered or foreign
        (`trust`: accept a folder this data folder did not sign, see core.models.artefact)."""
        import torch

        from core.models.sasrec import CODE_VERSION, SASRec, SASRecConfig

        path, meta = read_model_dir(model_dir, "recommend", CODE_VERSION, "python -m core recommend fit", trust=trust)
        try:
            state = torch.load(path / "model.pt", map_location="cpu", weights_only=True)
            with np.load(path / "history.npz", allow_pickle=False) as z:
                user_ids, item_ids = z["user_ids"], z["item_ids"]
                lengths, flat = z["lengths"], z["items"]
            model = SASRec(SASRecConfig(**meta["model"]))
            model.load_state_dict(state)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, pickle.UnpicklingError) as exc:
            raise ConfigError(
                f"--model-dir {path}: the model files cannot be read "
                f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            ) from exc
        model.eval()
        sequences = np.split(flat.astype(np.int64), np.cumsum(lengths)[:-1]) if len(lengths) else []
        data = SequenceData(user_ids=user_ids, item_ids=item_ids, sequences=list(sequences))
        config = RecommendConfig.from_dict(meta.get("recommend", {}))
        return cls(config, model=model, data=data, metrics=meta.get("metrics", {}))


def fit_recommender(
    data: SequenceData,
    config: RecommendConfig | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    cache_dir: Path | str | None = None,
    *,
    budget: Budget = AUTO,
) -> SequentialRecommender:
    """`SequentialRecommender(config).fit(data, ...)`."""
    return SequentialRecommender(config).fit(data, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)


def metrics_table(metrics: list[RankingMetrics]) -> pd.DataFrame:
    """One row per (model, protocol): HR@k, NDCG@k, users."""
    rows = [
        {"model": m.model, "protocol": m.protocol, f"HR@{m.k}": m.hr, f"NDCG@{m.k}": m.ndcg, "users": m.users}
        for m in metrics
    ]
    return pd.DataFrame(rows)


@dataclass
class EvaluationReport:
    """SASRec against the baselines on one leave-last-out split, plus the fitted recommender."""

    metrics: list[RankingMetrics]
    training: dict  # SASRec val metric, epochs, seconds, device, trained flag
    history: list[dict]
    recommender: SequentialRecommender
    popularity: np.ndarray  # (n_items + 1,) training counts, for popularity bias
    diversity: dict = field(default_factory=dict)  # model -> list_diversity(...)

    def table(self) -> pd.DataFrame:
        """One row per (model, protocol): HR@k, NDCG@k, users."""
        return metrics_table(self.metrics)

    def metric(self, model: str, protocol: str = "full ranking") -> RankingMetrics:
        for m in self.metrics:
            if m.model == model and m.protocol == protocol:
                return m
        raise KeyError((model, protocol))


@dataclass
class BaselineReport:
    """Popularity and item-kNN on the leave-last-out split: no training, so a view can show them at once."""

    metrics: list[RankingMetrics]
    scorers: dict  # model name -> score_fn(histories) fitted on the baseline rows
    popularity: np.ndarray
    diversity: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        return metrics_table(self.metrics)  # same columns as the full report

    def recommend(self, data: SequenceData, model: str, users: np.ndarray, k: int = 10) -> pd.DataFrame:
        """user, item, rank of `model`'s top-k unseen items for `users` (indices into data.user_ids)."""
        hist = [data.sequences[u] for u in users]
        top = top_k(self.scorers[model](hist), hist, k)
        rows = [
            (data.user_ids[u], data.item_ids[i], r + 1)
            for u, items in zip(users, top)
            for r, i in enumerate(items)
            if i > 0
        ]
        return pd.DataFrame(rows, columns=["user", "item", "rank"])


def evaluate_baselines(
    data: SequenceData,
    k: int = 10,
    seed: int = 0,
    split: Split | None = None,
    diversity_users: int = 2000,
    *,
    on_chunk: Callable[[int, int], None] | None = None,
) -> BaselineReport:
    """Popularity and item-kNN fitted on every interaction except the test items (histories up to
    the test target) and scored on the leave-last-out test targets, both protocols. `on_chunk(done,
    total)` hears of each piece of work (progress; it may raise TrainingCancelled to stop)."""
    split = split if split is not None else leave_last_out(data)
    if len(split.test_targets) == 0:
        raise InputError("no user has 3 or more distinct items: nothing to evaluate on")
    tested = set(split.test_users.tolist())
    baseline_train = list(split.test_histories) + [split.train[u] for u in range(data.n_users) if u not in tested]
    pop = PopularityRecommender().fit(baseline_train, data.n_items)
    if on_chunk is not None:
        on_chunk(0, 1)
    knn = ItemKNNRecommender().fit(baseline_train, data.n_items)
    scorers = {pop.name: pop.score, knn.name: knn.score}
    metrics: list[RankingMetrics] = []
    for name, fn in scorers.items():
        metrics.extend(
            evaluate_scores(name, fn, split.test_histories, split.test_targets, k, seed=seed, on_chunk=on_chunk)
        )
    users = np.arange(min(data.n_users, diversity_users))
    hist = [data.sequences[u] for u in users]
    diversity = {name: list_diversity(top_k(fn(hist), hist, k), pop.popularity_) for name, fn in scorers.items()}
    return BaselineReport(metrics, scorers, pop.popularity_, diversity)


def _checkpoints(progress: Callable | None, cancel: threading.Event | None, stage: str) -> Callable[[int, int], None]:
    """`(done, total)` -> engine.stage_checkpoint: progress for `stage`, and a cancel stops it."""
    from core.models.engine import stage_checkpoint

    return lambda done, total: stage_checkpoint(progress, cancel, stage, done, total)


def evaluate(
    data: SequenceData,
    config: RecommendConfig | None = None,
    k: int = 10,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    cache_dir: Path | str | None = None,
    diversity_users: int = 2000,
    *,
    budget: Budget = AUTO,
) -> EvaluationReport:
    """Leave-last-out evaluation of SASRec (trained under `budget`), popularity and item-kNN on the
    same split.

    Baselines fit on every interaction except the test items (histories up to the test target),
    so they see slightly more than SASRec's training set — a conservative comparison.
    """
    config = config or RecommendConfig()
    split = leave_last_out(data)
    base = evaluate_baselines(  # raises on too little data
        data, k, config.train.seed, split, diversity_users, on_chunk=_checkpoints(progress, cancel, "stage.baselines")
    )
    trained = train_sasrec_cached(data, split, config, "eval", progress, cancel, cache_dir, budget=budget)
    from core.models.sasrec import score_histories

    sasrec = lambda h: score_histories(trained.model, h)  # noqa: E731
    scorers = {"SASRec": sasrec, **base.scorers}
    scoring = _checkpoints(progress, cancel, "stage.scoring")
    metrics = (
        list(
            evaluate_scores(
                "SASRec", sasrec, split.test_histories, split.test_targets, k, seed=config.train.seed, on_chunk=scoring
            )
        )
        + base.metrics
    )
    metrics.sort(key=lambda m: (m.protocol != "full ranking", list(scorers).index(m.model)))
    # coverage and popularity bias of each model's top-k lists for (a sample of) users
    users = np.arange(min(data.n_users, diversity_users))
    hist = [data.sequences[u] for u in users]
    diversity = {"SASRec": list_diversity(top_k(sasrec(hist), hist, k), base.popularity), **base.diversity}
    recommender = SequentialRecommender(config, model=trained.model, data=data, metrics=trained.metrics)
    training = dict(trained.metrics, trained=trained.trained)
    return EvaluationReport(metrics, training, trained.history, recommender, base.popularity, diversity)
