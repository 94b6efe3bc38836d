"""The attention part of the graph view: a GAT that places low-degree users and scores influence.

Labels come from community detection on well-connected users (degree >= `min_degree`, in a
community of at least `min_community_size`); the GAT learns them from the graph plus user
attributes, then predicts a community for every user. Low-degree users are the ones a modularity
method places on one or two ties (or, for isolates, not at all); that is where the GAT may help.
Trained, cached and reloaded through `core.models.lifecycle.train_or_load`; `GATPlacer` is the
model interface (core.models.interface.Model): `GATPlacer(config).fit(PlacementData(graph, result,
users)).predict(data)` is `place_users(graph, result, users, config)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, InputError
from core.graph.build import UserGraph
from core.graph.detect import CommunityResult
from core.models.artefact import read_model_dir, read_weights, write_weights_dir
from core.models.budget import AUTO, Budget
from core.models.cache import fingerprint
from core.models.engine import TrainConfig, train_from
from core.models.interface import Model
from core.models.lifecycle import ModelSpec, engine_fit

ATTRIBUTE_COLUMNS = ("segment", "region", "age_group", "language")
MAX_CATEGORIES = 30
SMALL_GRAPH_EDGES = 200_000


def _gat_training() -> TrainConfig:
    # full-batch training on one graph: no gradient clipping, a high learning rate; patience 15 (was 30:
    # on the sample the best epoch is the same, 48, and the 15 more epochs cost 30% of the time)
    return TrainConfig(epochs=200, lr=0.01, weight_decay=5e-4, patience=15, grad_clip=None)


@dataclass
class PlacementConfig:
    """The GAT placement's settings; trainer settings are its one nested `train` (the seed also draws
    the validation users)."""

    min_degree: int = 3  # users with fewer distinct neighbours are "low-degree"
    min_community_size: int = 5  # smaller communities are not learnable classes
    val_fraction: float = 0.2
    hidden: int = 16
    positional_dim: int = 16
    heads: int = 4
    dropout: float = 0.3
    train: TrainConfig = field(default_factory=_gat_training)

    def __post_init__(self) -> None:
        self.train = train_from(self.train)  # a config read back from JSON holds a dict


@dataclass(eq=False)
class PlacementData:
    """What the GAT fits on: the graph, its detected communities, the users table (attributes)."""

    graph: UserGraph
    result: CommunityResult
    users: pd.DataFrame | None = None


@dataclass(eq=False)
class GATPlacement:
    """Per-node output of the GAT. `community` is detection's community for well-connected users
    and the GAT's prediction for low-degree ones; `gat_community` is the prediction for all."""

    nodes: np.ndarray
    community: np.ndarray
    gat_community: np.ndarray
    confidence: np.ndarray
    influence: np.ndarray
    low_degree: np.ndarray
    metrics: dict = field(default_factory=dict)
    trained: bool = False
    key: str = ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "node": self.nodes.astype(str),
                "community": self.community,
                "gat_community": self.gat_community,
                "confidence": self.confidence,
                "attention_influence": self.influence,
                "low_degree": self.low_degree,
            }
        )


def spectral_positions(graph: UserGraph, dim: int = 16) -> np.ndarray:
    """(N, dim) leading eigenvectors of the normalised adjacency D^-1/2 A D^-1/2 (symmetrised).

    Attributes alone cannot tell two communities apart when members look alike, and attention
    over identical inputs averages to the same output: these positional features carry where a
    user sits in the graph. Isolates get zeros. Signs are fixed (largest entry positive).
    """
    from scipy import sparse
    from scipy.sparse.linalg import eigsh

    n = graph.n_nodes
    u, v, w = graph.undirected_edges()
    k = min(dim, n - 2)
    if k < 1 or len(u) == 0:
        return np.zeros((n, dim), np.float32)
    a = sparse.coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    ).tocsr()
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.sqrt(np.maximum(deg, 1e-12)), 0.0)
    norm = sparse.diags(inv) @ a @ sparse.diags(inv)
    v0 = np.random.default_rng(0).random(n)
    _, vecs = eigsh(norm, k=k, which="LA", v0=v0)
    vecs = vecs[:, ::-1]
    signs = np.sign(vecs[np.abs(vecs).argmax(axis=0), np.arange(k)])
    vecs = vecs * np.where(signs == 0, 1.0, signs)
    vecs = vecs / np.maximum(np.abs(vecs).max(axis=0, keepdims=True), 1e-12)
    out = np.zeros((n, dim), np.float32)
    out[:, :k] = vecs
    return out


