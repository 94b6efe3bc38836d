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
    proc = run_cli(
        "communities",
        src,
        "--out",
        out,
        "--source",
        "from",
        "--target",
        "to",
        "--weight",
        "w",
        "--method",
        "louvain",
        "--seed",
        "3",
        "--stability-seeds",
        "2",
    )
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


def test_auto_resolution_is_the_default_and_the_json_holds_the_profile(run_cli, tmp_path):
    """Two planted scales (3 groups of 2 subgroups of 20): the JSON reports the chosen resolution,
    the criterion and every scanned scale; a number still works and gives that scale."""
    import numpy as np

    rng = np.random.default_rng(0)
    n = 120
    fine = np.arange(n) // 20
    coarse = fine // 2
    p = np.where(fine[:, None] == fine[None, :], 0.6, np.where(coarse[:, None] == coarse[None, :], 0.08, 0.003))
    a, b = np.nonzero(np.triu(rng.random((n, n)) < p, k=1))
    src = tmp_path / "edges.csv"
    pd.DataFrame({"src": [f"u{x}" for x in a], "dst": [f"u{x}" for x in b]}).to_csv(src, index=False)
    out = tmp_path / "auto.csv"
    proc = run_cli("communities", src, "--out", out)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    profile = summary["profile"]
    assert summary["resolution_criterion"] == profile["criterion"] == "consensus"
    assert summary["resolution"] == profile["chosen_resolution"]
    points = profile["points"]
    assert len(points) >= 8 and [p["resolution"] for p in points] == sorted(p["resolution"] for p in points)
    assert {"communities", "modularity", "stability_nmi", "stability_ari", "trivial"} <= set(points[0])
    chosen = next(p for p in points if p["resolution"] == summary["resolution"])
    assert chosen["communities"] == summary["communities"] in (3, 6)
    assert {p["communities"] for p in points} >= {3, 6}  # both planted scales are in the profile
    result = pd.read_csv(out)
    truth = (coarse if summary["communities"] == 3 else fine)[result["node"].str[1:].astype(int)]
    assert normalized_mutual_info_score(truth, result["community"]) > 0.99

    fixed = run_cli("communities", src, "--out", tmp_path / "fixed.csv", "--resolution", "0.3")
    assert fixed.returncode == 0, fixed.stderr
    fixed_summary = json.loads(fixed.stdout)
    assert fixed_summary["resolution"] == 0.3 and fixed_summary["profile"] is None
    assert fixed_summary["resolution_criterion"] is None


def test_bad_resolution_is_one_line_and_exit_2(run_cli, tmp_path):
    src = tmp_path / "edges.csv"
    src.write_text("src,dst\na,b\nb,c\n", encoding="utf-8")
    for bad in ("fast", "-1", "0"):
        proc = run_cli("communities", src, "--out", tmp_path / "out.csv", "--resolution", bad)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "resolution" in lines[0] and "Traceback" not in proc.stderr
        assert not (tmp_path / "out.csv").exists()


def test_the_significance_test_runs_above_its_size_limit_only_when_asked(tmp_path, monkeypatch, capsys):
    """Above MAX_EDGES the JSON says the test did not run and why; --significance runs it (in-process
    with the limit lowered to 100 edges, so a 300-edge planted graph stands for a large one)."""
    from core.__main__ import main
    from core.graph import significance

    g = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=1)
    src = tmp_path / "edges.csv"
    pd.DataFrame(list(g.edges()), columns=["src", "dst"]).to_csv(src, index=False)
    assert g.number_of_edges() > 100
    monkeypatch.setattr(significance, "MAX_EDGES", 100)
    summaries = {}
    for flags in ((), ("--significance",)):
        capsys.readouterr()
        assert main(["communities", str(src), "--out", str(tmp_path / "out.csv"), *flags]) == 0
        summaries[flags] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["significance"]
    skipped, tested = summaries[()], summaries[("--significance",)]
    assert skipped["tested"] is False and "--significance" in skipped["reason"] and "100" in skipped["reason"]
    assert "modularity_z" not in skipped
    assert tested["tested"] is True and tested["structure_beyond_chance"] is True and tested["null_rewirings"] >= 3
