"""Wide A/B summaries (control and treatment side by side, as ASOS Digital Experiments publishes them)
read with no --count/--mean flags, checked against scipy's Welch test and against their long form."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st

from core.__main__ import main
from core.experiments.summary import SummaryColumns, analyze_summary, read_summary
from core.experiments.wide import long_if_wide, pairs

TOL = 1e-6
FLAGS = ["--experiment", "experiment_id", "--metric-column", "metric_id", "--variant", "variant_id", "--time",
         "time_since_start"]  # fmt: skip


def asos_like(seed: int = 3) -> pd.DataFrame:
    """ASOS's published columns: a row per experiment, treatment (variant_id), metric and checkpoint,
    with the control's cumulative figures repeated beside each treatment's."""
    rng = np.random.default_rng(seed)
    rows = []
    for exp, treatments in (("036afc", [1, 2]), ("591c2c", [1])):
        for metric in (1, 2, 4):
            mean, sd = rng.uniform(1, 20), rng.uniform(1, 8)
            for day in (1.0, 2.0, 3.0):
                n_c = int(2000 * day + rng.integers(0, 100))
                m_c, v_c = mean + rng.normal(0, 0.05), sd**2 * rng.uniform(0.9, 1.1)
                for t in treatments:
                    rows.append(
                        {
                            "experiment_id": exp,
                            "variant_id": t,
                            "metric_id": metric,
                            "time_since_start": day,
                            "count_c": n_c,
                            "count_t": int(2000 * day + rng.integers(0, 100)),
                            "mean_c": m_c,
                            "mean_t": mean * (1 + 0.02 * t) + rng.normal(0, 0.05),
                            "variance_c": v_c,
                            "variance_t": sd**2 * rng.uniform(0.9, 1.1),
                        }
                    )
    return pd.DataFrame(rows)


def cli(capsys, *args) -> dict:
    assert main(["abtest", *map(str, args)]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_wide_file_matches_welch_on_the_last_checkpoints(tmp_path, capsys):
    wide = asos_like()
    path = tmp_path / "asos_digital_experiments.csv"
    wide.to_csv(path, index=False)
    out = cli(capsys, path, *FLAGS)
    entries = {(e["experiment"], e["metric"]): e for e in out["experiments"]}
    last = wide[wide["time_since_start"] == wide["time_since_start"].max()]
    assert len(entries) == last[["experiment_id", "metric_id"]].drop_duplicates().shape[0] == 6
    for r in last.itertuples():
        e = entries[(r.experiment_id, str(r.metric_id))]
        variant = next(v for v in e["variants"] if v["name"] == str(r.variant_id))
        ref = st.ttest_ind_from_stats(
            r.mean_t, np.sqrt(r.variance_t), r.count_t, r.mean_c, np.sqrt(r.variance_c), r.count_c, equal_var=False
        )
        assert e["control"] == "control" and e["kind"] == "mean"
        assert variant["n"] == r.count_t and variant["lift"] == pytest.approx(r.mean_t - r.mean_c, abs=TOL)
        assert variant["p_value"] == pytest.approx(ref.pvalue, abs=TOL)
        assert e["decisions"] is not None  # the checkpoints give the peeking-safe decisions
    assert "left_out" not in out


def _long(wide: pd.DataFrame) -> pd.DataFrame:
    """The same summaries in the long shape: one row per variant, the control once per checkpoint."""
    keys = ["experiment_id", "metric_id", "time_since_start"]
    rows = []
    for _, r in wide.iterrows():
        k = {c: r[c] for c in keys}
        control = {**k, "variant_id": "control", "count": r.count_c, "mean": r.mean_c, "variance": r.variance_c}
        if control not in rows:
            rows.append(control)
        rows.append(
            {**k, "variant_id": str(r.variant_id), "count": r.count_t, "mean": r.mean_t, "variance": r.variance_t}
        )
    return pd.DataFrame(rows)


def test_long_and_wide_forms_give_identical_json(tmp_path, capsys):
    wide = asos_like(5)
    (tmp_path / "w").mkdir()
    (tmp_path / "l").mkdir()
    wide.to_csv(tmp_path / "w" / "summary.csv", index=False)
    _long(wide).to_csv(tmp_path / "l" / "summary.csv", index=False)
    got = cli(capsys, tmp_path / "w" / "summary.csv", *FLAGS)
    want = cli(
        capsys, tmp_path / "l" / "summary.csv", *FLAGS, "--count", "count", "--mean", "mean", "--variance", "variance"
    )
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


def test_missing_variances_are_left_out_and_reported(tmp_path, capsys):
    wide = asos_like()
    gone = (wide["experiment_id"] == "591c2c") & (wide["metric_id"] == 2)
    wide.loc[gone, "variance_t"] = np.nan
    path = tmp_path / "asos.csv"
    wide.to_csv(path, index=False)
    out = cli(capsys, path, *FLAGS)
    assert out["left_out"]["rows"] == int(gone.sum()) == 3
    assert out["left_out"]["experiments"] == ["591c2c"]
    assert out["left_out"]["first_rows"] == (np.flatnonzero(gone) + 1).tolist()
    keys = {(e["experiment"], e["metric"]) for e in out["experiments"]}
    assert ("591c2c", "2") not in keys and len(keys) == 5  # not tested, and never as a binary rate
    assert all(e["kind"] == "mean" for e in out["experiments"])


@pytest.mark.parametrize(
    "names",
    [
        {"count": ("control_count", "treatment_count"), "mean": ("control_mean", "treatment_mean"),
         "variance": ("control_variance", "treatment_variance")},
        {"count": ("count_control", "count_treatment"), "mean": ("mean_control", "mean_treatment"),
         "variance": ("variance_control", "variance_treatment")},
        {"count": ("count_a", "count_b"), "mean": ("mean_a", "mean_b"), "variance": ("variance_a", "variance_b")},
        {"count": ("对照组样本量", "实验组样本量"), "mean": ("对照组均值", "实验组均值"), "variance": ("对照组方差", "实验组方差")},
    ],
)  # fmt: skip
def test_every_pair_naming_reads_the_same(names):
    wide = asos_like()
    cols = SummaryColumns(
        variant="variant_id", count="count", mean="mean", variance="variance", experiment="experiment_id",
        metric="metric_id", time="time_since_start",
    )  # fmt: skip
    base = analyze_summary(read_summary(wide, cols))
    renamed = wide.rename(columns={f"{k}_{s}": names[k][i] for k in names for i, s in enumerate("ct")})
    found = pairs(renamed.columns)
    assert sorted(found.values()) == sorted(names.values())
    count = next(b for b, p in found.items() if p == names["count"])
    mean = next(b for b, p in found.items() if p == names["mean"])
    var = next(b for b, p in found.items() if p == names["variance"])
    other = SummaryColumns(
        variant="variant_id", count=count, mean=mean, variance=var, experiment="experiment_id", metric="metric_id",
        time="time_since_start",
    )  # fmt: skip
    again = analyze_summary(read_summary(renamed, other))
    p = lambda exps: [v.p_value for e in exps for r in e.results for v in r.variants]  # noqa: E731
    assert p(again) == p(base)


def test_a_long_file_is_not_wide():
    assert long_if_wide(_long(asos_like()), "variant_id") is None


def test_the_ab_page_reads_a_wide_upload(repo_root, sample_ws, tmp_path):
    from streamlit.testing.v1 import AppTest

    wide = asos_like().rename(
        columns={
            "experiment_id": "experiment",
            "variant_id": "variant",
            "metric_id": "metric",
            "time_since_start": "day",
        }
    )
    last = wide[wide["day"] == 3.0].reset_index(drop=True)
    path = tmp_path / "wide.csv"
    gone = last.assign(variance_c=lambda f: f["variance_c"].where(f.index != 8))  # 591c2c's last row
    gone.drop(columns="day").to_csv(path, index=False)
    at = AppTest.from_file(str(repo_root / "pages" / "ad_ab_results.py"), default_timeout=120)
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, [str(e.value) for e in at.exception]
    assert not at.error, [str(e.value) for e in at.error]
    portfolio = next(d.value for d in at.dataframe if "experiment" in d.value.columns)
    # one row per experiment, metric and treatment (036afc: two treatments, 591c2c one; 3 metrics), less the one left out
    assert len(portfolio) == len(last) - 1 == 8 and set(portfolio["experiment"]) == {"036afc", "591c2c"}
    warned = [str(w.value) for w in at.warning]
    assert "1 rows have no variance on one side and are left out of the tests (experiments: 591c2c)." in warned
