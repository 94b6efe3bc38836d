"""AppTest of pages/ad_ab_results.py on the sample workspace and on uploaded public CSVs."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/ad_ab_results.py"


def _page(repo_root) -> AppTest:
    return AppTest.from_file(str(repo_root / PAGE), default_timeout=120)


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _frame_with(at: AppTest, column: str):
    """The first st.dataframe showing `column` (AppTest cannot look dataframes up by key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _shown(at: AppTest, column: str):
    """The cells of that table as the reader sees them (the Styler's display values)."""
    from streamlit import dataframe_util

    el = next(d for d in at.dataframe if column in d.value.columns)
    return dataframe_util.convert_arrow_bytes_to_pandas_df(el.proto.arrow_data.styler.display_values)


def test_sample_workspace_finds_planted_winner_and_segment(repo_root, sample_ws, ground_truth):
    at = _page(repo_root)
    at.run()
    assert not at.exception, _texts(at.exception)
    truth = ground_truth["ad"]
    assert any(f"Winner: {truth['lift_variant']}" in s for s in _texts(at.success))
    table = _frame_with(at, "variant")
    assert list(table["variant"]) == truth["variants"] and table["n"].sum() == ground_truth["users"]
    # segment heatmap drawn for age_group, one of the guessed segment columns
    at.selectbox(key="ab_segment").set_value(truth["segment"]["column"]).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 3  # timeline, funnel, heatmap, power
    shown = _shown(at, "variant")  # the control row reads blank, never None/nan; nothing is left out
    assert (shown.iloc[0][["lift vs control", "p-value", "expected loss"]] == "").all()
    assert not shown.isin(["None", "nan", "NaN"]).any().any() and "p (sequential)" in shown
    at.selectbox(key="ab_time").select_index(0).run()  # no time column: no sequential p-value to explain
    assert "p (sequential)" not in _frame_with(at, "variant") and not at.exception
    at.selectbox(key="lang").set_value("zh").run()
    assert not at.exception and at.title[0].value == "广告 A/B 实验结果"
    assert any("胜出：B" in s for s in _texts(at.success))


def _upload(at: AppTest, path) -> AppTest:
    at.run()
    at.radio(key="ab_source").set_value("upload").run()
    at.file_uploader(key="ab_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    return at


def test_cookie_cats_upload_shows_mild_srm_calmly(repo_root, sample_ws, shared_datasets):
    at = _upload(_page(repo_root), shared_datasets / "cookie_cats" / "cookie_cats.csv")
    assert not at.exception, _texts(at.exception)
    assert not at.error  # p = 0.009 is not an alarm
    assert any("Mild imbalance" in c for c in _texts(at.caption))
    assert any("No winner yet" in s for s in _texts(at.info))  # retention_1: p = 0.074
    table = _frame_with(at, "variant")
    assert list(table["n"]) == [44700, 45489]
    at.selectbox(key="ab_metric").set_value("retention_7").run()
    assert any("No variant beats control" in w for w in _texts(at.warning))
    # one player with 49,854 rounds: a warning, and capping at the 99th percentile on request
    at.selectbox(key="ab_metric").set_value("sum_gamerounds").run()
    warnings = [w.replace("\\", "") for w in _texts(at.warning)]  # markdown escapes of the file's names
    assert any("Heavy outliers in sum_gamerounds" in w and "49,854" in w for w in warnings)
    raw_mean = _frame_with(at, "variant").iloc[0]["sum_gamerounds"]
    at.checkbox(key="ab_cap").check().run()
    assert not at.exception and any("Capped analysis" in i for i in _texts(at.info))
    assert any("capped at the 99th percentile" in h for h in _texts(at.subheader))
    assert _frame_with(at, "variant").iloc[0]["sum_gamerounds"] < raw_mean
    # no interactions for these players: the response model says so instead of training
    at.toggle(key="ab_show_model").set_value(True).run()
    assert not at.exception and any("No user history" in i for i in _texts(at.info))


def test_kag_upload_funnel_and_unrandomised_groups(repo_root, sample_ws, shared_datasets):
    at = _upload(_page(repo_root), shared_datasets / "fb_ad_conversion" / "KAG_conversion_data.csv")
    assert not at.exception, _texts(at.exception)
    assert at.selectbox(key="ab_variant").value == "xyz_campaign_id"
    assert at.selectbox(key="ab_metric").value == "CTR"
    # campaigns were never a randomised split: descriptive, one line of caveat, no SRM verdict, no tests
    assert at.checkbox(key="ab_randomised:xyz_campaign_id").value is False
    assert not at.error and any("Not a randomised split" in i for i in _texts(at.info))
    shown = _shown(at, "variant")
    assert "p-value" not in shown.columns and "p (Holm)" not in shown.columns
    # CTR ~ 0.018%: shown with enough significant digits, never 0.0% [0.000, 0.000]
    import pandas as pd

    raw = pd.read_csv(shared_datasets / "fb_ad_conversion" / "KAG_conversion_data.csv")
    sums = raw.groupby("xyz_campaign_id")[["Clicks", "Impressions"]].sum()
    ctr = (sums["Clicks"] / sums["Impressions"]).rename(index=str)
    for _, row in shown.iterrows():
        mean_text, ci_text = row.iloc[2], row.iloc[3]
        assert float(mean_text.rstrip("%")) / 100 == pytest.approx(ctr[row["variant"]], rel=0.05), mean_text
        low, high = (float(x.strip(" %")) for x in ci_text.strip("[]").split(","))
        assert 0 < low < float(mean_text.rstrip("%")) < high, ci_text
    funnel = _frame_with(at, "Impressions")  # the file's own column names
    assert funnel["Impressions"].sum() == pytest.approx(213_434_828)  # README totals
    assert funnel["Clicks"].sum() == pytest.approx(38_165)
    # said to be randomised, three campaigns of very different sizes fail the SRM check
    at.checkbox(key="ab_randomised:xyz_campaign_id").check().run()
    assert any("Test unhealthy" in e for e in _texts(at.error))
    at.checkbox(key="ab_check_srm").uncheck().run()
    assert not at.exception and not at.error


def test_per_variant_count_rows_upload_is_a_proportion_test(repo_root, sample_ws, tmp_path):
    """Issue 11 in the page: ad_events as one row per variant and day with impressions and clicks."""
    from statsmodels.stats.proportion import proportions_ztest

    from core.viz.format import fmt_p

    f = tmp_path / "daily_ads.csv"
    f.write_text(
        "variant,date,impressions,clicks\nA,2024-01-01,500,20\nB,2024-01-01,500,35\n"
        "A,2024-01-02,500,30\nB,2024-01-02,500,45\n",
        encoding="utf-8",
    )
    at = _upload(_page(repo_root), f)
    assert not at.exception, _texts(at.exception)
    assert at.selectbox(key="ab_metric").value == "CTR"
    table = _frame_with(at, "variant")
    _, p = proportions_ztest([80, 50], [1000, 1000])
    assert list(table["n"]) == [1000, 1000] and table["p-value"].iloc[1] == fmt_p(p)  # to 1e-6: tests/experiments
    assert not at.error


def _summary_csv(path, experiments: int = 3, seed: int = 2):
    """A platform export: experiments x metrics (a conversion rate and revenue) x variants."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    rows = []
    for e in range(experiments):
        for v in ("control", "B", "C"):
            n = int(rng.integers(4000, 4400))
            lift = 0.03 if (e == 0 and v == "B") else 0.0
            rows.append(
                {
                    "experiment_id": f"exp-{e}",
                    "metric": "conversion",
                    "variant": v,
                    "users": n,
                    "mean": rng.binomial(n, 0.1 + lift) / n,
                    "std": "",
                }
            )
            x = rng.gamma(2.0, 5.0, n)
            rows.append(
                {
                    "experiment_id": f"exp-{e}",
                    "metric": "revenue",
                    "variant": v,
                    "users": n,
                    "mean": x.mean(),
                    "std": x.std(ddof=1),
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_summary_upload_portfolio_to_detail_forest(repo_root, sample_ws, tmp_path):
    path = _summary_csv(tmp_path / "platform_export.csv")
    at = _page(repo_root)
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, _texts(at.exception)
    portfolio = _frame_with(at, "experiment")
    assert len(portfolio) == 3 * 2 * 2 and set(portfolio["experiment"]) == {"exp-0", "exp-1", "exp-2"}
    assert "p (FDR)" in portfolio.columns and "decision" in portfolio.columns
    at.selectbox(key="ab_sum_open").set_value("exp-0").run()
    assert not at.exception, _texts(at.exception)
    detail = _frame_with(at, "guardrail")
    assert len(detail) == 2 * 3  # metric x variant, control rows included
    control = detail[detail["variant"] == "control"]
    assert (control["lift vs control"] == "").all() and not _shown(at, "guardrail").isin(["None", "nan"]).any().any()
    forest = json.loads(at.get("plotly_chart")[0].proto.spec)
    ys = {y for trace in forest["data"] for y in trace.get("y", [])}
    assert ys == {f"{m} · {v}" for m in ("conversion", "revenue") for v in ("B", "C")}
    assert len(at.get("plotly_chart")) == 3  # forest plot, means chart, power curve (in an expander)
    assert any("minimum detectable effect" in m.value for m in at.markdown)
    # another control, picked from the file's variant names, reorders every comparison
    control_box = next(b for b in at.selectbox if b.key.startswith("ab_sum_control:"))
    assert control_box.options[1:] == ["B", "C", "control"]
    control_box.set_value("B").run()
    assert not at.exception, _texts(at.exception)
    detail = _frame_with(at, "guardrail")
    assert (detail.loc[detail["lift vs control"] == "", "variant"] == "B").all()
    assert (detail["lift vs control"] == "").sum() == 2
    at.selectbox(key="lang").set_value("zh").run()
    assert not at.exception and any("个实验" in s for s in _texts(at.subheader))


def test_summary_checkpoints_say_when_peeking_was_safe(repo_root, sample_ws, tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(8)
    rows = []
    for exp, lift in (("pricing", 0.03), ("onboarding", 0.0)):
        for v, p in (("control", 0.10), ("treatment", 0.10 + lift)):
            n = rng.poisson(500, 14)
            conv = rng.binomial(n, p)
            rows += [
                {
                    "experiment": exp,
                    "date": f"2024-05-{d + 1:02d}",
                    "variant": v,
                    "users": int(n[: d + 1].sum()),
                    "conversions": int(conv[: d + 1].sum()),
                }
                for d in range(14)
            ]
    path = tmp_path / "checkpoints.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    at = _page(repo_root)
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, _texts(at.exception)
    portfolio = _frame_with(at, "experiment")
    assert list(portfolio["experiment"]) == ["pricing", "onboarding"] and "p (sequential)" in portfolio.columns
    assert (portfolio["p (sequential)"] >= portfolio["p-value"]).all()
    assert len(at.get("plotly_chart")) == 4  # forest, means, power curve, cumulative lift from the checkpoints
    safe = [s for s in _texts(at.success) if "peeking-safe decision was first possible" in s]
    assert len(safe) == 1 and "2024-05-" in safe[0]
    assert any("valid only at the planned end" in c for c in _texts(at.caption))


def test_summary_uploaded_as_rows_gets_a_pointer(repo_root, sample_ws, tmp_path):
    path = _summary_csv(tmp_path / "platform_export.csv", experiments=1)
    at = _upload(_page(repo_root), path)
    assert any("looks like per-variant summaries" in i for i in _texts(at.info))


def test_summary_with_a_tiny_variant_warns_instead_of_failing(repo_root, sample_ws, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("variant,n,mean,var\ncontrol,5000,3.1,2.0\nB,40,3.4,2.2\n", encoding="utf-8")
    at = _page(repo_root)
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, _texts(at.exception)
    assert any("only 40 units" in w for w in _texts(at.warning))
    assert any("Test unhealthy" in e for e in _texts(at.error))  # 5000 vs 40 on a planned 50/50 split


def test_a_loss_metric_is_read_as_lower_is_better_and_the_analyst_can_say_otherwise(repo_root, sample_ws, tmp_path):
    """Rows with a 'refunded' flag: B refunds fewer orders. The box starts ticked (the name says a
    fall is good news) and B wins; unticked, the same numbers say B is worse. In the summary view a
    cost per order starts among the lower-is-better metrics and the portfolio marks it ↓."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"user_id": range(6000), "variant": np.repeat(["A", "B"], 3000)})
    df["refunded"] = (rng.random(len(df)) < np.where(df["variant"] == "A", 0.10, 0.06)).astype(int)
    f = tmp_path / "refunds.csv"
    df.to_csv(f, index=False)
    at = _upload(_page(repo_root), f)
    assert not at.exception, _texts(at.exception)
    assert at.selectbox(key="ab_metric").value == "refunded"
    box = at.checkbox(key="ab_lower:refunded")
    assert box.value is True
    assert any("Winner: B" in s for s in _texts(at.success))
    box.uncheck().run()
    assert not at.exception and not at.success
    assert any("No variant beats control" in w for w in _texts(at.warning))

    path = tmp_path / "costs.csv"
    pd.DataFrame(
        {
            "metric": ["cost_per_order"] * 2 + ["conversion"] * 2,
            "variant": ["control", "B"] * 2,
            "users": [4000] * 4,
            "mean": [10.0, 9.0, 0.10, 0.10],
            "std": [5.0, 5.0, "", ""],
        }
    ).to_csv(path, index=False)
    at = _page(repo_root)
    at.run()
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, _texts(at.exception)
    lower = next(m for m in at.multiselect if m.key.startswith("ab_sum_lower:"))
    assert lower.value == ["cost_per_order"]
    detail = _frame_with(at, "guardrail").set_index("metric")
    assert detail.loc["cost_per_order"].query("variant == 'B'")["better"].item() == "↓"
    assert detail.loc["cost_per_order"].query("variant == 'B'")["decision"].item() == "ship"
    lower.set_value([]).run()
    detail = _frame_with(at, "guardrail").set_index("metric")
    assert detail.loc["cost_per_order"].query("variant == 'B'")["better"].item() == "↑"
    assert detail.loc["cost_per_order"].query("variant == 'B'")["decision"].item() == "stop for harm"


def test_an_ambiguous_direction_reads_guessed_until_confirmed(repo_root, sample_ws, tmp_path):
    """cost_savings holds a cost word and a word that turns it around: the box says its tick is a
    guess (in both languages) and why, until the analyst confirms it or changes it."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"user_id": range(2000), "variant": np.repeat(["A", "B"], 1000)})
    df["cost_savings"] = rng.gamma(2, 5, len(df)) * np.where(df["variant"] == "B", 1.1, 1.0)
    f = tmp_path / "savings.csv"
    df.to_csv(f, index=False)
    at = _upload(_page(repo_root), f)
    assert not at.exception, _texts(at.exception)
    assert at.selectbox(key="ab_metric").value == "cost_savings"
    box = at.checkbox(key="ab_lower:cost_savings")
    assert box.label == "Lower is better (guessed)" and box.value is False  # the guess: savings are good
    assert any("savings" in w and "only a guess" in w for w in _texts(at.warning))
    at.selectbox(key="lang").set_value("zh").run()
    assert at.checkbox(key="ab_lower:cost_savings").label == "越低越好（推测）"
    assert any("只是推测" in w for w in _texts(at.warning))
    at.button(key="ab_dir_confirm:cost_savings").click().run()
    assert not at.exception and at.checkbox(key="ab_lower:cost_savings").label == "越低越好"
    assert not any("只是推测" in w for w in _texts(at.warning))
    at.selectbox(key="lang").set_value("en").run()
    box = at.checkbox(key="ab_lower:cost_savings")
    assert box.label == "Lower is better" and box.value is False
    box.check().run()  # the analyst's word: the rise is now bad news, and nothing says 'guessed'
    assert not at.exception and at.checkbox(key="ab_lower:cost_savings").value is True
    assert any("No variant beats control" in w for w in _texts(at.warning))
    # a summary file: the guessed direction is named above the list until confirmed
    path = tmp_path / "summary.csv"
    pd.DataFrame(
        {"metric": ["cost_savings"] * 2, "variant": ["A", "B"], "n": [4000] * 2, "mean": [10.0, 11.0], "sd": [5.0] * 2}
    ).to_csv(path, index=False)
    at.radio(key="ab_source").set_value("summary").run()
    at.file_uploader(key="ab_summary_uploader").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, _texts(at.exception)
    assert any("Guessed direction for cost_savings" in w.replace("\\", "") for w in _texts(at.warning))
    next(b for b in at.button if b.key.startswith("ab_sum_dir_confirm:")).click().run()
    assert not any("Guessed direction" in w for w in _texts(at.warning))
    detail = _frame_with(at, "guardrail").query("variant == 'B'")
    assert detail["decision"].item() == "ship" and detail["better"].item() == "↑"


def test_focused_community_keeps_its_members_units(repo_root, sample_ws, tmp_path):
    """?community=c3 (the health view's drill-down): the test's units are c3's members who have ad
    events (pandas reference); a workspace without posts' communities says it cannot filter."""
    posts, ads = sample_ws.read("posts"), sample_ws.read("ad_events")
    members = set(posts.loc[posts["community"] == "c3", "user_id"].astype(str))
    units = ads.loc[ads["user_id"].astype(str).isin(members), "user_id"].nunique()
    at = _page(repo_root)
    at.query_params["community"] = "c3"
    at.run()
    assert not at.exception, _texts(at.exception)
    assert at.multiselect(key="ab_communities").value == ["c3"]
    assert _frame_with(at, "variant")["n"].sum() == units < ads["user_id"].nunique()
    assert any(f"Showing {units:,} of" in s for s in _texts(at.info))
    # (clearing, the same ui.focus code on every view, is checked on the churn page)

    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    ads.head(1000).to_csv(tmp_path / "ads.csv", index=False)
    ingest_file(open_workspace("ab-no-posts"), str(tmp_path / "ads.csv"), "ad_events")
    at = _page(repo_root)  # ad events only: no posts, so no community to narrow to
    at.query_params["community"] = "c3"
    at.session_state["workspace"] = "ab-no-posts"
    at.run()
    assert not at.exception and any("cannot narrow to community c3" in s for s in _texts(at.info))
