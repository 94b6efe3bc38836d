"""`python -m core abtest` for real: the JSON contract on cookie_cats.csv and bad input."""

from __future__ import annotations

import json

import numpy as np
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


# ---- trust at the edges (issue 24 items 2, 3, 4, 6, 11, 12, 14): through the CLI's entry point -------


def _main(*args):
    """`python -m core ARGS` through core.__main__.main in this process: (exit code, stdout, stderr)."""
    import contextlib
    import io

    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _one_line(code, err, *words):
    assert (code, err.count("\n"), err[:7]) == (2, 1, "error: "), err
    assert all(w in err for w in words), err


def test_an_ambiguous_metric_name_asks_for_its_direction(tmp_path):
    """Before: cost_savings was read as lower-is-better from the substring 'cost' (a +10% rise got
    prob_beat_control 0). Now exit 2 asking; said, the direction and its source come back, and the
    relative interval agrees with the p-value printed beside it (the delta-method test, computed here)."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"variant": np.repeat(["A", "B"], 400)})
    df["cost_savings"] = rng.gamma(2, 5, len(df)) * np.where(df["variant"] == "B", 1.12, 1.0)
    f = tmp_path / "s.csv"
    df.to_csv(f, index=False)
    code, _, err = _main("abtest", f, "--variant", "variant", "--metric", "cost_savings")
    _one_line(code, err, "cost_savings", "--higher-is-better", "--lower-is-better", "savings")
    code, out, err = _main(
        "abtest", f, "--variant", "variant", "--metric", "cost_savings", "--higher-is-better", "cost_savings"
    )
    assert code == 0, err
    res = json.loads(out)
    assert (res["higher_is_better"], res["direction_source"]) == (True, "user")
    b = res["variants"][1]
    x, y = (df.loc[df["variant"] == v, "cost_savings"].to_numpy() for v in "AB")
    assert b["p_value"] == pytest.approx(st.ttest_ind(y, x, equal_var=False).pvalue, rel=1e-9)
    va, vb, ma, mb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y), x.mean(), y.mean()
    se = np.sqrt(vb / ma**2 + mb**2 * va / ma**4)
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    assert b["relative_p_value"] == pytest.approx(2 * st.t.sf(abs(mb / ma - 1) / se, dof), rel=1e-9)
    assert (b["relative_p_value"] < 0.05) == (b["relative_lift_ci_low"] > 0 or b["relative_lift_ci_high"] < 0)
    assert b["prob_beat_control"] > 0.5  # a rise, read as good news
    g = pd.DataFrame({"variant": ["A", "B"] * 3, "churn_rate": [0.1, 0.2, 0.15, 0.25, 0.12, 0.2]})
    g.to_csv(f, index=False)
    code, out, err = _main("abtest", f, "--variant", "variant", "--metric", "churn_rate")
    assert code == 0 and json.loads(out)["direction_source"] == "name" and not json.loads(out)["higher_is_better"]


def test_arms_with_one_unit_or_no_spread_have_a_null_p_and_say_why(tmp_path):
    """Before: lift 0.0, p 1.0, chance to beat 0.5 for an arm of one unit, p 1.0 for two flat arms
    whose means differ (10 vs 10.5). Now: the observed difference, p null, the reason, and warnings
    that name the arm concerned."""
    f = tmp_path / "flat.csv"
    df = pd.DataFrame({"variant": ["A"] * 5 + ["B"] * 5 + ["C"], "m": [10.0] * 5 + [10.5] * 5 + [11.0]})
    df.to_csv(f, index=False)
    code, out, err = _main("abtest", f, "--variant", "variant", "--metric", "m")
    assert code == 0, err
    res = json.loads(out)
    a, b, c = res["variants"]
    means = df.groupby("variant")["m"].mean()
    assert b["lift"] == pytest.approx(means["B"] - means["A"]) and c["lift"] == pytest.approx(means["C"] - means["A"])
    assert (b["p_value"], b["p_value_reason"], b["prob_beat_control"]) == (None, "no_variance", None)
    assert (c["p_value"], c["p_value_reason"], c["prob_beat_control"]) == (None, "too_few_units", None)
    text = " | ".join(res["warnings"])
    assert "C vs A: C has 1 unit" in text and "B vs A: neither arm varies in m (A, B)" in text


def _per_day(tmp_path, over: bool = False):
    rng = np.random.default_rng(4)
    rows = []
    for v, rate in (("A", 0.020), ("B", 0.024)):
        for day in pd.date_range("2026-01-01", periods=3):
            imps = int(rng.integers(90_000, 110_000))
            rows.append({"variant": v, "day": day.date(), "impressions": imps, "clicks": int(rng.binomial(imps, rate))})
    df = pd.DataFrame(rows)
    if over:
        df.loc[4, "clicks"] = df.loc[4, "impressions"] + 1
    f = tmp_path / "per_day.csv"
    df.to_csv(f, index=False)
    return f, df


def test_per_day_ad_rows_are_tested_on_their_summed_impressions(tmp_path):
    """Before: --metric clicks on per-day rows tested n = 3 days per arm (p = 0.34). Now the impressions
    column is the denominator (said in the output): the two-proportion test on the summed counts."""
    f, df = _per_day(tmp_path)
    code, out, err = _main("abtest", f, "--variant", "variant", "--metric", "clicks")
    assert code == 0, err
    res = json.loads(out)
    assert (res["denominator"], res["denominator_source"], res["kind"]) == ("impressions", "guessed", "proportion")
    assert any("share of impressions" in w for w in res["warnings"])
    s = df.groupby("variant")[["clicks", "impressions"]].sum()
    _, p = proportions_ztest(
        [s.loc["B", "clicks"], s.loc["A", "clicks"]], [s.loc["B", "impressions"], s.loc["A", "impressions"]]
    )
    assert res["variants"][1]["p_value"] == pytest.approx(p, rel=1e-9) and p < 0.001
    assert [v["n"] for v in res["variants"]] == s["impressions"].tolist()
    code, out, err = _main("abtest", f, "--variant", "variant", "--metric", "clicks", "--denominator", "none")
    assert code == 0 and [v["n"] for v in json.loads(out)["variants"]] == [3, 3]
    f, _ = _per_day(tmp_path, over=True)
    code, _, err = _main("abtest", f, "--variant", "variant", "--metric", "clicks")
    _one_line(code, err, "clicks", "impressions", "row 5")


def test_portfolio_decisions_rest_on_the_corrected_p(tmp_path):
    """Every treatment of `abtest --experiment` carries the portfolio decision and the p it rests on:
    BH over the file (statsmodels here); no ship/stop above alpha; a broken split is never shipped."""
    from statsmodels.stats.multitest import multipletests

    from tests.experiments.test_trust import _portfolio

    f = tmp_path / "portfolio.csv"
    _portfolio(seed=9, experiments=20).to_csv(f, index=False)
    args = ("--variant", "variant", "--count", "n", "--mean", "mean", "--sd", "sd")
    code, out, err = _main("abtest", f, *args, "--experiment", "experiment", "--metric-column", "metric")
    assert code == 0, err
    treat = [
        {**v, "srm": e["srm_mismatch"]}
        for e in json.loads(out)["experiments"]
        for v in e["variants"]
        if not v["is_control"]
    ]
    _, want, _, _ = multipletests([t["p_value"] for t in treat], method="fdr_bh")
    np.testing.assert_allclose([t["decision_p_value"] for t in treat], want, rtol=1e-10)
    assert {t["decision_basis"] for t in treat} == {"p_value_fdr"}
    decided = [t for t in treat if t["decision"] in ("ship", "stop_for_harm")]
    assert decided and all(t["decision_p_value"] < 0.05 for t in decided)
    assert any(t["srm"] for t in treat) and all(t["decision"] == "check_split" for t in treat if t["srm"])


def test_campaigns_are_compared_descriptively(tmp_path, shared_datasets):
    """Before: KAG compared by campaign got a sample-ratio-mismatch verdict. Campaigns were never a
    randomised split: descriptive rates (the file's own sums), no tests, no SRM; --randomised says otherwise."""
    path = shared_datasets / "fb_ad_conversion" / "KAG_conversion_data.csv"
    args = ("abtest", path, "--variant", "xyz_campaign_id", "--metric", "Clicks")
    code, out, err = _main(*args)
    assert code == 0, err
    res = json.loads(out)
    assert (res["randomised"], res["srm_p_value"], res["denominator"]) == (False, None, "Impressions")
    df = pd.read_csv(path)
    s = df.groupby("xyz_campaign_id")[["Clicks", "Impressions"]].sum()
    for v in res["variants"]:
        assert v["mean"] == pytest.approx(s.loc[int(v["name"]), "Clicks"] / s.loc[int(v["name"]), "Impressions"])
        assert v["p_value"] is None and v["prob_beat_control"] is None
    code, out, _ = _main(*args, "--randomised")
    assert code == 0 and json.loads(out)["srm_mismatch"] is True


@pytest.fixture()
def ad_workspace(tmp_path):
    """A workspace whose ad_events are per-day rows (no user_id), one with a NULL click count."""
    rows = ["variant,date,impressions,clicks,campaign"]
    rng = np.random.default_rng(2)
    for v, rate in (("A", 0.020), ("B", 0.024)):
        for d in range(1, 6):
            imps = int(rng.integers(40_000, 60_000))
            clicks = "" if (v, d) == ("B", 3) else str(int(rng.binomial(imps, rate)))
            rows.append(f"{v},2026-01-0{d},{imps},{clicks},c{d % 2}")
    f = tmp_path / "ads.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    code, _, err = _main("ingest", f, "--table", "ad_events", "--workspace", ws)
    assert code == 0, err
    return ws, pd.read_csv(f)


def test_aggregate_ab_denominator_nulls_and_text_metrics(ad_workspace, tmp_path):
    """Before: no --denominator (clicks tested per row), NULL clicks dropped without a word, a text
    metric exited 1 with DuckDB's ConversionException. Now: the share of impressions (the summed
    counts' z-test, as abtest), a warning counting the NULL rows, and exit 2 in one line."""
    ws, df = ad_workspace
    out_csv = tmp_path / "a.csv"
    code, out, err = _main("aggregate", "ab", "--workspace", ws, "--metric", "clicks", "--out", out_csv)
    assert code == 0 and err == "", err
    res = json.loads(out)
    assert (res["denominator"], res["denominator_source"]) == ("impressions", "guessed")
    known = df.dropna(subset=["clicks"])
    s = known.groupby("variant")[["clicks", "impressions"]].sum()
    _, p = proportions_ztest(
        [s.loc["B", "clicks"], s.loc["A", "clicks"]], [s.loc["B", "impressions"], s.loc["A", "impressions"]]
    )
    assert res["variants"][1]["p_value"] == pytest.approx(p, rel=1e-9)
    assert any(w.startswith(f"{df['clicks'].isna().sum()} units without a value") for w in res["warnings"])
    code, out, _ = _main(
        "aggregate", "ab", "--workspace", ws, "--metric", "clicks", "--denominator", "none", "--out", out_csv
    )
    assert code == 0 and json.loads(out)["variants"][0]["n"] == known["variant"].eq("A").sum()
    code, _, err = _main("aggregate", "ab", "--workspace", ws, "--metric", "campaign", "--out", out_csv)
    _one_line(code, err, "campaign", "numbers", "c0")


@pytest.mark.slow
def test_spark_user_mistakes_are_one_line(run_cli, ad_workspace, tmp_path):
    """Before: a master Spark cannot use gave Py4JJavaError / the gateway's RuntimeError, exit 1.
    Now exit 2, one line, no Spark log."""
    import shutil

    if shutil.which("java") is None:
        pytest.skip("no Java: `make test` installs openjdk-17-jre-headless")
    ws, _ = ad_workspace
    spark = ("--engine", "spark", "--out", tmp_path / "a.csv")
    proc = run_cli("aggregate", "ab", "--workspace", ws, "--metric", "clicks", *spark, "--spark-master", "nowhere://x")
    _one_line(proc.returncode, proc.stderr, "--spark-master nowhere://x")
    # (a text metric on a working Spark is the same check before any cast, `sql.ab_checks`, as on DuckDB
    # in test_aggregate_ab_denominator_nulls_and_text_metrics; a local Spark session costs 10-100 s here)
