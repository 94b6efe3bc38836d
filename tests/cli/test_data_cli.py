"""`python -m core sample|ingest|tables` as a scheduler would call them: real subprocesses."""

from __future__ import annotations

import json

import pandas as pd


def test_sample_ingest_tables_round_trip(run_cli, tmp_path):
    out = tmp_path / "sample"
    r = run_cli("sample", "--out", out, "--users", 120, "--seed", 3)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["users"] == 120
    assert {p.name for p in out.iterdir()} >= {
        "users.csv",
        "edges.csv",
        "posts.csv",
        "interactions.csv",
        "ad_events.csv",
        "ground_truth.json",
    }
    ws = tmp_path / "ws"
    r = run_cli("ingest", out / "posts.csv", "--table", "posts", "--workspace", ws)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["rows"] == len(pd.read_csv(out / "posts.csv")) and report["version"] == 1
    r = run_cli("tables", "--workspace", ws)
    tables = json.loads(r.stdout)
    assert [(t["table"], t["rows"], t["source"]) for t in tables] == [("posts", report["rows"], "posts.csv")]
    assert tables[0]["sha256"] == report["sha256"]


def test_map_flag_and_skip_bad_rows(run_cli, tmp_path):
    f = tmp_path / "评论.csv"
    f.write_text(
        "作者,发布时间,正文,点赞\nu1,2024/1/5 13:00,很好,1\nu2,坏日期,差评,2\nu3,2024/1/7 09:00,一般,3\n",
        encoding="gb18030",
    )
    ws = tmp_path / "ws"
    r = run_cli("ingest", f, "--table", "posts", "--workspace", ws, "--map", "作者=user_id", "--map", "发布时间=ts")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "评论.csv, column '发布时间'" in r.stderr and "row 2 = '坏日期'" in r.stderr
    r = run_cli(
        "ingest",
        f,
        "--table",
        "posts",
        "--workspace",
        ws,
        "--map",
        "作者=user_id",
        "--map",
        "发布时间=ts",
        "--skip-bad-rows",
    )
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["rows"], rep["skipped"], rep["encoding"]) == (2, 1, "gb18030")
    assert rep["mapping"]["正文"] == "text"


def test_broken_file_is_one_line_error_and_workspace_unchanged(run_cli, tmp_path):
    ws = tmp_path / "ws"
    good = tmp_path / "e.csv"
    good.write_text("src,dst\na,b\nb,c\n", encoding="utf-8")
    assert run_cli("ingest", good, "--table", "edges", "--workspace", ws).returncode == 0
    before = run_cli("tables", "--workspace", ws).stdout
    cases = {
        "gbk_as_wrong.csv": b"src,dst\n" + "甲,乙\n".encode("gbk") + b"\xff\xff\n",
        "quote.csv": b'src,dst\na,"b\nc,d\n',
        "empty.csv": b"",
        "nodst.csv": b"from_user,x\na,b\n",
    }
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        r = run_cli("ingest", p, "--table", "edges", "--workspace", ws)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stderr.startswith(f"error: {name}") and r.stderr.count("\n") == 1, r.stderr
        assert "Traceback" not in r.stderr
    assert run_cli("tables", "--workspace", ws).stdout == before
    r = run_cli("ingest", good, "--table", "nonsense", "--workspace", ws)
    assert r.returncode == 2 and "unknown table 'nonsense'" in r.stderr
    r = run_cli("ingest", tmp_path / "missing.csv", "--table", "edges", "--workspace", ws)
    assert r.returncode == 2 and "file not found" in r.stderr
    r = run_cli("ingest", good, "--table", "edges", "--workspace", ws, "--map", "nocolumn")
    assert r.returncode == 2 and "CSV_COLUMN=FIELD" in r.stderr


