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
more rows than the model; all are scored on the same test rows.

Trust (`model_verdict`): a model whose held-out AUC is not above 0.5 beyond chance (one-sided
Mann-Whitney U, p >= 0.05, `chance_p_value`) is "no better than chance"; the attention model at or
below a baseline's AUC is "no better than its baseline". Either is said in the model card's `notes`
(the CLI prints them on stderr, the page as warnings), and scores come from the best model on the
held-out rows (`scorer`: the attention model unless a baseline beats it and chance); a baseline that scores
is stored with the model folder (skops, types allow-listed: no pickle). Training goes through the shared engine
and model cache: the same data and config load the stored weights instead of training again.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.cohorts.churn_features import TabularEncoder, slice_batch
from core.cohorts.churn_metrics import baseline_frames, binary_metrics, fit_baselines, platt_scaling, reliability_table
from core.cohorts.features import FeatureSet
from core.errors import ConfigError, InputError
from core.models.engine import TrainConfig, nests_train_config

WEIGHTS_FILE = "weights.pt"
BASELINE_FILE = "baseline.skops"  # the baseline that scores, when one beat the attention model
TRANSFORMER = "churn_transformer"
CHANCE_ALPHA = 0.05  # a held-out AUC above 0.5 with p below this is better than chance
# what a stored baseline may contain beyond skops' own trusted types (checked before loading)
BASELINE_TYPES = frozenset(
    {
        "core.cohorts.churn_metrics._signed_log1p",
        "numpy.dtype",
        "functools.partial",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.utils.validation.check_array",
    }
)
IMPORTANCE_ROWS = 1000  # permutation importance shuffles at most this many test rows
# an epoch trains on at most this many rows (a fresh sample each epoch), and early stopping reads at
# most this many validation rows: on 200,000 users an epoch over all 128,000 training rows took
# 70-90 s on two busy cores (issue 29); data sets up to ~25,000 users train as before
EPOCH_ROWS = 16_384


def _churn_training() -> TrainConfig:
    # one thread: the model is small, and thread hand-offs cost more than they save (most of all
    # on a busy CPU; see engine.torch_threads)
    # patience 4 (was 6): on the sample and Telco the best epoch is the same and the 2 more epochs
    # cost 13-25% of the fit (measured in bench/churn.py --only train). One-cycle learning rate: at the
    # page's 30 epochs, Telco AUC 0.8576 in 8.0 CPU s (constant rate: 0.8575 in 11.7 s), sample 0.9529
    # in 11.5 s (0.9525 in 12.5 s)
    return TrainConfig(
        epochs=40, batch_size=128, lr=1e-3, weight_decay=1e-4, patience=4, num_threads=1, schedule="onecycle"
    )


@nests_train_config
@dataclass
class ChurnConfig:
    """The churn model's settings; trainer settings (epochs, lr, batch, patience, seed, device, budget)
    are its one nested `train` (flat keywords such as `ChurnConfig(epochs=5)` still land there)."""

    test_size: float = 0.2
    validation_size: float = 0.2  # share of the non-test rows held out for early stopping and calibration
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    baselines: bool = True
    top_k: int = 3
    train: TrainConfig = field(default_factory=_churn_training)


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
    training: dict = field(default_factory=dict)  # the fit's summary (FitResult.summary(): epochs, stopped_by,
    #                                               budget, ...) for the model card line (ui.training.card_line)
    scorer: str = TRANSFORMER  # the model churn_probability comes from: the best on the test rows
    notes: list[dict] = field(default_factory=list)  # model_verdict's notes: {"key", "params"} (note_text)


@dataclass
class ModelVerdict:
    """Which model scores, and what the card must say about the others (`note_text` renders a note)."""

    scorer: str
    notes: list[dict]


def chance_p_value(y: np.ndarray, p: np.ndarray) -> float:
    """One-sided Mann-Whitney U p-value that churned users (y = 1) score higher than retained ones,
    i.e. that the AUC is above 0.5 (the AUC is U / (n1 n0)); NaN without both classes."""
    from scipy.stats import mannwhitneyu

    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.min(initial=1) == y.max(initial=0):
        return float("nan")
    return float(mannwhitneyu(p[y == 1], p[y == 0], alternative="greater").pvalue)


