"""The graph attention network: attention math, and placing users through the engine + cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from core.graph.attention import PlacementConfig, node_features, place_users
from core.graph.build import graph_from_edges
from core.graph.detect import detect_communities
from core.models.engine import with_train
from core.models.gat import GATConfig, GraphAttentionLayer, GraphAttentionNetwork

PLANTED_SIZE = 40  # tests/graph/conftest.py's planted groups


def test_attention_is_a_softmax_over_incoming_edges():
    torch.manual_seed(0)
    layer = GraphAttentionLayer(5, 3, heads=2, concat=True, attn_dropout=0.0)
    edge_index = torch.tensor([[0, 1, 2, 2, 0, 1, 2], [1, 1, 1, 0, 0, 1, 2]])
    out, alpha = layer(torch.randn(3, 5), edge_index)
    assert out.shape == (3, 6) and alpha.shape == (7, 2)
    totals = torch.zeros(3, 2).index_add_(0, edge_index[1], alpha)
    assert torch.allclose(totals, torch.ones(3, 2), atol=1e-6)


def test_model_is_permutation_equivariant():
    torch.manual_seed(0)
    model = GraphAttentionNetwork(GATConfig(in_dim=4, n_classes=3)).eval()
    x = torch.randn(6, 4)
    edge_index = torch.tensor([[0, 1, 2, 3, 4, 5, 0], [1, 2, 3, 4, 5, 0, 3]])
    perm = torch.tensor([3, 0, 5, 1, 2, 4])
    inverse = torch.argsort(perm)
    base = model.predict({"x": x, "edge_index": edge_index})
    moved = model.predict({"x": x[perm], "edge_index": inverse[edge_index]})
    assert torch.allclose(base[perm], moved, atol=1e-5)


@pytest.fixture(scope="module")
def planted_with_stragglers(planted_edges_factory):
    """4 x 40 planted partition plus 12 users with a single tie into their own group."""
    edges = planted_edges_factory(size=PLANTED_SIZE)
    rng = np.random.default_rng(5)
    extra = []
    for k in range(12):
        group = k % 4
        extra.append((f"s{k}_{group}", f"n{group * PLANTED_SIZE + int(rng.integers(0, PLANTED_SIZE))}"))
    edges = pd.concat([edges, pd.DataFrame(extra, columns=["src", "dst"]).assign(weight=1.0)], ignore_index=True)
    graph = graph_from_edges(edges)
    truth = np.array(
        [int(n.split("_")[1]) if n.startswith("s") else int(n[1:]) // PLANTED_SIZE for n in graph.nodes.astype(str)]
    )
    users = pd.DataFrame({"user_id": graph.nodes.astype(str), "region": np.where(truth % 2 == 0, "north", "south")})
    return graph, truth, users


def test_place_users_learns_the_partition_and_is_cached(planted_with_stragglers, tmp_path):
    graph, truth, users = planted_with_stragglers
    result = detect_communities(graph)
    config = with_train(PlacementConfig(hidden=8, heads=2), epochs=60, patience=15, device="cpu")
    stages: list = []
    first = place_users(graph, result, users, config, progress=lambda p: stages.append(p.stage), cache_dir=tmp_path)
    assert first.trained and first.metrics["val_accuracy"] >= 0.9
    # every stage reports: features, the epochs, then placing
    assert stages[0] == "stage.graph_features" and stages[-1] == "stage.placing" and None in stages
    assert first.metrics["classes"] == 4 and first.low_degree.sum() >= 12
    # detection's ids -> planted ids, by majority over well-connected users
    to_truth = {c: np.bincount(truth[(result.membership == c) & ~first.low_degree]).argmax() for c in range(4)}
    placed = np.array([to_truth[c] for c in first.gat_community])
    assert (placed[first.low_degree] == truth[first.low_degree]).mean() >= 0.8
    assert first.influence.shape == (graph.n_nodes,) and (first.influence >= 0).all()
    again = place_users(graph, result, users, config, cache_dir=tmp_path)
    assert not again.trained and again.key == first.key
    assert np.array_equal(again.gat_community, first.gat_community)


def test_features_include_user_attributes(planted_with_stragglers):
    graph, _, users = planted_with_stragglers
    plain = node_features(graph)
    with_users = node_features(graph, users)
    assert with_users.shape == (graph.n_nodes, plain.shape[1] + 2)  # north/south one-hot
    assert np.allclose(with_users[:, : plain.shape[1]], plain)
