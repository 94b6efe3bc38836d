"""Which variant to serve to whom: the DIN response model (core.models.din) against a two-model
logistic baseline, evaluated by uplift (Qini / AUUC) on held-out users.

    data = response_data(ad_events, interactions, variant="variant", unit="user_id",
                         outcome="converted", features=["age_group", "region"], control="A")
    if not data.has_history: ...   # say so, show the plain segment analysis instead
    result = train_response_model(data, DINSettings(), budget=300.0, progress=cb, cancel=event)

Training, caching and reloading go through core.models.lifecycle.train_or_load (`response_spec`);
`ResponseModel` is the model interface (core.models.interface.Model): fit on ResponseData, predict
each user's conversion under every variant, save / load a folder.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.experiments.columns import metric_values
from core.experiments.uplift import QiniDifference, auuc, qini_coefficient, qini_difference
from core.models import cache
from core.models.artefact import read_model_dir, read_weights, write_weights_dir
from core.models.budget import AUTO, Budget
from core.models.engine import TrainConfig, train_from
from core.models.interface import Model
from core.models.lifecycle import ModelSpec, engine_fit


@dataclass
class ResponseData:
    """One row per user: variant code (control = 0), binary outcome, categorical features and the
    item history before the test (right-aligned, 0 = padding)."""

    users: np.ndarray
    variant: np.ndarray
    outcome: np.ndarray
    features: np.ndarray
    history: np.ndarray
    variants: list[str]
    feature_names: list[str]
    feature_values: list[list[str]]
    items: list[str]
    split: np.ndarray  # 0 train, 1 validation, 2 test

    @property
    def has_history(self) -> bool:
        return self.history.size > 0 and bool((self.history > 0).any(axis=1).mean() >= 0.2)

    @property
    def history_share(self) -> float:
        return float((self.history > 0).any(axis=1).mean()) if self.history.size else 0.0


def response_data(
    ad_events: pd.DataFrame,
    interactions: pd.DataFrame | None,
    *,
    variant: str,
    unit: str,
    outcome: str,
    control: str,
    features: Sequence[str] = (),
    max_history: int = 30,
    time: str | None = None,
    seed: int = 0,
) -> ResponseData:
    """Users of the test with their outcome (converted at least once), features and pre-test
    history. Interactions after the test's first exposure are left out (they could leak)."""
    for c in [variant, unit, outcome, *features]:
        if c not in ad_events.columns:
            raise InputError("no such column", column=c)
    y, _ = metric_values(ad_events[outcome], outcome)
    ev = pd.DataFrame(
        {
            "user": ad_events[unit].astype(str).to_numpy(),
            "variant": ad_events[variant].astype(str),
            "y": np.nan_to_num(y),
        }
    )
    for f in features:
        ev[f] = ad_events[f].astype("string").fillna("(missing)").to_numpy()
    agg = {"variant": "first", "y": "max", **{f: "first" for f in features}}
    per_user = ev.groupby("user", sort=True).agg(agg)
    mixed = ev.groupby("user")["variant"].nunique()
    per_user = per_user.loc[mixed.reindex(per_user.index) == 1]
    names = sorted(per_user["variant"].unique())
    if control not in names:
        raise InputError(f"control '{control}' is not a variant", column=variant)
    names = [control] + [n for n in names if n != control]
    users = per_user.index.to_numpy()
    vcodes = pd.Categorical(per_user["variant"], categories=names).codes.astype(np.int64)
    feat_values, feat_codes = [], []
    for f in features:
        codes, uniq = pd.factorize(per_user[f], sort=True)
        feat_codes.append(codes.astype(np.int64))
        feat_values.append([str(u) for u in uniq])
    feats = np.stack(feat_codes, 1) if feat_codes else np.zeros((len(users), 0), dtype=np.int64)

    history = np.zeros((len(users), max_history), dtype=np.int64)
    items: list[str] = []
    if interactions is not None and len(interactions) and {"user_id", "item_id"} <= set(interactions.columns):
        inter = interactions
        if time and time in ad_events.columns and "ts" in inter.columns:
            start = pd.to_datetime(ad_events[time], errors="coerce").min()
            inter = inter.loc[pd.to_datetime(inter["ts"], errors="coerce") < start]
        inter = inter.loc[inter["user_id"].astype(str).isin(set(users))]
        if len(inter):
            inter = inter.sort_values(["user_id", "ts"] if "ts" in inter.columns else ["user_id"], kind="stable")
            item_codes, uniq = pd.factorize(inter["item_id"].astype(str))
            items = [str(u) for u in uniq]
            row = pd.Index(users).get_indexer(inter["user_id"].astype(str))
            from_end = inter.groupby("user_id", sort=False).cumcount(ascending=False).to_numpy()
            keep = from_end < max_history
            history[row[keep], max_history - 1 - from_end[keep]] = item_codes[keep] + 1

    rng = np.random.default_rng(seed)
    r = rng.random(len(users))
    split = np.where(r < 0.6, 0, np.where(r < 0.7, 1, 2))
    return ResponseData(
        users=users,
        variant=vcodes,
        outcome=per_user["y"].to_numpy(dtype=np.float32),
        features=feats,
        history=history,
        variants=names,
        feature_names=list(features),
        feature_values=feat_values,
        items=items,
        split=split,
    )


