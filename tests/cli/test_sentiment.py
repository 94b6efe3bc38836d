"""`python -m core sentiment fit|predict`, run for real in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests import cli_runner

REPO = Path(__file__).resolve().parents[2]

POS_ZH = ["味道很好，下次还点", "送餐很快，好吃", "非常满意，推荐", "分量足，好吃不贵", "很棒，服务好", "好评，很新鲜"]
NEG_ZH = ["太难吃了，退款", "送了两个小时，凉了", "很差，不会再点", "分量太少，失望", "难吃，服务差", "又慢又难吃"]


def _cli(env, *args, timeout=600):
    return cli_runner.run(args, env, cwd=REPO, timeout=timeout)


def test_predict_without_model_uses_the_lexicon_for_each_language(tmp_path, cli_env):
    src = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "body": [
                "I love this app, great job!",
                "Worst update ever, so annoying",
                "太好用了，非常喜欢！",
                "太差了，很失望",
            ],
        }
    ).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    res = _cli(cli_env, "sentiment", "predict", str(src), "--text", "body", "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["id", "body", "sentiment", "score"]
    assert list(df["sentiment"]) == ["positive", "negative", "positive", "negative"]
    assert df["score"].between(-1, 1).all() and df["score"][0] > 0 > df["score"][1]


def test_fit_then_predict_keeps_numeric_label_names(tmp_path, cli_env):
    train = tmp_path / "train.csv"
    texts = (POS_ZH + NEG_ZH) * 3
    labels = [1] * len(POS_ZH) * 1 + [0] * len(NEG_ZH)
    pd.DataFrame({"review": texts, "label": labels * 3}).to_csv(train, index=False, encoding="utf-8-sig")
    model_dir = tmp_path / "model"
    res = _cli(
        cli_env,
        "sentiment",
        "fit",
        str(train),
        "--text",
        "review",
        "--label",
        "label",
        "--model-dir",
        str(model_dir),
        "--epochs",
        "10",
    )
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["labels"] == ["0", "1"]
    assert set(summary["languages"]["zh"]) >= {"attention", "tfidf_lr", "lexicon", "n_train"}
    src = tmp_path / "in.csv"
    pd.DataFrame({"review": POS_ZH + NEG_ZH + ["hello there"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    res = _cli(
        cli_env, "sentiment", "predict", str(src), "--text", "review", "--model-dir", str(model_dir), "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out, dtype={"sentiment": str})
    assert set(df["sentiment"]) <= {"0", "1"}  # the training file's label names, English by lexicon
    truth = ["1"] * len(POS_ZH) + ["0"] * len(NEG_ZH)
    assert (df["sentiment"][:-1] == truth).mean() >= 0.8


def test_bad_input_is_one_line_exit_2(tmp_path, cli_env):
    src = tmp_path / "in.csv"
    pd.DataFrame({"body": ["ok"]}).to_csv(src, index=False)
    res = _cli(cli_env, "sentiment", "predict", str(src), "--text", "nope", "--out", str(tmp_path / "o.csv"))
    assert res.returncode == 2
    assert res.stderr.startswith("error:") and "nope" in res.stderr and res.stderr.count("\n") == 1
    res = _cli(
        cli_env,
        "sentiment",
        "predict",
        str(src),
        "--text",
        "body",
        "--model-dir",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert res.returncode == 2 and "sentiment fit" in res.stderr
    res = _cli(
        cli_env, "sentiment", "fit", str(src), "--text", "body", "--label", "body", "--model-dir", str(tmp_path / "m")
    )
    assert res.returncode == 2 and "label" in res.stderr
    # trainer flags: a budget out of range, or a GPU the machine does not have, is a user error
    import torch

    for flags, word in ((["--max-seconds", "0"], "--max-seconds"), (["--device", "cuda"], "cuda")):
        if flags[-1] == "cuda" and torch.cuda.is_available():
            continue
        res = _cli(
            cli_env,
            "sentiment",
            "fit",
            str(src),
            "--text",
            "body",
            "--label",
            "body",
            "--model-dir",
            str(tmp_path / "m"),
            *flags,
        )
        assert res.returncode == 2 and word in res.stderr and res.stderr.count("\n") == 1, res.stderr
        assert not (tmp_path / "m").exists()


GOOD = ["great app, love it", "works well, very happy", "excellent update, thanks", "nice and fast"]
BAD = ["terrible app, hate it", "awful update, crashes all the time", "worst service ever", "broken and useless"]


def _weekly_posts(seed: int, drop_week: int | None, weeks: int = 16, per_week: int = 60) -> pd.DataFrame:
    """Posts without a community column: each week ~25% negative texts; the planted week ~85%."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-02")  # a Monday: week w starts at start + w weeks
    rows = []
    for w in range(weeks):
        share_bad = 0.85 if w == drop_week else 0.25
        for _ in range(per_week):
            bad = rng.random() < share_bad
            text = (BAD if bad else GOOD)[rng.integers(4)]
            rows.append({"posted": start + pd.Timedelta(days=7 * w + float(rng.uniform(0, 7))), "body": text})
    return pd.DataFrame(rows)


