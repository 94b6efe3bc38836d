"""The community-health view and its alerts."""

TABLE: dict[str, dict[str, str]] = {
    "health.title": {"en": "Community health", "zh": "社群健康"},
    "health.intro": {
        "en": "How each community is doing, what changed, and where to act: activity, responsiveness, "
        "newcomers, concentration and mood per community, each judged against its own past.",
        "zh": "每个社群的状况如何、有什么变化、该在哪里采取行动：按社群查看活跃度、响应速度、新成员、"
        "集中度和情绪，每项都与该社群自己的过去相比。",
    },
    "health.site": {"en": "Whole site", "zh": "全站"},
    "health.community_named": {"en": "Community {name}", "zh": "社群 {name}"},
    "health.when.day": {"en": "on {date}", "zh": "在 {date} 当天"},
    "health.when.week": {"en": "in the week of {date}", "zh": "在 {date} 这一周"},
    "health.when.month": {"en": "in {date}", "zh": "在 {date} 这个月"},
    "health.alert.fell": {
        "en": "{who}: {metric} fell from {before} to {after} {when}",
        "zh": "{who}：{metric}{when}从 {before} 降到 {after}",
    },
    "health.alert.rose": {
        "en": "{who}: {metric} rose from {before} to {after} {when}",
        "zh": "{who}：{metric}{when}从 {before} 升到 {after}",
    },
    "health.detail.share_answered": {"en": "; {n} unanswered threads", "zh": "；{n} 个主题无人回复"},
    "health.detail.share_negative": {"en": "; {n} negative posts", "zh": "；{n} 条负面帖子"},
    "health.detail.sentiment_mean": {"en": "; {n} negative posts", "zh": "；{n} 条负面帖子"},
    "health.m.members": {"en": "members", "zh": "成员数"},
    "health.m.newcomers": {"en": "newcomers", "zh": "新成员数"},
    "health.m.returning_newcomers": {"en": "returning newcomers", "zh": "新成员回访率"},
    "health.m.threads": {"en": "threads", "zh": "主题数"},
    "health.m.replies": {"en": "replies", "zh": "回复数"},
    "health.m.threads_per_day": {"en": "threads per day", "zh": "每日主题数"},
    "health.m.replies_per_thread": {"en": "replies per thread", "zh": "每个主题的回复数"},
    "health.m.share_answered": {"en": "share answered", "zh": "获回复主题占比"},
    "health.m.median_hours_to_first_response": {
        "en": "median hours to first response",
        "zh": "首次回复时间中位数（小时）",
    },
    "health.m.p90_hours_to_first_response": {
        "en": "90th-percentile hours to first response",
        "zh": "首次回复时间第 90 百分位（小时）",
    },
    "health.m.members_for_half_of_replies": {"en": "members writing half the replies", "zh": "写出一半回复的成员数"},
    "health.m.reciprocity": {"en": "reciprocity", "zh": "互惠度"},
    "health.m.sentiment_mean": {"en": "mean sentiment", "zh": "平均情绪"},
    "health.m.share_negative": {"en": "share negative", "zh": "负面占比"},
    "health.m.share_high_churn_risk": {"en": "share at high churn risk", "zh": "高流失风险占比"},
    "health.m.members_in_ab_test": {"en": "members in the A/B test", "zh": "参与 A/B 测试的成员数"},
    "health.m.ab_lift": {"en": "A/B lift", "zh": "A/B 提升"},
    "health.absent.no_parent": {
        "en": "the posts have no parent_id, so replies and threads cannot be told apart",
        "zh": "帖子没有 parent_id，无法区分主题和回复",
    },
    "health.absent.no_ts": {"en": "the posts have no times (ts)", "zh": "帖子没有时间（ts）"},
    "health.absent.no_text": {
        "en": "the posts have no text or no post_id to score",
        "zh": "帖子没有可评分的文本或 post_id",
    },
    "health.absent.no_churn": {
        "en": "the activity is too short for the churn rule (30 days without a post)",
        "zh": "活动记录太短，无法套用流失规则（30 天未发帖）",
    },
    "health.m.top_influencers": {"en": "top influencers", "zh": "最具影响力的成员"},
    "health.absent.influencers": {
        "en": "top influencers come from the reply graph: choose its detected communities",
        "zh": "最具影响力的成员来自回复图：请选择回复图中检测到的社群",
    },
    "health.absent.no_ab": {
        "en": "no A/B test with user ids in ad_events",
        "zh": "ad_events 中没有带用户 ID 的 A/B 测试",
    },
    "health.note.no_periods": {
        "en": "Without times there are no periods and no alerts.",
        "zh": "没有时间信息，因此没有分期数据，也没有提醒。",
    },
    "health.note.no_community_column": {
        "en": "The posts have no community column: the whole site is shown.",
        "zh": "帖子没有社群列：只显示全站数据。",
    },
    "health.note.no_structure": {
        "en": "The reply graph has no community structure beyond chance (modularity {q:.3f}, random rewirings "
        "{mean:.3f} ± {sd:.3f}): its detected communities are not used; the whole site is shown.",
        "zh": "回复图的社群结构并不比随机更明显（模块度 {q:.3f}，随机重连 {mean:.3f} ± {sd:.3f}）："
        "不使用检测到的社群，只显示全站数据。",
    },
    "health.structure.yes": {
        "en": "These communities are beyond chance: modularity {q:.3f} against {mean:.3f} ± {sd:.3f} on {n} random "
        "rewirings that keep every member's number of ties.",
        "zh": "这些社群并非偶然：模块度 {q:.3f}，而保持每位成员联系数不变的 {n} 次随机重连只有 {mean:.3f} ± {sd:.3f}。",
    },
    "health.structure.no": {
        "en": "No community structure beyond chance: modularity {q:.3f} is what {n} random rewirings that keep every "
        "member's number of ties also reach ({mean:.3f} ± {sd:.3f}); read the colours below as arbitrary groups.",
        "zh": "社群结构并不比偶然更明显：模块度 {q:.3f}，保持每位成员联系数不变的 {n} 次随机重连也能达到"
        "（{mean:.3f} ± {sd:.3f}）；下图的颜色只是任意分组。",
    },
    "health.note.graph_used": {
        "en": "Communities detected in the reply graph (modularity {q:.3f}, random rewirings {mean:.3f} ± {sd:.3f}).",
        "zh": "社群来自回复图检测（模块度 {q:.3f}，随机重连 {mean:.3f} ± {sd:.3f}）。",
    },
}

