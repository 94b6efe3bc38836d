"""Column-mapping suggestions from English and Chinese names and from values."""

from __future__ import annotations

from core.data.mapping import missing_required, suggest_mapping, suggest_table


def test_chinese_and_english_names():
    m = suggest_mapping(["用户ID", "时间", "内容", "社区"], [["u1", "2024-01-01", "很好", "a"]], "posts")
    assert m == {"用户ID": "user_id", "时间": "ts", "内容": "text", "社区": "community"}
    m = suggest_mapping(["uid", "created_at", "Body"], [["1", "2024-01-01", "hello there friend"]], "posts")
    assert m == {"uid": "user_id", "created_at": "ts", "Body": "text"}
    m = suggest_mapping(["用户", "商品", "日期"], [["u", "i", "2024/1/5"]], "interactions")
    assert m == {"用户": "user_id", "商品": "item_id", "日期": "ts"}


def test_values_fill_in_unnamed_columns():
    rows = [["a1", "2024-01-05 10:00", "This product is honestly great, would buy again"]] * 5
    m = suggest_mapping(["c1", "c2", "c3"], rows, "posts")
    assert m["c2"] == "ts" and m["c3"] == "text"
    # a column called 'date' full of words is not taken as the time
    m = suggest_mapping(["user", "date", "item"], [["u", "soon", "i"]] * 5, "interactions")
    assert m["date"] is None


def test_table_suggestion_and_missing_fields():
    assert suggest_table(["src", "dst", "weight"]) == "edges"
    assert suggest_table(["userid", "version", "retention_1"]) == "ad_events"
    assert suggest_table(["label", "review"]) == "posts"
    assert missing_required({"a": "user_id"}, "interactions") == ["ts"]
    assert missing_required({"a": "campaign"}, "ad_events") == ["variant", "user_id or impressions"]
