"""AppTest of pages/recommendations.py on the sample workspace: train in the background, then the
metrics table, per-member lists without seen items, explanations, and a reload that loads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/recommendations.py"


@pytest.fixture()
def tiny_epochs(monkeypatch):
    monkeypatch.setenv("CE_RECO_EPOCHS", "1")
    monkeypatch.setenv("CE_RECO_MAX_LEN", "20")


def _page(repo_root) -> AppTest:
    return AppTest.from_file(str(repo_root / PAGE), default_timeout=120)


def _wait_for_jobs():
    from core.models import jobs

    for key in jobs.job_keys("sasrec:"):
        assert jobs.get_job(key).wait(timeout=300), "training did not finish"


def _popularity_hr10(interactions) -> float:
    """Reference: leave-last-out HR@10 of popularity, written out with pandas (first touch of each
    (user, item) in time order; the last item of members with 3+ items is held out; popularity
    counts everything else; seen items excluded; ties broken by item order)."""
    import numpy as np

    df = interactions.assign(_o=range(len(interactions))).sort_values(["ts", "_o"], kind="stable")
    df = df.drop_duplicates(["user_id", "item_id"])
    seqs = df.groupby("user_id", sort=True)["item_id"].apply(list)
    items = sorted(df["item_id"].astype(str).unique())
    index = {it: i for i, it in enumerate(items)}
    counts = np.zeros(len(items))
    tests = []
    for seq in seqs:
        seq = [index[str(i)] for i in seq]
        kept = seq[:-1] if len(seq) >= 3 else seq
        np.add.at(counts, kept, 1)
        if len(seq) >= 3:
            tests.append((seq[:-1], seq[-1]))
    hits = 0
    for hist, target in tests:
        s = counts.copy()
        s[hist] = -np.inf
        better = (s > s[target]).sum() + ((s == s[target]) & (np.arange(len(s)) < target)).sum()
        hits += better < 10
    return hits / len(tests)


def test_train_then_metrics_recommendations_and_reload(repo_root, sample_ws, tiny_epochs):
    import torch

    torch.set_num_threads(1)
    at = _page(repo_root)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Recommendations"
    assert any("No model" in i.value for i in at.info)
    # before any training: popularity and item-kNN with their held-out metrics, and their lists
    before = next(d.value for d in at.dataframe if "NDCG@10" in d.value.columns)
    assert set(before["model"]) == {"Popularity", "Item-kNN"}
    hr = before[before["protocol"] == "full ranking"].set_index("model")["HR@10"]
    assert abs(hr["Popularity"] - _popularity_hr10(sample_ws.read("interactions"))) < 1e-9
    assert len(at.get("plotly_chart")) >= 3
    assert sum(1 for d in at.dataframe if list(d.value.columns) == ["rank", "item"]) == 2
    train = next(b for b in at.button if b.label == "Train the recommender")
    train.click().run()
    assert not at.exception, [e.value for e in at.exception]
    _wait_for_jobs()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = next(d.value for d in at.dataframe if "NDCG@10" in d.value.columns)
    full = metrics[metrics["protocol"] == "full ranking"].set_index("model")["NDCG@10"]
    assert full["SASRec"] >= 1.5 * full["Popularity"] and full["SASRec"] > full["Item-kNN"]
    # the chosen member's list never contains an item from their history
    user = at.selectbox(key="reco_user").value  # noqa: F841 - used by query("@user")
    history = sample_ws.read("interactions").query("user_id == @user")["item_id"].tolist()
    top = next(d.value for d in at.dataframe if "item" in d.value.columns)
    assert len(top) == 10 and not set(top["item"]) & set(history)
    because = [t.value for t in at.text if "Because you engaged with" in t.value]
    assert because and any(h in because[0] for h in history)
    assert len(at.get("plotly_chart")) >= 4
    assert at.get("download_button")

    # an app restart (the in-memory job registry is gone) finds the model in the disk cache:
    # no Train button, the results load
    from core.models import jobs

    for key in jobs.job_keys("sasrec:"):
        jobs.forget_job(key)
    again = _page(repo_root)
    again.run()
    assert not again.exception
    assert not any(b.label == "Train the recommender" for b in again.button)

    def has_sasrec(at) -> bool:
        return any("NDCG@10" in d.value.columns and "SASRec" in set(d.value["model"]) for d in at.dataframe)

    if not has_sasrec(again):  # loading in the background (the baselines are shown meanwhile)
        _wait_for_jobs()
        again.run()
    assert has_sasrec(again)
    assert any("Loaded from the model cache" in c.value for c in again.caption)

    again.selectbox(key="lang").set_value("zh").run()
    assert not again.exception and again.title[0].value == "推荐"
    # with SASRec trained, the Chinese page still shows no English beyond data, units and names
    from tests.app.test_zh_complete import ALLOWED, _data_words, _english, _visible_texts

    allowed = ALLOWED | _data_words(sample_ws)
    left = [(where, text) for where, text in _visible_texts(again) if _english(text, allowed)]
    assert not left, left
    assert "SASRec" in set(next(d.value for d in again.dataframe if "NDCG@10" in d.value.columns)["模型"])


@pytest.mark.slow  # 17 s alone (torch's first import, a training); a few seconds inside the suite
def test_the_page_says_the_analysts_column_names(repo_root, tmp_path, isolated_data_dir, tiny_epochs, monkeypatch):
    """Issue 25 item 5: a file whose columns are 顾客 / 商品 / 时间 (mapped to the engine's user_id /
    item_id / ts) shows 顾客 and 商品 on the recommendations page, not `item` or 'Member', in both
    languages, and its download says them too."""
    import numpy as np
    import pandas as pd
    import torch
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from core.data.ingest import ingest_file
    from core.data.workspace import open_workspace

    torch.set_num_threads(1)
    rng = np.random.default_rng(3)
    rows = [  # 60 customers walking a ring of 15 products (planted next-item structure)
        (f"c{u:02d}", f"p{(start + k) % 15:02d}", pd.Timestamp("2026-03-01") + pd.Timedelta(hours=k))
        for u, start in enumerate(rng.integers(0, 15, 60))
        for k in range(6)
    ]
    frame = pd.DataFrame(rows, columns=["顾客", "商品", "时间"])
    frame.to_csv(tmp_path / "orders.csv", index=False)
    ingest_file(
        open_workspace("reco-names"),
        str(tmp_path / "orders.csv"),
        "interactions",
        mapping={"顾客": "user_id", "商品": "item_id", "时间": "ts"},
    )
    downloads: dict[str, bytes] = {}
    real_load = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        downloads[str(filename)] = data if isinstance(data, bytes) else b""
        return real_load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at = _page(repo_root)
    at.session_state["workspace"] = "reco-names"
    for lang in ("en", "zh"):
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="reco_user").label == "顾客"
        lists = [list(d.value.columns) for d in at.dataframe if "商品" in d.value.columns]
        assert len(lists) == 2 and all("item" not in cols for cols in lists), lists
    next(b for b in at.button if b.label == "训练推荐模型").click().run()
    _wait_for_jobs()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    header = downloads["recommendations.csv"].decode("utf-8-sig").splitlines()[0].split(",")
    assert header == ["顾客", "商品", "rank"], header
    user = at.selectbox(key="reco_user").value
    top = next(d.value for d in at.dataframe if "商品" in d.value.columns)
    assert not set(top["商品"]) & set(frame.loc[frame["顾客"] == user, "商品"])  # the lists are the data's
