"""`python -m core recommend fit|predict` for real, in subprocesses."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.recommend.recommender import default_train


@pytest.fixture(scope="module")
def small_interactions(sample_dir, tmp_path_factory):
    """The sample's interactions for 300 members, with renamed columns (as a user's export might)."""
    df = pd.read_csv(sample_dir / "interactions.csv")
    users = sorted(df["user_id"].unique())[:300]
    df = df[df["user_id"].isin(users)].rename(columns={"user_id": "member", "item_id": "product", "ts": "when"})
    path = tmp_path_factory.mktemp("reco-cli") / "events.csv"
    df.to_csv(path, index=False)
    return path, df


def test_fit_predict_never_returns_seen_items_and_refit_loads(run_cli, small_interactions, tmp_path):
    path, df = small_interactions
    model_dir = tmp_path / "model"
    fit = run_cli(
        "recommend",
        "fit",
        path,
        "--user",
        "member",
        "--item",
        "product",
        "--time",
        "when",
        "--model-dir",
        model_dir,
        "--epochs",
        "2",
        "--max-len",
        "20",
        "--hidden",
        "32",
        "--lr",
        "0.004",
    )
    assert fit.returncode == 0, fit.stderr
    summary = json.loads(fit.stdout)
    assert summary["users"] == 300 and summary["trained"] is True and summary["epochs_run"] == 2
    assert summary["items"] == df["product"].nunique()
    # trainer flags land in the one nested TrainConfig; the flags not given keep its defaults
    config = json.loads((model_dir / "meta.json").read_text())["config"]
    train = config["recommend"]["train"]
    assert (train["epochs"], train["lr"], train["seed"]) == (2, 0.004, 0)
    assert train["batch_size"] == default_train().batch_size and config["model"]["max_len"] == 20

    out = tmp_path / "recs.csv"
    pred = run_cli("recommend", "predict", "--model-dir", model_dir, "--k", "5", "--out", out)
    assert pred.returncode == 0, pred.stderr
    recs = pd.read_csv(out, dtype=str)
    assert list(recs.columns) == ["user", "item", "rank"]
    assert recs["user"].nunique() == 300 and (recs.groupby("user").size() == 5).all()
    assert recs.groupby("user")["rank"].apply(lambda r: sorted(map(int, r)) == [1, 2, 3, 4, 5]).all()
    seen = set(zip(df["member"].astype(str), df["product"].astype(str)))
    assert not any((u, i) in seen for u, i in zip(recs["user"], recs["item"]))

    again = run_cli(
        "recommend",
        "fit",
        path,
        "--user",
        "member",
        "--item",
        "product",
        "--time",
        "when",
        "--model-dir",
        tmp_path / "model2",
        "--epochs",
        "2",
        "--max-len",
        "20",
        "--hidden",
        "32",
        "--lr",
        "0.004",
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["trained"] is False  # same data + settings: from the cache


def test_bad_input_is_one_line_exit_2(run_cli, small_interactions, tmp_path):
    path, _ = small_interactions
    bad = run_cli("recommend", "fit", path, "--user", "nope", "--model-dir", tmp_path / "m")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "column 'nope'" in bad.stderr and "events.csv" in bad.stderr
    missing = run_cli("recommend", "predict", "--model-dir", tmp_path / "none", "--out", tmp_path / "o.csv")
    assert missing.returncode == 2 and "recommend fit" in missing.stderr
    assert missing.stderr.startswith("error: ") and missing.stderr.count("\n") == 1