def _main(capsys, *args) -> tuple[int, str, str]:
    """`python -m core ARGS` through its entry point in this process: (exit code, stdout, stderr)."""
    from core.__main__ import main

    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_shifts_found_in_the_whole_site_series_without_a_community_column(tmp_path, capsys):
    posts = _weekly_posts(3, drop_week=11)
    src = tmp_path / "posts.csv"
    posts.to_csv(src, index=False)
    out = tmp_path / "shifts.json"
    code, _, err = _main(capsys, "sentiment", "shifts", src, "--text", "body", "--time", "posted", "--out", out)
    assert code == 0, err
    shifts = json.loads(out.read_text(encoding="utf-8"))["shifts"]
    week = pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=11)
    assert [(s["community"], s["period"], s["direction"]) for s in shifts] == [(None, f"{week:%Y-%m-%d}", "drop")]
    in_week = posts[(posts["posted"] >= week) & (posts["posted"] < week + pd.Timedelta(weeks=1))]
    assert shifts[0]["volume"] == len(in_week)
    assert shifts[0]["mean_score"] < shifts[0]["baseline_mean"] and shifts[0]["z"] < -4
    assert set(shifts[0]["terms"]) & {"terrible", "awful", "worst", "broken", "hate", "crashes", "useless"}
    # the same posts with no planted week: a stable series gives no shift
    _weekly_posts(3, drop_week=None).to_csv(src, index=False)
    code, stdout, err = _main(capsys, "sentiment", "shifts", src, "--text", "body", "--time", "posted", "--out", out)
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8")) == {"shifts": []}
    assert json.loads(stdout)["periods"] == 16


def test_shifts_per_community_and_whole_site_and_bad_time_column(tmp_path, capsys):
    posts = _weekly_posts(5, drop_week=9).assign(forum="a")
    other = _weekly_posts(6, drop_week=None).assign(forum="b")
    src = tmp_path / "posts.csv"
    pd.concat([posts, other]).to_csv(src, index=False)
    out = tmp_path / "shifts.json"
    code, _, err = _main(
        capsys, "sentiment", "shifts", src, "--text", "body", "--time", "posted", "--community", "forum",
        "--freq", "week", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    week = f"{pd.Timestamp('2026-03-02') + pd.Timedelta(weeks=9):%Y-%m-%d}"
    found = {(s["community"], s["period"]) for s in json.loads(out.read_text(encoding="utf-8"))["shifts"]}
    assert ("a", week) in found and not any(c == "b" for c, _ in found)
    code, _, err = _main(capsys, "sentiment", "shifts", src, "--text", "body", "--time", "body", "--out", out)
    assert code == 2 and "body" in err and err.count("\n") == 1, err
