"""Ragged rows through every command that reads a CSV, via the CLI's own entry point (`core.__main__.main`).

Issue 24 item 1: a trailing comma on every data row (Excel/forum exports), or one unquoted comma too
many in data row 1 or far down the file, once made pandas turn the first column into the index: ids
became the text, every post scored neutral, exit 0. One reader now serves every command: the trailing
empty field is dropped (the answer equals the clean file's), any other long row is exit 2 naming the
file and line, or skipped and counted with --skip-bad-rows.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess

import numpy as np
import pandas as pd
import pytest

from core.data.csvfile import read_csv_frame


def _main(argv: list[str]) -> subprocess.CompletedProcess:
    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


N = 1200  # the far-down bad row sits at data row 1000, past the sniffer's 200-row sample


def _tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    words = ["great product, love it", "awful, broken again", "fine", "terrible support", "really good"]
    a = [f"a{i}" for i in range(30)]
    b = [f"b{i}" for i in range(30)]
    src = [a[i] for i in range(30)] * 20 + [b[i] for i in range(30)] * 20
    dst = [a[(i * 7 + 3) % 30] for i in range(600)] + [b[(i * 7 + 3) % 30] for i in range(600)]
    return {
        "texts": pd.DataFrame({"post_id": [f"p{i}" for i in range(N)], "text": [words[i % 5] for i in range(N)]}),
        "ab": pd.DataFrame(
            {
                "user_id": [f"u{i}" for i in range(N)],
                "variant": np.tile(["A", "B"], N // 2),
                "converted": (rng.random(N) < np.tile([0.2, 0.3], N // 2)).astype(int),
            }
        ),
        "edges": pd.DataFrame({"src": src, "dst": dst}),
        "churn": pd.DataFrame(
            {
                "id": [f"c{i}" for i in range(N)],
                "tenure": rng.integers(1, 70, N),
                "monthly": rng.uniform(20, 100, N).round(2),
                "churn": np.where(rng.random(N) < 0.4, "Yes", "No"),
            }
        ),
    }


COMMANDS = {
    "sentiment_predict": ("texts", ["sentiment", "predict", "{F}", "--text", "text", "--out", "{O}"]),
    "abtest": ("ab", ["abtest", "{F}", "--variant", "variant", "--metric", "converted"]),
    "communities": ("edges", ["communities", "{F}", "--out", "{O}", "--source", "src", "--target", "dst"]),
    "churn_predict": ("churn", ["churn", "predict", "{F}", "--id", "id", "--model-dir", "{M}", "--out", "{O}"]),
}


@pytest.fixture(scope="module")
def churn_model(tmp_path_factory):
    root = tmp_path_factory.mktemp("churn")
    f = root / "train.csv"
    _tables()["churn"].head(300).to_csv(f, index=False)
    proc = _main(["churn", "fit", f, "--id", "id", "--label", "churn", "--model-dir", root / "m", "--epochs", "1"])
    assert proc.returncode == 0, proc.stderr
    return root / "m"


def _lines(df: pd.DataFrame) -> list[str]:
    return df.to_csv(index=False, lineterminator="\n").splitlines()


def _shapes(df: pd.DataFrame) -> dict[str, tuple[bytes, int | None]]:
    """name -> (file bytes, file line of the bad row or None)."""
    lines = _lines(df)
    trailing = [lines[0]] + [ln + "," for ln in lines[1:]]
    row1 = list(lines)
    row1[1] += ",extra"
    row1000 = list(lines)
    row1000[1000] += ",extra"
    enc = lambda ls: ("\n".join(ls) + "\n").encode()  # noqa: E731
    return {
        "trailing_comma": (enc(trailing), None),
        "extra_row1": (enc(row1), 2),
        "extra_row1000": (enc(row1000), 1001),
    }


def _run(command: str, data: bytes, tmp_path, model, *extra) -> tuple[subprocess.CompletedProcess, object]:
    table, argv = COMMANDS[command]
    f = tmp_path / f"{command}.csv"
    f.write_bytes(data)
    out = tmp_path / "out.csv"
    out.unlink(missing_ok=True)
    proc = _main([a.format(F=f, O=out, M=model) for a in argv] + list(extra))
    answer = json.loads(proc.stdout) if proc.returncode == 0 else None
    if answer is not None and out.exists():
        answer = (answer, pd.read_csv(out, dtype=str, keep_default_na=False))
    return proc, answer


@pytest.mark.parametrize("command", list(COMMANDS))
def test_ragged_rows_are_dropped_refused_or_skipped(command, tmp_path, churn_model):
    df = _tables()[COMMANDS[command][0]]
    if command == "churn_predict":
        df = df.drop(columns="churn")
    clean, clean_answer = _run(command, ("\n".join(_lines(df)) + "\n").encode(), tmp_path, churn_model)
    assert clean.returncode == 0, clean.stderr
    for shape, (data, line) in _shapes(df).items():
        proc, answer = _run(command, data, tmp_path, churn_model)
        if line is None:  # a trailing comma on every row: the same answer as the clean file
            assert proc.returncode == 0 and proc.stderr == "", (shape, proc.stderr)
            if isinstance(answer, tuple):
                pd.testing.assert_frame_equal(answer[1], clean_answer[1])
                if command == "sentiment_predict":  # ids stay ids, texts stay texts (no index shift)
                    assert answer[1][["post_id", "text"]].equals(df)
            else:
                assert answer == clean_answer
            continue
        assert proc.returncode == 2, (shape, proc.stdout, proc.stderr)
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert f"{command}.csv: line {line} is not valid CSV" in proc.stderr, proc.stderr  # the file and line
        assert "--skip-bad-rows" in proc.stderr, proc.stderr
        proc, answer = _run(command, data, tmp_path, churn_model, "--skip-bad-rows")
        assert proc.returncode == 0 and proc.stderr == "", (shape, proc.stderr)
        summary = answer[0] if isinstance(answer, tuple) else answer
        assert summary["skipped_rows"] == 1 and f"{command}.csv: line {line}: " in summary["skipped_examples"][0]
        if isinstance(answer, tuple) and command in ("sentiment_predict", "churn_predict"):  # the rest, in order
            kept = df.drop(index=line - 2).reset_index(drop=True)
            assert answer[1].iloc[:, 0].tolist() == kept.iloc[:, 0].tolist()


def test_the_reader_agrees_with_the_ingest(tmp_path):
    """`read_csv_frame` (analysis) and `ingest_file` read a trailing-comma file (header with or without
    the comma, GBK-encoded) into the same rows as the clean file."""
    from core.data.ingest import ingest_file
    from core.data.workspace import Workspace

    df = pd.DataFrame({"post_id": ["1", "2", "3"], "text": ["好", "差评，不会再来", "一般"]})
    lines = _lines(df)
    for i, header in enumerate((lines[0], lines[0] + ",")):
        f = tmp_path / f"t{i}.csv"
        f.write_bytes(("\r\n".join([header] + [ln + "," for ln in lines[1:]]) + "\r\n").encode("gbk"))
        pd.testing.assert_frame_equal(read_csv_frame(f), df)
        ws = Workspace(tmp_path / f"ws{i}")
        report = ingest_file(ws, f, "posts")
        assert report.encoding == "gb18030" and report.rows == 3
        pd.testing.assert_frame_equal(ws.read("posts")[list(df.columns)], df)
