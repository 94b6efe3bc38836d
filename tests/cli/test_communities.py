"""`python -m core communities`: real subprocess runs, good and bad input."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
from sklearn.metrics import normalized_mutual_info_score


def test_detects_planted_groups_and_covers_every_node(run_cli, tmp_path):
    g = nx.planted_partition_graph(3, 30, 0.4, 0.01, seed=2, directed=True)
    edges = pd.DataFrame([(f"p{a}", f"p{b}") for a, b in g.edges()], columns=["from", "to"])
    edges.loc[len(edges)] = ["lonely", "lonely"]  # self-loop only: an isolate in the output
    edges["w"] = 1
    src = tmp_path / "edges.csv"
    edges.to_csv(src, index=False)
    out = tmp_path / "out" / "communities.csv"
    proc = run_cli("communities", src, "--out", out, "--source", "from", "--target", "to", "--weight", "w",
                   "--method", "louvain", "--seed", "3", "--stability-seeds", "2")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["method"] == "louvain" and summary["graph"]["self_loops_dropped"] == 1
    assert summary["graph"]["isolated_examples"] == ["lonely"] and 0 <= summary["stability_nmi"] <= 1
    result = pd.read_csv(out, dtype={"node": str})
    assert list(result.columns) == ["node", "community"]
    assert sorted(result["node"]) == sorted({*edges["from"], *edges["to"]})
    assert summary["communities"] == result["community"].nunique()
    planted = result[result.node != "lonely"]
    truth = planted["node"].str[1:].astype(int) // 30
    assert normalized_mutual_info_score(truth, planted["community"]) > 0.95


def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path):
    cases = {
        "missing.csv": ("src,to\na,b\n", "'dst'"),
        "empty.csv": ("", "empty"),
        "one.csv": ("src,dst\na,a\n", "1 node"),
    }
    for name, (text, needle) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        proc = run_cli("communities", path, "--out", tmp_path / f"{name}.out.csv")
        assert proc.returncode == 2, (name, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], (name, lines)
        assert name in lines[0] and not (tmp_path / f"{name}.out.csv").exists()
