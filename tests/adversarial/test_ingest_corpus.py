"""Hostile and odd files through `python -m core ingest` as a user would run it (a real subprocess).

Every case either ingests correctly (checked against the bytes the test wrote) or exits 2 with one
line that names the file (and the column where there is one), never a traceback or 'internal error',
within 60 s, and a refusal leaves the workspace exactly as it was.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pandas as pd
import pytest

TIME_LIMIT_S = 60
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(1,2)", "-2+3", '=HYPERLINK("http://x","y")']
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert('x')>",
    "**bold** [link](javascript:alert(1))",
    "{{7*7}} ${7*7} %s",
]


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
    return buf.getvalue()


def _png() -> bytes:
    import struct
    import zlib

    raw = b"\x00\xff\x00\x00" * 4
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


CSV = "user_id,text\nu1,hello\nu2,你好 world\n"
REFUSED = {  # name -> (bytes, what the one line must also say)
    "random.bin": (bytes(range(256)) * 40, "binary file"),
    "report.xlsx": (_xlsx(), "not a workbook that can be read"),  # a damaged workbook (issue 27 reads good ones)
    "chart.png": (_png(), "binary file"),
    "nul.csv": (b"user_id,text\nu1,he\x00llo\nu2,x\n", "NUL bytes"),
    "unclosed.csv": (
        b'user_id,text\nu1,"never closed\nu2,ok\n',
        "line 2 is not valid CSV: Value with unterminated quote",
    ),
    "ragged.csv": (b"user_id,text\nu1,a\nu2,b,c,d\n", "line 3 is not valid CSV: Expected Number of Columns: 2"),
    "wide.csv": (
        (",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n").encode(),
        "100,000 columns",
    ),
    "badday.csv": (b"user_id,ts,text\nu1,2024-01-01,a\nu2,not a day,b\n", "column 'ts'"),
}


def _files(ws):
    root = ws / "tables"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.fixture(scope="module")
def corpus_ws(tmp_path_factory):
    return tmp_path_factory.mktemp("adv") / "ws"


def _ingest(run_cli, path, ws, *extra):
    return run_cli("ingest", path, "--table", "posts", "--workspace", ws, *extra, timeout=TIME_LIMIT_S)


def test_seed_version(run_cli, corpus_ws, tmp_path):
    seed = tmp_path / "seed.csv"
    seed.write_text(CSV, encoding="utf-8")
    r = _ingest(run_cli, seed, corpus_ws)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("name", list(REFUSED))
def test_refusals_are_one_line_naming_the_file_and_change_nothing(run_cli, corpus_ws, tmp_path, name):
    data, needle = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = run_cli("tables", "--workspace", corpus_ws, "--history", "posts").stdout, _files(corpus_ws)
    extra = ("--map", "ts=ts") if name == "badday.csv" else ()
    r = _ingest(run_cli, path, corpus_ws, *extra)
    assert r.returncode == 2, (name, r.stdout, r.stderr)
    assert r.stderr.startswith(f"error: {name}") and r.stderr.count("\n") == 1, r.stderr
    assert needle in r.stderr and len(r.stderr) < 600, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert str(tmp_path) not in r.stderr.replace(f"error: {name}", "")  # no server paths beyond the user's own
    assert (run_cli("tables", "--workspace", corpus_ws, "--history", "posts").stdout, _files(corpus_ws)) == before


def _roundtrip(run_cli, ws, path, expected: pd.DataFrame):
    from core.data.workspace import Workspace

    r = _ingest(run_cli, path, ws)
    assert r.returncode == 0, r.stderr
    got = Workspace(ws).read("posts")
    assert json.loads(r.stdout)["rows"] == len(expected) == len(got)
    for col in expected.columns:
        assert got[col].tolist() == expected[col].tolist(), col


def test_utf16_without_bom_ingests(run_cli, corpus_ws, tmp_path):
    df = pd.DataFrame({"user_id": [f"user{i}" for i in range(30)], "text": [f"message {i} 你好" for i in range(30)]})
    path = tmp_path / "utf16.csv"
    path.write_bytes(df.to_csv(index=False).encode("utf-16-le"))
    _roundtrip(run_cli, corpus_ws, path, df)


def test_one_megabyte_fields_ingest(run_cli, corpus_ws, tmp_path):
    df = pd.DataFrame({"user_id": ["u1", "u2", "u3"], "text": ["a" * 1_100_000, "短", 'b, "quoted"\n' * 90_000]})
    path = tmp_path / "big_fields.csv"
    df.to_csv(path, index=False)
    _roundtrip(run_cli, corpus_ws, path, df)


def test_formula_and_markup_cells_are_kept_as_plain_data(run_cli, corpus_ws, tmp_path):
    texts = FORMULAS + MARKUP
    df = pd.DataFrame({"user_id": [f"=u{i}" if i % 2 else f"<b>u{i}</b>" for i in range(len(texts))], "text": texts})
    path = tmp_path / "hostile.csv"
    df.to_csv(path, index=False)
    _roundtrip(run_cli, corpus_ws, path, df)


def _main(*argv) -> tuple[int, str, str]:
    """`python -m core ARGV` in this process (its entry point), returning (code, stdout, stderr)."""
    import contextlib

    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_duplicate_appends_are_refused_in_one_line(tmp_path):
    """The same rows appended again under another name, encoding, line ending or with trailing commas."""
    ws = tmp_path / "dup-ws"
    df = pd.DataFrame({"post_id": [f"p{i}" for i in range(12)], "text": [f"评论 {i}" for i in range(12)]})
    seed = tmp_path / "seed.csv"
    df.to_csv(seed, index=False)
    assert _main("ingest", seed, "--table", "posts", "--workspace", ws)[0] == 0
    lines = df.to_csv(index=False, lineterminator="\n").splitlines()
    variants = {
        "renamed copy.csv": (seed.read_bytes(), "identical (same SHA-256)"),
        "gbk_crlf.csv": (df.to_csv(index=False, lineterminator="\r\n").encode("gbk"), "12 of the file's 12 rows"),
        "bom.csv": (b"\xef\xbb\xbf" + seed.read_bytes(), "12 of the file's 12 rows"),
        "trailing_commas.csv": (
            ("\n".join([lines[0]] + [ln + "," for ln in lines[1::2]]) + "\n").encode(),
            "6 of the file's 6 rows",
        ),
    }
    history = _main("tables", "--workspace", ws, "--history", "posts")[1]
    for name, (data, needle) in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        code, _, err = _main("ingest", path, "--table", "posts", "--workspace", ws, "--append")
        assert code == 2 and err.startswith(f"error: {name}: ") and err.count("\n") == 1, (name, err)
        assert needle in err and "--allow-duplicate" in err, err
        assert _main("tables", "--workspace", ws, "--history", "posts")[1] == history


def test_gzipped_csv_ingests(run_cli, corpus_ws, tmp_path):
    """Issue 27: a gzipped CSV is read (it was refused as a binary file), the same rows as the CSV."""
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode()))
    _roundtrip(run_cli, tmp_path / "gz-ws", path, pd.read_csv(io.StringIO(CSV)))