def _better_than_chance(row: dict) -> bool:
    p = row.get("auc_p_value")
    if p is None or not np.isfinite(p):  # not recorded: judge by the AUC alone
        return float(row["auc"]) > 0.5
    return float(row["auc"]) > 0.5 and float(p) < CHANCE_ALPHA


def model_verdict(metrics: pd.DataFrame, test_users: int = 0, test_churners: int = 0) -> ModelVerdict:
    """The scorer (the attention model unless a baseline's held-out AUC is higher) and the notes:
    a model no better than chance, the attention model no better than a baseline, where scores come
    from. `metrics`: rows of model, auc, auc_p_value (ChurnResult.metrics)."""
    rows = {r["model"]: r for r in metrics.to_dict(orient="records")}
    notes: list[dict] = []
    if TRANSFORMER not in rows:
        return ModelVerdict(TRANSFORMER, notes)
    att = rows[TRANSFORMER]
    baselines = [r for name, r in rows.items() if name != TRANSFORMER]
    if not any(_better_than_chance(r) for r in rows.values()):
        notes.append({"key": "churn.note_all_chance", "params": {"users": test_users, "churners": test_churners}})
    else:
        for r in rows.values():
            if not _better_than_chance(r):
                notes.append({"key": "churn.note_chance", "params": {"model": r["model"], **_numbers(r)}})
    best = max(baselines, key=lambda r: float(r["auc"]), default=None)
    if best is not None and float(att["auc"]) <= float(best["auc"]) + 1e-12:
        tie = abs(float(att["auc"]) - float(best["auc"])) <= 1e-12
        notes.append(
            {
                "key": "churn.note_tie" if tie else "churn.note_baseline",
                "params": {"baseline": best["model"], "auc": f"{att['auc']:.3f}", "baseline_auc": f"{best['auc']:.3f}"},
            }
        )
    scorer = TRANSFORMER  # a baseline scores when it beats the attention model and chance (not noise-chasing)
    if best is not None and float(best["auc"]) > float(att["auc"]) + 1e-12 and _better_than_chance(best):
        scorer = str(best["model"])
        notes.append({"key": "churn.note_scorer", "params": {"model": scorer, "auc": f"{best['auc']:.3f}"}})
    return ModelVerdict(scorer, notes)


def _numbers(row: dict) -> dict:
    p = row.get("auc_p_value")
    return {"auc": f"{row['auc']:.3f}", "p": "?" if p is None or not np.isfinite(p) else f"{p:.2g}"}


def note_text(note: dict, lang: str = "en") -> str:
    """A verdict note in `lang`, model names translated (core.i18n churn.model_*)."""
    from core.i18n import t

    params = {k: t(f"churn.model_{v}", lang) if k in ("model", "baseline") else v for k, v in note["params"].items()}
    return t(note["key"], lang, **params)


# ---------------------------------------------------------------------------------------------------
# the predictor


