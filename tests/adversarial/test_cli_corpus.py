"""A corpus of bad and hostile inputs, built here, run through every analysis subcommand.

The whole matrix (every case x every command) runs through the CLI's own entry point in this process
(`core.__main__.main`, stdout and stderr captured), so the suite pays torch's imports once instead of
140 times; `test_as_a_subprocess` runs a slice of it as `python -m core ...` in a real subprocess, to
keep what only a process shows (interpreter tracebacks, warnings printed at exit, the exit code).

The contract each run must keep (README, "Headless CLI"):
- exit 0 with a correct answer, or exit 2 with ONE line on stderr that starts with `error:` and names
  the input file; never a traceback, never `internal error`, within a time limit;
- on success nothing on stderr (no library warnings), and every CSV written has its formula cells
  neutralised (no text cell a spreadsheet would run);
- the input file is never changed.

"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import math
import struct
import subprocess
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.export import _PLAIN_NUMBER, FORMULA_START

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT_S = 60  # per case; training cases are tiny (--epochs 1)

ZH_POS = ["很好吃，下次还点", "味道不错，送得很快", "非常满意，推荐", "好吃又实惠", "服务很好，喜欢"]
ZH_NEG = ["太难吃了，失望", "送餐太慢，菜都凉了", "很差，不会再点", "味道一般，还贵", "包装破了，差评"]
EN = ["Great update, love it", "The app crashes all the time, awful", "Works fine", "Terrible support"]


# ---- the well-formed table of each command -----------------------------------------------------------


def base_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    a, b = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    edges = [(x, y) for grp in (a, b) for i, x in enumerate(grp) for y in grp[i + 1 :]] + [("a0", "b0")]
    texts = [(t, "positive") for t in ZH_POS * 3] + [(t, "negative") for t in ZH_NEG * 3]
    texts += [(t, "positive" if i % 2 == 0 else "negative") for i, t in enumerate(EN)]
    users = np.repeat([f"u{i}" for i in range(20)], 4)
    items = [f"i{(i // 4 + k) % 8}" for i in range(20) for k in range(4)]
    ts = pd.date_range("2024-01-01", periods=len(users), freq="h").strftime("%Y-%m-%d %H:%M")
    n = 60
    return {
        "edges": pd.DataFrame(
            {"src": [e[0] for e in edges], "dst": [e[1] for e in edges], "weight": rng.integers(1, 4, len(edges))}
        ),
        "texts": pd.DataFrame({"text": [t for t, _ in texts], "label": [lab for _, lab in texts]}),
        "churn": pd.DataFrame(
            {
                "id": [f"c{i}" for i in range(n)],
                "tenure": rng.integers(1, 70, n),
                "monthly": rng.uniform(20, 100, n).round(2),
                "plan": rng.choice(["basic", "pro"], n),
                "churn": np.where(rng.random(n) < 0.4, "Yes", "No"),
            }
        ),
        "interactions": pd.DataFrame({"user": users, "item": items, "ts": ts}),
        "ab": pd.DataFrame(
            {
                "user_id": [f"u{i}" for i in range(n)],
                "variant": np.tile(["A", "B"], n // 2),
                "converted": rng.integers(0, 2, n),
            }
        ),
    }


def _csv(df: pd.DataFrame) -> bytes:
    # CRLF line ends, as Excel writes them: a CR inside a cell is then quoted, as it must be
    return df.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _text_cols(df):
    return [c for c in df.columns if df[c].dtype == object]


def _num_cols(df):
    return [c for c in df.columns if df[c].dtype != object]


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00" * 1
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _xlsx(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            "<worksheet>"
            + "".join(f"<row><c t='inlineStr'><is><t>{v}</t></is></c></row>" for v in df.iloc[:, 0])
            + "</worksheet>",
        )
    return buf.getvalue()


def _with(df, fn_text=None, fn_num=None):
    df = df.copy()
    for c in _text_cols(df):
        if fn_text:
            df[c] = [fn_text(v, i) for i, v in enumerate(df[c])]
    for c in _num_cols(df):
        if fn_num:
            df[c] = [fn_num(v, i) for i, v in enumerate(df[c])]
    return _csv(df)


def _unclosed_quote(df):
    text = _csv(df).decode()
    lines = text.splitlines()
    lines[2] = '"' + lines[2]
    return ("\n".join(lines) + "\n").encode()


def _wide(df):
    header = list(df.columns) + [f"x{i}" for i in range(100_000)]
    row = [str(v) for v in df.iloc[0]] + ["0"] * 100_000
    return (",".join(header) + "\n" + ",".join(row) + "\n").encode()


def _big_field(df, first: bool):
    df = df.copy()
    col = df.columns[0] if first else (_text_cols(df) or list(df.columns))[-1]
    df[col] = df[col].astype(str)
    df.loc[0, col] = "x" * (1 << 20)
    return _csv(df)


FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</td><b>bold</b>", "{{7*7}} ${jndi:x}"]

CASES = {
    "good": lambda df: _csv(df),
    "binary": lambda df: bytes(np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8)),
    "gzip": lambda df: gzip.compress(_csv(df)),
    "xlsx": _xlsx,
    "png": lambda df: _png(),
    "empty_file": lambda df: b"",
    "header_only": lambda df: (",".join(df.columns) + "\n").encode(),
    "nul_in_field": lambda df: _with(df, lambda v, i: f"{v}\x00tail" if i == 1 else v),
    "utf16_no_bom": lambda df: _csv(df).decode().encode("utf-16-le"),
    "gbk_excel": lambda df: _csv(df).decode().encode("gbk", errors="replace"),
    "unclosed_quote": _unclosed_quote,
    "field_1mb": lambda df: _big_field(df, first=False),
    "field_1mb_first": lambda df: _big_field(df, first=True),
    "wide_100k_columns": _wide,
    "nan_inf": lambda df: _with(df, None, lambda v, i: ["NaN", "inf", "-inf", v][i % 4]),
    "negative_impossible": lambda df: _with(df, None, lambda v, i: [-1, -5, 2, 10**30][i % 4]),
    "one_class": lambda df: _csv(df.assign(**{c: df[c].iloc[0] for c in df.columns if c in ("label", "churn")})),
    "empty_texts": lambda df: _csv(df.assign(**{c: "" for c in df.columns if c == "text"})),
    "formula_cells": lambda df: _with(df, lambda v, i: FORMULAS[i % len(FORMULAS)] + str(v)),
    "html_js": lambda df: _with(df, lambda v, i: HTML[i % len(HTML)] + str(v)),
}

COMMANDS = {
    # name: (table, argv with {F}, {O}, {M}, what it writes)
    "communities": (
        "edges",
        ["communities", "{F}", "--out", "{O}", "--source", "src", "--target", "dst", "--weight", "weight"],
        "csv",
    ),
    "sentiment_predict": ("texts", ["sentiment", "predict", "{F}", "--text", "text", "--out", "{O}"], "csv"),
    "sentiment_fit": (
        "texts",
        ["sentiment", "fit", "{F}", "--text", "text", "--label", "label", "--model-dir", "{M}", "--epochs", "1"],
        "model",
    ),
    "churn_fit": (
        "churn",
        ["churn", "fit", "{F}", "--id", "id", "--label", "churn", "--model-dir", "{M}", "--epochs", "1"],
        "model",
    ),
    "churn_predict": (
        "churn",
        ["churn", "predict", "{F}", "--id", "id", "--model-dir", "{TRAINED_CHURN}", "--out", "{O}"],
        "csv",
    ),
    "recommend_fit": (
        "interactions",
        [
            "recommend",
            "fit",
            "{F}",
            "--user",
            "user",
            "--item",
            "item",
            "--time",
            "ts",
            "--model-dir",
            "{M}",
            "--epochs",
            "1",
            "--hidden",
            "16",
            "--layers",
            "1",
            "--heads",
            "1",
            "--max-len",
            "8",
        ],
        "model",
    ),
    "abtest": ("ab", ["abtest", "{F}", "--variant", "variant", "--metric", "converted"], "json"),
}


# hostile but well-formed text is data: these must be answered, not refused
MUST_ANSWER = {
    (case, cmd)
    for case in ("good", "gbk_excel", "formula_cells", "html_js", "field_1mb")
    for cmd in ("communities", "sentiment_predict", "churn_predict", "abtest")
}


def _model_notes(proc: subprocess.CompletedProcess) -> str:
    """What a successful fit may say on stderr: its model card's notes (a model no better than chance
    or than its baseline, issue 24 item 8), exactly as its JSON summary lists them; else nothing."""
    import json

    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        return ""
    if not isinstance(summary, dict):
        return ""
    lines = [f"warning: {n}" for n in summary.get("notes", [])]
    for lang, info in (summary.get("languages") or {}).items():
        lines += [f"warning: [{lang}] {n}" for n in info.get("notes", [])]
    return "".join(line + "\n" for line in lines)


def _run(argv: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """`python -m core ARGV` in a process of its own (tests/cli_runner.py)."""
    from tests import cli_runner

    t0 = time.perf_counter()
    proc = cli_runner.run(argv, env, cwd=REPO, timeout=TIME_LIMIT_S)
    return proc, time.perf_counter() - t0


def _run_here(argv: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """The same entry point in this process; returns what a subprocess would (code, stdout, stderr)."""
    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue()), time.perf_counter() - t0


@pytest.fixture(scope="module")
def trained(tmp_path_factory, cli_env_module):
    """A churn model trained once on the good table (churn predict reads it)."""
    root = tmp_path_factory.mktemp("trained")
    f = root / "churn.csv"
    f.write_bytes(_csv(base_tables()["churn"]))
    proc, _ = _run_here(
        ["churn", "fit", str(f), "--id", "id", "--label", "churn", "--model-dir", str(root / "churn"), "--epochs", "1"],
        cli_env_module,
    )
    assert proc.returncode == 0, proc.stderr
    return {"churn": root / "churn"}


@pytest.fixture(scope="module")
def cli_env_module(tmp_path_factory):
    import os

    env = dict(os.environ)
    # the data folder `_run_here` uses in this process: its key signs the trained model both read
    env["CE_DATA_DIR"] = os.environ["CE_DATA_DIR"]
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    env.pop("CE_DEBUG", None)
    return env


def _formula_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            cell
            for row in csv.reader(fh)
            for cell in row
            if cell.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell)
        ]


@pytest.mark.timeout(TIME_LIMIT_S)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_answers_or_refuses_in_one_line(command, case, tmp_path, trained, cli_env_module):
    _check_case(command, case, tmp_path, trained, cli_env_module, _run_here)


# what only a real process shows, on a slice of the matrix: every command on the control case and on
# three hostile ones (undecodable bytes, a 100k-column header, hostile text that must be answered)
@pytest.mark.parametrize("case", ["good", "binary", "wide_100k_columns", "html_js"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_as_a_subprocess(command, case, tmp_path, trained, cli_env_module):
    _check_case(command, case, tmp_path, trained, cli_env_module, _run)


def _check_case(command, case, tmp_path, trained, cli_env_module, run):
    table, argv, writes = COMMANDS[command]
    data = CASES[case](base_tables()[table])
    f = tmp_path / f"{case}.csv"
    f.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    out, model = tmp_path / "out.csv", tmp_path / "model"
    args = [a.format(F=f, O=out, M=model, TRAINED_CHURN=trained["churn"]) for a in argv]
    proc, seconds = run(args, cli_env_module)

    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 2), (proc.returncode, proc.stderr[-2000:])
    assert seconds < TIME_LIMIT_S
    if (case, command) in MUST_ANSWER:
        assert proc.returncode == 0, proc.stderr
    assert hashlib.sha256(f.read_bytes()).hexdigest() == digest  # the input is never changed
    assert not [p.name for p in tmp_path.iterdir() if ".tmp" in p.name]  # no stray temporary file
    if proc.returncode == 2:
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert f.name in proc.stderr, proc.stderr  # names the file
        assert not out.exists() and not model.exists()  # and wrote nothing
        return
    assert proc.stderr == _model_notes(proc), proc.stderr  # no warnings on success but the model card's
    if writes == "csv":
        assert out.exists()
        assert _formula_cells(out) == []
    elif writes == "model":
        assert (model / "meta.json").exists()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_good_table_is_answered(command, tmp_path, trained, cli_env_module):
    """The corpus's control case must succeed, or the other cases prove nothing."""
    table, argv, writes = COMMANDS[command]
    f = tmp_path / "good.csv"
    f.write_bytes(_csv(base_tables()[table]))
    out, model = tmp_path / "out.csv", tmp_path / "model"
    proc, _ = _run_here([a.format(F=f, O=out, M=model, TRAINED_CHURN=trained["churn"]) for a in argv], cli_env_module)
    assert proc.returncode == 0, proc.stderr
    if writes == "csv":
        assert len(pd.read_csv(out)) > 0


def test_formula_and_html_text_comes_back_as_plain_text(tmp_path, cli_env_module):
    """Hostile text is data: it is scored, neutralised for spreadsheets, and otherwise returned verbatim."""
    df = base_tables()["texts"]
    hostile = [FORMULAS[i % len(FORMULAS)] + HTML[i % len(HTML)] for i in range(len(df))]
    df = df.assign(text=hostile, note=["-0.5", "=1+1", "+3", "@x"] * (len(df) // 4) + ["ok"] * (len(df) % 4))
    f = tmp_path / "in.csv"
    f.write_bytes(_csv(df))
    proc, _ = _run_here(
        ["sentiment", "predict", str(f), "--text", "text", "--out", str(tmp_path / "o.csv")], cli_env_module
    )
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "o.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, text, note in zip(rows, hostile, df["note"]):
        assert row["text"] == "'" + text  # every hostile text starts with a trigger
        runs_as_formula = note[0] in "=+-@" and not _PLAIN_NUMBER.fullmatch(note)  # "-0.5", "+3" are numbers
        assert row["note"] == ("'" + note if runs_as_formula else note)
        assert math.isfinite(float(row["score"]))
