"""`python -m core abtest` for real: the JSON contract on cookie_cats.csv and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

KEYS = {"name", "n", "mean", "ci_low", "ci_high", "lift", "lift_ci_low", "lift_ci_high", "p_value",
        "prob_beat_control"}


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
    rows = ["grp,conv,pre"] + [f"{g},{'yes' if (i * 7 + (g == 'T')) % 5 == 0 else 'no'},{i % 13}"
                               for i in range(400) for g in ("C", "T")]
    f = tmp_path / "words.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "grp", "--metric", "conv", "--control", "T", "--covariate", "pre")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["control"] == "T" and out["covariate"] == "pre" and out["variants"][0]["name"] == "T"


@pytest.mark.parametrize("content,args,message", [
    ("v,m\nA,1\nA,0\n", [], "at least two variants, found only 'A'"),
    ("v,m\nA,1\nB,0\n", ["--control", "Z"], "control 'Z' is not a variant"),
    ("v,m\nA,1\nB,lots\n", [], "column 'm'"),
    ("v,m\nA,1\nB,\nA,0\n", [], "variant 'B' has no values"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path, content, args, message):
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    proc = run_cli("abtest", f, "--variant", "v", "--metric", "m", *args)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1
    assert proc.stdout == ""

