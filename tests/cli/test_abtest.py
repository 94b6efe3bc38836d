"""`python -m core abtest` for real: the JSON contract on cookie_cats.csv and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import proportions_ztest

KEYS = {"name", "n", "mean", "ci_low", "ci_high", "lift", "lift_ci_low", "lift_ci_high", "p_value", "prob_beat_control"}


def test_cookie_cats_json_contract(run_cli, shared_datasets):
    path = shared_datasets / "cookie_cats" / "cookie_cats.csv"
    proc = run_cli("abtest", path, "--variant", "version", "--metric", "retention_7")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["metric"] == "retention_7" and out["control"] == "gate_30"
    assert out["srm_p_value"] == pytest.approx(0.0086, abs=5e-4)
    control, treat = out["variants"]
    assert KEYS <= set(control) and KEYS <= set(treat)
    assert (control["name"], control["n"], treat["n"]) == ("gate_30", 44700, 45489)
    assert control["lift"] is None and control["p_value"] is None
    df = pd.read_csv(path)
    x = df.groupby("version")["retention_7"].sum()
    _, p = proportions_ztest([x["gate_40"], x["gate_30"]], [45489, 44700])
    assert treat["p_value"] == pytest.approx(p, abs=1e-6)
    assert treat["lift"] == pytest.approx(x["gate_40"] / 45489 - x["gate_30"] / 44700, abs=1e-9)
    assert 0 <= treat["prob_beat_control"] < 0.01


def test_control_covariate_and_words(run_cli, tmp_path):
    rows = ["grp,conv,pre"] + [
        f"{g},{'yes' if (i * 7 + (g == 'T')) % 5 == 0 else 'no'},{i % 13}" for i in range(400) for g in ("C", "T")
    ]
    f = tmp_path / "words.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "grp", "--metric", "conv", "--control", "T", "--covariate", "pre")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["control"] == "T" and out["covariate"] == "pre" and out["variants"][0]["name"] == "T"


@pytest.mark.parametrize(
    "content,args,message",
    [
        ("v,m\nA,1\nA,0\n", [], "at least two variants, found only 'A'"),
        ("v,m\nA,1\nB,0\n", ["--control", "Z"], "control 'Z' is not a variant"),
        ("v,m\nA,1\nB,lots\n", [], "column 'm'"),
        ("v,m\nA,1\nB,\nA,0\n", [], "variant 'B' has no values"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path, content, args, message):
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "v", "--metric", "m", *args)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1
    assert proc.stdout == ""


def test_count_rows_are_proportions(run_cli, tmp_path):
    """Issue 11: one row per variant with impressions and clicks is a two-proportion test."""
    f = tmp_path / "ads.csv"
    f.write_text("variant,impressions,clicks\nA,1000,50\nB,1000,80\n", encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "variant", "--metric", "clicks", "--denominator", "impressions")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    treat = json.loads(proc.stdout)["variants"][1]
    _, p = proportions_ztest([80, 50], [1000, 1000])
    assert treat["lift"] == pytest.approx(0.03, abs=1e-12) and treat["p_value"] == pytest.approx(p, abs=1e-6)
    assert treat["prob_beat_control"] > 0.99


def _summary_file(tmp_path, shared_datasets):
    df = pd.read_csv(shared_datasets / "cookie_cats" / "cookie_cats.csv")
    rows = []
    for exp, frame in (("full", df), ("half", df.iloc[::2])):
        for v, g in frame.groupby("version"):
            x = g["sum_gamerounds"].astype(float)
            rows.append({"exp": exp, "version": v, "users": len(x), "avg": x.mean(), "sd": x.std(ddof=1)})
    f = tmp_path / "summary.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    return f, pd.DataFrame(rows)


def test_summary_json_with_and_without_experiments(run_cli, tmp_path, shared_datasets):
    f, rows = _summary_file(tmp_path, shared_datasets)
    one = tmp_path / "one.csv"
    rows[rows["exp"] == "full"].drop(columns="exp").to_csv(one, index=False)
    proc = run_cli("abtest", one, "--variant", "version", "--count", "users", "--mean", "avg", "--sd", "sd")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["control"] == "gate_30" and {"relative_lift", "relative_lift_ci_low", "relative_lift_ci_high"} <= set(
        out["variants"][1]
    )
    g = rows[rows["exp"] == "full"].set_index("version")
    ref = st.ttest_ind_from_stats(
        g.loc["gate_40", "avg"],
        g.loc["gate_40", "sd"],
        g.loc["gate_40", "users"],
        g.loc["gate_30", "avg"],
        g.loc["gate_30", "sd"],
        g.loc["gate_30", "users"],
        equal_var=False,
    )
    assert out["variants"][1]["p_value"] == pytest.approx(ref.pvalue, abs=1e-6)
    proc = run_cli(
        "abtest", f, "--variant", "version", "--count", "users", "--mean", "avg", "--sd", "sd", "--experiment", "exp"
    )
    assert proc.returncode == 0, proc.stderr
    exps = json.loads(proc.stdout)["experiments"]
    assert [e["experiment"] for e in exps] == ["full", "half"]
    assert exps[0]["variants"][1]["p_value"] == pytest.approx(ref.pvalue, abs=1e-6)


@pytest.mark.parametrize(
    "content,args,message",
    [
        ("v,n,mean\nA,100,0.1\nB,-100,0.2\n", [], "column 'n', row 2: counts must not be negative"),
        ("v,n,mean\nA,100,0.1\nB,100,2.5\n", [], "must lie in [0, 1]"),
        ("v,n,mean\nA,100,0.1\nB,100,0.2\n", ["--control", "Z"], "the control 'Z' is missing"),
        ("v,n,mean\nA,100,0.1\nA,100,0.2\n", [], "duplicate rows"),
        ("v,n,mean\nA,100,0.1\nB,100,0.2\n", ["--covariate", "n"], "need unit rows"),
    ],
)
def test_bad_summary_is_one_line_and_exit_2(run_cli, tmp_path, content, args, message):
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "v", "--count", "n", "--mean", "mean", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    err = proc.stderr.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def test_summary_checkpoints_name_the_safe_decision(run_cli, tmp_path):
    import numpy as np

    rng = np.random.default_rng(3)
    rows = ["day,arm,users,orders"]
    for arm, p in (("control", 0.10), ("new", 0.14)):
        n = rng.poisson(400, 10).cumsum()
        conv = rng.binomial(np.diff(n, prepend=0), p).cumsum()
        rows += [f"2024-06-{d + 1:02d},{arm},{n[d]},{conv[d]}" for d in range(10)]
    f = tmp_path / "cp.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "arm", "--count", "users", "--conversions", "orders", "--time", "day")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    last = {r.split(",")[1]: r.split(",") for r in rows[1:] if r.startswith("2024-06-10")}
    assert out["variants"][1]["n"] == int(last["new"][2])
    (decision,) = out["decisions"]
    assert decision["variant"] == "new" and decision["sequential_checkpoint"].startswith("2024-06-")
    assert decision["sequential_checkpoint"] >= decision["fixed_checkpoint"]


def test_metric_direction_from_the_name_or_the_flags(run_cli, tmp_path, shared_datasets):
    # cookie_cats: gate_40 retains fewer players at day 7. Read as a loss metric (the analyst says
    # so) gate_40 is then the better variant: chance to beat control flips
    path = shared_datasets / "cookie_cats" / "cookie_cats.csv"
    args = ("abtest", path, "--variant", "version", "--metric", "retention_7")
    plain, flipped = run_cli(*args), run_cli(*args, "--lower-is-better", "retention_7")
    assert plain.returncode == flipped.returncode == 0, flipped.stderr
    a, b = json.loads(plain.stdout), json.loads(flipped.stdout)
    assert a["higher_is_better"] is True and b["higher_is_better"] is False
    assert a["variants"][1]["prob_beat_control"] < 0.01 and b["variants"][1]["prob_beat_control"] > 0.99
    assert a["variants"][1]["p_value"] == b["variants"][1]["p_value"]  # the test itself is the same
    # summaries: a cost per order is lower-is-better by its name; --higher-is-better overrides it
    f = tmp_path / "cost.csv"
    f.write_text("variant,n,mean,sd\nA,4000,10,5\nB,4000,9,5\n", encoding="utf-8")
    cols = ("--count", "n", "--mean", "mean", "--sd", "sd")
    guessed = run_cli("abtest", f, "--variant", "variant", *cols)
    assert guessed.returncode == 0, guessed.stderr
    assert json.loads(guessed.stdout)["higher_is_better"] is True  # the metric is the column 'mean'
    g = tmp_path / "cost_per_order.csv"
    g.write_text("variant,n,cost_per_order,sd\nA,4000,10,5\nB,4000,9,5\n", encoding="utf-8")
    cols = ("--count", "n", "--mean", "cost_per_order", "--sd", "sd")
    out = json.loads(run_cli("abtest", g, "--variant", "variant", *cols).stdout)
    assert out["higher_is_better"] is False and out["variants"][1]["prob_beat_control"] > 0.99
    told = run_cli("abtest", g, "--variant", "variant", *cols, "--higher-is-better", "cost_per_order")
    assert json.loads(told.stdout)["higher_is_better"] is True
    # a name that is no metric is a user error, not a silent guess
    typo = run_cli("abtest", g, "--variant", "variant", *cols, "--lower-is-better", "cost_per_ordr")
    assert typo.returncode == 2 and len(typo.stderr.strip().splitlines()) == 1
    assert "cost_per_ordr" in typo.stderr and "cost_per_order" in typo.stderr
