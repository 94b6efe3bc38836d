"""Churn prediction: the attention model beside its baselines on one split, calibrated, with reasons.

    predictor = ChurnPredictor(ChurnConfig()).fit(features, labels)
    predictor.result_.metrics          # AUC, PR-AUC, Brier of the model and of the baselines, same test set
    predictor.predict_proba(features)  # calibrated churn probability per user
    predictor.explain(features)        # per-user top features and weeks from the attention

Split: stratified test set (`test_size`), the rest split again into training and validation; the
validation part picks the epoch (early stopping) and fits the calibration (Platt scaling on the logit).
The model's linear (wide) part is a logistic regression on all non-test rows, frozen; the attention
part learns what it misses.
The baselines (logistic regression, HistGradientBoosting) train on training + validation, so they see
more rows than the model; all are scored on the same test rows. Training goes through the shared engine
and model cache: the same data and config load the stored weights instead of training again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.cohorts.features import FeatureSet
from core.errors import ConfigError, InputError

WEIGHTS_FILE = "weights.pt"


@dataclass
class ChurnConfig:
    test_size: float = 0.2
    validation_size: float = 0.2  # share of the non-test rows held out for early stopping and calibration
    seed: int = 0
    epochs: int = 40
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 6
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    device: str = "auto"
    max_seconds: float | None = None
    baselines: bool = True
    top_k: int = 3


@dataclass
class ChurnResult:
    """The model card: metrics beside the baselines on the same test rows, calibration, attributions."""

    metrics: pd.DataFrame  # model, auc, pr_auc, brier, test_users, test_churn_rate
    reliability: pd.DataFrame  # model, bin, mean_predicted, observed, users
    scores: pd.DataFrame  # user_id, churn_probability, churned, split (train/validation/test)
    importance: pd.DataFrame  # feature, contribution (mean |logit share|), attention (mean), permutation (AUC drop)
    history: list[dict] = field(default_factory=list)
    attention_used: bool = True  # False when the attention part did not beat its linear start on validation
    trained: bool = True  # False when the weights came from the model cache
    device: str = "cpu"
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------
# encoding a FeatureSet into arrays


@dataclass
class TabularEncoder:
    """Numeric scaling, category vocabularies and timeline transform learned on the training rows."""

    numeric: list[str]
    categorical: list[str]
    n_weeks: int
    log_columns: list[str]
    means: dict[str, float]
    stds: dict[str, float]
    vocab: dict[str, list[str]]

    @classmethod
    def fit(cls, features: FeatureSet) -> TabularEncoder:
        t = features.table
        log_cols, means, stds = [], {}, {}
        for col in features.numeric:
            x = pd.to_numeric(t[col], errors="coerce").astype(float)
            if x.notna().any() and x.min() >= 0 and x.max() > 1:  # counts, days, money: log scale
                log_cols.append(col)
                x = np.log1p(x)
            mean, std = float(x.mean()) if x.notna().any() else 0.0, float(x.std()) if x.notna().sum() > 1 else 1.0
            means[col], stds[col] = mean, std if std > 1e-9 else 1.0
        vocab = {col: sorted(t[col].astype(str).unique().tolist()) for col in features.categorical}
        return cls(list(features.numeric), list(features.categorical), features.n_weeks, log_cols, means, stds, vocab)

    def check(self, features: FeatureSet, source: str = "table") -> None:
        missing = [c for c in self.numeric + self.categorical if c not in features.table.columns]
        if missing:
            raise InputError(
                f"the model was trained with column(s) {', '.join(missing)}, which are missing",
                file=source,
                column=missing[0],
            )
        if features.n_weeks != self.n_weeks:
            raise InputError(
                f"the model expects a {self.n_weeks}-week activity timeline, got {features.n_weeks}", file=source
            )

    def numeric_array(self, features: FeatureSet) -> np.ndarray:
        out = np.zeros((len(features.table), len(self.numeric)), dtype=np.float32)
        for j, col in enumerate(self.numeric):
            x = pd.to_numeric(features.table[col], errors="coerce").astype(float).to_numpy()
            if col in self.log_columns:
                x = np.log1p(np.clip(x, 0, None))
            out[:, j] = np.clip((x - self.means[col]) / self.stds[col], -6, 6)  # NaN stays NaN
        return out

    def categorical_array(self, features: FeatureSet) -> np.ndarray:
        out = np.zeros((len(features.table), len(self.categorical)), dtype=np.int64)
        for j, col in enumerate(self.categorical):
            lookup = {v: i + 1 for i, v in enumerate(self.vocab[col])}
            out[:, j] = features.table[col].astype(str).map(lookup).fillna(0).to_numpy(dtype=np.int64)
        return out

    def timeline_array(self, features: FeatureSet) -> np.ndarray:
        return np.log1p(features.timeline.astype(np.float32))

    def tensors(self, features: FeatureSet, labels: np.ndarray | None = None) -> dict:
        import torch

        batch = {
            "numeric": torch.from_numpy(self.numeric_array(features)),
            "categorical": torch.from_numpy(self.categorical_array(features)),
            "timeline": torch.from_numpy(self.timeline_array(features)),
        }
        if labels is not None:
            batch["label"] = torch.as_tensor(np.asarray(labels, dtype=np.float32))
        return batch

    @property
    def token_names(self) -> list[str]:
        return self.numeric + self.categorical + [f"week_-{self.n_weeks - i}" for i in range(self.n_weeks)]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TabularEncoder:
        return cls(**d)


def _slice(batch: dict, idx) -> dict:
    return {k: v[idx] for k, v in batch.items()}


# ---------------------------------------------------------------------------------------------------
# metrics


def binary_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    return {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
    }


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted vs observed churn rate in equal-width probability bins (empty bins left out)."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y})
    out = frame.groupby("bin").agg(mean_predicted=("p", "mean"), observed=("y", "mean"), users=("y", "size"))
    return out.reset_index()


# ---------------------------------------------------------------------------------------------------
# baselines


def _baseline_frames(features: FeatureSet) -> pd.DataFrame:
    flat = features.flat()
    for col in features.categorical:
        flat[col] = flat[col].astype(str)
    return flat


def fit_baselines(features: FeatureSet, y: np.ndarray, seed: int = 0) -> dict:
    """Logistic regression and HistGradientBoosting on the same inputs (timeline weeks as columns)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

    X = _baseline_frames(features)
    numeric = features.numeric + features.week_columns()
    cats = features.categorical
    lr = make_pipeline(
        ColumnTransformer(
            [
                (
                    "num",
                    make_pipeline(
                        SimpleImputer(strategy="median", add_indicator=True),
                        FunctionTransformer(_signed_log1p),
                        StandardScaler(),
                    ),
                    numeric,
                ),
                ("cat", OneHotEncoder(handle_unknown="ignore"), cats),
            ]
        ),
        LogisticRegression(max_iter=2000, C=1.0),
    )
    gb = make_pipeline(
        ColumnTransformer(
            [
                ("num", "passthrough", numeric),
                (
                    "cat",
                    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1),
                    cats,
                ),
            ]
        ),
        HistGradientBoostingClassifier(
            random_state=seed, categorical_features=list(range(len(numeric), len(numeric) + len(cats)))
        ),
    )
    return {"logistic_regression": lr.fit(X, y), "gradient_boosting": gb.fit(X, y)}