def node_features(graph: UserGraph, users: pd.DataFrame | None = None, *, positional_dim: int = 16) -> np.ndarray:
    """(N, F) float32: log degree, log in/out strength, `positional_dim` spectral positions, plus
    one-hot user attributes (segment, region, age group, language, when the users table has them;
    unknown users get zeros)."""
    n = graph.n_nodes
    in_w = np.bincount(graph.dst, weights=graph.weight, minlength=n)
    out_w = np.bincount(graph.src, weights=graph.weight, minlength=n)
    cols = [np.log1p(graph.degrees()), np.log1p(in_w), np.log1p(out_w)]
    feats = np.column_stack(cols).astype(np.float32)
    feats = feats / np.maximum(feats.max(axis=0, keepdims=True), 1e-6)
    if positional_dim:
        feats = np.hstack([feats, spectral_positions(graph, positional_dim)])
    if users is not None and "user_id" in users.columns:
        table = users.drop_duplicates("user_id").set_index(users["user_id"].drop_duplicates().astype(str))
        table = table.reindex(graph.nodes.astype(str))
        for col in ATTRIBUTE_COLUMNS:
            if col in table.columns and table[col].nunique() <= MAX_CATEGORIES:
                onehot = pd.get_dummies(table[col].astype("string"), dtype=np.float32).to_numpy()
                feats = np.hstack([feats, onehot])
    return feats


