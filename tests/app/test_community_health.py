"""AppTest of the community-health page on the sample, in English and Chinese: the table (site first),
the planted c3 alert among the alerts, and the drill-down setting the shared community filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "community_health.py")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_health_page_in_both_languages(sample_ws, ground_truth, lang):
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    title = "Community health" if lang == "en" else "社群健康"
    assert at.title[0].value == title
    table = at.dataframe[0].value
    assert len(table) == 1 + len(ground_truth["community_sentiment"])
    assert table.index[0] == ("Whole site" if lang == "en" else "全站")
    # pick the planted week: its top alert is c3's sentiment drop, in the reader's language
    drop = ground_truth["sentiment_drop"]
    labels = list(at.selectbox(key="health_period").options)
    texts = [m.value for m in at.markdown]
    planted = [t for t in texts if drop["community"] in t and drop["week_start"] in t]
    assert planted, texts
    word = "fell" if lang == "en" else "降到"
    assert word in planted[0] or ("rose" if lang == "en" else "升到") in planted[0]
    assert labels
    # every alert and the drill-down open each of the four views (the other views narrow to it)
    keys = {b.key for b in at.button}
    assert {f"health_open_{v}" for v in ("sentiment", "churn", "graph", "ab")} <= keys
    assert {"health_alert_0"} | {f"health_alert_0_{v}" for v in ("churn", "graph", "ab")} <= keys
    if lang == "en":  # selecting a table row makes its community the drill-down's
        row = list(table.index).index("Community c3")
        at.session_state["health_table"] = {"selection": {"rows": [row], "columns": []}}
        at.run()
        assert not at.exception and at.selectbox(key="health_drill").value == "c3"