class ChurnPredictor:
    """Fit the attention churn model (and baselines) on features + 0/1 labels; predict and explain."""

    def __init__(self, config: ChurnConfig | None = None):
        self.config = config or ChurnConfig()
        self.meta_: dict = {}  # the model folder's meta.json once loaded
        self._fresh_baselines: dict | None = None  # baselines fitted in this call (the scorer may be one)

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
        rest, test = train_test_split(idx, test_size=cfg.test_size, stratify=y_all, random_state=cfg.train.seed)
        train, val = train_test_split(
            rest, test_size=cfg.validation_size, stratify=y_all[rest], random_state=cfg.train.seed
        )
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
            card = self._model_card(prep, progress_cb, cancel_event)
            if self.config.baselines:
                card.update(self._baseline_card(prep, progress_cb, cancel_event))
                card.update(self._scoring_baseline(prep, card))
            return state, metrics, {**extra, "card": card}

        return ModelSpec(
            kind="churn",
            code_version=CODE_VERSION,
            config=prep["cache_config"],
            data=prep["data_key"],
            build=lambda: self._build(model_config),
            fit=fit_fn,
            seed=self.config.train.seed,
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
        from core.models.engine import torch_threads

        with torch_threads(self.config.train.num_threads):
            return self._fit(features, labels, progress, cancel, cache_dir)

    def _fit(self, features, labels, progress, cancel, cache_dir) -> ChurnPredictor:
        from core.models.lifecycle import train_or_load

        cfg = self.config
        prep = self._prepare(features, labels)
        users, y_all, features = prep["users"], prep["y_all"], prep["features"]
        test, train, val = prep["test"], prep["train"], prep["val"]
        artifact = train_or_load(self._spec(prep), progress=progress, cancel=cancel, cache_dir=cache_dir)
        self._adopt(prep, artifact.model, artifact.extra["calibration"])
        card = artifact.extra.get("card") or self._model_card(prep, progress, cancel)
        if cfg.baselines and not card.get("baselines"):  # stored without them: fit them once now
            card = {**card, **self._baseline_card(prep, progress, cancel)}
        rows = card["metrics"] + (card.get("baselines") or [] if cfg.baselines else [])
        reliability = card["reliability"] + (card.get("baseline_reliability") or [] if cfg.baselines else [])
        metrics = pd.DataFrame(rows, columns=["model", "auc", "pr_auc", "brier", "auc_p_value"])  # JSON sorts keys
        metrics["test_users"] = len(test)
        metrics["test_churn_rate"] = float(y_all[test].mean())
        verdict = model_verdict(metrics, len(test), int(y_all[test].sum()))
        self.scorer_, self.baseline_ = TRANSFORMER, None
        if verdict.scorer != TRANSFORMER:  # a baseline beat the attention model: it scores, as carded
            stored = card.get("scoring_baseline") or {}
            if stored.get("model") == verdict.scorer:  # kept with the cached card: nothing refitted
                self.baseline_ = _baseline_from_bytes(base64.b64decode(stored["skops"]), BASELINE_FILE)
            else:  # a card from before: refit it (seeded, so the same model the card scored)
                self.baseline_ = (getattr(self, "_fresh_baselines", None) or self._fit_baselines(prep))[verdict.scorer]
            self.scorer_ = verdict.scorer
        self._fresh_baselines = None

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
            training=dict(artifact.metrics),
            scorer=verdict.scorer,
            notes=verdict.notes,
        )
        return self

    def _adopt(self, prep: dict, model, calibration) -> None:
        """Make a trained (or loaded) model this predictor's."""
        self.encoder_ = prep["encoder"]
        self.model_config_ = prep["model_config"]
        self.model_ = model
        self.calibration_ = tuple(calibration)
        self.token_names_ = self.encoder_.token_names
        self.scorer_, self.baseline_ = TRANSFORMER, None  # until the verdict picks another

    def _model_card(self, prep: dict, progress=None, cancel=None) -> dict:
        """The model's test metrics, reliability and importances (records; stored with the weights,
        so a cached load does not recompute permutation importance)."""
        users, y_all, test = prep["users"], prep["y_all"], prep["test"]
        test_features = prep["features"].subset(users[test])
        p_test = self.predict_proba(test_features).to_numpy()
        reliability = reliability_table(y_all[test], p_test).assign(model="churn_transformer")
        importance = self._importance(test_features, y_all[test], progress, cancel)
        return {
            "metrics": [
                {
                    "model": TRANSFORMER,
                    **binary_metrics(y_all[test], p_test),
                    "auc_p_value": chance_p_value(y_all[test], p_test),
                }
            ],
            "reliability": reliability.to_dict(orient="records"),
            "importance": importance.to_dict(orient="records"),
        }

    def _baseline_card(self, prep: dict, progress=None, cancel=None) -> dict:
        """The baselines (fit on training + validation rows) scored on the same test rows, as records."""
        from core.models.engine import stage_checkpoint

        users, y_all, test = prep["users"], prep["y_all"], prep["test"]
        features = prep["features"]
        models = self._fit_baselines(  # reports each piece: the regression, every chunk of boosting rounds
            prep,
            between=lambda done, total, piece: stage_checkpoint(
                progress, cancel, "stage.churn_baselines", done, total, piece
            ),
        )
        self._fresh_baselines = models  # the one that scores, if one beats the attention model
        X_test = baseline_frames(features.subset(users[test]))
        rows, reliability = [], []
        for name, est in models.items():
            p = est.predict_proba(X_test)[:, 1]
            rows.append(
                {"model": name, **binary_metrics(y_all[test], p), "auc_p_value": chance_p_value(y_all[test], p)}
            )
            reliability.extend(reliability_table(y_all[test], p).assign(model=name).to_dict(orient="records"))
        return {"baselines": rows, "baseline_reliability": reliability}

    def _scoring_baseline(self, prep: dict, card: dict) -> dict:
        """{"scoring_baseline": {"model", "skops" (base64)}} when a baseline beats the attention model
        on the test rows (model_verdict), so that a cached load scores with it without refitting."""
        import skops.io as sio

        y_test = prep["y_all"][prep["test"]]
        rows = card["metrics"] + card.get("baselines", [])
        verdict = model_verdict(pd.DataFrame(rows), len(y_test), int(y_test.sum()))
        models = getattr(self, "_fresh_baselines", None) or {}
        if verdict.scorer == TRANSFORMER or verdict.scorer not in models:
            return {}
        data = sio.dumps(models[verdict.scorer])
        return {"scoring_baseline": {"model": verdict.scorer, "skops": base64.b64encode(data).decode("ascii")}}

    def _fit_baselines(self, prep: dict, between=None) -> dict:
        """The baselines fitted on the training + validation rows (seeded: the same models each time)."""
        users, rest = prep["users"], prep["rest"]
        return fit_baselines(
            prep["features"].subset(users[rest]), prep["y_all"][rest], seed=self.config.train.seed, between=between
        )

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

        from core.models.engine import fit, stage_checkpoint

        cfg = self.config
        rest = np.sort(np.concatenate([train, val]))
        stage_checkpoint(progress, cancel, "stage.linear_start", 0, 2)
        _warm_start_wide(model, slice_batch(batch, torch.as_tensor(rest)), y_all[rest], model_config)
        stage_checkpoint(progress, cancel, "stage.linear_start", 1, 2)  # then its validation AUC (below)
        train_t = torch.as_tensor(train)
        val_batch = slice_batch(batch, torch.as_tensor(val))
        check = val[:EPOCH_ROWS]  # early stopping reads these (val is shuffled); calibration all of val
        check_batch = slice_batch(batch, torch.as_tensor(check))

        def make_batches(epoch, generator):  # an epoch: at most EPOCH_ROWS training rows, fresh each time
            order = train_t[torch.randperm(len(train_t), generator=generator)][:EPOCH_ROWS]
            return [
                slice_batch(batch, order[i : i + cfg.train.batch_size])
                for i in range(0, len(order), cfg.train.batch_size)
            ]

        def validate(m):
            device = next(m.parameters()).device
            logits = [
                m({k: v.to(device) for k, v in slice_batch(check_batch, slice(i, i + 4096)).items()})[0]
                for i in range(0, len(check), 4096)
            ]  # in chunks: one forward over 40k rows held a gigabyte of attention weights
            return float(roc_auc_score(y_all[check], torch.cat(logits).float().cpu().numpy()))

        start_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.eval()
        with torch.no_grad():
            start_metric = validate(model)  # the frozen linear part alone (the deep head starts at zero)
        stage_checkpoint(progress, cancel, "stage.linear_start", 2, 2)
        result = fit(model, make_batches, validate, cfg.train, progress=progress, cancel=cancel)
        # Early stopping compares epochs; the linear start is a candidate too, so attention is kept only
        # when it improves the validation AUC.
        attention_used = result.best_metric is not None and result.best_metric > start_metric
        state = result.state_dict if attention_used else start_state
        model.load_state_dict(state)
        model.to("cpu").eval()
        with torch.no_grad():
            val_logits = np.concatenate(
                [model(slice_batch(val_batch, slice(i, i + 4096)))[0].numpy() for i in range(0, len(val), 4096)]
            )
        calibration = platt_scaling(val_logits, y_all[val])
        summary = result.summary()  # how and why training ended (epochs, seconds, stopped_by, budget)
        metrics = {
            "validation_auc": max(result.best_metric or 0.0, start_metric),
            "validation_auc_linear_start": start_metric,
            "attention_used": attention_used,
            **summary,
        }
        extra = {
            "calibration": list(calibration),
            "history": result.history,
            "attention_used": attention_used,
            **summary,
        }
        return {k: v.detach().cpu() for k, v in state.items()}, metrics, extra

    # -- predicting ----------------------------------------------------------------------------------
    def _forward(self, features: FeatureSet, source: str = "table", contributions: bool = False):
        """(logits [N], attention [N, T]), or (logits, contributions [N, T]) with `contributions`."""
        self.encoder_.check(features, source)
        return self._forward_encoded(self.encoder_.tensors(features), contributions)

    def _forward_encoded(self, batch: dict, contributions: bool = False):
        import torch

        n = len(batch["numeric"])
        logits, per_token = [], []
        with torch.inference_mode():
            for start in range(0, n, 4096):
                part = slice_batch(batch, slice(start, start + 4096))
                lg, tok = self.model_.contributions(part) if contributions else self.model_(part)
                logits.append(lg.numpy())
                per_token.append(tok.numpy())
        if not logits:
            return np.zeros(0), np.zeros((0, len(self.token_names_)))
        return np.concatenate(logits), np.concatenate(per_token)

    def predict_proba(self, features: FeatureSet, source: str = "table") -> pd.Series:
        """Churn probability per user (Series indexed by user_id) from the scorer: the attention model
        (calibrated), or the baseline that beat it on the held-out rows."""
        baseline = getattr(self, "baseline_", None)
        if baseline is not None:
            self.encoder_.check(features, source)
            p = baseline.predict_proba(baseline_frames(features))[:, 1]
            return pd.Series(p, index=features.users, name="churn_probability")
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
        if getattr(self, "baseline_", None) is not None:  # the probability from the scorer in use
            prob = self.predict_proba(features, source).to_numpy()
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

    def _importance(self, features: FeatureSet, y: np.ndarray, progress=None, cancel=None) -> pd.DataFrame:
        """Per feature (weeks pooled into 'weekly timeline'): mean absolute contribution to the logit
        (as in `explain`), mean [CLS] attention, and the test-AUC drop when it is shuffled across users
        (on a seeded sample of IMPORTANCE_ROWS rows when there are more).

        The rows are encoded once; a shuffle permutes that feature's encoded column (the encoding is
        per row, so this equals shuffling the raw column and encoding again)."""
        import torch
        from sklearn.metrics import roc_auc_score

        from core.models.engine import stage_checkpoint

        self.encoder_.check(features)
        batch = self.encoder_.tensors(features)
        _, attention = self._forward_encoded(batch)
        logits, contrib = self._forward_encoded(batch, contributions=True)
        contrib = contrib - contrib.mean(axis=0, keepdims=True)
        n_num, n_feat = len(self.encoder_.numeric), len(self.encoder_.numeric) + len(self.encoder_.categorical)
        names = self.token_names_[:n_feat]
        att = list(attention[:, :n_feat].mean(axis=0))
        size = list(np.abs(contrib[:, :n_feat]).mean(axis=0))
        if features.n_weeks:
            names = names + ["weekly timeline"]
            att.append(float(attention[:, n_feat:].sum(axis=1).mean()))
            size.append(float(np.abs(contrib[:, n_feat:].sum(axis=1)).mean()))
        rng = np.random.default_rng(self.config.train.seed)
        if len(y) > IMPORTANCE_ROWS:  # the shuffles on a sample of the rows (the means above use all)
            rows = np.sort(rng.choice(len(y), IMPORTANCE_ROWS, replace=False))
            batch, y, logits = slice_batch(batch, torch.as_tensor(rows)), y[rows], logits[rows]
        base = roc_auc_score(y, logits) if len(np.unique(y)) > 1 else float("nan")
        drops = []
        for j, name in enumerate(names):
            stage_checkpoint(progress, cancel, "stage.importance", j, len(names))
            perm = rng.permutation(len(y))
            shuffled = dict(batch)
            if name == "weekly timeline":
                shuffled["timeline"] = batch["timeline"][perm]
            elif j < n_num:
                shuffled["numeric"] = batch["numeric"].clone()
                shuffled["numeric"][:, j] = batch["numeric"][perm, j]
            else:
                shuffled["categorical"] = batch["categorical"].clone()
                shuffled["categorical"][:, j - n_num] = batch["categorical"][perm, j - n_num]
            drops.append(base - roc_auc_score(y, self._forward_encoded(shuffled)[0]))
        stage_checkpoint(progress, cancel, "stage.importance", len(names), len(names))
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
            "scorer": getattr(self, "scorer_", TRANSFORMER),  # which model churn_probability comes from
            "notes": [dict(n, text=note_text(n)) for n in (self.result_.notes if hasattr(self, "result_") else [])],
        }
        meta = json.loads(json.dumps(meta, default=str))
        state = self.model_.state_dict()
        baseline = getattr(self, "baseline_", None)

        def write(tmp: Path) -> None:
            torch.save(state, tmp / WEIGHTS_FILE)
            if baseline is not None:
                import skops.io as sio

                sio.dump(baseline, tmp / BASELINE_FILE)

        return write_model_dir(model_dir, "churn", _code_version(), meta, write)

    @classmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> ChurnPredictor:
        """Load a folder written by `save`, verified first; ConfigError when missing, tampered or foreign
        (`trust`: accept a folder this data folder did not sign, see core.models.artefact)."""
        import torch

        from core.models.artefact import read_model_dir
        from core.models.churn_transformer import ChurnTransformerConfig

        path, meta = read_model_dir(model_dir, "churn", _code_version(), "python -m core churn fit", trust=trust)
        try:
            self = cls(ChurnConfig(**meta["config"]))
            self.encoder_ = TabularEncoder.from_dict(meta["encoder"])
            self.model_config_ = ChurnTransformerConfig(**meta["model_config"])
            state = torch.load(path / WEIGHTS_FILE, map_location="cpu", weights_only=True)
            self.model_ = self._build(self.model_config_, state)
            self.calibration_ = tuple(meta["calibration"])
            self.scorer_, self.baseline_ = meta.get("scorer", TRANSFORMER), None
            if self.scorer_ != TRANSFORMER:
                self.baseline_ = _load_baseline(path / BASELINE_FILE)
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"--model-dir {path}: the churn model cannot be read "
                f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            ) from exc
        self.token_names_ = self.encoder_.token_names
        self.meta_ = meta
        return self


def _load_baseline(path: Path):
    return _baseline_from_bytes(path.read_bytes(), path.name)


def _baseline_from_bytes(data: bytes, name: str):
    """A stored baseline pipeline, through skops (no pickle): every type outside skops' trusted set
    must be one of BASELINE_TYPES, else ValueError before anything is built."""
    import skops.io as sio

    untrusted = set(sio.get_untrusted_types(data=data))
    unknown = untrusted - BASELINE_TYPES
    if unknown:
        raise ValueError(f"{name} holds types we never store ({', '.join(sorted(unknown))})")
    return sio.loads(data, trusted=sorted(untrusted))


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


def _code_version() -> str:
    from core.models.churn_transformer import CODE_VERSION

    return CODE_VERSION


def _show(value) -> str:
    if isinstance(value, (float, np.floating)):
        return "NA" if np.isnan(value) else f"{value:.3g}"
    return str(value)
