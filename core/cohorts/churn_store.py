"""The churn model's folder: weights.pt, meta.json and, when a baseline scores, baseline.skops,
through the one model-folder format (core/models/artefact.py); a stored baseline is read through
skops with its types allow-listed (no pickle)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.models.artefact import read_model_dir, write_model_dir

WEIGHTS_FILE = "weights.pt"
BASELINE_FILE = "baseline.skops"  # the baseline that scores, when one beat the attention model
FIT_HINT = "python -m core churn fit"
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


def code_version() -> str:
    from core.models.churn_transformer import CODE_VERSION

    return CODE_VERSION


def write_churn_dir(model_dir: str | Path, meta: dict, state: dict, baseline: Any) -> Path:
    """Write the folder: `state` (the network's state dict) as weights.pt, the scoring baseline (if
    any) as baseline.skops, `meta` as meta.json."""
    import torch

    def write(tmp: Path) -> None:
        torch.save(state, tmp / WEIGHTS_FILE)
        if baseline is not None:
            import skops.io as sio

            sio.dump(baseline, tmp / BASELINE_FILE)

    return write_model_dir(model_dir, "churn", code_version(), meta, write)


def read_churn_dir(model_dir: str | Path, trust: bool = False) -> tuple[Path, dict, Callable[[], dict]]:
    """(folder, meta, read_weights) of a verified churn folder; ConfigError when it is missing,
    tampered or foreign. `read_weights()` loads weights.pt (tensors only)."""
    import torch

    path, meta = read_model_dir(model_dir, "churn", code_version(), FIT_HINT, trust=trust)
    return path, meta, lambda: torch.load(path / WEIGHTS_FILE, map_location="cpu", weights_only=True)


def load_baseline(path: Path):
    return baseline_from_bytes(path.read_bytes(), path.name)


def baseline_from_bytes(data: bytes, name: str):
    """A stored baseline pipeline, through skops (no pickle): every type outside skops' trusted set
    must be one of BASELINE_TYPES, else ValueError before anything is built."""
    import skops.io as sio

    untrusted = set(sio.get_untrusted_types(data=data))
    unknown = untrusted - BASELINE_TYPES
    if unknown:
        raise ValueError(f"{name} holds types we never store ({', '.join(sorted(unknown))})")
    return sio.loads(data, trusted=sorted(untrusted))
