"""Every view on workspaces the app accepts but that hold only part of the data: posts of only
`text,label` (waimai_10k), only `edges` (email-Eu-core), only `ad_events` (cookie_cats). No view
raises, and the home page's "unlocks" list (core.capabilities) agrees with what each view shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.capabilities import view_capabilities

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
VIEWS = {
    "community_graph": "pages/community_graph.py",
    "sentiment_trends": "pages/sentiment_trends.py",
    "ad_ab_results": "pages/ad_ab_results.py",
    "churn_cohorts": "pages/churn_cohorts.py",
    "recommendations": "pages/recommendations.py",
}


def _workspace(name: str, csv: Path, table: str, mapping: dict | None = None):
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    ws = open_workspace(name)
    ingest_file(ws, str(csv), table, mapping=mapping)
    return ws


@pytest.fixture(scope="module")
def partial_workspaces(shared_datasets, tmp_path_factory, isolated_data_dir):
    d = tmp_path_factory.mktemp("partial")
    reviews = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv").sample(400, random_state=0)
    reviews.to_csv(d / "waimai.csv", index=False)
    edges = pd.read_csv(
        shared_datasets / "email_eu_core" / "email-Eu-core.txt", sep=" ", header=None, names=["src", "dst"]
    ).head(3000)
    edges.to_csv(d / "email.csv", index=False)
    ads = pd.read_csv(shared_datasets / "cookie_cats" / "cookie_cats.csv").head(3000)
    ads.to_csv(d / "cats.csv", index=False)
    return {
        "posts_text_label": _workspace("p-waimai", d / "waimai.csv", "posts", {"review": "text", "label": "label"}),
        "edges_only": _workspace("e-email", d / "email.csv", "edges", {"src": "src", "dst": "dst"}),
        "ads_only": _workspace(
            "a-cats",
            d / "cats.csv",
            "ad_events",
            {"userid": "user_id", "version": "variant", "retention_1": "converted"},
        ),
    }


def _columns(ws) -> dict[str, list[str]]:
    return {i.table: list(ws.read(i.table).dropna(axis=1, how="all").columns) for i in ws.tables()}


def _run(path: str, ws_name: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(path, default_timeout=240)
    at.session_state["workspace"] = ws_name
    at.session_state["lang"] = lang
    return at.run()


def _shows_content(at) -> bool:
    """A view shows something of the workspace's data: a chart, a table or metrics."""
    return bool(at.get("plotly_chart") or at.dataframe or at.metric)


@pytest.mark.parametrize("kind", ["posts_text_label", "edges_only", "ads_only"])
def test_every_view_runs_and_agrees_with_unlocks(partial_workspaces, kind):
    ws = partial_workspaces[kind]
    support = view_capabilities(_columns(ws))
    expected = {
        "posts_text_label": {"sentiment_trends"},
        "edges_only": {"community_graph"},
        "ads_only": {"ad_ab_results"},
    }[kind]
    assert {v for v in VIEWS if support[v].available} == expected

    home = _run(APP, ws.name)
    assert not home.exception, [e.value for e in home.exception]
    links = {p.proto.page: p.proto.label for p in home.get("page_link")}
    for view, page in VIEWS.items():
        label = next(lab for target, lab in links.items() if target.endswith(Path(page).stem))
        assert label.startswith("✅" if support[view].available else "⬜"), (view, label)

    for view, page in VIEWS.items():
        at = _run(str(REPO / page), ws.name)
        assert not at.exception, (view, [e.value for e in at.exception])
        if view == "churn_cohorts":  # churn always offers an upload
            if not support[view].available:
                assert any("need" in i.value for i in at.info), (view, [i.value for i in at.info])
                assert at.radio(key="churn_source").options == ["Upload a CSV"]
            continue
        assert _shows_content(at) == support[view].available, (view, kind, [i.value for i in at.info])
        if not support[view].available:
            assert at.info, view  # a plain statement of what the view needs, no traceback


