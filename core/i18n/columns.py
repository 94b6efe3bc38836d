"""Column labels: `col.<name>` for every column and feature name a user can see (tables, chart axes).

One label per name, shared by every view (`user_id` reads the same everywhere). Each view's engineer
adds the names its view shows in that view's block; ruff (F601) refuses a key written twice.
"""

TABLE: dict[str, dict[str, str]] = {
    # --- shared by several views ------------------------------------------------------------
    "col.user_id": {"en": "member", "zh": "成员"},
    "col.community": {"en": "community", "zh": "社群"},
    "col.ts": {"en": "time", "zh": "时间"},
    "col.text": {"en": "text", "zh": "文本"},
    "col.variant": {"en": "variant", "zh": "版本"},
    "col.n": {"en": "n", "zh": "样本数"},
    "col.users": {"en": "members", "zh": "成员数"},
    "col.rows": {"en": "rows", "zh": "行数"},
    "col.p": {"en": "p", "zh": "p 值"},
    # --- home ---------------------------------------------------------------------------------
    "col.table": {"en": "table", "zh": "表"},
    "col.version": {"en": "version", "zh": "版本"},
    "col.source": {"en": "source file", "zh": "来源文件"},
    "col.loaded": {"en": "loaded at", "zh": "导入时间"},
    "col.column": {"en": "column", "zh": "列"},
    "col.type": {"en": "type", "zh": "类型"},
    "col.nulls": {"en": "missing", "zh": "缺失数"},
    "col.null_share": {"en": "missing share", "zh": "缺失比例"},
    "col.distinct": {"en": "distinct values (approx.)", "zh": "不同值数（近似）"},
    # --- community graph ----------------------------------------------------------------------
    "col.size": {"en": "members", "zh": "成员数"},
    "col.internal_edges": {"en": "ties inside", "zh": "内部关系"},
    "col.density": {"en": "density", "zh": "密度"},
    "col.cross_edges": {"en": "ties to other communities", "zh": "跨社群关系"},
    "col.top_members": {"en": "top members", "zh": "核心成员"},
    "col.new_members_30d": {"en": "new members (30 days)", "zh": "新成员（30 天）"},
    "col.growth_30d": {"en": "growth (30 days)", "zh": "增长率（30 天）"},
    "col.posts": {"en": "posts", "zh": "帖子数"},
    "col.mean_sentiment": {"en": "mean sentiment", "zh": "平均情感"},
    "col.sentiment_from": {"en": "sentiment from", "zh": "情感来源"},
    "col.churn_rate": {"en": "churn rate", "zh": "流失率"},
    "col.ad_users": {"en": "users reached by ads", "zh": "广告触达用户"},
    "col.ad_conversion_rate": {"en": "ad conversion rate", "zh": "广告转化率"},
    "col.ad_ctr": {"en": "ad click-through rate", "zh": "广告点击率"},
    "col.ad_revenue_per_user": {"en": "ad revenue per user", "zh": "人均广告收入"},
    "col.node": {"en": "user", "zh": "用户"},
    "col.pagerank": {"en": "PageRank", "zh": "PageRank"},
    "col.in_degree": {"en": "in-degree", "zh": "入度"},
    "col.out_degree": {"en": "out-degree", "zh": "出度"},
    "col.degree": {"en": "neighbours", "zh": "邻居数"},
    "col.strength": {"en": "tie strength", "zh": "关系强度"},
    "col.betweenness": {"en": "betweenness", "zh": "中介中心性"},
    "col.participation": {"en": "participation (bridging)", "zh": "参与系数（桥接）"},
    "col.neighbour": {"en": "neighbour", "zh": "邻居"},
    "col.weight_out": {"en": "ties out", "zh": "发出关系"},
    "col.weight_in": {"en": "ties in", "zh": "收到关系"},
    "col.weight": {"en": "total ties", "zh": "关系总数"},
    "col.gat_community": {"en": "attention model's community", "zh": "注意力模型社群"},
    "col.confidence": {"en": "confidence", "zh": "置信度"},
    "col.attention_influence": {"en": "attention received", "zh": "获得的注意力"},
    "col.low_degree": {"en": "few ties", "zh": "关系很少"},
    # --- sentiment ----------------------------------------------------------------------------
    # --- ad A/B -------------------------------------------------------------------------------
    # --- churn --------------------------------------------------------------------------------
    # --- recommendations ----------------------------------------------------------------------
    "col.model": {"en": "model", "zh": "模型"},
    "col.protocol": {"en": "protocol", "zh": "评估方式"},
    "col.rank": {"en": "rank", "zh": "排名"},
    "col.item": {"en": "item", "zh": "物品"},
    "col.score": {"en": "score", "zh": "得分"},
}
