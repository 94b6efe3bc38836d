"""CLI outputs (issue 11, items 4, 9 and 10): formula cells neutralised in one place, outputs never over
inputs and written atomically, user mistakes exit 2 with one line, a closed stdout ends quietly."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.export import csv_bytes, neutralise_formulas, write_csv

REPO = Path(__file__).resolve().parents[2]


def _one_line(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    for n in needles:
        assert n in proc.stderr, proc.stderr


# ---- formula neutralisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "-0.5+A1", "- hello", "+", "@"],
)
def test_formula_cells_get_a_quote(cell):
    out = neutralise_formulas(pd.DataFrame({"t": [cell]}))
    assert out["t"][0] == "'" + cell


@pytest.mark.parametrize("cell", ["-0.5", "+3", "-1e5", "12", ".5", "hello", "a=b", "", "中文=好", " =x"])
def test_plain_text_and_plain_numbers_stay_as_they_are(cell):
    assert neutralise_formulas(pd.DataFrame({"t": [cell]}))["t"][0] == cell


def test_numbers_stay_numbers_and_the_file_round_trips(tmp_path):
    df = pd.DataFrame(
        {"user": ["=evil()", "@bob", "carol"], "score": [-0.5, 0.25, np.nan], "n": [-3, 4, 5], "=col": ["x", "y", "z"]}
    )
    write_csv(df, tmp_path / "o.csv")
    back = pd.read_csv(tmp_path / "o.csv")
    assert back["score"].dtype.kind == "f" and back["score"].iloc[0] == -0.5 and np.isnan(back["score"].iloc[2])
    assert back["n"].tolist() == [-3, 4, 5]
    assert back["user"].tolist() == ["'=evil()", "'@bob", "carol"]
    assert list(back.columns) == ["user", "score", "n", "'=col"]
    assert csv_bytes(df) == (tmp_path / "o.csv").read_bytes()  # pages and CLI write the same bytes


def test_every_page_download_goes_through_the_export_helper():
    # pages draw through their ui/ panels, so a download button may sit in either
    drawing = sorted((REPO / "pages").glob("*.py")) + sorted((REPO / "ui").glob("*.py"))
    for module in drawing:
        src = module.read_text(encoding="utf-8")
        assert ".to_csv(" not in src, f"{module.name} writes a CSV without core.export.csv_bytes"
    # csv_bytes itself, or ui.present.named_csv (csv_bytes under the analyst's names, made once per result)
    helpers = ("csv_bytes(", "named_csv(")
    assert sum(any(h in m.read_text(encoding="utf-8") for h in helpers) for m in drawing) >= 5


# ---- outputs never overwrite inputs; atomic; folders ---------------------------------------------


@pytest.fixture()
def edges(tmp_path):
    rng = np.random.default_rng(0)
    a, b = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    pairs = [(x, y) for grp in (a, b) for i, x in enumerate(grp) for y in grp[i + 1 :]] + [("a0", "b0")]
    df = pd.DataFrame(
        {"src": [p[0] for p in pairs], "dst": [p[1] for p in pairs], "weight": rng.integers(1, 3, len(pairs))}
    )
    path = tmp_path / "edges.csv"
    df.to_csv(path, index=False)
    return path


def test_out_equal_to_the_input_is_refused_and_the_input_kept(edges, run_cli, tmp_path):
    before = edges.read_bytes()
    _one_line(run_cli("communities", edges, "--out", edges), "input file")
    _one_line(run_cli("sentiment", "predict", edges, "--text", "src", "--out", edges), "input file")
    assert edges.read_bytes() == before
    (tmp_path / "sub").mkdir()
    link = tmp_path / "sub" / "same.csv"
    link.symlink_to(edges)
    _one_line(run_cli("communities", edges, "--out", link), "input file")
    assert edges.read_bytes() == before


def test_out_that_is_a_folder_is_refused_without_a_stray_temp_file(edges, run_cli, tmp_path):
    folder = tmp_path / "outdir"
    folder.mkdir()
    _one_line(run_cli("communities", edges, "--out", folder), "is a folder")
    _one_line(run_cli("sentiment", "predict", edges, "--text", "src", "--out", folder), "is a folder")
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "outdir"]
    ok = run_cli("communities", edges, "--out", tmp_path / "o.csv")
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr  # no warnings leak on success
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "o.csv", "outdir"]
    out = pd.read_csv(tmp_path / "o.csv")
    assert set(out["node"]) == {f"a{i}" for i in range(6)} | {f"b{i}" for i in range(6)}


def test_a_failed_write_leaves_no_temp_and_the_old_output(tmp_path):
    class Boom:
        columns = ["x"]

    target = tmp_path / "o.csv"
    target.write_text("old\n")
    with pytest.raises(Exception):
        write_csv(Boom(), target)
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


def test_a_closed_stdout_ends_quietly(edges, cli_env, tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core",
            "communities",
            str(edges),
            "--out",
            str(tmp_path / "o.csv"),
            "--stability-seeds",
            "3",
        ],
        cwd=REPO,
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader goes away (`| head -c 0`)
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "BrokenPipe" not in err and "Traceback" not in err and err == "", err
    assert proc.returncode in (0, 141)
    assert (tmp_path / "o.csv").exists()


# ---- user mistakes exit 2 with one line ------------------------------------------------------------


def test_option_ranges_are_checked(edges, run_cli, tmp_path):
    m = tmp_path / "m"
    _one_line(
        run_cli("communities", edges, "--out", tmp_path / "o.csv", "--stability-seeds", "-3"), "--stability-seeds"
    )
    _one_line(run_cli("communities", edges, "--out", tmp_path / "o.csv", "--resolution", "-1"), "--resolution")
    _one_line(run_cli("communities", edges, "--out", tmp_path / "o.csv", "--resolution", "nan"), "--resolution")
    _one_line(
        run_cli(
            "recommend",
            "fit",
            edges,
            "--user",
            "src",
            "--item",
            "dst",
            "--time",
            "weight",
            "--model-dir",
            m,
            "--dropout",
            "2",
        ),
        "--dropout",
    )
    _one_line(run_cli("recommend", "fit", edges, "--model-dir", m, "--epochs", "0"), "--epochs")
    _one_line(run_cli("recommend", "fit", edges, "--model-dir", m, "--hidden", "30", "--heads", "4"), "--heads")
    _one_line(run_cli("recommend", "predict", "--model-dir", m, "--out", tmp_path / "o.csv", "--k", "0"), "--k")
    _one_line(
        run_cli("sentiment", "fit", edges, "--text", "src", "--label", "dst", "--model-dir", m, "--epochs", "0"),
        "--epochs",
    )
    _one_line(
        run_cli("churn", "fit", edges, "--id", "src", "--label", "dst", "--model-dir", m, "--epochs", "0"), "--epochs"
    )
    _one_line(
        run_cli("churn", "fit", edges, "--user", "src", "--time", "dst", "--model-dir", m, "--inactive-days", "-1"),
        "--inactive-days",
    )
    _one_line(run_cli("sample", "--out", tmp_path / "s", "--users", "-5"), "--users")
    assert not m.exists() and not (tmp_path / "o.csv").exists()


def test_graphs_without_a_real_tie_say_so(run_cli, tmp_path):
    loops = tmp_path / "loops.csv"
    pd.DataFrame({"src": ["a", "b", "c"], "dst": ["a", "b", "c"]}).to_csv(loops, index=False)
    _one_line(run_cli("communities", loops, "--out", tmp_path / "o.csv"), "loops.csv", "3 self-loop")
    zero = tmp_path / "zero.csv"
    pd.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "a"], "weight": [0, 0, 0]}).to_csv(zero, index=False)
    _one_line(run_cli("communities", zero, "--out", tmp_path / "o.csv"), "zero.csv", "column 'weight'", "zero-weight")
    assert not (tmp_path / "o.csv").exists()


def test_sentiment_fit_with_only_empty_texts(run_cli, tmp_path):
    f = tmp_path / "empty.csv"
    pd.DataFrame({"text": [""] * 40, "label": ["pos", "neg"] * 20}).to_csv(f, index=False)
    _one_line(
        run_cli("sentiment", "fit", f, "--text", "text", "--label", "label", "--model-dir", tmp_path / "m"),
        "empty.csv",
        "column 'text'",
    )
    assert not (tmp_path / "m").exists()


def test_recommend_fit_where_no_user_has_two_items(run_cli, tmp_path):
    f = tmp_path / "once.csv"
    pd.DataFrame(
        {
            "user_id": [f"u{i}" for i in range(10)],
            "item_id": [f"i{i % 3}" for i in range(10)],
            "ts": pd.date_range("2024-01-01", periods=10, freq="D"),
        }
    ).to_csv(f, index=False)
    _one_line(
        run_cli("recommend", "fit", f, "--model-dir", tmp_path / "m"), "once.csv", "column 'user_id'", "two or more"
    )


def test_neutral_text_is_neutral_in_the_cli_as_vader_reads_it(run_cli, tmp_path):
    """The issue's examples against VADER's own compound and its own +-0.05 rule."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    texts = ["The meeting is at 3 pm.", "This is good.", "This is terrible.", "很好吃"]
    f = tmp_path / "t.csv"
    pd.DataFrame({"text": texts}).to_csv(f, index=False)
    proc = run_cli("sentiment", "predict", f, "--text", "text", "--out", tmp_path / "o.csv")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    with open(tmp_path / "o.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, text in zip(rows[:3], texts):
        c = sia.polarity_scores(text)["compound"]
        assert float(row["score"]) == pytest.approx(c, abs=1e-4)
        assert row["sentiment"] == ("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    assert rows[0]["sentiment"] == "neutral" and rows[1]["sentiment"] == "positive"
    assert float(rows[3]["score"]) > 0 and rows[3]["sentiment"] == "positive"


def test_a_carriage_return_inside_a_cell_stays_inside_it(tmp_path):
    df = pd.DataFrame({"t": ["\r=1+1", "a\rb", "c\nd"], "n": [1, 2, 3]})
    write_csv(df, tmp_path / "o.csv")
    with open(tmp_path / "o.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["t", "n"], ["'\r=1+1", "1"], ["a\rb", "2"], ["c\nd", "3"]]