def _tensors(graph: UserGraph, feats: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> dict:
    import torch

    u, v, _ = graph.undirected_edges()
    loops = np.arange(graph.n_nodes)
    src = np.concatenate([u, v, loops])
    dst = np.concatenate([v, u, loops])
    return {
        "x": torch.from_numpy(feats),
        "edge_index": torch.from_numpy(np.stack([src, dst])).long(),
        "y": torch.from_numpy(labels).long(),
        "mask": torch.from_numpy(mask),
    }


def _threads_for(graph: UserGraph):
    """One torch thread for small full-batch graphs: on a busy 2-core box, thread hand-offs cost
    ~40x more than they save (measured: 0.8 s vs 0.02 s per step on a 3,700-edge graph)."""
    from core.models.engine import torch_threads

    return torch_threads(1 if graph.n_edges < SMALL_GRAPH_EDGES else None)


def placement_spec(
    graph: UserGraph, result: CommunityResult, users: pd.DataFrame | None = None, config: PlacementConfig | None = None
) -> tuple:
    """(ModelSpec, batch, low-degree mask, labelled mask, n_classes) of the GAT for this partition.

    Raises InputError when there is nothing to learn (fewer than 2 communities big enough)."""
    import torch

    from core.models.gat import CODE_VERSION, GATConfig, GraphAttentionNetwork

    config = config or PlacementConfig()
    degree = graph.degrees()
    membership = result.membership
    sizes = np.asarray(result.sizes)
    n_classes = int((sizes >= config.min_community_size).sum())  # communities are largest first
    if n_classes < 2:
        raise InputError(
            f"the GAT needs at least 2 communities with {config.min_community_size}+ "
            f"members; this partition has {n_classes}"
        )
    low = degree < config.min_degree
    labelled = (~low) & (membership < n_classes)
    if labelled.sum() < 10:
        raise InputError(f"too few users with {config.min_degree}+ neighbours to train on ({int(labelled.sum())})")
    labels = np.where(membership < n_classes, membership, -1).astype(np.int64)
    rng = np.random.default_rng(config.train.seed)
    idx = rng.permutation(np.flatnonzero(labelled))
    n_val = max(1, int(len(idx) * config.val_fraction))
    val_mask = np.zeros(graph.n_nodes, bool)
    val_mask[idx[:n_val]] = True
    train_mask = labelled & ~val_mask

    feats = node_features(graph, users, positional_dim=config.positional_dim)
    batch = _tensors(graph, feats, labels, train_mask)
    val_idx = torch.from_numpy(np.flatnonzero(val_mask))
    gat_config = GATConfig(
        in_dim=feats.shape[1], n_classes=n_classes, hidden=config.hidden, heads=config.heads, dropout=config.dropout
    )
    train_config = config.train
    data_key = fingerprint(graph.nodes.astype(str).tolist(), graph.src, graph.dst, graph.weight, membership, feats)

    def validate(model) -> float:
        b = {k: v.to(next(model.parameters()).device) for k, v in batch.items()}
        pred = model.predict(b).argmax(dim=1).cpu()
        return float((pred[val_idx] == batch["y"][val_idx]).float().mean())

    spec = ModelSpec(
        kind="gat",
        code_version=CODE_VERSION,
        config={"model": asdict(gat_config), "placement": asdict(config)},
        data=data_key,
        build=lambda: GraphAttentionNetwork(gat_config),
        fit=engine_fit(lambda epoch, gen: [batch], validate, train_config, "val_accuracy"),
        seed=train_config.seed,
    )
    return spec, batch, low, labelled, n_classes


def placement_is_trained(
    graph: UserGraph,
    result: CommunityResult,
    users: pd.DataFrame | None = None,
    config: PlacementConfig | None = None,
    cache_dir=None,
    *,
    budget: Budget = AUTO,
) -> bool:
    """True when `place_users` on these inputs under `budget` would load the GAT instead of training it."""
    return GATPlacer(config).is_trained(PlacementData(graph, result, users), budget=budget, cache_dir=cache_dir)


def place_users(
    graph: UserGraph,
    result: CommunityResult,
    users: pd.DataFrame | None = None,
    config: PlacementConfig | None = None,
    *,
    budget: Budget = AUTO,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    cache_dir=None,
) -> GATPlacement:
    """Train (or load from the cache) a GAT on `result`'s communities under `budget` and place every
    user: `GATPlacer(config).fit(data).predict(data)`.

    Metrics: val_accuracy (held-out well-connected users), classes, labelled, low_degree_users.
    Raises InputError when there is nothing to learn (fewer than 2 communities big enough).
    """
    from core.models.engine import stage_checkpoint

    stage_checkpoint(progress, cancel, "stage.graph_features", 0, 1)
    data = PlacementData(graph, result, users)
    placer = GATPlacer(config)
    with _threads_for(graph):
        placer.fit(data, budget=budget, progress=progress, cancel=cancel, cache_dir=cache_dir)
        stage_checkpoint(progress, cancel, "stage.placing", 0, 1)
        return placer.predict(data)


class GATPlacer(Model):
    """The GAT placement as a model (core.models.interface.Model): fit on PlacementData, predict a
    GATPlacement (every user's community, confidence, attention influence), save / load a folder."""

    kind = "gat"

    def __init__(self, config: PlacementConfig | None = None):
        self.config = config or PlacementConfig()
        self.metrics: dict = {}
        self.model_: Any = None
        self.trained_, self.key_ = False, ""
        self._prepared: tuple[PlacementData, tuple] | None = None

    def _prepare(self, data: PlacementData) -> tuple:
        """placement_spec's (spec, batch, low, labelled, n_classes) of `data`, kept for the last data."""
        if self._prepared is None or self._prepared[0] is not data:
            self._prepared = (data, placement_spec(data.graph, data.result, data.users, self.config))
        return self._prepared[1]

    def specs(self, data: PlacementData, cache_dir=None) -> list:
        return [self._prepare(data)[0]]

    def adopt(self, data: PlacementData, done: list) -> None:
        _, _, low, labelled, n_classes = self._prepare(data)
        self.model_, self.trained_, self.key_ = done[0].model, done[0].trained, done[0].key
        self.metrics = {
            **done[0].metrics,
            "classes": n_classes,
            "labelled": int(labelled.sum()),
            "low_degree_users": int(low.sum()),
        }

    def predict(self, data: PlacementData) -> GATPlacement:
        """Every user of `data`'s graph placed: detection's community for well-connected users, the
        GAT's for low-degree ones."""
        from core.models.engine import pick_device

        _, batch, low, _, _ = self._prepare(data)
        device = pick_device(self.config.train.device)
        model = self.model_.to(device).eval()
        on_device = {k: v.to(device) for k, v in batch.items()}
        probs = model.predict(on_device).cpu().numpy()
        influence = model.attention_received(on_device).cpu().numpy()
        model.to("cpu")
        gat_community = probs.argmax(axis=1)
        return GATPlacement(
            nodes=data.graph.nodes,
            community=np.where(low, gat_community, data.result.membership),
            gat_community=gat_community,
            confidence=probs.max(axis=1),
            influence=influence,
            low_degree=low,
            metrics=dict(self.metrics),
            trained=self.trained_,
            key=self.key_,
        )

    def save(self, model_dir: str | Path) -> Path:
        """weights.pt and meta.json (GAT and placement settings, metrics) as a signed model folder."""
        from core.models.gat import CODE_VERSION

        meta = {"model": asdict(self.model_.config), "placement": asdict(self.config), "metrics": self.metrics}
        return write_weights_dir(model_dir, self.kind, CODE_VERSION, meta, self.model_.state_dict())

    @classmethod
    def load(cls, model_dir: str | Path, trust: bool = False) -> GATPlacer:
        """A folder written by `save`, verified first; ConfigError when missing, tampered or foreign."""
        from core.models.gat import CODE_VERSION, GATConfig, GraphAttentionNetwork

        path, meta = read_model_dir(model_dir, cls.kind, CODE_VERSION, "GATPlacer.fit", trust=trust)
        try:
            self = cls(PlacementConfig(**meta["placement"]))
            self.model_ = read_weights(path, GraphAttentionNetwork(GATConfig(**meta["model"])))
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"{path}: the GAT cannot be read ({str(exc).splitlines()[0] if str(exc) else exc!r})"
            ) from exc
        self.model_.eval()
        self.metrics = dict(meta.get("metrics") or {})
        return self
