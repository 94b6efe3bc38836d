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
    # --- community graph ----------------------------------------------------------------------
    # --- sentiment ----------------------------------------------------------------------------
    "col.post_id": {"en": "post", "zh": "帖子"},
    "col.language": {"en": "language", "zh": "语言"},
    "col.sentiment": {"en": "sentiment", "zh": "情感"},
    "col.score": {"en": "score", "zh": "得分"},
    "col.scorer": {"en": "scorer", "zh": "评分方式"},
    "col.label": {"en": "label", "zh": "标签"},
    "col.term": {"en": "term", "zh": "词语"},
    "col.z": {"en": "z", "zh": "z 值"},
    "col.target_count": {"en": "uses", "zh": "出现次数"},
    "col.macro_f1": {"en": "macro-F1", "zh": "宏平均 F1"},
    "col.accuracy": {"en": "accuracy", "zh": "准确率"},
    # --- ad A/B -------------------------------------------------------------------------------
    # --- churn --------------------------------------------------------------------------------
    "col.churn_probability": {"en": "churn probability", "zh": "流失概率"},
    "col.top_features": {"en": "why: features", "zh": "原因：特征"},
    "col.top_weeks": {"en": "why: weeks", "zh": "原因：周"},
    "col.model": {"en": "model", "zh": "模型"},
    "col.auc": {"en": "AUC", "zh": "AUC"},
    "col.pr_auc": {"en": "PR-AUC", "zh": "精确率-召回率 AUC"},
    "col.brier": {"en": "Brier score", "zh": "布里尔分数"},
    "col.test_users": {"en": "test members", "zh": "测试成员数"},
    "col.test_churn_rate": {"en": "test churn rate", "zh": "测试集流失率"},
    "col.recency_days": {"en": "days since last activity", "zh": "距上次活跃天数"},
    "col.frequency": {"en": "events", "zh": "活动次数"},
    "col.active_days": {"en": "active days", "zh": "活跃天数"},
    "col.events_last_30d": {"en": "events in the last 30 days", "zh": "近 30 天活动次数"},
    "col.tenure_days": {"en": "days since start", "zh": "加入天数"},
    "col.events_per_week": {"en": "events per week", "zh": "每周活动次数"},
    "col.activity_trend": {"en": "activity trend", "zh": "活跃趋势"},
    "col.posts": {"en": "posts", "zh": "发帖数"},
    "col.post_sentiment": {"en": "post sentiment", "zh": "发帖情感"},
    "col.negative_post_share": {"en": "share of negative posts", "zh": "负面帖子占比"},
    "col.social_degree": {"en": "social ties", "zh": "社交关系数"},
    "col.followers": {"en": "followers", "zh": "粉丝数"},
    "col.segment": {"en": "segment", "zh": "细分群体"},
    "col.region": {"en": "region", "zh": "地区"},
    "col.age_group": {"en": "age group", "zh": "年龄段"},
    "col.weekly timeline": {"en": "weekly activity timeline", "zh": "每周活动时间线"},
    "col.mean_risk": {"en": "mean churn risk", "zh": "平均流失风险"},
    "col.expected_churners": {"en": "expected churners", "zh": "预计流失人数"},
    # --- recommendations ----------------------------------------------------------------------
}
