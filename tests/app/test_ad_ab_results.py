"""AppTest of pages/ad_ab_results.py on the sample workspace and on uploaded public CSVs."""

from __future__ import annotations

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


def test_sample_workspace_finds_planted_winner_and_segment(repo_root, sample_ws, ground_truth):
    at = _page(repo_root)
    at.run()
    assert not at.exception, _texts(at.exception)
    truth = ground_truth["ad"]
    assert any(f"Winner: {truth['lift_variant']}" in s for s in _texts(at.success))
    table = _frame_with(at, "Variant")
    assert list(table["Variant"]) == truth["variants"] and table["n"].sum() == ground_truth["users"]
    # segment heatmap drawn for age_group, one of the guessed segment columns
    at.selectbox(key="ab_segment").set_value(truth["segment"]["column"]).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 3  # timeline, funnel, heatmap, power
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
    table = _frame_with(at, "Variant")
    assert list(table["n"]) == [44700, 45489]
    at.selectbox(key="ab_metric").set_value("retention_7").run()
    assert any("No variant beats control" in w for w in _texts(at.warning))
    # no interactions for these players: the response model says so instead of training
    at.toggle(key="ab_show_model").set_value(True).run()
    assert not at.exception and any("No user history" in i for i in _texts(at.info))


def test_kag_upload_funnel_and_unrandomised_groups(repo_root, sample_ws, shared_datasets):
    at = _upload(_page(repo_root), shared_datasets / "fb_ad_conversion" / "KAG_conversion_data.csv")
    assert not at.exception, _texts(at.exception)
    assert at.selectbox(key="ab_variant").value == "xyz_campaign_id"
    assert at.selectbox(key="ab_metric").value == "CTR"
    # three campaigns of very different sizes are not a randomised split: SRM says so
    assert any("Test unhealthy" in e for e in _texts(at.error))
    funnel = _frame_with(at, "impressions")
    assert funnel["impressions"].sum() == pytest.approx(213_434_828)  # README totals
    assert funnel["clicks"].sum() == pytest.approx(38_165)
    at.checkbox(key="ab_check_srm").uncheck().run()
    assert not at.exception and not at.error
