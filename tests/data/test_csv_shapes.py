"""File shapes beyond a plain CSV: a long first field, very wide headers, headerless edge lists."""

from __future__ import annotations

import time

import networkx as nx
import pandas as pd
import pytest

from core.data.csvfile import MAX_COLUMNS, read_csv_frame, sniff
from core.data.ingest import ingest_file, preview_file
from core.data.workspace import Workspace
from core.errors import InputError


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


def test_a_first_field_longer_than_the_sniffed_mebibyte_still_ingests(ws, tmp_path):
    long_text = "长" * 50 + "x" * 1_100_000
    path = tmp_path / "long.csv"
    pd.DataFrame({"user_id": ["u1", "u2"], "text": [long_text, "short"]}).to_csv(path, index=False)
    report = ingest_file(ws, path, "posts")
    got = ws.read("posts")
    assert report.rows == 2 and got["text"].tolist() == [long_text, "short"]


def test_a_long_field_beyond_the_sample_still_ingests(ws, tmp_path):
    """The parser starts with a small line buffer (memory) and retries with the largest one."""
    texts = [f"post {i}" for i in range(400)]
    texts[350] = "y" * 3_000_000
    path = tmp_path / "late.csv"
    pd.DataFrame({"text": texts}).to_csv(path, index=False)
    ingest_file(ws, path, "posts")
    assert ws.read("posts")["text"].tolist() == texts


def test_a_line_without_end_is_named_not_called_header_only(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"a,b\n1," + b"x" * (9 << 20))
    with pytest.raises(InputError, match="blob.csv: the first data row is longer than 8 MiB"):
        sniff(path)


@pytest.mark.parametrize("n", [MAX_COLUMNS + 1, 100_000])
def test_very_wide_files_are_refused_at_once_with_one_short_line(ws, tmp_path, n):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    for call in (lambda: ingest_file(ws, path, "users"), lambda: read_csv_frame(path, required=("x",))):
        with pytest.raises(InputError) as err:
            call()
        msg = str(err.value)
        assert msg == (
            f"wide.csv: the file has {n:,} columns; at most {MAX_COLUMNS:,} are supported (is the "
            "delimiter right, or is this a matrix rather than a table?)"
        )
    assert time.perf_counter() - t0 < 10
    assert not ws.db_path.exists()
    ok = tmp_path / "ok.csv"  # exactly the limit is fine
    ok.write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n" + ",".join("1" * MAX_COLUMNS) + "\n")
    assert len(sniff(ok).header) == MAX_COLUMNS


def test_missing_column_errors_list_a_few_columns_not_all(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(",".join(f"col{i}" for i in range(1500)) + "\n" + ",".join("1" * 1500) + "\n")
    with pytest.raises(InputError) as err:
        read_csv_frame(path, required=("user",))
    assert len(str(err.value)) < 400 and "(1,500 columns)" in str(err.value)


def _snap(path, edges, sep="\t", weights=None):
    lines = [
        "# Directed graph (each unordered pair of nodes is saved once): test.txt",
        f"# Nodes: 9 Edges: {len(edges)}",
        "# FromNodeId\tToNodeId",
    ]
    for k, (a, b) in enumerate(edges):
        lines.append(sep.join([str(a), str(b)] + ([str(weights[k])] if weights else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", ["\t", " ", "  "])
def test_headerless_whitespace_edge_lists_become_src_dst(ws, tmp_path, sep):
    g = nx.gnm_random_graph(30, 60, seed=1, directed=True)
    path = _snap(tmp_path / "graph.txt", list(g.edges()), sep)
    preview = preview_file(ws, path)
    assert (preview.table, preview.header) == ("edges", ["src", "dst"])
    assert preview.mapping == {"src": "src", "dst": "dst"}
    report = ingest_file(ws, path, "edges")
    got = ws.read("edges")
    assert report.rows == g.number_of_edges() and list(got.columns) == ["src", "dst"]
    assert set(zip(got["src"].astype(int), got["dst"].astype(int))) == set(g.edges())
    frame = read_csv_frame(path)  # the analysis subcommands read it the same way
    assert list(frame.columns) == ["src", "dst"] and len(frame) == g.number_of_edges()


def test_three_numeric_columns_with_percent_comments_are_weighted_edges(ws, tmp_path):
    path = tmp_path / "out.konect"
    path.write_text("% sym weighted\n% 3 3 3\n1 2 0.5\n2 3 1.5\n3 1 2\n", encoding="utf-8")
    ingest_file(ws, path, "edges")
    got = ws.read("edges")
    assert list(got.columns) == ["src", "dst", "weight"] and got["weight"].tolist() == [0.5, 1.5, 2.0]


def test_an_edge_list_line_with_another_width_is_named(ws, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("# c\n" + "".join(f"{i} {i + 1}\n" for i in range(300)) + "3 4 5 6\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^bad.txt: line 302 has 4 values; the lines above have 2 \(src, dst\)$"):
        ingest_file(ws, path, "edges")
    assert not ws.has("edges")


def test_word_lists_are_not_mistaken_for_edge_lists(tmp_path):
    path = tmp_path / "posts.txt"
    path.write_text("text\ngood day\nbad day\n", encoding="utf-8")
    fmt = sniff(path)
    assert not fmt.headerless and fmt.header == ["text"]


def test_real_snap_email_eu_core_ingests_as_edges(ws, shared_datasets):
    path = shared_datasets / "email_eu_core" / "email-Eu-core.txt"
    reference = nx.read_edgelist(path, nodetype=int, create_using=nx.MultiDiGraph)
    assert preview_file(ws, path).table == "edges"
    report = ingest_file(ws, path, "edges")
    got = ws.read("edges")
    assert report.rows == reference.number_of_edges() == len(got)
    assert got["src"].nunique() + 0 > 0 and set(got["src"]).union(got["dst"]) == {str(n) for n in reference.nodes}