def _din_training() -> TrainConfig:
    # one thread: a small model, where thread hand-offs cost more than they save (engine.torch_threads)
    return TrainConfig(
        epochs=30, batch_size=128, lr=3e-3, weight_decay=1e-4, patience=10, max_seconds=120.0, num_threads=1
    )


@dataclass
class DINSettings:
    """The DIN's settings; trainer settings are its one nested `train`."""

    dim: int = 16
    hidden: int = 64
    train: TrainConfig = field(default_factory=_din_training)

    def __post_init__(self) -> None:
        self.train = train_from(self.train)  # a config read back from JSON holds a dict


@dataclass
class ResponseModelResult:
    """Held-out uplift of DIN and the logistic baseline (per treatment and averaged), the
    recommended variant per segment value, and how training went."""

    qini: dict  # {"din": {variant: q}, "logistic": {variant: q}}
    auuc: dict
    mean_qini: dict  # {"din": q, "logistic": q}
    auc: dict  # held-out AUC of predicted conversion under the shown variant
    segments: pd.DataFrame  # feature, value, variant, predicted rate, best
    trained: bool
    epochs_run: int
    seconds: float
    n_users: int
    history_share: float
    extra: dict = field(default_factory=dict)
    qini_difference: QiniDifference | None = None  # DIN minus logistic, bootstrapped over held-out users


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    pos, neg = y > 0.5, y <= 0.5
    if not pos.any() or not neg.any():
        return float("nan")
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * neg.sum()))


def _logistic_features(data: ResponseData):
    from scipy import sparse

    blocks = []
    for j, vals in enumerate(data.feature_values):
        blocks.append(
            sparse.csr_matrix(
                (np.ones(len(data.users)), (np.arange(len(data.users)), data.features[:, j])),
                shape=(len(data.users), len(vals)),
            )
        )
    if data.items:
        rows, cols = np.nonzero(data.history)
        bag = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, data.history[rows, cols] - 1)), shape=(len(data.users), len(data.items))
        )
        bag.data = np.minimum(bag.data, 1.0)
        blocks.append(bag)
    if not blocks:
        return sparse.csr_matrix(np.ones((len(data.users), 1)))
    return sparse.hstack(blocks).tocsr()


def two_model_logistic(data: ResponseData) -> np.ndarray:
    """Baseline: one logistic regression per variant on its training users (features + a bag of
    history items); returns (users, variants) predicted conversion."""
    from sklearn.linear_model import LogisticRegression

    x = _logistic_features(data)
    train = data.split < 2
    out = np.zeros((len(data.users), len(data.variants)))
    for v in range(len(data.variants)):
        m = train & (data.variant == v)
        y = data.outcome[m]
        if len(np.unique(y)) < 2:
            out[:, v] = y.mean() if len(y) else 0.0
            continue
        model = LogisticRegression(C=0.5, max_iter=1000).fit(x[m], y)
        out[:, v] = model.predict_proba(x)[:, 1]
    return out


