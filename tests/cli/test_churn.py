"""`python -m core churn fit|predict` for real: Telco snapshot, CDNOW event log, and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def telco_small(shared_datasets, tmp_path_factory):
    df = pd.read_csv(shared_datasets / "telco_churn" / "Telco-Customer-Churn.csv", dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("telco") / "telco.csv"
    df.head(800).to_csv(path, index=False)
    return path


def _one_line_error(proc, *words):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_snapshot_fit_and_predict(run_cli, telco_small, tmp_path):
    model_dir = tmp_path / "model"
    proc = run_cli(
        "churn", "fit", telco_small, "--id", "customerID", "--label", "Churn", "--model-dir", model_dir, "--epochs", "2"
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["users"] == 800 and summary["mode"] == "snapshot"
    assert set(summary["metrics"]) == {"churn_transformer", "logistic_regression", "gradient_boosting"}
    assert summary["metrics"]["churn_transformer"]["auc"] > 0.75
    src = pd.read_csv(telco_small, dtype=str).head(50).drop(columns=["Churn"])  # new rows need no label
    infile = tmp_path / "new.csv"
    src.to_csv(infile, index=False)
    out = tmp_path / "scores.csv"
    proc = run_cli("churn", "predict", infile, "--id", "customerID", "--model-dir", model_dir, "--out", out)
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_csv(out, dtype={"id": str})
    assert list(scores.columns) == ["id", "churn_probability"]
    assert scores["id"].tolist() == src["customerID"].tolist()
    assert scores["churn_probability"].between(0, 1).all()
    # month-to-month customers are riskier than two-year contracts, as in the data
    by_contract = scores.set_index("id")["churn_probability"].groupby(src.set_index("customerID")["Contract"]).mean()
    assert by_contract["Month-to-month"] > by_contract["Two year"]
    # an event-log model dir cannot score snapshot input and vice versa
    proc = run_cli(
        "churn", "predict", infile, "--user", "customerID", "--time", "tenure", "--model-dir", model_dir, "--out", out
    )
    _one_line_error(proc, "snapshot", "--id")


def test_event_log_fit_and_predict(run_cli, shared_datasets, tmp_path):
    df = pd.read_csv(shared_datasets / "cdnow" / "CDNOW_master.txt", sep=r"\s+", dtype={"customer_id": str})
    small = df[df["customer_id"].astype(int) <= 2000]
    path = tmp_path / "cdnow.csv"
    small.to_csv(path, index=False)
    model_dir = tmp_path / "m"
    proc = run_cli(
        "churn",
        "fit",
        path,
        "--user",
        "customer_id",
        "--time",
        "date",
        "--cutoff",
        "1997-09-30",
        "--inactive-days",
        "180",
        "--model-dir",
        model_dir,
        "--epochs",
        "2",
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["cutoff"] == "1997-09-30" and summary["inactive_days"] == 180
    assert summary["users"] == small["customer_id"].nunique()  # all joined in Q1 1997
    bought_after = small[(small["date"] > 19970930) & (small["date"] <= 19980329)]["customer_id"].nunique()
    assert summary["churn_rate"] == pytest.approx(1 - bought_after / summary["users"])
    out = tmp_path / "scores.csv"
    proc = run_cli(
        "churn", "predict", path, "--user", "customer_id", "--time", "date", "--model-dir", model_dir, "--out", out
    )
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_csv(out, dtype={"id": str})
    assert len(scores) == small["customer_id"].nunique()
    assert scores["churn_probability"].between(0, 1).all()


def test_bad_input_is_one_line(run_cli, telco_small, tmp_path):
    m = tmp_path / "m"
    _one_line_error(
        run_cli("churn", "fit", telco_small, "--id", "customerID", "--label", "Nope", "--model-dir", m), "Nope"
    )
    _one_line_error(
        run_cli("churn", "fit", telco_small, "--id", "customerID", "--label", "gender", "--model-dir", m),
        "gender",
        "rows 2, 3",
    )
    _one_line_error(run_cli("churn", "fit", telco_small, "--id", "customerID", "--model-dir", m), "--label")
    _one_line_error(
        run_cli("churn", "fit", telco_small, "--id", "x", "--user", "y", "--time", "z", "--model-dir", m), "not both"
    )
    _one_line_error(
        run_cli("churn", "fit", tmp_path / "absent.csv", "--id", "a", "--label", "b", "--model-dir", m), "not found"
    )
    _one_line_error(
        run_cli("churn", "predict", telco_small, "--id", "customerID", "--model-dir", m, "--out", tmp_path / "o.csv"),
        "no churn model",
    )
    _one_line_error(
        run_cli("churn", "fit", telco_small, "--user", "customerID", "--time", "gender", "--model-dir", m), "gender"
    )


# ---- a model no better than chance or than its baseline says so (issue 24 item 8) --------------------


def _users(n: int, seed: int, churn) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 100, n)
    df = pd.DataFrame({"id": [f"u{i}" for i in range(n)], "tenure": tenure, "spend": rng.gamma(2.0, 30.0, n).round(2)})
    df["churn"] = np.where(churn(tenure, rng), "Yes", "No")
    return df


class _Run:
    """`python -m core ARGS` through its entry point in this process (saves the interpreter start)."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.mark.slow
