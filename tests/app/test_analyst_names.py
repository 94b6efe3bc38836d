"""The analyst's own column names reach the views: cookie_cats' `retention_1` is mapped to the
engine's `converted`, but the A/B view's metric choice, table title, variant column and download
all say `retention_1` / `version` (issue 25, item 5)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "ad_ab_results.py")


def test_ab_view_shows_the_analysts_names_not_the_canonical_ones(
    shared_datasets, tmp_path, isolated_data_dir, monkeypatch
):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from core.data.ingest import ingest_file
    from core.data.mapping import workspace_names
    from core.data.workspace import open_workspace

    cats = pd.read_csv(shared_datasets / "cookie_cats" / "cookie_cats.csv").head(3000)
    cats.to_csv(tmp_path / "cats.csv", index=False)
    ws = open_workspace("names-cats")
    mapping = {"userid": "user_id", "version": "variant", "retention_1": "converted"}
    ingest_file(ws, str(tmp_path / "cats.csv"), "ad_events", mapping=mapping)
    assert "converted" in ws.read("ad_events").columns  # the engine's name is kept in storage
    assert workspace_names(ws, "ad_events") == {"user_id": "userid", "variant": "version", "converted": "retention_1"}

    downloads: dict[str, bytes] = {}  # what the page offers for download, by file name
    real_load = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        downloads[str(filename)] = data if isinstance(data, bytes) else b""
        return real_load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["workspace"] = "names-cats"
    at = at.run()
    assert not at.exception, at.exception
    metric = at.selectbox(key="ab_metric")
    assert "retention_1" in metric.options and "converted" not in metric.options
    assert at.selectbox(key="ab_variant").value == "version"
    at = metric.set_value("retention_1").run()
    assert not at.exception, at.exception
    assert any("retention_1" in s.value.replace("\\_", "_") for s in at.subheader), [s.value for s in at.subheader]
    shown = [str(c) for d in at.dataframe for c in d.value.columns]
    assert "version" in shown and "converted" not in shown
    assert "ab_retention_1.csv" in downloads and not any("converted" in name for name in downloads), downloads
    header = downloads["ab_retention_1.csv"].decode("utf-8-sig").splitlines()[0].split(",")
    assert "converted" not in header and "variant" not in header, header
    # the observed retention per variant is the file's own, computed here with pandas
    want = cats.groupby("version")["retention_1"].mean()
    table = next(d.value for d in at.dataframe if "version" in d.value.columns)
    assert set(table["version"]) == set(want.index)


def test_sentiment_on_all_chinese_labelled_reviews(shared_datasets, tmp_path, isolated_data_dir):
    """waimai_10k (review, label 0/1, plus order times): the posts table says `review`, the language filter
    offers only 中文, and the neutral band is chosen on the 0/1 labels (no 'no labelled posts' line
    above a model card scored on those same labels)."""
    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace
    from core.i18n import t

    reviews = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv").sample(200, random_state=1)
    reviews["下单时间"] = pd.date_range("2026-01-01", periods=len(reviews), freq="6h").astype(str)  # for a trend
    reviews.to_csv(tmp_path / "waimai.csv", index=False)
    ingest_file(open_workspace("names-waimai"), str(tmp_path / "waimai.csv"), "posts", mapping={"review": "text"})

    at = AppTest.from_file(str(Path(PAGE).with_name("sentiment_trends.py")), default_timeout=180)
    at.session_state["workspace"] = "names-waimai"
    at.session_state["lang"] = "zh"
    at = at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="sent_langs").options == ["中文"]
    captions = " ".join(c.value for c in at.caption)
    assert t("sent.band_source_default_zh", "zh") not in captions
    assert "依据本工作区 " in captions  # chosen on this workspace's labelled posts
    shown = [str(c) for d in at.dataframe for c in d.value.columns]
    assert "review" in shown and "text" not in shown and t("col.text", "zh") not in shown