def uplift_scores(pred: np.ndarray, data: ResponseData) -> tuple[dict, dict]:
    """Qini and AUUC per treatment on test users of that treatment and control."""
    test = data.split == 2
    qini, area = {}, {}
    for v in range(1, len(data.variants)):
        m = test & ((data.variant == v) | (data.variant == 0))
        score = pred[m, v] - pred[m, 0]
        treated = data.variant[m] == v
        qini[data.variants[v]] = qini_coefficient(score, treated, data.outcome[m])
        area[data.variants[v]] = auuc(score, treated, data.outcome[m])
    return qini, area


def segment_recommendations(pred: np.ndarray, data: ResponseData) -> pd.DataFrame:
    """Mean predicted conversion per feature value and variant, with the best variant marked."""
    rows = []
    for j, name in enumerate(data.feature_names):
        for k, value in enumerate(data.feature_values[j]):
            m = data.features[:, j] == k
            if not m.any():
                continue
            means = pred[m].mean(0)
            best = int(np.argmax(means))
            for v, variant in enumerate(data.variants):
                rows.append(
                    {
                        "feature": name,
                        "value": value,
                        "variant": variant,
                        "predicted": float(means[v]),
                        "users": int(m.sum()),
                        "best": v == best,
                    }
                )
    return pd.DataFrame(rows)


def _tensors(data: ResponseData, idx: np.ndarray):
    import torch

    return {
        "history": torch.as_tensor(data.history[idx]),
        "variant": torch.as_tensor(data.variant[idx]),
        "features": torch.as_tensor(data.features[idx]),
        "label": torch.as_tensor(data.outcome[idx]),
    }


def _din_config(data: ResponseData, settings: DINSettings):
    from core.models.din import DINConfig

    return DINConfig(
        n_items=len(data.items),
        n_variants=len(data.variants),
        feature_sizes=tuple(len(v) for v in data.feature_values),
        dim=settings.dim,
        hidden=settings.hidden,
    )


def response_spec(data: ResponseData, settings: DINSettings | None = None):
    """The DIN's ModelSpec for these users and settings (its key is the cache key and the job key)."""
    import torch

    from core.models.din import CODE_VERSION, DIN

    settings = settings or DINSettings()
    cfg = _din_config(data, settings)
    train_idx, val_idx = np.flatnonzero(data.split == 0), np.flatnonzero(data.split == 1)

    def validate(model) -> float:
        device = next(model.parameters()).device
        b = {k: v.to(device) for k, v in _tensors(data, val_idx).items()}
        return _auc(model.predict(b).float().cpu().numpy(), data.outcome[val_idx])

    def make_batches(epoch: int, generator):
        perm = train_idx[torch.randperm(len(train_idx), generator=generator).numpy()]
        return [
            _tensors(data, perm[i : i + settings.train.batch_size])
            for i in range(0, len(perm), settings.train.batch_size)
        ]

    train_config = settings.train
    fp = cache.fingerprint(
        data.history,
        data.variant,
        data.outcome,
        data.features,
        data.split,
        {"variants": data.variants, "features": data.feature_names},
    )
    return ModelSpec(
        kind="din",
        code_version=CODE_VERSION,
        config={**asdict(settings), **asdict(cfg)},
        data=fp,
        build=lambda: DIN(cfg),
        fit=engine_fit(make_batches, validate, train_config, "val_auc"),
        seed=settings.train.seed,
    )


