"""Graph building: edges, replies, co-interaction; self-loops, isolates and bad input reported."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from core.graph.build import build_graph, graph_from_co_interaction, graph_from_edges, graph_from_replies


def edges_of(graph) -> dict[tuple[str, str], float]:
    names = graph.nodes.astype(str)
    return {(names[s], names[d]): w for s, d, w in zip(graph.src, graph.dst, graph.weight)}


def test_edges_duplicates_summed_self_loops_and_isolates_reported():
    df = pd.DataFrame(
        {
            "src": ["a", "a", "b", "c", "c", " ", "d"],
            "dst": ["b", "b", "a", "c", "a", "x", "d"],
            "weight": [1, 2, 5, 7, 1, 1, 1],
        }
    )
    g = graph_from_edges(df, extra_nodes=["a", "e"])
    assert edges_of(g) == {("a", "b"): 3.0, ("b", "a"): 5.0, ("c", "a"): 1.0}
    assert g.directed and g.self_loops == 2 and g.dropped_rows == 1
    assert sorted(g.isolates) == ["d", "e"]  # d only had a self-loop; e came from the users table
    summary = g.summary()
    assert summary["self_loops_dropped"] == 2 and summary["isolated_nodes"] == 2
    u, v, w = g.undirected_edges()  # direction symmetrised for detection: a-b = 3 + 5
    names = g.nodes.astype(str)
    assert {(names[a], names[b]): x for a, b, x in zip(u, v, w)} == {("a", "b"): 8.0, ("a", "c"): 1.0}


def test_edges_without_weight_count_rows_and_min_weight_drops_pairs():
    df = pd.DataFrame({"src": ["a", "a", "a", "b"], "dst": ["b", "b", "c", "c"]})
    g = graph_from_edges(df, min_weight=2)
    assert edges_of(g) == {("a", "b"): 2.0}
    assert g.below_min_weight == 2 and g.isolates == ["c"]


def test_date_range_filters_edges_and_first_seen_is_earliest():
    df = pd.DataFrame(
        {
            "src": ["a", "a", "b"],
            "dst": ["b", "c", "c"],
            "ts": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]),
        }
    )
    g = graph_from_edges(df, start="2026-01-15")
    assert set(edges_of(g)) == {("a", "c"), ("b", "c")}
    first = dict(zip(g.nodes.astype(str), g.first_seen))
    assert first["a"] == np.datetime64("2026-02-01") and first["c"] == np.datetime64("2026-02-01")


def test_missing_column_and_bad_weight_name_the_problem():
    with pytest.raises(InputError, match="'dst'"):
        graph_from_edges(pd.DataFrame({"src": ["a"], "to": ["b"]}))
    with pytest.raises(InputError) as exc:
        graph_from_edges(pd.DataFrame({"src": ["a", "b"], "dst": ["b", "c"], "weight": ["1", "lots"]}))
    assert exc.value.column == "weight" and exc.value.rows == [3]


def test_replies_use_reply_to_user_or_parent_lookup():
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3", "p4", "p5"],
            "user_id": ["a", "b", "c", "a", "d"],
            "ts": pd.to_datetime(["2026-01-01"] * 5),
            "parent_id": ["", "p1", "p1", "p2", ""],
            "reply_to_user": ["", "a", "", "", ""],  # p3 and p4 only know their parent post
        }
    )
    g = graph_from_replies(posts)
    assert g.source == "replies" and g.directed
    assert edges_of(g) == {("b", "a"): 1.0, ("c", "a"): 1.0, ("a", "b"): 1.0}
    assert g.isolates == ["d"]  # posted, never replied or replied to


def test_co_interaction_matches_brute_force_with_threshold_and_blockbuster_cap():
    rng = np.random.default_rng(0)
    users = [f"u{i}" for i in range(30)]
    rows = [(u, f"i{rng.integers(0, 25)}") for u in users for _ in range(6)]
    rows += [(u, "blockbuster") for u in users]  # everyone: skipped by the cap below
    df = pd.DataFrame(rows, columns=["user_id", "item_id"])
    g = graph_from_co_interaction(df, min_shared=2, max_item_users=20)
    items = df[df.item_id != "blockbuster"].groupby("user_id")["item_id"].apply(set)
    expected = {}
    for a, b in itertools.combinations(sorted(items.index), 2):
        shared = len(items[a] & items[b])
        if shared >= 2:
            expected[(a, b)] = float(shared)
    assert not g.directed and edges_of(g) == expected
    assert any("1 items with more than 20 users skipped" in n for n in g.notes)
    assert g.n_nodes == 30


def test_build_graph_falls_back_from_edges_to_replies_to_interactions():
    posts = pd.DataFrame({"post_id": ["p1", "p2"], "user_id": ["a", "b"], "parent_id": ["", "p1"]})
    inter = pd.DataFrame({"user_id": ["a", "b", "a", "b"], "item_id": ["x", "x", "y", "y"]})
    edges = pd.DataFrame({"src": ["a"], "dst": ["b"]})
    assert build_graph({"edges": edges, "posts": posts}).source == "edges"
    assert build_graph({"posts": posts, "interactions": inter}).source == "replies"
    no_replies = posts.assign(parent_id="")
    assert build_graph({"posts": no_replies, "interactions": inter}).source == "co_interaction"
    with pytest.raises(InputError, match="no table"):
        build_graph({"users": pd.DataFrame({"user_id": ["a"]})})


def test_sample_reply_graph_recovers_planted_communities(sample_tables, ground_truth):
    """The graph derived from replies alone still carries the planted structure."""
    from sklearn.metrics import normalized_mutual_info_score

    from core.graph.detect import detect_communities

    g = graph_from_replies(sample_tables["posts"])
    r = detect_communities(g)
    connected = g.degrees() > 0
    truth = np.array([ground_truth["communities"][n] for n in g.nodes.astype(str)])
    assert normalized_mutual_info_score(truth[connected], r.membership[connected]) >= 0.85
    assert len(g.isolates) > 0  # posters nobody replied to are reported, not dropped


def test_ids_are_cleaned_like_row_by_row_cleaning():
    """Ids cleaned once per distinct value give the graph that cleaning every row gives (a pandas
    reference): stripped, blanks and NaN dropped and counted, numbers read as their text."""
    rng = np.random.default_rng(3)
    pool = np.array([" a", "a", "b ", "", None, "c", 7, "7", np.nan, "  ", "d"], dtype=object)
    edges = pd.DataFrame({"src": rng.choice(pool, 400), "dst": rng.choice(pool, 400), "weight": rng.random(400)})
    graph = graph_from_edges(edges, extra_nodes=["e", " f "])

    def clean(x):
        return None if x is None or (isinstance(x, float) and np.isnan(x)) or not str(x).strip() else str(x).strip()

    s, d = edges["src"].map(clean), edges["dst"].map(clean)
    ok = s.notna() & d.notna()
    assert graph.dropped_rows == int((~ok).sum())
    ref = pd.DataFrame({"s": s[ok], "d": d[ok], "w": edges["weight"][ok]})
    assert graph.nodes.tolist() == sorted(set(ref["s"]) | set(ref["d"]) | {"e", "f"})
    loops = ref["s"] == ref["d"]
    assert graph.self_loops == int(loops.sum())
    want = ref[~loops].groupby(["s", "d"])["w"].sum()
    got = pd.Series(graph.weight, index=pd.MultiIndex.from_arrays([graph.nodes[graph.src], graph.nodes[graph.dst]]))
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, check_index_type=False)