def _signed_log1p(x):
    return np.sign(x) * np.log1p(np.abs(x))


# ---------------------------------------------------------------------------------------------------
# the predictor


class ChurnPredictor:
    """Fit the attention churn model (and baselines) on features + 0/1 labels; predict and explain."""

    def __init__(self, config: ChurnConfig | None = None):
        self.config = config or ChurnConfig()

    # -- fitting -------------------------------------------------------------------------------------
    def _prepare(self, features: FeatureSet, labels: pd.Series) -> dict:
        """Align, split (stratified, seeded), encode; the cache key parts of this fit."""
        from sklearn.model_selection import train_test_split

        from core.models import cache as model_cache

        cfg = self.config
        users = features.users.intersection(pd.Index(labels.index.astype(str)))
        if len(users) < 20:
            raise InputError(f"only {len(users)} users have both features and a label; churn needs at least 20")
        y_all = pd.Series(labels.to_numpy(), index=labels.index.astype(str)).reindex(users).to_numpy(dtype=int)
        if np.bincount(y_all, minlength=2).min() < 4:
            raise InputError("too few churned (or retained) users to train and test a model (need 4 of each)")
        features = features.subset(users)
        idx = np.arange(len(users))
        rest, test = train_test_split(idx, test_size=cfg.test_size, stratify=y_all, random_state=cfg.seed)
        train, val = train_test_split(rest, test_size=cfg.validation_size, stratify=y_all[rest], random_state=cfg.seed)
        encoder = TabularEncoder.fit(features.subset(users[train]))
        data_key = model_cache.fingerprint(
            features.table.reset_index(), features.timeline, y_all, [str(w) for w in features.week_starts]
        )
        model_config = self._model_config(encoder, y_all[train])
        train_config = {k: v for k, v in asdict(cfg).items() if k not in ("baselines", "top_k")}
        return dict(
            users=users,
            y_all=y_all,
            features=features,
            rest=rest,
            test=test,
            train=train,
            val=val,
            encoder=encoder,
            data_key=data_key,
            model_config=model_config,
            cache_config={"model": asdict(model_config), "train": train_config},
        )

    def _spec(self, prep: dict, cancel=None):
        """The churn model's ModelSpec (its key is the cache key and the job key)."""
        from core.models.churn_transformer import CODE_VERSION
        from core.models.lifecycle import ModelSpec

        model_config = prep["model_config"]
        batch = prep["encoder"].tensors(prep["features"], prep["y_all"])

        def fit_fn(model, progress_cb, cancel_event):
            state, metrics, extra = self._train(
                model, model_config, batch, prep["train"], prep["val"], prep["y_all"], progress_cb, cancel_event
            )
            # the model card is part of the artefact: a cached load restores it instead of refitting
            self._adopt(prep, self._build(model_config, state), extra["calibration"])
            card = self._model_card(prep)
            if self.config.baselines:
                card.update(self._baseline_card(prep))
            return state, metrics, {**extra, "card": card}

        return ModelSpec(
            kind="churn",
            code_version=CODE_VERSION,
            config=prep["cache_config"],
            data=prep["data_key"],
            build=lambda: self._build(model_config),
            fit=fit_fn,
            seed=self.config.seed,
        )

    def spec(self, features: FeatureSet, labels: pd.Series):
        """The ModelSpec `fit` trains or loads on these inputs (its key is the job key)."""
        return self._spec(self._prepare(features, labels))

    def is_cached(self, features: FeatureSet, labels: pd.Series, cache_dir: str | Path | None = None) -> bool:
        """True when `fit` on these inputs would load stored weights instead of training."""
        from core.models.lifecycle import is_trained

        return is_trained(self.spec(features, labels), cache_dir)

    def fit(
        self,
        features: FeatureSet,
        labels: pd.Series,
        *,
        progress=None,
        cancel=None,
        cache_dir: str | Path | None = None,
    ) -> ChurnPredictor:
        """Train on the users present in both `features` and `labels` (0/1). Sets `result_`.

        `progress` (engine.Progress callback) and `cancel` (threading.Event) go to the trainer.
        """
        from core.models.lifecycle import train_or_load

        cfg = self.config
        prep = self._prepare(features, labels)
        users, y_all, features = prep["users"], prep["y_all"], prep["features"]
        test, train, val = prep["test"], prep["train"], prep["val"]
        artifact = train_or_load(self._spec(prep), progress=progress, cancel=cancel, cache_dir=cache_dir)
        self._adopt(prep, artifact.model, artifact.extra["calibration"])
        card = artifact.extra.get("card") or self._model_card(prep)
        if cfg.baselines and not card.get("baselines"):  # stored without them: fit them once now
            card = {**card, **self._baseline_card(prep)}
        rows = card["metrics"] + (card.get("baselines") or [] if cfg.baselines else [])
        reliability = card["reliability"] + (card.get("baseline_reliability") or [] if cfg.baselines else [])
        metrics = pd.DataFrame(rows, columns=["model", "auc", "pr_auc", "brier"])  # stored JSON sorts keys
        metrics["test_users"] = len(test)
        metrics["test_churn_rate"] = float(y_all[test].mean())

        split = np.empty(len(users), dtype=object)
        split[train], split[val], split[test] = "train", "validation", "test"
        scores = pd.DataFrame(
            {
                "user_id": users,
                "churn_probability": self.predict_proba(features).to_numpy(),
                "churned": y_all,
                "split": split,
            }
        )
        self.result_ = ChurnResult(
            metrics=metrics,
            scores=scores,
            reliability=pd.DataFrame(reliability, columns=["bin", "mean_predicted", "observed", "users", "model"]),
            importance=pd.DataFrame(
                card["importance"], columns=["feature", "contribution", "attention", "permutation"]
            ),
            history=artifact.extra.get("history", []),
            attention_used=bool(artifact.extra.get("attention_used", True)),
            trained=artifact.trained,
            device=str(artifact.extra.get("device", "cpu")),
            seconds=float(artifact.meta.get("train_seconds", 0.0) or 0.0),
        )
        return self

    def _adopt(self, prep: dict, model, calibration) -> None:
        """Make a trained (or loaded) model this predictor's."""
        self.encoder_ = prep["encoder"]
        self.model_config_ = prep["model_config"]
        self.model_ = model
        self.calibration_ = tuple(calibration)
        self.token_names_ = self.encoder_.token_names

    def _model_card(self, prep: dict) -> dict:
        """The model's test metrics, reliability and importances (records; stored with the weights,
        so a cached load does not recompute permutation importance)."""
        users, y_all, test = prep["users"], prep["y_all"], prep["test"]
        test_features = prep["features"].subset(users[test])
        p_test = self.predict_proba(test_features).to_numpy()
        reliability = reliability_table(y_all[test], p_test).assign(model="churn_transformer")
        return {
            "metrics": [{"model": "churn_transformer", **binary_metrics(y_all[test], p_test)}],
            "reliability": reliability.to_dict(orient="records"),
            "importance": self._importance(test_features, y_all[test]).to_dict(orient="records"),
        }

    def _baseline_card(self, prep: dict) -> dict:
        """The baselines (fit on training + validation rows) scored on the same test rows, as records."""
        users, y_all, rest, test = prep["users"], prep["y_all"], prep["rest"], prep["test"]
        features = prep["features"]
        models = fit_baselines(features.subset(users[rest]), y_all[rest], seed=self.config.seed)
        X_test = _baseline_frames(features.subset(users[test]))
        rows, reliability = [], []
        for name, est in models.items():
            p = est.predict_proba(X_test)[:, 1]
            rows.append({"model": name, **binary_metrics(y_all[test], p)})
            reliability.extend(reliability_table(y_all[test], p).assign(model=name).to_dict(orient="records"))
        return {"baselines": rows, "baseline_reliability": reliability}

    def _model_config(self, encoder: TabularEncoder, y_train: np.ndarray):
        from core.models.churn_transformer import ChurnTransformerConfig

        cfg = self.config
        return ChurnTransformerConfig(
            n_numeric=len(encoder.numeric),
            cardinalities=[len(encoder.vocab[c]) + 1 for c in encoder.categorical],
            n_weeks=encoder.n_weeks,
            d_model=cfg.d_model,
            n_heads=cfg.n_heads,
            n_layers=cfg.n_layers,
            dropout=cfg.dropout,
            pos_weight=1.0,
        )

    @staticmethod
    def _build(model_config, state_dict=None):
        from core.models.churn_transformer import ChurnTransformer

        model = ChurnTransformer(model_config)
        if state_dict is not None:
            model.load_state_dict(state_dict)
        model.eval()
        return model

    def _train(self, model, model_config, batch, train, val, y_all, progress, cancel):
        """The lifecycle's fit step: warm-start the wide part, fit, keep attention only when it helps,
        calibrate on the validation rows. `model` is freshly built and seeded."""
        import torch
        from sklearn.metrics import roc_auc_score

        from core.models.engine import TrainConfig, fit

        cfg = self.config
        rest = np.sort(np.concatenate([train, val]))
        _warm_start_wide(model, _slice(batch, torch.as_tensor(rest)), y_all[rest], model_config)
        train_t = torch.as_tensor(train)
        val_batch = _slice(batch, torch.as_tensor(val))

        def make_batches(epoch, generator):
            order = train_t[torch.randperm(len(train_t), generator=generator)]
            return [_slice(batch, order[i : i + cfg.batch_size]) for i in range(0, len(order), cfg.batch_size)]

        def validate(m):
            device = next(m.parameters()).device
            logits, _ = m({k: v.to(device) for k, v in val_batch.items()})
            return float(roc_auc_score(y_all[val], logits.float().cpu().numpy()))

        start_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.eval()
        with torch.no_grad():
            start_metric = validate(model)  # the frozen linear part alone (the deep head starts at zero)
        tc = TrainConfig.of(cfg)
        result = fit(model, make_batches, validate, tc, progress=progress, cancel=cancel)
        # Early stopping compares epochs; the linear start is a candidate too, so attention is kept only
        # when it improves the validation AUC.
        attention_used = result.best_metric is not None and result.best_metric > start_metric
        state = result.state_dict if attention_used else start_state
        model.load_state_dict(state)
        model.to("cpu").eval()
        with torch.no_grad():
            val_logits = model(val_batch)[0].numpy()
        calibration = platt_scaling(val_logits, y_all[val])
        metrics = {
            "validation_auc": max(result.best_metric or 0.0, start_metric),
            "validation_auc_linear_start": start_metric,
            "epochs_run": result.epochs_run,
            "attention_used": attention_used,
        }
        extra = {
            "calibration": list(calibration),
            "history": result.history,
            "device": result.device,
            "attention_used": attention_used,
        }
        return {k: v.detach().cpu() for k, v in state.items()}, metrics, extra

    # -- predicting ----------------------------------------------------------------------------------
    def _forward(self, features: FeatureSet, source: str = "table", contributions: bool = False):
        """(logits [N], attention [N, T]), or (logits, contributions [N, T]) with `contributions`."""
        import torch

        self.encoder_.check(features, source)
        batch = self.encoder_.tensors(features)
        logits, per_token = [], []
        with torch.no_grad():
            for start in range(0, len(features.table), 4096):
                part = _slice(batch, slice(start, start + 4096))
                lg, tok = self.model_.contributions(part) if contributions else self.model_(part)
                logits.append(lg.numpy())
                per_token.append(tok.numpy())
        if not logits:
            return np.zeros(0), np.zeros((0, len(self.token_names_)))
        return np.concatenate(logits), np.concatenate(per_token)

    def predict_proba(self, features: FeatureSet, source: str = "table") -> pd.Series:
        """Calibrated churn probability per user (Series indexed by user_id)."""
        logits, _ = self._forward(features, source)
        a, b = self.calibration_
        return pd.Series(1.0 / (1.0 + np.exp(-(a * logits + b))), index=features.users, name="churn_probability")

    def explain(self, features: FeatureSet, top_k: int | None = None, source: str = "table") -> pd.DataFrame:
        """Per user: churn_probability, top_features ("name=value; ..."), top_weeks ("YYYY-MM-DD (events); ...").

        Reasons are the inputs that raise this user's churn logit most relative to the users scored
        together (the linear part's exact terms plus the attention part's logit shared out by the [CLS]
        attention). Features and timeline weeks are ranked separately; only risk-raising ones are listed.
        """
        top_k = top_k or self.config.top_k
        logits, contrib = self._forward(features, source, contributions=True)
        contrib = contrib - contrib.mean(axis=0, keepdims=True)
        a, b = self.calibration_
        prob = 1.0 / (1.0 + np.exp(-(a * logits + b)))
        n_feat = len(self.encoder_.numeric) + len(self.encoder_.categorical)
        names = self.token_names_[:n_feat]
        values = features.table[names]
        feat, week = contrib[:, :n_feat], contrib[:, n_feat:]
        reasons = []
        for i, cols in enumerate(np.argsort(-feat, axis=1)[:, :top_k]):
            reasons.append("; ".join(f"{names[j]}={_show(values.iat[i, j])}" for j in cols if feat[i, j] > 0))
        weeks = []
        if week.shape[1]:
            starts = [pd.Timestamp(w).strftime("%Y-%m-%d") for w in features.week_starts]
            weeks = [
                "; ".join(f"{starts[j]} ({int(features.timeline[i, j])})" for j in row if week[i, j] > 0)
                for i, row in enumerate(np.argsort(-week, axis=1)[:, :top_k])
            ]
        out = pd.DataFrame({"user_id": features.users, "churn_probability": prob, "top_features": reasons})
        out["top_weeks"] = weeks if weeks else ""
        return out

    def _importance(self, features: FeatureSet, y: np.ndarray) -> pd.DataFrame:
        """Per feature (weeks pooled into 'weekly timeline'): mean absolute contribution to the logit
        (as in `explain`), mean [CLS] attention, and the test-AUC drop when it is shuffled across users."""
        from sklearn.metrics import roc_auc_score

        logits, attention = self._forward(features)
        _, contrib = self._forward(features, contributions=True)
        contrib = contrib - contrib.mean(axis=0, keepdims=True)
        n_feat = len(self.encoder_.numeric) + len(self.encoder_.categorical)
        names = self.token_names_[:n_feat]
        att = list(attention[:, :n_feat].mean(axis=0))
        size = list(np.abs(contrib[:, :n_feat]).mean(axis=0))
        if features.n_weeks:
            names = names + ["weekly timeline"]
            att.append(float(attention[:, n_feat:].sum(axis=1).mean()))
            size.append(float(np.abs(contrib[:, n_feat:].sum(axis=1)).mean()))
        base = roc_auc_score(y, logits) if len(np.unique(y)) > 1 else float("nan")
        rng = np.random.default_rng(self.config.seed)
        drops = []
        for name in names:
            perm = rng.permutation(len(features.table))
            shuffled = FeatureSet(
                features.table.copy(),
                features.numeric,
                features.categorical,
                features.timeline,
                features.week_starts,
                features.cutoff,
            )
            if name == "weekly timeline":
                shuffled.timeline = features.timeline[perm]
            else:
                shuffled.table[name] = features.table[name].to_numpy()[perm]
            drops.append(base - roc_auc_score(y, self._forward(shuffled)[0]))
        out = pd.DataFrame({"feature": names, "contribution": size, "attention": att, "permutation": drops})
        return out.sort_values("contribution", ascending=False, ignore_index=True)

    # -- persistence ---------------------------------------------------------------------------------
    def save(self, model_dir: str | Path, extra: dict | None = None) -> Path:
        """Write weights.pt (state dict) and meta.json (encoder, config, calibration, metrics, sha256s)
        through the one model-folder format (`core/models/artefact.py`)."""
        import torch

        from core.models.artefact import write_model_dir

        meta = {
            "model_config": asdict(self.model_config_),
            "encoder": self.encoder_.to_dict(),
            "calibration": list(self.calibration_),
            "config": asdict(self.config),
            "extra": extra or {},
            "metrics": self.result_.metrics.to_dict(orient="records") if hasattr(self, "result_") else [],
        }
        meta = json.loads(json.dumps(meta, default=str))
        state = self.model_.state_dict()
        return write_model_dir(
            model_dir, "churn", _code_version(), meta, lambda tmp: torch.save(state, tmp / WEIGHTS_FILE)
        )

    @classmethod
    def load(cls, model_dir: str | Path) -> ChurnPredictor:
        """Load a folder written by `save`, verified first; ConfigError when missing, tampered or foreign."""
        import torch

        from core.models.artefact import read_model_dir
        from core.models.churn_transformer import ChurnTransformerConfig

        path, meta = read_model_dir(model_dir, "churn", _code_version(), "python -m core churn fit")
        try:
            self = cls(ChurnConfig(**meta["config"]))
            self.encoder_ = TabularEncoder.from_dict(meta["encoder"])
            self.model_config_ = ChurnTransformerConfig(**meta["model_config"])
            state = torch.load(path / WEIGHTS_FILE, map_location="cpu", weights_only=True)
            self.model_ = self._build(self.model_config_, state)
            self.calibration_ = tuple(meta["calibration"])
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"--model-dir {path}: the churn model cannot be read "
                f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            ) from exc
        self.token_names_ = self.encoder_.token_names
        self.meta_ = meta
        return self


