"""Issue 25 items 2 and 3: filters and data sources belong to their workspace.

Through the router, as a user moves: a date range narrowed in the sample does not follow the analyst
into another workspace (which opens on its own full span); the sample keeps its own choice when the
analyst comes back; a filter that hides rows says how many (counted here with pandas) and which,
with a reset that brings every post back; an upload mode chosen in one workspace does not open a
workspace whose tables support the view's own mode.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.text.analysis import add_language
from tests.app.browser_like import browser_like, pick

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _ws(tmp_path, name: str = "nine-days"):
    """Nine days of posts by 30 users (text, community, time): supports sentiment and churn."""
    from core.data.ingest import ingest_file
    from core.data.workspace import list_workspaces, open_workspace

    ws = open_workspace(name)
    if name not in list_workspaces() or not ws.has("posts"):
        pd.DataFrame(
            {
                "user_id": [f"u{i % 30}" for i in range(90)],
                "text": ["great service", "awful wait", "fine"] * 30,  # English only
                "ts": pd.date_range("2026-03-01", periods=90, freq="2h30min").astype(str),
                "community": ["a", "b", "c"] * 30,
            }
        ).to_csv(tmp_path / "p.csv", index=False)
        ingest_file(ws, str(tmp_path / "p.csv"), "posts")
    return ws


def _notes(at) -> list[str]:
    return [i.value for i in at.info if "Showing" in i.value or "当前显示" in i.value]


@pytest.mark.slow
def test_filters_belong_to_their_workspace(sample_ws, tmp_path):
    other = _ws(tmp_path)
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workspace"] = "sample"
    with browser_like(at):  # choices sent as the browser sends them (their labels)
        _journey(at, sample_ws, other)


def _journey(at, sample_ws, other) -> None:
    posts = sample_ws.read("posts")
    first, last = posts["ts"].min().date(), posts["ts"].max().date()
    at.run()
    at.switch_page("pages/sentiment_trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key="sent_dates").value == (first, last) and not _notes(at)
    # Post language offers the languages in the data only (the sample has both)
    langs = set(add_language(posts)["language"])
    assert set(at.multiselect(key="sent_langs").value) == langs

    picked = (first + pd.Timedelta(days=30), first + pd.Timedelta(days=60))
    at.date_input(key="sent_dates").set_value(picked).run()
    assert not at.exception, [e.value for e in at.exception]
    ts = pd.to_datetime(posts["ts"]).dt.date
    shown = int(((ts >= picked[0]) & (ts <= picked[1])).sum())
    assert _notes(at) == [f"Showing {shown:,} of {len(posts):,} posts: date range."]

    pick(at, "workspace", other.name)  # the sidebar, same page
    assert not at.exception, [e.value for e in at.exception]
    o_first, o_last = pd.Timestamp("2026-03-01").date(), pd.Timestamp("2026-03-10").date()
    assert at.date_input(key="sent_dates").value == (o_first, o_last)  # its own full span
    assert not _notes(at)
    assert at.multiselect(key="sent_communities").value == ["a", "b", "c"]
    assert set(add_language(other.read("posts"))["language"]) == {"en"}
    assert len(at.multiselect(key="sent_langs").options) == 1  # no Chinese to offer on English-only data
    pick(at, "sent_communities", ["a"])
    assert _notes(at) == ["Showing 30 of 90 posts: communities."]

    at.switch_page("pages/churn_cohorts.py").run()
    assert at.radio(key="churn_source").value == "workspace"
    pick(at, "churn_source", "upload")

    pick(at, "workspace", "sample")
    assert at.radio(key="churn_source").value == "workspace"  # the sample's own mode, not the upload
    at.switch_page("pages/sentiment_trends.py").run()
    assert at.date_input(key="sent_dates").value == picked  # the sample's own last choice
    pick(at, "lang", "zh")
    assert _notes(at) == [f"当前显示 {len(posts):,} 条帖子中的 {shown:,} 条，已应用筛选：日期范围。"]
    at.button(key="filters_reset").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key="sent_dates").value == (first, last) and not _notes(at)

    pick(at, "workspace", other.name)
    assert at.multiselect(key="sent_communities").value == ["a"]  # its own last choice
    at.switch_page("pages/churn_cohorts.py").run()
    assert at.radio(key="churn_source").value == "upload"  # what the analyst chose for this workspace