TABLE.update(
    {
        "health.source": {"en": "Communities from", "zh": "社群来源"},
        "health.source.posts": {"en": "the posts' community column", "zh": "帖子的社群列"},
        "health.source.graph": {"en": "communities detected in the reply graph", "zh": "回复图中检测到的社群"},
        "health.period": {"en": "Period", "zh": "周期"},
        "health.freq.day": {"en": "day", "zh": "天"},
        "health.freq.week": {"en": "week", "zh": "周"},
        "health.freq.month": {"en": "month", "zh": "月"},
        "health.show_period": {"en": "Values of", "zh": "显示的周期"},
        "health.whole_span": {"en": "the whole span", "zh": "全部时间"},
        "health.table_caption": {
            "en": "Green / red: a change beyond the community's own usual variation (control chart against its "
            "previous 8 periods), good or bad for that metric; other communities are not the yardstick.",
            "zh": "绿色 / 红色：超出该社群自身通常波动的变化（与其前 8 个周期比较的控制图），分别表示变好或变差；"
            "不与其他社群相比。",
        },
        "health.alerts": {"en": "What changed", "zh": "有什么变化"},
        "health.no_alerts": {"en": "No change beyond the usual variation.", "zh": "没有超出通常波动的变化。"},
        "health.open_sentiment": {"en": "Open in sentiment", "zh": "在情绪视图中打开"},
        "health.open_churn": {"en": "Open in churn", "zh": "在流失视图中打开"},
        "health.open_graph": {"en": "Open in graph", "zh": "在图谱视图中打开"},
        "health.open_ab": {"en": "Open in A/B", "zh": "在 A/B 视图中打开"},
        "health.drill": {"en": "Drill into a community", "zh": "深入查看某个社群"},
        "health.targets": {"en": "Reference targets", "zh": "参考目标"},
        "health.area51": {"en": "Use Stack Exchange's Area 51 targets", "zh": "使用 Stack Exchange Area 51 目标"},
        "health.area51_source": {
            "en": "Area 51 (Stack Exchange's site incubator) judges a beta site healthy at about 15 questions a "
            "day, 90% answered and 2.5 answers per question ({url}).",
            "zh": "Area 51（Stack Exchange 的站点孵化器）认为健康的测试站点大约每天 15 个问题、90% 的问题得到回答、"
            "每个问题 2.5 个回答（{url}）。",
        },
        "health.below_target": {"en": "below target", "zh": "低于目标"},
        "health.targets_met": {"en": "targets met", "zh": "达标项"},
        "health.trend": {"en": "members, last 12 periods", "zh": "成员数（最近 12 个周期）"},
        "health.absent_title": {"en": "Not shown", "zh": "未显示"},
        "health.absent_line": {"en": "{metric}: {why}", "zh": "{metric}：{why}"},
        "health.help": {
            "en": "Threads are posts without parent_id; replies have one (a reply to a reply counts for its "
            "thread). members: distinct authors; newcomers: members whose first post (in that community) falls "
            "in the period; returning newcomers: share of them posting again in the next period; threads per "
            "day: threads / days between the first and last post; share answered: threads with a reply by "
            "another member; hours to first response: median and 90th percentile over answered threads; "
            "members writing half the replies: the fewest members who wrote at least half; reciprocity: share "
            "of reply pairs (a replied to b) where b also replied to a.",
            "zh": "主题是没有 parent_id 的帖子；回复带有 parent_id（回复的回复计入其所在主题）。成员数：不同作者数；"
            "新成员：首帖（在该社群内）落在该周期的成员；新成员回访率：其中在下一周期再次发帖的比例；每日主题数："
            "主题数 / 首帖与末帖之间的天数；获回复主题占比：有其他成员回复的主题比例；首次回复时间：已回复主题的"
            "中位数和第 90 百分位；写出一半回复的成员数：合计写出至少一半回复的最少成员数；互惠度：回复对（a 回复 b）"
            "中 b 也回复过 a 的比例。",
        },
    }
)


