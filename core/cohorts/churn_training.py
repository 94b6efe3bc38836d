"""The churn network's fit step inside the lifecycle: the wide part warm-started from a logistic
regression and frozen, the attention part trained by the shared engine under the caller's budget,
attention kept only when it beats its linear start on validation, Platt calibration."""

from __future__ import annotations

import numpy as np

from core.cohorts.churn_features import slice_batch
from core.cohorts.churn_metrics import platt_scaling
from core.models.budget import train_with_budget

# an epoch trains on at most this many rows (a fresh sample each epoch), and early stopping reads at
# most this many validation rows: on 200,000 users an epoch over all 128,000 training rows took
# 70-90 s on two busy cores (issue 29); data sets up to ~25,000 users train as before
EPOCH_ROWS = 16_384
CHUNK = 4096  # rows per forward pass when scoring the validation rows


def train_network(model, model_config, batch, train, val, y_all, train_config, progress, cancel, budget):
    """The lifecycle's fit step: warm-start the wide part, fit, keep attention only when it helps,
    calibrate on the validation rows. `model` is freshly built and seeded."""
    import torch
    from sklearn.metrics import roc_auc_score

    from core.models.engine import fit, stage_checkpoint

    rest = np.sort(np.concatenate([train, val]))
    stage_checkpoint(progress, cancel, "stage.linear_start", 0, 2)
    warm_start_wide(model, slice_batch(batch, torch.as_tensor(rest)), y_all[rest], model_config)
    stage_checkpoint(progress, cancel, "stage.linear_start", 1, 2)  # then its validation AUC (below)
    train_t = torch.as_tensor(train)
    val_batch = slice_batch(batch, torch.as_tensor(val))
    check = val[:EPOCH_ROWS]  # early stopping reads these (val is shuffled); calibration all of val
    check_batch = slice_batch(batch, torch.as_tensor(check))

    def make_batches(epoch, generator):  # an epoch: at most EPOCH_ROWS training rows, fresh each time
        order = train_t[torch.randperm(len(train_t), generator=generator)][:EPOCH_ROWS]
        return [
            slice_batch(batch, order[i : i + train_config.batch_size])
            for i in range(0, len(order), train_config.batch_size)
        ]

    def validate(m):
        device = next(m.parameters()).device
        logits = [
            m({k: v.to(device) for k, v in slice_batch(check_batch, slice(i, i + CHUNK)).items()})[0]
            for i in range(0, len(check), CHUNK)
        ]  # in chunks: one forward over 40k rows held a gigabyte of attention weights
        return float(roc_auc_score(y_all[check], torch.cat(logits).float().cpu().numpy()))

    start_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.eval()
    with torch.no_grad():
        start_metric = validate(model)  # the frozen linear part alone (the deep head starts at zero)
    stage_checkpoint(progress, cancel, "stage.linear_start", 2, 2)
    result = fit(
        model, make_batches, validate, train_with_budget(train_config, budget), progress=progress, cancel=cancel
    )
    # Early stopping compares epochs; the linear start is a candidate too, so attention is kept only
    # when it improves the validation AUC.
    attention_used = result.best_metric is not None and result.best_metric > start_metric
    state = result.state_dict if attention_used else start_state
    model.load_state_dict(state)
    model.to("cpu").eval()
    with torch.no_grad():
        val_logits = np.concatenate(
            [model(slice_batch(val_batch, slice(i, i + CHUNK)))[0].numpy() for i in range(0, len(val), CHUNK)]
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


def warm_start_wide(model, batch: dict, y: np.ndarray, model_config) -> None:
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
