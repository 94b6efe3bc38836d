"""Strings of the analyst's journey across views (issue 25): active filters and their reset, the
home page's messages, the uploader's own line, progress within a stage."""

TABLE: dict[str, dict[str, str]] = {
    "journey.filtered.posts": {
        "en": "Showing {shown} of {total} posts: {filters}.",
        "zh": "当前显示 {total} 条帖子中的 {shown} 条，已应用筛选：{filters}。",
    },
    "journey.filtered.users": {
        "en": "Showing {shown} of {total} users: {filters}.",
        "zh": "当前显示 {total} 位用户中的 {shown} 位，已应用筛选：{filters}。",
    },
    "journey.show_all": {"en": "Show all", "zh": "显示全部"},
    "journey.filter.date_range": {"en": "date range", "zh": "日期范围"},
    "journey.filter.communities": {"en": "communities", "zh": "社群"},
    "journey.filter.post_languages": {"en": "post language", "zh": "帖子语言"},
    "journey.filter.community": {"en": "community", "zh": "社群"},
    # the ingest's check of a required field left empty (core/data/ingest.py; was "rows are not a value")
    "err.ingest.missing_values": {
        "en": "{n} of {total} rows have no value for '{field}', which is required: {shown}{others}. "
        "Fill those rows, map another column, or choose to skip bad rows",
        "zh": "{total} 行中有 {n} 行缺少必填字段“{field}”的值：{shown}{others}。请补全这些行、映射另一列，或选择跳过有问题的行",
    },
    "journey.trained": {
        "en": "✓ Trained (training budget: {budget}). The model card below says how training went.",
        "zh": "✓ 已训练（训练时间上限：{budget}）。训练情况见下方的模型卡片。",
    },
    "journey.trained_in": {
        "en": "✓ Trained in {t} on {device} (training budget: {budget}). The model card below says how training went.",
        "zh": "✓ 已在 {device} 上训练完成，用时 {t}（训练时间上限：{budget}）。训练情况见下方的模型卡片。",
    },
    "journey.no_budget": {"en": "none", "zh": "不设上限"},
    "journey.retrain": {"en": "Train again with another time budget", "zh": "换一个训练时间上限重新训练"},
    "stage.detail.logistic_regression": {
        "en": "fitting the logistic regression",
        "zh": "正在拟合逻辑回归",
    },
    "stage.detail.gradient_boosting": {
        "en": "fitting the gradient-boosted trees",
        "zh": "正在拟合梯度提升树",
    },
    "journey.versions_of_one": {"en": "{table} · 1 version", "zh": "{table} · 1 个版本"},
    "journey.action_first": {"en": "first load", "zh": "首次导入"},
    "journey.upload_line": {
        "en": "Drag a file onto the box below or click “Browse files” (CSV, TSV or TXT).",
        "zh": "把文件拖到下面的方框里，或点击“Browse files”选择文件（CSV、TSV 或 TXT）。",
    },
}