def _named_zh(frame: pd.DataFrame) -> pd.DataFrame:
    """A table shown in zh with its column names and sentiment codes back (headers are col.<name>
    labels; the sentiment classes are shown in Chinese)."""
    from core.i18n import TABLE

    names = {e["zh"]: k.removeprefix("col.") for k, e in TABLE.items() if k.startswith("col.")}
    out = frame.rename(columns=lambda c: names.get(c, c))
    codes = {TABLE[f"sent.class_{c}"]["zh"]: c for c in ("positive", "neutral", "negative")}
    return out.assign(sentiment=out["sentiment"].map(lambda v: codes.get(v, v))) if "sentiment" in out else out


def test_sentiment_without_ts_scores_and_drives_without_trend(partial_workspaces):
    ws = partial_workspaces["posts_text_label"]
    at = _run(str(REPO / VIEWS["sentiment_trends"]), ws.name, lang="zh")
    assert not at.exception, [e.value for e in at.exception]
    frames = [_named_zh(d.value) for d in at.dataframe]
    scored = next(f for f in frames if "sentiment" in f.columns)
    assert len(scored) == 400 and set(scored["sentiment"]) <= {"positive", "neutral", "negative"}
    assert any(list(f.columns) == ["community", "term", "z", "target_count"] for f in frames)
    assert "sent_dates" not in [w.key for w in at.get("date_input")]  # no time: no date filter, no trend
    assert any("posts.ts" in c.value for c in at.caption)  # says what the trend needs
    # the same lexicon the page uses, on the same texts: references computed here
    from core.text.lexicon import lexicon_scores

    texts = ws.read("posts")["text"].astype(str)
    expected = pd.Series(lexicon_scores(texts), index=ws.read("posts")["post_id"].astype(str))
    got = scored.set_index(scored["post_id"].astype(str))["score"]
    assert (got - expected.reindex(got.index)).abs().max() < 1e-9


def test_graph_on_edges_only_has_no_growth_chart_and_hides_isolates(partial_workspaces):
    ws = partial_workspaces["edges_only"]
    at = _run(str(REPO / VIEWS["community_graph"]), ws.name)
    assert not at.exception, [e.value for e in at.exception]
    charts = [c.proto.id for c in at.get("plotly_chart")]
    assert any(i.endswith("-graph_network") for i in charts) and not any(i.endswith("-graph_growth") for i in charts)
    assert any("no times" in c.value for c in at.caption)  # one line instead of an empty chart
    e = ws.read("edges")
    ties = e[e["src"] != e["dst"]]
    isolates = (set(e["src"]) | set(e["dst"])) - set(ties["src"]) - set(ties["dst"])  # only self-loops
    assert isolates and any(
        c.value.startswith(f"{len(isolates)} users without any tie are left out") for c in at.caption
    )
    profiles = next(d.value for d in at.dataframe if "density" in d.value.columns)
    assert "posts" not in profiles.columns and "mean sentiment" not in profiles.columns
    assert profiles["community"].str.fullmatch(r"#\d+").all()  # named as in the legend


def test_headerless_edge_list_workspace(shared_datasets, isolated_data_dir):
    """SNAP's headerless `0 1` edge list, uploaded as it comes: read as src, dst (no row taken for a
    header), every line kept, and the graph view works on it."""
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    source = shared_datasets / "email_eu_core" / "email-Eu-core.txt"
    expected = pd.read_csv(source, sep=" ", header=None, names=["src", "dst"], comment="#", dtype=str)
    ws = open_workspace("e-email-txt")
    report = ingest_file(ws, str(source), "edges")  # no mapping given: the columns are guessed
    assert (report.rows, report.skipped) == (len(expected), 0)
    assert report.mapping == {"src": "src", "dst": "dst"}
    stored = ws.read("edges")[["src", "dst"]].astype(str)
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), expected, check_dtype=False)

    support = view_capabilities(_columns(ws))
    assert support["community_graph"].available and not support["community_graph"].can("growth")
    runs = {view: _run(str(REPO / page), ws.name) for view, page in VIEWS.items()}
    for view, at in runs.items():
        assert not at.exception, (view, [e.value for e in at.exception])
    ties = expected[expected["src"] != expected["dst"]]
    isolates = (set(expected["src"]) | set(expected["dst"])) - (set(ties["src"]) | set(ties["dst"]))
    caption = f"{len(isolates)} users without any tie are left out"
    assert any(c.value.startswith(caption) for c in runs["community_graph"].caption), caption
