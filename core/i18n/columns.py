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
    # --- ad A/B -------------------------------------------------------------------------------
    "col.mean": {"en": "mean", "zh": "均值"},
    "col.mean_ci": {"en": "95% CI", "zh": "95% 置信区间"},
    "col.relative_lift": {"en": "lift vs control", "zh": "相对对照组提升"},
    "col.relative_lift_ci": {"en": "lift 95% CI", "zh": "提升 95% 置信区间"},
    "col.sequential_relative_ci": {"en": "always-valid CI", "zh": "随时有效区间"},
    "col.p_value": {"en": "p-value", "zh": "p 值"},
    "col.p_value_holm": {"en": "p (Holm)", "zh": "p（Holm 校正）"},
    "col.p_value_bh": {"en": "p (BH)", "zh": "p（BH 校正）"},
    "col.p_value_fdr": {"en": "p (FDR)", "zh": "p（错误发现率校正）"},
    "col.sequential_p_value": {"en": "p (sequential)", "zh": "p（序贯）"},
    "col.prob_beat_control": {"en": "chance to beat control", "zh": "胜过对照组的概率"},
    "col.expected_loss": {"en": "expected loss", "zh": "预期损失"},
    "col.relative_mde": {"en": "MDE (80% power)", "zh": "最小可检测效应（80% 功效）"},
    "col.decision": {"en": "decision", "zh": "决策"},
    "col.guardrail": {"en": "guardrail", "zh": "护栏"},
    "col.srm_mismatch": {"en": "SRM", "zh": "样本比例失衡"},
    "col.experiment": {"en": "experiment", "zh": "实验"},
    "col.metric": {"en": "metric", "zh": "指标"},
    "col.variants": {"en": "variants", "zh": "版本数"},
    "col.units": {"en": "units", "zh": "样本量"},
    "col.ctr": {"en": "CTR", "zh": "点击率"},
    "col.cvr": {"en": "CVR", "zh": "转化率"},
    "col.cpa": {"en": "CPA", "zh": "单次转化成本"},
    "col.roas": {"en": "ROAS", "zh": "广告支出回报率"},
    "col.response_model": {"en": "model", "zh": "模型"},
    "col.holdout_qini": {"en": "Qini coefficient (held out)", "zh": "Qini 系数（留出集）"},
    "col.holdout_auc": {"en": "AUC (held out)", "zh": "AUC（留出集）"},
    "col.segment_feature": {"en": "segment column", "zh": "分群列"},
    "col.segment_value": {"en": "segment", "zh": "分群"},
    "col.best_variant": {"en": "best variant", "zh": "最佳版本"},
    "col.predicted_rate": {"en": "predicted rate", "zh": "预测比率"},
    # --- churn --------------------------------------------------------------------------------
    # --- recommendations ----------------------------------------------------------------------
}