class ResponseModel(Model):
    """The DIN response model (core.models.interface.Model): fit on ResponseData (its training users,
    early-stopped on its validation users), predict every user's conversion under every variant."""

    kind = "din"

    def __init__(self, config: DINSettings | None = None):
        self.config = config or DINSettings()
        self.metrics: dict = {}
        self.extra: dict = {}
        self.model_: Any = None
        self.trained_ = False

    def specs(self, data: ResponseData, cache_dir=None) -> list:
        return [response_spec(data, self.config)]

    def fit(
        self,
        data: ResponseData,
        *,
        budget: Budget = AUTO,
        progress=None,
        cancel: threading.Event | None = None,
        cache_dir=None,
    ) -> ResponseModel:
        from core.models.engine import torch_threads

        with torch_threads(self.config.train.num_threads):
            return super().fit(data, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)

    def adopt(self, data: ResponseData, done: list) -> None:
        self.model_, self.trained_ = done[0].model.eval(), done[0].trained
        self.metrics, self.extra = dict(done[0].metrics), dict(done[0].extra)

    def predict(self, data: ResponseData) -> np.ndarray:
        """(users, variants) predicted conversion of each user of `data` under each variant."""
        import torch

        from core.models.engine import torch_threads

        with torch_threads(self.config.train.num_threads), torch.inference_mode():
            return self.model_.predict_all_variants(_tensors(data, np.arange(len(data.users)))).numpy()

    def save(self, model_dir: str | Path) -> Path:
        """weights.pt and meta.json (DIN and its settings, metrics) as a signed model folder."""
        from core.models.din import CODE_VERSION

        meta = {"model": asdict(self.model_.cfg), "settings": asdict(self.config), "metrics": self.metrics}
        return write_weights_dir(model_dir, self.kind, CODE_VERSION, meta, self.model_.state_dict())

    @classmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> ResponseModel:
        """A folder written by `save`, verified first; ConfigError when missing, tampered or foreign."""
        from core.models.din import CODE_VERSION, DIN, DINConfig

        path, meta = read_model_dir(model_dir, cls.kind, CODE_VERSION, "ResponseModel.fit", trust=trust)
        try:
            self = cls(DINSettings(**meta["settings"]))
            model = meta["model"]
            self.model_ = read_weights(
                path, DIN(DINConfig(**{**model, "feature_sizes": tuple(model["feature_sizes"])}))
            )
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"{path}: the DIN cannot be read ({str(exc).splitlines()[0] if str(exc) else exc!r})"
            ) from exc
        self.model_.eval()
        self.metrics = dict(meta.get("metrics") or {})
        return self


def train_response_model(
    data: ResponseData,
    settings: DINSettings | None = None,
    progress=None,
    cancel: threading.Event | None = None,
    cache_dir=None,
    *,
    budget: Budget = AUTO,
) -> ResponseModelResult:
    """Train (or load from the cache) DIN on the training users under `budget`, evaluate both models
    on the held-out users, and recommend a variant per segment value."""
    from core.models.engine import stage_checkpoint

    model = ResponseModel(settings).fit(data, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)
    din_pred = model.predict(data)
    stage_checkpoint(progress, cancel, "stage.uplift_baseline", 0, 1)
    base_pred = two_model_logistic(data)
    test = data.split == 2
    shown = np.arange(len(data.users))
    qini, area, auc = {}, {}, {}
    for name, pred in [("din", din_pred), ("logistic", base_pred)]:
        qini[name], area[name] = uplift_scores(pred, data)
        auc[name] = _auc(pred[shown, data.variant][test], data.outcome[test])
    return ResponseModelResult(
        qini=qini,
        auuc=area,
        mean_qini={k: float(np.mean(list(v.values()))) for k, v in qini.items()},
        auc=auc,
        segments=segment_recommendations(din_pred, data),
        trained=model.trained_,
        epochs_run=int(model.extra.get("epochs_run", 0)),
        seconds=float(model.extra.get("seconds", 0.0)),
        n_users=len(data.users),
        history_share=data.history_share,
        extra=dict(model.extra),
        qini_difference=qini_difference(din_pred[test], base_pred[test], data.variant[test], data.outcome[test]),
    )
