"""One small translation table for every user-facing string: English and 简体中文.

`t("key", "zh", n=3)` looks a key up and formats it. A missing key falls back to English, then to
the key itself, so a forgotten entry shows up as a visible key instead of crashing a page.
Keys are grouped by view with a prefix (home., common., graph., sent., ab., churn., reco.).
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

TABLE: dict[str, dict[str, str]] = {
    # --- common ---------------------------------------------------------------------------
    "common.language": {"en": "Language", "zh": "语言"},
    "common.workspace": {"en": "Workspace", "zh": "工作区"},
    "common.download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "common.missing_table": {"en": "This view needs the '{table}' table. Upload it on the home page.",
                             "zh": "此视图需要“{table}”表。请在首页上传。"},
    "common.go_home": {"en": "Go to the home page", "zh": "前往首页"},
    "common.train": {"en": "Train", "zh": "训练"},
    "common.cancel": {"en": "Cancel", "zh": "取消"},
    "common.training": {"en": "Training…", "zh": "训练中…"},
    "common.error": {"en": "Error", "zh": "错误"},
    "common.preparing_sample": {"en": "Preparing the sample community (first run only)…", "zh": "正在准备示例社区（仅首次运行）…"},
    "common.sample_workspace": {"en": "Sample community", "zh": "示例社区"},
    # --- navigation -------------------------------------------------------------------------
    "nav.data": {"en": "Data", "zh": "数据"},
    "nav.views": {"en": "Views", "zh": "视图"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.community_graph": {"en": "Community graph", "zh": "社群图谱"},
    "nav.sentiment_trends": {"en": "Sentiment trends", "zh": "情感趋势"},
    "nav.ad_ab_results": {"en": "Ad A/B results", "zh": "广告 A/B 结果"},
    "nav.churn_cohorts": {"en": "Churn cohorts", "zh": "流失与留存"},
    "nav.recommendations": {"en": "Recommendations", "zh": "推荐"},
    # --- home -----------------------------------------------------------------------------
    "home.title": {"en": "Community economy dashboard", "zh": "社群经济仪表盘"},
    "home.intro": {"en": "Upload your platform's CSV exports (members, interactions, posts, follows, ad events). "
                         "Each view trains its models on your data.",
                   "zh": "上传平台导出的 CSV（成员、互动、帖子、关注、广告事件），每个视图都会基于您的数据训练模型。"},
    "home.new_workspace": {"en": "Create a new workspace", "zh": "新建工作区"},
    "home.workspace_name": {"en": "Workspace name", "zh": "工作区名称"},
    "home.create": {"en": "Create", "zh": "创建"},
    "home.upload_header": {"en": "Upload data", "zh": "上传数据"},
    "home.upload": {"en": "CSV files (UTF-8, GBK, UTF-16; comma, semicolon, tab or pipe)",
                    "zh": "CSV 文件（UTF-8、GBK、UTF-16；逗号、分号、制表符或竖线分隔）"},
    "home.file": {"en": "File", "zh": "文件"},
    "home.detected": {"en": "Detected {encoding}, delimiter {delimiter}, {columns} columns",
                      "zh": "检测到编码 {encoding}，分隔符 {delimiter}，共 {columns} 列"},
    "home.remembered": {"en": "mapping remembered from an earlier upload", "zh": "已沿用上次相同表头的映射"},
    "home.table": {"en": "Table", "zh": "表"},
    "home.required": {"en": "Required fields: {fields}", "zh": "必填字段：{fields}"},
    "home.col_column": {"en": "Your column", "zh": "您的列"},
    "home.col_example": {"en": "Example value", "zh": "示例值"},
    "home.col_field": {"en": "Maps to", "zh": "映射为"},
    "home.col_field_help": {"en": "Leave empty to keep the column as an extra attribute",
                            "zh": "留空则作为附加属性列保留"},
    "home.skip_bad": {"en": "Skip rows that cannot be read (and report how many)", "zh": "跳过无法解析的行（并报告数量）"},
    "home.ingest": {"en": "Ingest", "zh": "导入"},
    "home.discard": {"en": "Discard", "zh": "放弃"},
    "home.ingesting": {"en": "Ingesting…", "zh": "正在导入…"},
    "home.ingested": {"en": "{file}: {rows} rows ingested into '{table}' (version {version}; {skipped} rows skipped)",
                      "zh": "{file}：已导入 {rows} 行到“{table}”（版本 {version}；跳过 {skipped} 行）"},
    "home.health": {"en": "Data health", "zh": "数据健康"},
    "home.no_tables": {"en": "This workspace has no tables yet: upload a CSV above.",
                       "zh": "此工作区还没有数据表：请在上方上传 CSV。"},
    "home.rows": {"en": "Rows", "zh": "行数"},
    "home.version": {"en": "Version", "zh": "版本"},
    "home.source": {"en": "Source file", "zh": "来源文件"},
    "home.loaded": {"en": "Loaded at", "zh": "导入时间"},
    "home.duplicates": {"en": "Duplicate rows", "zh": "重复行"},
    "home.date_range": {"en": "Date range", "zh": "日期范围"},
    "home.unlocks": {"en": "Views this data unlocks", "zh": "这些数据可用于以下视图"},
    # --- graph ----------------------------------------------------------------------------
    # --- sentiment --------------------------------------------------------------------------
    # --- ab ---------------------------------------------------------------------------------
    # --- churn ------------------------------------------------------------------------------
    # --- reco -------------------------------------------------------------------------------
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """Translate `key` into `lang` ('en' or 'zh') and format it with `fmt`."""
    entry = TABLE.get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text
