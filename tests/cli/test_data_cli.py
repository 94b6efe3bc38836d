"""`python -m core sample|ingest|tables` as a scheduler would call them: real subprocesses."""

from __future__ import annotations

import json

import pandas as pd


def test_sample_ingest_tables_round_trip(run_cli, tmp_path):
    out = tmp_path / "sample"
    r = run_cli("sample", "--out", out, "--users", 120, "--seed", 3)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["users"] == 120
    assert {p.name for p in out.iterdir()} >= {"users.csv", "edges.csv", "posts.csv", "interactions.csv",
                                               "ad_events.csv", "ground_truth.json"}
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
    f.write_text("作者,发布时间,正文,点赞\nu1,2024/1/5 13:00,很好,1\nu2,坏日期,差评,2\nu3,2024/1/7 09:00,一般,3\n",
                 encoding="gb18030")
    ws = tmp_path / "ws"
    r = run_cli("ingest", f, "--table", "posts", "--workspace", ws, "--map", "作者=user_id", "--map", "发布时间=ts")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "评论.csv, column '发布时间'" in r.stderr and "row 2 = '坏日期'" in r.stderr
    r = run_cli("ingest", f, "--table", "posts", "--workspace", ws, "--map", "作者=user_id", "--map", "发布时间=ts",
                "--skip-bad-rows")
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
        "gbk_as_wrong.csv": "src,dst\n".encode() + "甲,乙\n".encode("gbk") + b"\xff\xff\n",
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