TABLE.update(  # the community filter the graph, churn and A/B views share with the sentiment view
    {
        "health.filter.label": {"en": "Community", "zh": "社群"},
        "health.filter.no_column": {
            "en": "This workspace's posts have no community column, so this view cannot narrow to community "
            "{name}: it shows everyone.",
            "zh": "此工作区的帖子没有社群列，本视图无法只看社群 {name}，显示的是全部成员。",
        },
        "health.filter.unknown": {
            "en": "Community {name} is not among the posts' communities (communities detected in the reply graph "
            "exist only in the health view), so this view shows every community.",
            "zh": "社群 {name} 不在帖子的社群中（回复图中检测出的社群只在健康视图中使用），因此本视图显示全部社群。",
        },
        "health.filter.churn_note": {
            "en": "Retention, survival and the at-risk list cover the {n} members of {names}; the churn model "
            "itself is trained on every member.",
            "zh": "留存、生存曲线和高风险名单只包含 {names} 的 {n} 位成员；流失模型本身仍用全部成员训练。",
        },
        "health.filter.ab_note": {
            "en": "The test's results cover the {n} units (users) who are members of {names}.",
            "zh": "实验结果只包含属于 {names} 的 {n} 个样本（用户）。",
        },
        "health.filter.ab_cannot": {
            "en": "These A/B rows cannot be joined to community members (no user_id column, or none of its users "
            "wrote posts), so this view cannot narrow to {names}: it shows every unit.",
            "zh": "这些 A/B 数据无法与社群成员对应（没有 user_id 列，或其中的用户都没有发过帖子），"
            "因此本视图无法只看 {names}，显示的是全部样本。",
        },
        "health.open_in": {"en": "Open in…", "zh": "打开到…"},
        "health.drill_hint": {
            "en": "Select a row of the table (or pick a community here), then open a view filtered to it.",
            "zh": "在表格中选中一行（或在这里选择社群），再打开只看该社群的视图。",
        },
        "health.filter.graph_members": {
            "en": "Community {name} is one the health view detected in the reply graph: this view keeps its "
            "{n} members.",
            "zh": "社群 {name} 是健康视图在回复图中检测出的社群：本视图只保留它的 {n} 位成员。",
        },
        "col.focus_members": {"en": "members of the filtered community", "zh": "所筛社群的成员数"},
    }
)
