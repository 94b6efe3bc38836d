"""Strings of the analyst's journey across views (issue 25): active filters and their reset, the
home page's messages, the uploader's own line, progress within a stage."""

TABLE: dict[str, dict[str, str]] = {
    "journey.filtered": {
        "en": "Showing {shown} of {total} {what}: {filters}.",
        "zh": "当前显示 {total} {what}中的 {shown} {unit}，已应用筛选：{filters}。",
    },
    "journey.show_all": {"en": "Show all", "zh": "显示全部"},
    "journey.what.posts": {"en": "posts", "zh": "条帖子"},
    "journey.unit.posts": {"en": "", "zh": "条"},
    "journey.what.users": {"en": "users", "zh": "位用户"},
    "journey.unit.users": {"en": "", "zh": "位"},
    "journey.filter.date_range": {"en": "date range", "zh": "日期范围"},
    "journey.filter.communities": {"en": "communities", "zh": "社群"},
    "journey.filter.post_languages": {"en": "post language", "zh": "帖子语言"},
    "journey.filter.community": {"en": "community", "zh": "社群"},
}