def test_a_model_no_better_than_chance_or_its_baseline_says_so_and_the_best_scores(capsys, tmp_path):
    import numpy as np
    from scipy.stats import mannwhitneyu

    from core.__main__ import main

    def run_cli(*args):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return _Run(code, out.out, out.err)

    # few churners, unrelated to anything: no model can beat chance, and the CLI says so
    noise = tmp_path / "noise.csv"
    _users(1500, 1, lambda t, rng: rng.random(len(t)) < 0.02).to_csv(noise, index=False)
    model_dir = tmp_path / "noise_model"
    proc = run_cli("churn", "fit", noise, "--id", "id", "--label", "churn", "--model-dir", model_dir, "--epochs", "2")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    assert any("No model is better than chance" in w for w in warnings), proc.stderr
    assert warnings == [f"warning: {n}" for n in summary["notes"]]
    assert summary["scorer"] == "churn_transformer"  # no switching between models that all guess
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert [n["text"] for n in meta["config"]["notes"]] == summary["notes"]
    assert meta["config"]["scorer"] == summary["scorer"]

    # churn only in a middle band of tenure: trees find it, a linear start cannot; the trees score
    band = tmp_path / "band.csv"
    users = _users(1200, 2, lambda t, rng: (t > 40) & (t < 60))
    users.to_csv(band, index=False)
    model_dir = tmp_path / "band_model"
    proc = run_cli("churn", "fit", band, "--id", "id", "--label", "churn", "--model-dir", model_dir, "--epochs", "1")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    aucs = {m: v["auc"] for m, v in summary["metrics"].items()}
    assert aucs["gradient_boosting"] > aucs["churn_transformer"]
    assert summary["scorer"] == "gradient_boosting"
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["config"]["scorer"] == "gradient_boosting"
    assert any("no better than its baseline, gradient boosting" in n for n in summary["notes"]), summary
    assert (model_dir / "baseline.skops").is_file() and "baseline.skops" in meta["files"]
    assert "warning: Churn probabilities come from the gradient boosting model" in proc.stderr
    out = tmp_path / "scores.csv"
    proc = run_cli("churn", "predict", band, "--id", "id", "--model-dir", model_dir, "--out", out)
    assert proc.returncode == 0, proc.stderr
    p = pd.read_csv(out)["churn_probability"].to_numpy()
    y = (users["churn"] == "Yes").to_numpy()
    # the scores written rank the band's users first, as the chosen model did on the held-out rows
    auc = mannwhitneyu(p[y], p[~y]).statistic / (y.sum() * (~y).sum())
    assert auc > 0.9 and aucs[summary["scorer"]] > 0.9
    assert np.isfinite(p).all()
