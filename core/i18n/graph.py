"""The community graph view."""

TABLE: dict[str, dict[str, str]] = {
    "graph.ties": {"en": "ties", "zh": "联系数"},
    "graph.other_communities": {"en": "other communities", "zh": "其他社群"},
    "graph.nothing_to_draw": {
        "en": "No user has a tie: nothing to draw.",
        "zh": "没有用户之间存在联系：无可绘制内容。",
    },
    "graph.isolates_hidden": {
        "en": "{n} users without any tie are left out of the drawing (they are in the tables).",
        "zh": "{n} 位没有任何联系的用户未绘制在图中（表格中仍包含他们）。",
    },
    "graph.no_growth": {
        "en": "The graph's data has no times: no growth to show.",
        "zh": "图数据没有时间信息：无法显示增长。",
    },
    "graph.title": {"en": "Community graph", "zh": "社群图谱"},
    "graph.intro": {
        "en": "Who the communities are and who holds them together.",
        "zh": "社群由谁组成，又是谁把它们连在一起。",
    },
    "graph.no_source": {
        "en": "This view needs an 'edges' table, or 'posts' with replies, or 'interactions'. Upload one on the home page.",
        "zh": "此视图需要关系表（edges）、带回复的帖子表（posts）或互动表（interactions）。请在首页上传。",
    },
    "graph.settings": {"en": "Graph settings", "zh": "图谱设置"},
    "graph.algorithm": {"en": "Algorithm", "zh": "算法"},
    "graph.algo.leiden": {"en": "Leiden (recommended)", "zh": "Leiden（推荐）"},
    "graph.algo.louvain": {"en": "Louvain", "zh": "Louvain"},
    "graph.algo.label_propagation": {
        "en": "Label propagation (may merge everything)",
        "zh": "标签传播（可能合并为一个社群）",
    },
    "graph.resolution": {"en": "Resolution (higher = smaller communities)", "zh": "分辨率（越高社群越小）"},
    "graph.profile.title": {"en": "Resolution profile", "zh": "分辨率剖面"},
    "graph.profile.help.plateau": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. Resolution {resolution} ({communities} communities) was chosen automatically: it sits on the widest range of resolutions that give the same partition, where the seeds agree most. Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。自动选择分辨率 {resolution}（{communities} 个社群）：它位于划分结果保持不变的最宽分辨率区间内，且各种子结果最一致。点击其他点可查看该尺度。",
    },
    "graph.profile.help.consensus": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. Resolution {resolution} ({communities} communities) was chosen automatically: on the widest range of resolutions that give the same partition, it is the partition that agrees most with all the others. Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。自动选择分辨率 {resolution}（{communities} 个社群）：在划分结果保持不变的最宽分辨率区间内，它是与其他所有结果最一致的划分。点击其他点可查看该尺度。",
    },
    "graph.profile.help.stability": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. Resolution {resolution} ({communities} communities) was chosen automatically: there the seeds agree most. Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。自动选择分辨率 {resolution}（{communities} 个社群）：该处各种子结果最一致。点击其他点可查看该尺度。",
    },
    "graph.profile.resolution": {"en": "Resolution (higher = smaller communities)", "zh": "分辨率（越高社群越小）"},
    "graph.profile.stability": {"en": "Agreement across seeds (ARI)", "zh": "跨种子一致性（ARI）"},
    "graph.profile.chosen": {"en": "Chosen automatically", "zh": "自动选择"},
    "graph.profile.shown": {"en": "Shown", "zh": "当前显示"},
    "graph.profile.pick": {"en": "Scale shown", "zh": "显示的尺度"},
    "graph.profile.auto": {
        "en": "Automatic: resolution {resolution} ({communities} communities)",
        "zh": "自动：分辨率 {resolution}（{communities} 个社群）",
    },
    "graph.profile.point": {
        "en": "Resolution {resolution}: {communities} communities, agreement {stability:.2f}",
        "zh": "分辨率 {resolution}：{communities} 个社群，一致性 {stability:.2f}",
    },
    "graph.profile.progress": {
        "en": "Scanning resolutions: {done} of {total} runs",
        "zh": "正在扫描分辨率：已完成 {done}/{total} 次运行",
    },
    "graph.profile.stage": {"en": "Choosing the resolution (runs done)", "zh": "正在选择分辨率（已完成运行数）"},
    "graph.profile.background": {
        "en": "A large graph: the resolution is being chosen in the background (progress above). Meanwhile this shows resolution 1.0; the page switches to the chosen scale when the scan is done.",
        "zh": "图谱较大：正在后台选择分辨率（进度见上方）。在此期间显示分辨率 1.0 的结果，扫描完成后页面会切换到所选尺度。",
    },
    "graph.profile.restart": {"en": "Choose the resolution again", "zh": "重新选择分辨率"},
    "graph.min_weight": {"en": "Minimum edge weight", "zh": "最小边权重"},
    "graph.date_range": {"en": "Date range", "zh": "日期范围"},
    "graph.source": {"en": "Graph built from: {source}", "zh": "图谱来源：{source}"},
    "graph.source.edges": {"en": "the edges table", "zh": "edges 表"},
    "graph.source.replies": {"en": "replies in posts", "zh": "帖子中的回复"},
    "graph.source.co_interaction": {"en": "users interacting with the same items", "zh": "与相同内容互动的用户"},
    "graph.nodes": {"en": "Users", "zh": "用户"},
    "graph.edges": {"en": "Ties", "zh": "关系"},
    "graph.communities": {"en": "Communities", "zh": "社群数"},
    "graph.modularity": {"en": "Modularity", "zh": "模块度"},
    "graph.stability": {"en": "Stability across seeds (NMI)", "zh": "跨随机种子稳定性（NMI）"},
    "graph.report": {
        "en": "{loops} self-loops dropped · {isolates} users without ties (kept as their own community) · {below} ties below the minimum weight",
        "zh": "已去除 {loops} 条自环 · {isolates} 位用户没有任何关系（各自单独成群）· {below} 条关系低于最小权重",
    },
    "graph.network": {"en": "Network", "zh": "网络图"},
    "graph.network_users": {"en": "Users coloured by community", "zh": "按社群着色的用户"},
    "graph.network_communities": {
        "en": "Communities (size = members, lines = ties between them)",
        "zh": "社群（大小=成员数，连线=社群间关系）",
    },
    "graph.coloured": {"en": "Communities in colour", "zh": "着色的社群"},
    "graph.coloured_help": {
        "en": "With many communities most would be grey: pick the ones to colour in both graphs (the ten largest to start with).",
        "zh": "社群很多时大部分只能显示为灰色：在这里选择要在两张图中着色的社群（默认是最大的十个）。",
    },
    "graph.overview_note": {
        "en": "{n} communities: the member graph (left) beside one node per community (right), sized by members, linked by their ties (thicker = more ties).",
        "zh": "共 {n} 个社群：左边是成员图，右边每个社群一个节点，大小表示成员数，连线表示社群之间的关系（越粗关系越多）。",
    },
    "graph.too_big": {
        "en": "{n} users are too many to draw one by one: showing communities. Pick one to drill down.",
        "zh": "{n} 位用户太多，无法逐个绘制：显示社群层级。选择一个社群查看详情。",
    },
    "graph.drill": {"en": "Drill down into community", "zh": "查看社群详情"},
    "graph.all_communities": {"en": "All communities", "zh": "全部社群"},
    "graph.truncated": {
        "en": "Showing the {shown} most central of {total} users.",
        "zh": "显示 {total} 位用户中最核心的 {shown} 位。",
    },
    "graph.search": {"en": "Find a user", "zh": "查找用户"},
    "graph.search_help": {"en": "Type a user id, e.g. u0001", "zh": "输入用户 ID，例如 u0001"},
    "graph.user_community": {
        "en": "{user} is in community {community} ({size} members) with {n} neighbours.",
        "zh": "{user} 属于社群 {community}（{size} 位成员），有 {n} 位邻居。",
    },
    "graph.user_missing": {"en": "No user '{user}' in this graph.", "zh": "图谱中没有用户“{user}”。"},
    "graph.profiles": {"en": "Community profiles", "zh": "社群画像"},
    "graph.influencers": {"en": "Most influential users", "zh": "最具影响力的用户"},
    "graph.growth": {"en": "Growth over time", "zh": "成员增长"},
    "graph.members": {"en": "members", "zh": "成员"},
    "graph.community": {"en": "community", "zh": "社群"},
    "graph.sizes": {"en": "Community sizes", "zh": "社群规模"},
    "graph.gat": {"en": "Attention model: place low-degree users", "zh": "注意力模型：为低连接用户定位社群"},
    "graph.gat_help": {
        "en": "A graph attention network learns communities from well-connected users and their attributes, then places users with few ties and scores influence by the attention neighbours pay them.",
        "zh": "图注意力网络从连接充分的用户及其属性中学习社群，然后为关系很少的用户定位社群，并根据邻居给予的注意力评估影响力。",
    },
    "graph.gat_metrics": {
        "en": "Held-out accuracy on well-connected users: {acc:.1%} · {low} low-degree users placed · {moved} of them moved to another community than the algorithm's",
        "zh": "连接充分用户的留出准确率：{acc:.1%} · 已定位 {low} 位低连接用户 · 其中 {moved} 位与算法结果不同",
    },
    "graph.computing": {"en": "Finding communities…", "zh": "正在识别社群…"},
    "graph.significance_skipped": {
        "en": "Not tested against random rewirings: the graph has {edges} ties, above {limit} (on graphs "
        "this large the test costs many times the detection and real structure is far beyond chance; "
        "`python -m core communities --significance` runs it).",
        "zh": "未与随机重连图比较：图中有 {edges} 条关系，超过 {limit}（这么大的图上检验耗时是社群识别的许多倍，"
        "真实结构远超偶然；`python -m core communities --significance` 可运行该检验）。",
    },
    "graph.error": {"en": "Could not analyse the graph: {error}", "zh": "无法分析图谱：{error}"},
    "graph.sentiment_from.label": {"en": "labels", "zh": "标签"},
    "graph.sentiment_from.lexicon": {"en": "lexicon", "zh": "情感词典"},
    "graph.focus_note": {
        "en": "Community {name}'s {n} members are in {k} of the graph's detected communities; the network shows "
        "{main}, which holds {held} of them, and the tables below keep those communities and the members "
        "among the influencers.",
        "zh": "社群 {name} 的 {n} 位成员分布在图中检测到的 {k} 个社群里；网络图显示其中人数最多的 {main}"
        "（{held} 位），下面的表格只保留这些社群以及成员中的关键人物。",
    },
    "graph.focus_none": {
        "en": "None of community {name}'s members is in this graph (date range, minimum tie weight): "
        "nothing to narrow to, so every community is shown.",
        "zh": "社群 {name} 的成员都不在当前图中（受日期范围、最小连接权重影响），无法聚焦，因此显示全部社群。",
    },
}