def _warm_start_wide(model, batch: dict, y: np.ndarray, model_config) -> None:
    """Fit a logistic regression on exactly the wide part's inputs and copy its coefficients in.

    It is fitted on the same non-test rows as the logistic-regression baseline and then frozen: the
    attention part trains (on the training rows, early-stopped on validation) to correct it, so the model
    starts where logistic regression ends instead of re-learning the linear effects by SGD."""
    import torch
    from sklearn.linear_model import LogisticRegression

    numeric = batch["numeric"].numpy()
    missing = np.isnan(numeric).astype(np.float32)
    cats = batch["categorical"].numpy()
    offsets = np.cumsum([0] + list(model_config.cardinalities[:-1])).astype(np.int64)
    n_cat = int(sum(model_config.cardinalities))
    onehot = np.zeros((len(y), n_cat), dtype=np.float32)
    if cats.shape[1]:
        rows = np.repeat(np.arange(len(y)), cats.shape[1])
        onehot[rows, (cats + offsets).ravel()] = 1.0
    X = np.hstack([np.nan_to_num(numeric, nan=0.0), missing, onehot, batch["timeline"].numpy()])
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    coef = torch.from_numpy(lr.coef_[0].astype(np.float32))
    n_num, n_weeks = numeric.shape[1], model_config.n_weeks
    parts = torch.split(coef, [n_num, n_num, n_cat, n_weeks])
    model.init_wide(parts[0], parts[1], parts[2], parts[3], float(lr.intercept_[0]))
    model.freeze_wide()


def platt_scaling(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit + b) is calibrated on (logits, y)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000).fit(np.asarray(logits).reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _code_version() -> str:
    from core.models.churn_transformer import CODE_VERSION

    return CODE_VERSION


def _show(value) -> str:
    if isinstance(value, (float, np.floating)):
        return "NA" if np.isnan(value) else f"{value:.3g}"
    return str(value)
