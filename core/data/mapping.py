"""Suggest which canonical field each uploaded column is, from its name (English or Chinese) and values.

`suggest_mapping(header, rows, table)` returns {csv column: field or None}. Names win over values;
values only break ties and fill in columns whose names say nothing (a column of dates becomes `ts`).
`suggest_table(header)` guesses which canonical table a file is.
"""

from __future__ import annotations

import re

from core.data.schemas import SCHEMAS

# Normalised names (lower case, no spaces/underscores/dashes) per field, English and Chinese.
SYNONYMS: dict[str, list[str]] = {
    "user_id": [
        "userid",
        "user",
        "uid",
        "customerid",
        "customer",
        "memberid",
        "member",
        "accountid",
        "author",
        "authorid",
        "owneruserid",
        "username",
        "userhandle",
        "name",
        "visitorid",
        "clientid",
        "customerno",
        "session",
        "sessionid",
        "visitor",
        "用户",
        "用户id",
        "用户名",
        "会员",
        "会员id",
        "客户",
        "客户id",
        "作者",
        "账号",
        "用户编号",
        "客户编号",
        "会话",
        "会话id",
        "访客",
        "访客id",
    ],
    "item_id": [
        "itemid",
        "item",
        "productid",
        "product",
        "sku",
        "aid",
        "articleid",
        "contentid",
        "videoid",
        "stockcode",
        "tag",
        "tags",
        "商品",
        "商品id",
        "物品",
        "内容id",
        "产品",
        "产品id",
        "视频id",
    ],
    "ts": [
        "ts",
        "time",
        "timestamp",
        "date",
        "datetime",
        "createdat",
        "created",
        "creationdate",
        "eventtime",
        "eventdate",
        "tweetcreated",
        "invoicedate",
        "orderdate",
        "occurredat",
        "day",
        "时间",
        "日期",
        "创建时间",
        "发布时间",
        "时间戳",
        "下单时间",
        "评论时间",
    ],
    "signup_at": [
        "signupat",
        "signup",
        "signupdate",
        "registered",
        "registeredat",
        "registrationdate",
        "joined",
        "joinedat",
        "createdat",
        "注册时间",
        "注册日期",
        "加入时间",
    ],
    "text": [
        "text",
        "content",
        "body",
        "message",
        "comment",
        "review",
        "post",
        "tweet",
        "内容",
        "评论",
        "正文",
        "文本",
        "评价",
        "帖子",
        "留言",
    ],
    "post_id": ["postid", "id", "tweetid", "messageid", "commentid", "帖子id", "评论id", "编号"],
    "community": [
        "community",
        "group",
        "board",
        "forum",
        "channel",
        "circle",
        "airline",
        "社群",
        "社区",
        "圈子",
        "群组",
        "版块",
        "板块",
        "频道",
        "酒店",
        "酒店名称",
        "店铺",
        "店铺名称",
        "门店",
        "门店名称",
        "商家",
        "店名",
        "shop",
        "store",
        "hotel",
        "merchant",
    ],
    "parent_id": ["parentid", "parent", "inreplyto", "replyto", "replytoid", "父id", "回复id"],
    "reply_to_user": ["replytouser", "replytouserid", "inreplytouser", "被回复用户"],
    "label": [
        "label",
        "sentiment",
        "airlinesentiment",
        "polarity",
        "class",
        "target",
        "y",
        "情感",
        "标签",
        "情绪",
        "极性",
    ],
    "src": ["src", "source", "from", "follower", "fromuser", "起点", "源", "关注者"],
    "dst": ["dst", "target", "to", "followee", "touser", "终点", "目标", "被关注者"],
    "weight": ["weight", "w", "count", "strength", "权重"],
    "kind": ["kind", "type", "relation", "edgetype", "关系", "类型"],
    "action": ["action", "event", "eventtype", "type", "behavior", "behaviour", "行为", "动作", "事件"],
    "value": ["value", "amount", "price", "quantity", "rating", "score", "金额", "数量", "评分"],
    "segment": ["segment", "tier", "cohort", "分群", "用户分层", "等级"],
    "region": ["region", "country", "city", "location", "地区", "国家", "城市", "省份"],
    "variant": [
        "variant",
        "version",
        "group",
        "arm",
        "treatment",
        "adid",
        "ad",
        "creative",
        "bucket",
        "实验组",
        "分组",
        "版本",
        "变体",
        "广告",
    ],
    "impressions": ["impressions", "imps", "views", "曝光", "展示", "曝光量", "展示量"],
    "campaign": ["campaign", "campaignid", "xyzcampaignid", "fbcampaignid", "活动", "广告活动", "计划"],
    "clicks": ["clicks", "click", "点击", "点击量"],
    "conversions": ["conversions", "totalconversion", "approvedconversion", "orders", "转化", "转化量", "订单"],
    "converted": ["converted", "conversion", "retention1", "retention7", "purchased", "是否转化", "留存"],
    "spend": ["spend", "cost", "spent", "花费", "消耗", "成本"],
    "revenue": [
        "revenue",
        "sales",
        "gmv",
        "income",
        "amount",
        "orderamount",
        "收入",
        "营收",
        "销售额",
        "金额",
        "订单金额",
        "支付金额",
        "实付金额",
        "消费",
        "消费金额",
    ],
    "pre_spend": ["prespend", "prerevenue", "preperiod", "covariate", "前期消费"],
}

