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


def test_session_ids_shop_names_and_amounts_are_guessed():
    """OTTO's session is a visitor id; Chinese platform exports name their community a shop, hotel,
    channel or board, and their money columns 金额 / 订单金额 / 收入 / 消费."""
    import json
    from pathlib import Path

    otto = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "otto_sessions_sample" / "train.jsonl"
    rows = [["12", "1517085", "1659304800025", "clicks"]]
    if otto.exists():  # the real file's events, flattened as an analyst's export would be
        first = json.loads(otto.read_text(encoding="utf-8").splitlines()[0])
        rows = [[str(first["session"]), str(e["aid"]), str(e["ts"]), e["type"]] for e in first["events"][:20]]
    header = ["session", "aid", "ts", "type"]
    assert suggest_table(header, rows) == "interactions"
    assert suggest_mapping(header, rows, "interactions") == {
        "session": "user_id",
        "aid": "item_id",
        "ts": "ts",
        "type": "action",
    }
    review = ["很好，下次还来", "2024-03-01"]
    for name in ("酒店", "店铺", "门店", "频道", "版块", "门店名称"):
        m = suggest_mapping(["评论", "时间", name], [[*review, "如家"]] * 3, "posts")
        assert m[name] == "community", name
    for name in ("订单金额", "金额", "收入", "消费"):
        m = suggest_mapping(["用户ID", "分组", name], [["u1", "A", "123.82"]] * 3, "ad_events")
        assert m == {"用户ID": "user_id", "分组": "variant", name: "revenue"}, name
    # an amount in an event log stays the event's value (interactions have no revenue field)
    assert suggest_mapping(["用户", "时间", "金额"], [["u", "2024-01-01", "5"]], "interactions")["金额"] == "value"


def test_analyst_names_invert_the_mapping_and_rename_only_free_columns():
    import pandas as pd

    from core.data.mapping import analyst_names, to_analyst_names

    mapping = {"userid": "user_id", "version": "variant", "retention_1": "converted", "ts": "ts", "x": None}
    names = analyst_names(mapping)
    assert names == {"user_id": "userid", "variant": "version", "converted": "retention_1"}
    frame = pd.DataFrame({"user_id": [1], "variant": ["a"], "converted": [0], "ts": [0], "version": ["keep"]})
    out = to_analyst_names(frame, names)
    # 'variant' stays: the frame already has a column of the analyst's 'version'
    assert list(out.columns) == ["userid", "variant", "retention_1", "ts", "version"]
    assert list(frame.columns)[0] == "user_id"  # the cached frame is not renamed in place
    assert out["retention_1"].tolist() == frame["converted"].tolist()


def test_chinese_names_ending_in_a_field_word_are_guessed():
    """评论内容 / 下单时间 / 订单金额: Chinese exports qualify the field word; the guess reads the end."""
    header = ["用户ID", "评论时间", "评论内容", "门店", "备注"]
    rows = [["u01", "2026-03-01 09:15", "前台服务很差，等了半小时", "如家北京店", "换房一次"]] * 3
    assert suggest_table(header, rows) == "posts"
    assert suggest_mapping(header, rows, "posts") == {
        "用户ID": "user_id",
        "评论时间": "ts",
        "评论内容": "text",
        "门店": "community",
        "备注": None,
    }
    # the exact synonym still wins over an ending: 被回复用户 is the replied-to user, not the author
    m = suggest_mapping(["用户", "被回复用户", "内容"], [["a", "b", "很好的帖子"]], "posts")
    assert m == {"用户": "user_id", "被回复用户": "reply_to_user", "内容": "text"}
