"""AppTest of the churn & cohorts page: the sample workspace end to end, and an uploaded Telco snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "churn_cohorts.py")


@pytest.fixture()
def quick_training(monkeypatch):
    monkeypatch.setenv("CE_CHURN_EPOCHS", "1")


def _wait_for_training(at: AppTest) -> AppTest:
    """Click Train, let the background job finish, rerun the page to draw its result."""
    from core.models import jobs

    button = next(b for b in at.button if str(b.key).startswith("train:churn:"))
    key = str(button.key).removeprefix("train:")
    button.click().run()
    job = jobs.get_job(key)
    assert job is not None
    assert job.wait(timeout=240), "training did not finish"
    assert job.error is None, job.error
    return at.run()


def _named(frame):
    """A shown table with its column names back (tables show translated labels: col.<name>)."""
    from core.i18n import TABLE

    names = {e["en"]: k.removeprefix("col.") for k, e in TABLE.items() if k.startswith("col.")}
    return frame.rename(columns=lambda c: names.get(c, c))


def test_sample_workspace_end_to_end(sample_ws, quick_training):
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert len(charts) >= 2  # retention heatmap and survival curves before any training
    assert any("Log-rank" in c.value for c in at.caption)
    at = _wait_for_training(at)
    assert not at.exception, at.exception
    from core.i18n import t

    card = _named(at.dataframe[1].value)  # [0] is the medians table
    models = ("churn_transformer", "logistic_regression", "gradient_boosting")
    assert set(card.iloc[:, 0]) == {t(f"churn.model_{m}") for m in models}  # shown by their names
    assert card["auc"].min() > 0.7
    at_risk = _named(at.dataframe[2].value)
    assert len(at_risk) > 0 and {"user_id", "churn_probability", "top_features"} <= set(at_risk.columns)
    assert at_risk["churn_probability"].is_monotonic_decreasing
    assert at.get("download_button")
    # weekly cohorts and the unbounded table redraw without error
    at.selectbox(key="churn_period").set_value("week")
    at.selectbox(key="churn_kind").set_value("unbounded").run()
    assert not at.exception, at.exception
    _focused_on_c3(at, sample_ws, set(_named(at.dataframe[2].value)["user_id"].astype(str)))


def _focused_on_c3(at: AppTest, sample_ws, at_risk_all: set[str]) -> None:
    """The community filter on c3 (as the health view's drill-down sets it): retention, survival and
    the at-risk list keep c3's members (pandas reference: authors of c3's posts) while the model stays
    the one trained on everyone; ?community=c3 follows; clearing brings everyone back and drops it."""
    posts = sample_ws.read("posts")
    members = set(posts.loc[posts["community"] == "c3", "user_id"].astype(str))
    active = set(posts["user_id"].astype(str)) | set(sample_ws.read("interactions")["user_id"].astype(str))
    assert any(f", {len(active):,} users" in c.value for c in at.caption) and len(at_risk_all) < 500  # all shown
    at.multiselect(key="churn_communities").set_value(["c3"]).run()
    assert not at.exception, at.exception
    assert at.query_params["community"] in ("c3", ["c3"])
    shown = len(members & active)
    assert any(f"Showing {shown:,} of {len(active):,} users" in i.value for i in at.info)
    assert any(f", {shown:,} users" in c.value for c in at.caption)  # the retention table's cohorts
    at_risk = set(_named(at.dataframe[2].value)["user_id"].astype(str))
    assert at_risk and at_risk == at_risk_all & members
    at.button(key="community_reset").click().run()
    assert any(f", {len(active):,} users" in c.value for c in at.caption) and "community" not in at.query_params
    # a reply-graph community ('g9') handed over by the health view with its members (ui.focus)
    handed = frozenset(sorted(active)[::7])
    at.session_state["_kept"].update(community="g9", _focus_graph_members=(sample_ws.name, "g9", handed))
    at.run()
    assert any(f", {len(handed):,} users" in c.value for c in at.caption)
    assert set(_named(at.dataframe[2].value)["user_id"].astype(str)) == at_risk_all & handed


def test_chinese_labels(sample_ws, quick_training):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "流失与留存"  # the same words as its navigation entry
    assert at.subheader[0].value == "同期群留存"


def test_uploaded_telco_snapshot(shared_datasets, quick_training):
    raw = (shared_datasets / "telco_churn" / "Telco-Customer-Churn.csv").read_bytes()
    head = b"\n".join(raw.splitlines()[:1201])  # header + 1200 customers keeps it quick
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="churn_source").set_value("upload").run()
    at.file_uploader(key="churn_uploader").set_value(("telco.csv", head, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="churn_label_col").value == "Churn"
    assert any("no dates" in i.value for i in at.info)
    at = _wait_for_training(at)
    assert not at.exception, at.exception
    card = _named(at.dataframe[1].value)
    assert card["auc"].min() > 0.7


def test_uploaded_online_retail_event_log(shared_datasets):
    raw = (shared_datasets / "online_retail_cohorts" / "online_cohorts.csv").read_bytes()
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="churn_source").set_value("upload").run()
    at.file_uploader(key="churn_uploader").set_value(("online_cohorts.csv", raw, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="churn_time_col").value == "InvoiceDate"
    assert any(c.value == "13 cohorts, 4,372 users" for c in at.caption)  # the README's cohort table
    assert len(at.get("plotly_chart")) >= 2
    assert any(b.label == "Train" for b in at.button)  # the model waits for a click