_DATE_RE = re.compile(r"^\s*(\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{10}(\d{3})?$)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NUM_RE = re.compile(r"^\s*[-+]?[\d,]*\.?\d+\s*$")


def normalise(name: str) -> str:
    return re.sub(r"[\s_\-.:/()（）]+", "", str(name).strip().lower())


def _value_kind(values: list[str]) -> str:
    vals = [v for v in values if v is not None and str(v).strip() != ""]
    if not vals:
        return "empty"
    if sum(bool(_DATE_RE.match(v)) for v in vals) >= 0.9 * len(vals):
        return "time"
    if sum(bool(_NUM_RE.match(v)) for v in vals) >= 0.9 * len(vals):
        return "number"
    mean_len = sum(len(v) for v in vals) / len(vals)
    if mean_len > 25 or sum(" " in v.strip() or len(v) > 12 for v in vals) > 0.6 * len(vals):
        return "text"
    return "category"


def suggest_mapping(
    header: list[str], rows: list[list[str]], table: str, use_values: bool = True
) -> dict[str, str | None]:
    """Map each column of `header` to a field of `table` (or None), using names first, then values."""
    schema = SCHEMAS[table]
    fields = [f.name for f in schema.fields]
    columns = {c: [r[i] if i < len(r) else "" for r in rows] for i, c in enumerate(header)}
    kinds = {c: _value_kind(v) for c, v in columns.items()}
    mapping: dict[str, str | None] = {c: None for c in header}
    taken: set[str] = set()
    # 1) exact field names, then synonyms, then Chinese names ending in a synonym (评论内容, 下单时间,
    #    订单金额), in field order (earlier fields claim first)
    for how in ("exact", "synonym", "suffix"):
        exact = how == "exact"
        for field in fields:
            if field in taken:
                continue
            for c in header:
                if mapping[c] is not None:
                    continue
                n = normalise(c)
                if exact:
                    hit = n == normalise(field)
                elif how == "synonym":
                    hit = n in SYNONYMS.get(field, [])
                else:
                    hit = any(len(w) >= 2 and _HAN.search(w) and n.endswith(w) for w in SYNONYMS.get(field, []))
                # a synonym must also look right (a 'date' column of words is not a time); the exact
                # field name is trusted even when some values are bad, so the ingest can name them
                spec = schema.field(field)
                kind_ok = exact or (spec is not None and spec.kind != "time") or kinds[c] in ("time", "number", "empty")
                if hit and kind_ok:
                    mapping[c] = field
                    taken.add(field)
                    break
    # 2) values: an unclaimed required time/text field takes the first column whose values fit
    for wanted in schema.fields if use_values else ():
        if wanted.name in taken or wanted.kind not in ("time", "text"):
            continue
        for c in header:
            if mapping[c] is None and kinds[c] == wanted.kind:
                mapping[c] = wanted.name
                taken.add(wanted.name)
                break
    return mapping


def suggest_table(header: list[str], rows: list[list[str]] | None = None) -> str:
    """Guess the canonical table of a file: the one whose required fields its columns cover best."""
    rows = rows or []
    best, best_score = "interactions", -1.0
    # event tables first: on a tie (user id + a time) a log is likelier than a member list
    for name in ["interactions", "posts", "edges", "ad_events", "users"]:
        schema = SCHEMAS[name]
        by_name = {f for f in suggest_mapping(header, rows, name, use_values=False).values() if f}
        mapped = {f for f in suggest_mapping(header, rows, name).values() if f}
        req = schema.required
        # required fields named as such count fully, those only guessed from values half; then the
        # table that explains most of the file's columns
        named = sum(f in by_name for f in req) / len(req)
        guessed = sum(f in mapped for f in req) / len(req) - named
        score = named + 0.5 * guessed + 0.3 * len(mapped) / max(len(header), 1)
        if schema.one_of and not any(f in mapped for group in schema.one_of for f in group):
            score -= 1
        if score > best_score:
            best, best_score = name, score
    return best


def missing_required(mapping: dict[str, str | None], table: str) -> list[str]:
    """Required fields of `table` that no column maps to (including unmet one-of groups)."""
    schema = SCHEMAS[table]
    mapped = {f for f in mapping.values() if f}
    missing = [f for f in schema.required if f not in mapped]
    for group in schema.one_of:
        if not any(f in mapped for f in group):
            missing.append(" or ".join(group))
    return missing


def analyst_names(mapping: dict[str, str | None]) -> dict[str, str]:
    """{canonical field: the analyst's own column name} for the fields a mapping renamed.

    Canonical names are for the engine; views, tables, charts and downloads show the analyst's
    names (cookie_cats' `retention_1`, not `converted`). Fields mapped from a column of the same
    name are left out, so a lookup falls back to the field's translated label."""
    return {field: str(column) for column, field in mapping.items() if field and str(column) != field}


def workspace_names(ws, *tables: str) -> dict[str, str]:
    """`analyst_names` of the current version of each of `tables` in workspace `ws` (a table it
    lacks is skipped; the first table naming a field wins)."""
    out: dict[str, str] = {}
    infos = {t.table: t for t in ws.tables()}  # no workspace file yet: no tables, no names
    for table in tables:
        info = infos.get(table)
        for field, column in analyst_names(info.mapping if info else {}).items():
            out.setdefault(field, column)
    return out


def to_analyst_names(frame, names: dict[str, str]):
    """`frame` (a DataFrame) with canonical columns renamed to the analyst's names, where that name
    is not already a column of its own."""
    taken = {str(c) for c in frame.columns}
    renames = {f: n for f, n in names.items() if f in taken and n not in taken}
    if not renames:
        return frame
    out = frame.copy(deep=False)  # the same data under other names: no copy of a large table
    out.columns = [renames.get(str(c), c) for c in frame.columns]
    return out