def test_append_history_and_restore_from_the_cli(run_cli, tmp_path):
    ws = tmp_path / "ws"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("user_id,item_id,ts\nu1,i1,2024-01-01\nu2,i2,2024-01-02\nu3,i3,2024-01-03\n", encoding="utf-8")
    b.write_text("user_id,item_id,ts\nu9,i9,2024-02-01\n", encoding="utf-8")
    assert run_cli("ingest", a, "--table", "interactions", "--workspace", ws).returncode == 0
    r = run_cli("ingest", b, "--table", "interactions", "--workspace", ws, "--append")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["mode"], rep["rows_before"], rep["rows"], rep["version"]) == ("append", 3, 4, 2)
    hist = json.loads(run_cli("tables", "--workspace", ws, "--history", "interactions").stdout)
    assert [(h["version"], h["rows"], h["action"], h["current"], h["kept"]) for h in hist] == [
        (1, 3, "replace", False, True),
        (2, 4, "append", True, True),
    ]
    r = run_cli("tables", "--workspace", ws, "--restore", "interactions", "1")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["version"] == 3
    tables = json.loads(run_cli("tables", "--workspace", ws).stdout)
    assert [(t["table"], t["rows"], t["version"], t["source"]) for t in tables] == [("interactions", 3, 3, "a.csv")]
    for args, needle in [
        (("--restore", "interactions", "x"), "VERSION must be a number"),
        (("--restore", "interactions", "9"), "has no version 9"),
        (("--history", "posts"), "has no 'posts' table"),
    ]:
        r = run_cli("tables", "--workspace", ws, *args)
        assert r.returncode == 2 and needle in r.stderr and r.stderr.count("\n") == 1, r.stderr
    other = tmp_path / "other.csv"
    other.write_text("user_id,ts\nu5,2024-01-01\n", encoding="utf-8")
    r = run_cli("ingest", other, "--table", "interactions", "--workspace", ws, "--append")
    assert r.returncode == 2 and r.stderr.startswith("error: other.csv: cannot append") and r.stderr.count("\n") == 1


def test_bad_workspace_arguments_are_one_line_errors(run_cli, tmp_path, repo_root):
    good = tmp_path / "e.csv"
    good.write_text("src,dst\na,b\n", encoding="utf-8")
    cases = {
        ".": "not a valid workspace name",
        "..": "not a valid workspace name",
        "x" * 300: "not a valid workspace name",
        str(good): "is a file, not a folder",
        "./": "holds other files and is not a workspace",
        "new/" + "y" * 300: "longer than 255 bytes",
    }
    for arg, needle in cases.items():
        for cmd in (("ingest", good, "--table", "edges", "--workspace", arg), ("tables", "--workspace", arg)):
            r = run_cli(*cmd)
            assert r.returncode == 2, (arg, r.stderr)
            assert needle in r.stderr and r.stderr.count("\n") == 1 and "internal error" not in r.stderr, r.stderr
    assert not (repo_root / "workspace.duckdb").exists() and not (repo_root.parent / "workspace.duckdb").exists()


def test_snap_edge_list_ingests_as_src_dst_without_mapping_flags(run_cli, tmp_path):
    import networkx as nx

    g = nx.barabasi_albert_graph(60, 2, seed=4)
    f = tmp_path / "snap.txt"
    f.write_text(
        "# Undirected graph: snap.txt\n# Nodes: 60 Edges: %d\n# FromNodeId\tToNodeId\n" % g.number_of_edges()
        + "".join(f"{a}\t{b}\n" for a, b in g.edges()),
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    r = run_cli("ingest", f, "--table", "edges", "--workspace", ws)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["mapping"] == {"src": "src", "dst": "dst"} and rep["rows"] == g.number_of_edges()
    from core.data.workspace import Workspace

    got = Workspace(ws).read("edges")
    assert list(got.columns) == ["src", "dst"]
    assert {frozenset((int(a), int(b))) for a, b in zip(got["src"], got["dst"])} == {frozenset(e) for e in g.edges()}


def test_duplicate_appends_need_allow_duplicate(run_cli, tmp_path):
    """Issue 24 item 5: the same file twice, or rows whose post_id the table has, never append silently."""
    ws = tmp_path / "ws"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    old = pd.DataFrame({"post_id": [f"p{i}" for i in range(6)], "text": [f"t{i}" for i in range(6)]})
    new = pd.DataFrame({"post_id": ["p1", "p4", "p9"], "text": ["x", "y", "z"]})
    old.to_csv(a, index=False)
    new.to_csv(b, index=False)
    overlap = int(new["post_id"].isin(old["post_id"]).sum())
    assert run_cli("ingest", a, "--table", "posts", "--workspace", ws).returncode == 0
    r = run_cli("ingest", a, "--table", "posts", "--workspace", ws, "--append")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("error: a.csv: this file is identical (same SHA-256) to the one loaded as version 1")
    r = run_cli("ingest", b, "--table", "posts", "--workspace", ws, "--append")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert (
        f"{overlap} of the file's {len(new)} rows repeat a key (post_id)" in r.stderr
        and "--allow-duplicate" in r.stderr
    )
    r = run_cli("ingest", b, "--table", "posts", "--workspace", ws, "--append", "--allow-duplicate")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["rows"], rep["overlapping_rows"], rep["version"]) == (len(old) + len(new), overlap, 2)
