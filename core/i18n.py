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
    "common.missing_table": {
        "en": "This view needs the '{table}' table. Upload it on the home page.",
        "zh": "此视图需要“{table}”表。请在首页上传。",
    },
    "common.go_home": {"en": "Go to the home page", "zh": "前往首页"},
    "common.train": {"en": "Train", "zh": "训练"},
    "common.cancel": {"en": "Cancel", "zh": "取消"},
    "common.training": {"en": "Training…", "zh": "训练中…"},
    "stage.encoding": {"en": "Encoding the texts with the pretrained model", "zh": "用预训练模型编码文本"},
    "stage.fusion": {
        "en": "Fitting the TF-IDF + LR part and choosing the blend",
        "zh": "拟合 TF-IDF + LR 部分并选择融合权重",
    },
    "stage.scoring": {"en": "Scoring the held-out rows", "zh": "为留出数据打分"},
    "stage.baselines": {
        "en": "Scoring the baselines (TF-IDF + LR, lexicon) on the held-out rows",
        "zh": "在留出数据上评估基线（TF-IDF + LR、词典）",
    },
    "common.error": {"en": "Error", "zh": "错误"},
    "common.preparing_sample": {
        "en": "Preparing the sample community (first run only)…",
        "zh": "正在准备示例社区（仅首次运行）…",
    },
    "common.sample_workspace": {"en": "Sample community", "zh": "示例社区"},
    # --- app journey: what each view can show (core.capabilities), partial data, readable graphs ----
    "common.view_needs": {
        "en": "This view needs {needs}. Upload it on the home page.",
        "zh": "此视图需要 {needs}。请在首页上传。",
    },
    "common.part_needs": {"en": "{part}: needs {needs}.", "zh": "{part}：需要 {needs}。"},
    "home.unlocks_partial": {"en": "Shows {shown}. Not yet: {missing}.", "zh": "可显示：{shown}。尚缺：{missing}。"},
    "home.unlocks_needs": {"en": "Needs {needs}.", "zh": "需要 {needs}。"},
    "cap.community_graph.network": {"en": "network and communities", "zh": "网络与社群"},
    "cap.community_graph.growth": {"en": "growth over time", "zh": "随时间的增长"},
    "cap.community_graph.sentiment": {"en": "sentiment per community", "zh": "各社群情感"},
    "cap.community_graph.churn": {"en": "churn per community", "zh": "各社群流失"},
    "cap.community_graph.ads": {"en": "ad response per community", "zh": "各社群广告响应"},
    "cap.sentiment_trends.scoring": {"en": "scoring", "zh": "情感打分"},
    "cap.sentiment_trends.drivers": {"en": "negative drivers", "zh": "负面驱动因素"},
    "cap.sentiment_trends.model_card": {"en": "model card", "zh": "模型卡"},
    "cap.sentiment_trends.trend": {"en": "trend over time and shifts", "zh": "随时间的趋势与突变"},
    "cap.sentiment_trends.communities": {"en": "community filter", "zh": "社群筛选"},
    "cap.sentiment_trends.labels": {"en": "training on labels", "zh": "基于标签训练"},
    "cap.ad_ab_results.results": {"en": "test results", "zh": "实验结果"},
    "cap.churn_cohorts.retention": {"en": "retention", "zh": "留存"},
    "cap.churn_cohorts.survival": {"en": "survival curves", "zh": "生存曲线"},
    "cap.churn_cohorts.model": {"en": "churn model", "zh": "流失模型"},
    "cap.churn_cohorts.signup_cohorts": {"en": "cohorts by signup", "zh": "按注册时间分组"},
    "cap.recommendations.lists": {"en": "recommendation lists", "zh": "推荐列表"},
    "sent.lexicon_meanwhile": {
        "en": "Until the trained model is ready, the charts below use the lexicon scorer.",
        "zh": "在训练好的模型就绪之前，下方图表使用词典打分。",
    },
    "sent.no_trend_rows": {
        "en": "No posts with a time in this selection: no trend to draw.",
        "zh": "所选范围内没有带时间的帖子：无法绘制趋势。",
    },
    "churn.workspace_needs": {
        "en": "Retention and churn from this workspace need {needs}; you can upload an event "
        "log or a labelled snapshot here instead.",
        "zh": "基于此工作区的留存与流失分析需要 {needs}；也可以在此上传事件日志或带标签的快照。",
    },
    "reco.baselines_first": {
        "en": "Popularity and item-kNN on the held-out last item of each member; SASRec joins them when it is trained.",
        "zh": "热门推荐与物品 kNN 在每位成员留出的最后一个物品上的表现；SASRec 训练完成后加入比较。",
    },
    "reco.model_Popularity": {"en": "Popularity", "zh": "热门推荐"},
    "reco.model_Item-kNN": {"en": "Item-kNN", "zh": "物品 kNN"},
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
    "home.intro": {
        "en": "Upload your platform's CSV exports (members, interactions, posts, follows, ad events). "
        "Each view trains its models on your data.",
        "zh": "上传平台导出的 CSV（成员、互动、帖子、关注、广告事件），每个视图都会基于您的数据训练模型。",
    },
    "home.new_workspace": {"en": "Create a new workspace", "zh": "新建工作区"},
    "home.workspace_name": {"en": "Workspace name", "zh": "工作区名称"},
    "home.create": {"en": "Create", "zh": "创建"},
    "home.upload_header": {"en": "Upload data", "zh": "上传数据"},
    "home.upload": {
        "en": "CSV files (UTF-8, GBK, UTF-16; comma, semicolon, tab or pipe)",
        "zh": "CSV 文件（UTF-8、GBK、UTF-16；逗号、分号、制表符或竖线分隔）",
    },
    "home.file": {"en": "File", "zh": "文件"},
    "home.detected": {
        "en": "Detected {encoding}, delimiter {delimiter}, {columns} columns",
        "zh": "检测到编码 {encoding}，分隔符 {delimiter}，共 {columns} 列",
    },
    "home.remembered": {"en": "mapping remembered from an earlier upload", "zh": "已沿用上次相同表头的映射"},
    "home.table": {"en": "Table", "zh": "表"},
    "home.required": {"en": "Required fields: {fields}", "zh": "必填字段：{fields}"},
    "home.col_column": {"en": "Your column", "zh": "您的列"},
    "home.col_example": {"en": "Example value", "zh": "示例值"},
    "home.col_field": {"en": "Maps to", "zh": "映射为"},
    "home.col_field_help": {
        "en": "Leave empty to keep the column as an extra attribute",
        "zh": "留空则作为附加属性列保留",
    },
    "home.skip_bad": {
        "en": "Skip rows that cannot be read (and report how many)",
        "zh": "跳过无法解析的行（并报告数量）",
    },
    "home.ingest": {"en": "Ingest", "zh": "导入"},
    "home.discard": {"en": "Discard", "zh": "放弃"},
    "home.ingesting": {"en": "Ingesting…", "zh": "正在导入…"},
    "home.ingested": {
        "en": "{file}: {rows} rows ingested into '{table}' of workspace '{workspace}' "
        "(version {version}; {skipped} rows skipped)",
        "zh": "{file}：已导入 {rows} 行到工作区“{workspace}”的“{table}”表（版本 {version}；跳过 {skipped} 行）",
    },
    "home.target_workspace": {"en": "Save into workspace", "zh": "保存到工作区"},
    "home.target_help": {
        "en": "The sample community stays as it is; your data goes into a workspace of its own (created if new).",
        "zh": "示例社区保持不变；您的数据将保存到单独的工作区（不存在时自动创建）。",
    },
    # replace / append / confirm / versions (data layer)
    "home.table_has": {
        "en": "'{table}' already has {rows} rows (version {version}).",
        "zh": "“{table}”表已有 {rows} 行（版本 {version}）。",
    },
    "home.mode": {"en": "Into the existing table", "zh": "导入到已有表的方式"},
    "home.mode_replace": {"en": "Replace its rows", "zh": "替换原有行"},
    "home.mode_append": {"en": "Append to its rows (same columns)", "zh": "追加到原有行（列须相同）"},
    "home.confirm": {"en": "Confirm", "zh": "确认"},
    "home.cancel_ingest": {"en": "Cancel", "zh": "取消"},
    "home.confirm_replace": {
        "en": "Replacing '{table}' would change it from {before} rows to {after} rows.",
        "zh": "替换后“{table}”表将从 {before} 行变为 {after} 行。",
    },
    "home.confirm_append": {
        "en": "Appending to '{table}' would change it from {before} rows to {after} rows.",
        "zh": "追加后“{table}”表将从 {before} 行变为 {after} 行。",
    },
    "home.confirm_new": {
        "en": "'{table}' is new: it would get {after} rows.",
        "zh": "“{table}”是新表：将导入 {after} 行。",
    },
    "home.confirm_skipped": {
        "en": "{skipped} rows of the file could not be read and would be skipped (first: "
        "{examples}). Confirm to go ahead, or cancel to keep the table as it is.",
        "zh": "文件中有 {skipped} 行无法解析，将被跳过（前几行：{examples}）。确认继续，或取消以保持原表不变。",
    },
    "home.upload_gone": {
        "en": "{file}: the uploaded copy is no longer on the server (it was cleaned up); upload the file again",
        "zh": "{file}：服务器上的上传副本已被清理，请重新上传该文件",
    },
    "home.replaced": {
        "en": "{file}: {rows} rows ingested into '{table}' of workspace '{workspace}', replacing "
        "{before} rows (version {version}; {skipped} rows skipped)",
        "zh": "{file}：已导入 {rows} 行到工作区“{workspace}”的“{table}”表，替换原有 {before} 行"
        "（版本 {version}；跳过 {skipped} 行）",
    },
    "home.appended": {
        "en": "{file}: {added} rows appended to '{table}' of workspace '{workspace}' ({before} → "
        "{rows} rows; version {version}; {skipped} rows skipped)",
        "zh": "{file}：已追加 {added} 行到工作区“{workspace}”的“{table}”表（{before} → {rows} 行；"
        "版本 {version}；跳过 {skipped} 行）",
    },
    "home.skipped_first": {"en": "Skipped first: {examples}", "zh": "被跳过的前几行：{examples}"},
    "home.restored": {
        "en": "'{table}': version {version} restored as version {new}",
        "zh": "“{table}”表：版本 {version} 已恢复为新版本 {new}",
    },
    "home.versions": {"en": "Versions", "zh": "版本"},
    "home.versions_help": {
        "en": "Every ingest, append and restore makes a new version; the last three are kept and can be restored.",
        "zh": "每次导入、追加和恢复都会生成新版本；保留最近三个版本，可随时恢复。",
    },
    "home.versions_of": {"en": "{table} · {n} versions", "zh": "{table} · {n} 个版本"},
    "home.action_replace": {"en": "replaced", "zh": "替换"},
    "home.action_append": {"en": "appended", "zh": "追加"},
    "home.action_restore": {"en": "restored v{version}", "zh": "恢复自 v{version}"},
    "home.current": {"en": "current", "zh": "当前"},
    "home.restore": {"en": "Restore", "zh": "恢复"},
    "home.health": {"en": "Data health", "zh": "数据健康"},
    "home.no_tables": {
        "en": "This workspace has no tables yet: upload a CSV above.",
        "zh": "此工作区还没有数据表：请在上方上传 CSV。",
    },
    "home.rows": {"en": "Rows", "zh": "行数"},
    "home.version": {"en": "Version", "zh": "版本"},
    "home.source": {"en": "Source file", "zh": "来源文件"},
    "home.loaded": {"en": "Loaded at", "zh": "导入时间"},
    "home.duplicates": {"en": "Duplicate rows", "zh": "重复行"},
    "home.date_range": {"en": "Date range", "zh": "日期范围"},
    "home.unlocks": {"en": "Views this data unlocks", "zh": "这些数据可用于以下视图"},
    # --- graph ----------------------------------------------------------------------------
    "graph.title": {"en": "Community graph", "zh": "社群图谱"},
    "graph.intro": {
        "en": "Who the communities are and who holds them together.",
        "zh": "社群由谁组成，又是谁把它们连在一起。",
    },
    "graph.no_source": {
        "en": "This view needs an 'edges' table, or 'posts' with replies, or 'interactions'. "
        "Upload one on the home page.",
        "zh": "此视图需要“edges”表，或带回复的“posts”表，或“interactions”表。请在首页上传。",
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
    # resolution profile (issue 19): keys used by ui/resolution.py
    "graph.profile.title": {"en": "Resolution profile", "zh": "分辨率剖面"},
    "graph.profile.help.plateau": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. "
        "Resolution {resolution} ({communities} communities) was chosen automatically: it sits on the "
        "widest range of resolutions that give the same partition, where the seeds agree most. "
        "Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。"
        "自动选择分辨率 {resolution}（{communities} 个社群）：它位于划分结果保持不变的最宽分辨率区间内，"
        "且各种子结果最一致。点击其他点可查看该尺度。",
    },
    "graph.profile.help.consensus": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. "
        "Resolution {resolution} ({communities} communities) was chosen automatically: on the widest "
        "range of resolutions that give the same partition, it is the partition that agrees most with "
        "all the others. Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。"
        "自动选择分辨率 {resolution}（{communities} 个社群）：在划分结果保持不变的最宽分辨率区间内，"
        "它是与其他所有结果最一致的划分。点击其他点可查看该尺度。",
    },
    "graph.profile.help.stability": {
        "en": "Detection ran at resolutions from few large to many small communities, {seeds} seeds each. "
        "Resolution {resolution} ({communities} communities) was chosen automatically: there the seeds "
        "agree most. Click another point to see that scale.",
        "zh": "在从少量大社群到大量小社群的多个分辨率上运行社群识别，每个分辨率 {seeds} 个随机种子。"
        "自动选择分辨率 {resolution}（{communities} 个社群）：该处各种子结果最一致。点击其他点可查看该尺度。",
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
        "en": "A large graph: the resolution is being chosen in the background (progress above). Meanwhile "
        "this shows resolution 1.0; the page switches to the chosen scale when the scan is done.",
        "zh": "图谱较大：正在后台选择分辨率（进度见上方）。在此期间显示分辨率 1.0 的结果，扫描完成后页面会切换到所选尺度。",
    },
    "graph.profile.restart": {"en": "Choose the resolution again", "zh": "重新选择分辨率"},
    # end of resolution profile keys
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
        "en": "{loops} self-loops dropped · {isolates} users without ties (kept as their own "
        "community) · {below} ties below the minimum weight",
        "zh": "已去除 {loops} 条自环 · {isolates} 位用户没有任何关系（各自单独成群）· {below} 条关系低于最小权重",
    },
    "graph.network": {"en": "Network", "zh": "网络图"},
    "graph.network_users": {"en": "Users coloured by community", "zh": "按社群着色的用户"},
    "graph.network_communities": {
        "en": "Communities (size = members, lines = ties between them)",
        "zh": "社群（大小=成员数，连线=社群间关系）",
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
        "en": "{user} is in community #{community} ({size} members) with {n} neighbours.",
        "zh": "{user} 属于社群 #{community}（{size} 位成员），有 {n} 位邻居。",
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
        "en": "A graph attention network learns communities from well-connected users and "
        "their attributes, then places users with few ties and scores influence by the "
        "attention neighbours pay them.",
        "zh": "图注意力网络从连接充分的用户及其属性中学习社群，然后为关系很少的用户定位社群，"
        "并根据邻居给予的注意力评估影响力。",
    },
    "graph.gat_metrics": {
        "en": "Held-out accuracy on well-connected users: {acc:.1%} · {low} low-degree users "
        "placed · {moved} of them moved to another community than the algorithm's",
        "zh": "连接充分用户的留出准确率：{acc:.1%} · 已定位 {low} 位低连接用户 · 其中 {moved} 位与算法结果不同",
    },
    "graph.computing": {"en": "Finding communities…", "zh": "正在识别社群…"},
    "graph.col.community": {"en": "Community", "zh": "社群"},
    "graph.col.size": {"en": "Members", "zh": "成员数"},
    "graph.col.internal_edges": {"en": "Ties inside", "zh": "内部关系"},
    "graph.col.density": {"en": "Density", "zh": "密度"},
    "graph.col.cross_edges": {"en": "Ties to other communities", "zh": "跨社群关系"},
    "graph.col.top_members": {"en": "Top members", "zh": "核心成员"},
    "graph.col.new_members_30d": {"en": "New members (30 days)", "zh": "新成员（30 天）"},
    "graph.col.growth_30d": {"en": "Growth (30 days)", "zh": "增长率（30 天）"},
    "graph.col.posts": {"en": "Posts", "zh": "帖子数"},
    "graph.col.mean_sentiment": {"en": "Mean sentiment", "zh": "平均情感"},
    "graph.col.sentiment_from": {"en": "Sentiment from", "zh": "情感来源"},
    "graph.col.churn_rate": {"en": "Churn rate", "zh": "流失率"},
    "graph.col.ad_users": {"en": "Users reached by ads", "zh": "广告触达用户"},
    "graph.col.ad_conversion_rate": {"en": "Ad conversion rate", "zh": "广告转化率"},
    "graph.col.ad_ctr": {"en": "Ad click-through rate", "zh": "广告点击率"},
    "graph.col.ad_revenue_per_user": {"en": "Ad revenue per user", "zh": "人均广告收入"},
    "graph.col.node": {"en": "User", "zh": "用户"},
    "graph.col.pagerank": {"en": "PageRank", "zh": "PageRank"},
    "graph.col.in_degree": {"en": "In-degree", "zh": "入度"},
    "graph.col.out_degree": {"en": "Out-degree", "zh": "出度"},
    "graph.col.degree": {"en": "Neighbours", "zh": "邻居数"},
    "graph.col.strength": {"en": "Tie strength", "zh": "关系强度"},
    "graph.col.betweenness": {"en": "Betweenness", "zh": "中介中心性"},
    "graph.col.participation": {"en": "Participation (bridging)", "zh": "参与系数（桥接）"},
    "graph.col.neighbour": {"en": "Neighbour", "zh": "邻居"},
    "graph.col.weight_out": {"en": "Ties out", "zh": "发出关系"},
    "graph.col.weight_in": {"en": "Ties in", "zh": "收到关系"},
    "graph.col.weight": {"en": "Total ties", "zh": "关系总数"},
    "graph.col.gat_community": {"en": "Attention model's community", "zh": "注意力模型社群"},
    "graph.col.confidence": {"en": "Confidence", "zh": "置信度"},
    "graph.col.attention_influence": {"en": "Attention received", "zh": "获得的注意力"},
    "graph.col.low_degree": {"en": "Few ties", "zh": "关系很少"},
    "graph.error": {"en": "Could not analyse the graph: {error}", "zh": "无法分析图谱：{error}"},
    # --- sentiment --------------------------------------------------------------------------
    "sent.title": {"en": "Sentiment trends", "zh": "情感趋势"},
    "sent.intro": {
        "en": "How each community feels over time, in English and Chinese posts, and what changed.",
        "zh": "各社区的情绪随时间如何变化（中英文帖子），以及发生了什么变化。",
    },
    "sent.community": {"en": "Communities", "zh": "社区"},
    "sent.language": {"en": "Post language", "zh": "帖子语言"},
    "sent.lang_en": {"en": "English", "zh": "英文"},
    "sent.lang_zh": {"en": "Chinese", "zh": "中文"},
    "sent.date_range": {"en": "Date range", "zh": "日期范围"},
    "sent.period": {"en": "Period", "zh": "周期"},
    "sent.period_day": {"en": "Day", "zh": "日"},
    "sent.period_week": {"en": "Week", "zh": "周"},
    "sent.period_month": {"en": "Month", "zh": "月"},
    "sent.scorer": {"en": "Scorer", "zh": "评分方式"},
    "sent.scorer_lexicon": {"en": "Lexicon (offline, no training)", "zh": "词典（离线，无需训练）"},
    "sent.scorer_attention": {"en": "Trained attention model", "zh": "训练的注意力模型"},
    "sent.no_posts": {"en": "No posts match these filters.", "zh": "没有符合筛选条件的帖子。"},
    "sent.trend_header": {"en": "Sentiment and volume over time", "zh": "情感与发帖量随时间变化"},
    "sent.score": {"en": "Mean score (−1…1)", "zh": "平均得分（−1…1）"},
    "sent.volume": {"en": "Posts", "zh": "帖子数"},
    "sent.shift": {"en": "Shift", "zh": "突变"},
    "sent.band_note": {
        "en": "Bands: 95% confidence interval of the mean score.",
        "zh": "阴影：平均得分的 95% 置信区间。",
    },
    "sent.shifts_header": {"en": "Shifts", "zh": "情感突变"},
    "sent.method": {
        "en": "Control chart: a period is flagged when its mean score departs from the previous {k} "
        "in-control periods by more than {z} standard errors (sampling noise plus normal "
        "week-to-week variation).",
        "zh": "控制图：当某周期的平均得分偏离之前 {k} 个正常周期超过 {z} 个标准误（抽样噪声加正常波动）时标记。",
    },
    "sent.no_shifts": {"en": "No shifts beyond noise in the selection.", "zh": "所选范围内没有超出噪声的突变。"},
    "sent.choose_shift": {"en": "Choose a shift", "zh": "选择一个突变"},
    "sent.shift_label": {
        "en": "{community} · {period} · {direction} (z = {z})",
        "zh": "{community} · {period} · {direction}（z = {z}）",
    },
    "sent.drop": {"en": "drop", "zh": "下降"},
    "sent.rise": {"en": "rise", "zh": "上升"},
    "sent.shift_summary": {
        "en": "Mean score {mean} against {baseline} in the baseline periods; {n} posts.",
        "zh": "平均得分 {mean}，基线为 {baseline}；共 {n} 条帖子。",
    },
    "sent.terms_header": {
        "en": "Terms that rose most (log-odds, informative Dirichlet prior)",
        "zh": "上升最多的词（对数几率，信息性狄利克雷先验）",
    },
    "sent.examples_header": {"en": "Example posts", "zh": "示例帖子"},
    "sent.drivers_header": {
        "en": "Drivers: top terms in negative posts per community",
        "zh": "驱动因素：各社区负面帖子中的高频特征词",
    },
    "sent.model_card": {"en": "Model card", "zh": "模型卡"},
    "sent.card_validation": {
        "en": "Validation macro-F1 (early-stopping rows): attention model alone {att}, TF-IDF + LR "
        "alone {wide}, blended {model} with weight {w} on the attention model.",
        "zh": "验证集 macro-F1（早停用的行）：仅注意力模型 {att}，仅 TF-IDF + LR {wide}，"
        "融合后 {model}（注意力模型权重 {w}）。",
    },
    "sent.card_scorer": {"en": "Scorer: {name}", "zh": "评分方式：{name}"},
    "sent.card_lexicon": {
        "en": "Lexicon: VADER (English) and a word lexicon from SnowNLP's bundled model with jieba (Chinese). Neutral band chosen on 80% of the labelled posts; scores below on the other 20%.",
        "zh": "词典：英文用 VADER，中文用 SnowNLP 自带模型的词表加结巴分词。中性区间在 80% 有标签帖子上选定，下面的分数来自另外 20%。",
    },
    "sent.card_attention": {
        "en": "Attention model vs TF-IDF + logistic regression vs lexicon, same split (20% held out).",
        "zh": "注意力模型、TF-IDF + 逻辑回归与词典在同一划分（留出 20%）上的比较。",
    },
    "sent.card_encoder": {
        "en": "{language}: encoder {name} (licence {licence}; pip package {package}); {top} of "
        "{layers} layers fine-tuned, texts cut at {tokens} tokens.",
        "zh": "{language}：编码器 {name}（许可证 {licence}；pip 包 {package}）；微调 {layers} 层中的最上 "
        "{top} 层，文本截断为 {tokens} 个词元。",
    },
    "sent.card_encoder_scratch": {
        "en": "{language}: {name}, {layers} layer(s).",
        "zh": "{language}：{name}，{layers} 层。",
    },
    "sent.macro_f1": {"en": "Macro-F1", "zh": "宏平均 F1"},
    "sent.confusion": {"en": "Confusion matrix ({name})", "zh": "混淆矩阵（{name}）"},
    "sent.predicted": {"en": "Predicted", "zh": "预测"},
    "sent.true": {"en": "True", "zh": "真实"},
    "sent.no_labels": {
        "en": "Too few labelled posts to score the scorer (need 30 with two classes).",
        "zh": "有标签的帖子太少，无法评估（至少需要 30 条且含两类）。",
    },
    "sent.thresholds": {
        "en": "Neutral band ({language}): {low} … {high} — {source}.",
        "zh": "中性区间（{language}）：{low} … {high}，{source}。",
    },
    "sent.band_source_default": {
        "en": "VADER's standard cut-offs (±0.05); no labelled posts to choose a band on",
        "zh": "采用 VADER 的标准阈值（±0.05），没有可用于选择区间的有标签帖子",
    },
    "sent.band_source_labelled": {
        "en": "chosen on {n:,} labelled posts in this workspace",
        "zh": "依据本工作区 {n:,} 条有标签的帖子选定",
    },
    "sent.band_source_training": {
        "en": "chosen on {n:,} labelled training rows",
        "zh": "依据 {n:,} 条有标签的训练行选定",
    },
    "sent.train_header": {
        "en": "Train the attention classifier on labelled texts",
        "zh": "用有标签的文本训练注意力分类器",
    },
    "sent.train_source": {"en": "Labelled texts to train on", "zh": "训练用的有标签文本"},
    "sent.train_source_posts": {
        "en": "Labelled posts in this workspace ({n:,})",
        "zh": "本工作区中有标签的帖子（{n:,} 条）",
    },
    "sent.train_source_upload": {"en": "A labelled file (CSV)", "zh": "有标签的文件（CSV）"},
    "sent.train_upload": {
        "en": "Labelled file: one text column and one label column (any encoding, e.g. GBK)",
        "zh": "有标签的文件：一列文本、一列标签（任意编码，如 GBK）",
    },
    "sent.train_upload_hint": {
        "en": "Upload a CSV of labelled texts, such as reviews rated by your team. The model "
        "trained on it then scores this workspace's posts, with its label names.",
        "zh": "上传有标签文本的 CSV（如团队标注的评论）。训练出的模型会用其标签名为本工作区的帖子打分。",
    },
    "sent.text_column": {"en": "Text column", "zh": "文本列"},
    "sent.label_column": {"en": "Label column", "zh": "标签列"},
    "sent.train_file_rows": {
        "en": "{n:,} labelled rows from {file}; labels: {labels}",
        "zh": "来自 {file} 的 {n:,} 条有标签数据；标签：{labels}",
    },
    "sent.train_hint": {
        "en": "Training runs in the background and is cached; on this CPU it can take several minutes.",
        "zh": "训练在后台运行并会缓存；在此 CPU 上可能需要几分钟。",
    },
    "sent.download": {"en": "Download scored posts (CSV)", "zh": "下载已评分帖子（CSV）"},
    "sent.scored_posts": {"en": "Scored posts", "zh": "已评分帖子"},
    # --- ab ---------------------------------------------------------------------------------
    "ab.title": {"en": "Ad A/B results", "zh": "广告 A/B 实验结果"},
    "ab.intro": {
        "en": "Which variant really won, by how much, for whom, and whether the test itself is healthy.",
        "zh": "哪个版本真正胜出、胜出多少、对谁有效，以及实验本身是否健康。",
    },
    "ab.source": {"en": "Data", "zh": "数据"},
    "ab.source_workspace": {"en": "Workspace table ad_events", "zh": "工作区表 ad_events"},
    "ab.source_upload": {"en": "Upload a CSV here", "zh": "在此上传 CSV"},
    "ab.upload": {
        "en": "Events CSV (a row per user, exposure, ad or day)",
        "zh": "事件 CSV（每行一个用户、曝光、广告或天）",
    },
    "ab.upload_hint": {
        "en": "Upload a CSV with a variant column and at least one metric column.",
        "zh": "请上传包含分组列和至少一个指标列的 CSV。",
    },
    "ab.variant_column": {"en": "Variant column", "zh": "分组列"},
    "ab.control": {"en": "Control", "zh": "对照组"},
    "ab.metric": {"en": "Metric", "zh": "指标"},
    "ab.unit_column": {"en": "Unit (user) column", "zh": "单位（用户）列"},
    "ab.covariate": {"en": "Pre-period covariate (CUPED)", "zh": "实验前协变量（CUPED）"},
    "ab.time_column": {"en": "Time column", "zh": "时间列"},
    "ab.segment_column": {"en": "Segment column", "zh": "分群列"},
    "ab.advanced": {"en": "Advanced settings", "zh": "高级设置"},
    "ab.alpha": {"en": "Significance level α", "zh": "显著性水平 α"},
    "ab.tuning": {"en": "Planned total units (sequential tuning N*)", "zh": "计划总样本量（序贯调参 N*）"},
    "ab.tuning_help": {
        "en": "The always-valid interval is tightest near this many units.",
        "zh": "随时有效区间在此样本量附近最窄。",
    },
    "ab.check_srm": {"en": "Check the split (SRM)", "zh": "检查分流比例（SRM）"},
    "ab.check_srm_help": {
        "en": "Turn off when the groups were not randomised (e.g. comparing campaigns).",
        "zh": "若分组并非随机分配（例如比较不同广告活动），请关闭。",
    },
    "ab.split": {"en": "Planned split (e.g. 50,50; empty = equal)", "zh": "计划分流比例（如 50,50；留空表示均分）"},
    "ab.split_help": {
        "en": "One weight per variant, control first, then the others in sorted order.",
        "zh": "每个分组一个权重：先对照组，其余按名称排序。",
    },
    "ab.bad_split": {
        "en": "The planned split must be numbers separated by commas.",
        "zh": "计划分流比例须为逗号分隔的数字。",
    },
    "ab.no_metric": {
        "en": "No metric column found: the file needs a numeric or yes/no column.",
        "zh": "未找到指标列：文件需要数值列或是/否列。",
    },
    "ab.computing": {"en": "Computing…", "zh": "计算中…"},
    "ab.verdict_winner": {
        "en": "Winner: {variant}, {lift:+.1%} vs control (corrected p = {p:.3g}, chance to beat control {prob:.1%}).",
        "zh": "胜出：{variant}，相对对照组 {lift:+.1%}（校正后 p = {p:.3g}，胜过对照组的概率 {prob:.1%}）。",
    },
    "ab.verdict_control": {
        "en": "No variant beats control; every variant is significantly worse than {variant}.",
        "zh": "没有版本胜过对照组；所有版本都显著差于 {variant}。",
    },
    "ab.verdict_none": {
        "en": "No winner yet: no difference is significant after correction.",
        "zh": "暂无胜出者：校正后没有显著差异。",
    },
    "ab.verdict_too_small": {
        "en": "No winner yet: variant {variant} has only {n} units (at least {min} needed).",
        "zh": "暂无胜出者：版本 {variant} 只有 {n} 个单位（至少需要 {min} 个）。",
    },
    "ab.verdict_unhealthy": {
        "en": "Test unhealthy: sample ratio mismatch (p = {p:.2g}). Check the assignment before trusting any result.",
        "zh": "实验不健康：样本比例不匹配（p = {p:.2g}）。请先检查分流，再信任任何结果。",
    },
    "ab.warn.dropped_missing_variant": {
        "en": "{rows} rows without a variant were left out.",
        "zh": "已排除 {rows} 行没有分组的数据。",
    },
    "ab.warn.dropped_missing_metric": {
        "en": "{rows} units without a value for {metric} were left out.",
        "zh": "已排除 {rows} 个缺少 {metric} 值的单位。",
    },
    "ab.warn.mixed_units": {
        "en": "{units} units appear in more than one variant and were left out.",
        "zh": "{units} 个单位出现在多个分组中，已排除。",
    },
    "ab.warn.small_sample": {
        "en": "Variant {variant} has only {n} units; results are unreliable below {min}.",
        "zh": "版本 {variant} 只有 {n} 个单位；少于 {min} 时结果不可靠。",
    },
    "ab.warn.sparse": {
        "en": "Variant {variant} has only {events} conversions (or non-conversions); results are unreliable below {min}.",
        "zh": "版本 {variant} 只有 {events} 次转化（或未转化）；少于 {min} 时结果不可靠。",
    },
    "ab.warn.srm_mild": {
        "en": "Mild imbalance between variants (SRM p = {p:.2g}); below the {threshold} alarm threshold, so no alarm.",
        "zh": "各分组间略有不平衡（SRM p = {p:.2g}）；未达到 {threshold} 的报警阈值，无需报警。",
    },
    "ab.warn.zero_variance": {
        "en": "Variant {variant} has no variation in {metric}; no test is possible.",
        "zh": "版本 {variant} 的 {metric} 没有变化，无法检验。",
    },
    "ab.cuped_note": {
        "en": "CUPED with {covariate}: variance reduced by {reduction:.0%}.",
        "zh": "使用 {covariate} 的 CUPED：方差降低 {reduction:.0%}。",
    },
    "ab.table_title": {"en": "Variants: {metric}", "zh": "各版本：{metric}"},
    "ab.col.variant": {"en": "Variant", "zh": "版本"},
    "ab.col.n": {"en": "n", "zh": "样本数"},
    "ab.col.mean": {"en": "Rate / mean", "zh": "比率 / 均值"},
    "ab.col.ci": {"en": "95% CI", "zh": "95% 置信区间"},
    "ab.col.lift": {"en": "Lift", "zh": "提升"},
    "ab.col.lift_ci": {"en": "Lift CI", "zh": "提升置信区间"},
    "ab.col.p": {"en": "p-value", "zh": "p 值"},
    "ab.col.p_holm": {"en": "p (Holm)", "zh": "p（Holm 校正）"},
    "ab.col.p_bh": {"en": "p (BH)", "zh": "p（BH 校正）"},
    "ab.col.p_seq": {"en": "p (sequential)", "zh": "p（序贯）"},
    "ab.col.prob": {"en": "Chance to beat control", "zh": "胜过对照组的概率"},
    "ab.col.loss": {"en": "Expected loss", "zh": "预期损失"},
    "ab.tab.timeline": {"en": "Cumulative lift", "zh": "累计提升"},
    "ab.tab.funnel": {"en": "Funnel", "zh": "漏斗"},
    "ab.tab.segments": {"en": "Segments", "zh": "分群"},
    "ab.tab.power": {"en": "Power calculator", "zh": "功效计算器"},
    "ab.tab.model": {"en": "Who responds to what (DIN)", "zh": "谁对什么有反应（DIN）"},
    "ab.no_time": {"en": "Pick a time column to see the lift over time.", "zh": "选择时间列以查看随时间变化的提升。"},
    "ab.band": {"en": "always-valid band", "zh": "随时有效区间"},
    "ab.ci95": {"en": "95% CI (fixed horizon)", "zh": "95% 置信区间（固定样本）"},
    "ab.lift": {"en": "lift", "zh": "提升"},
    "ab.day": {"en": "day", "zh": "日期"},
    "ab.lift_axis": {"en": "difference vs control", "zh": "与对照组之差"},
    "ab.band_note": {
        "en": "The shaded band stays valid however often you look (Waudby-Smith et al. confidence sequence, N* = {tuning}); the dotted lines are only valid at one planned look.",
        "zh": "阴影区间无论查看多少次都有效（Waudby-Smith 等人的置信序列，N* = {tuning}）；虚线仅在预定的单次查看时有效。",
    },
    "ab.no_funnel": {"en": "The funnel needs impressions and clicks columns.", "zh": "漏斗需要展示数和点击数列。"},
    "ab.stage.variant": {"en": "variant", "zh": "版本"},
    "ab.stage.impressions": {"en": "impressions", "zh": "展示"},
    "ab.stage.clicks": {"en": "clicks", "zh": "点击"},
    "ab.stage.conversions": {"en": "conversions", "zh": "转化"},
    "ab.stage.spend": {"en": "spend", "zh": "花费"},
    "ab.stage.revenue": {"en": "revenue", "zh": "收入"},
    "ab.stage.ctr": {"en": "CTR", "zh": "点击率"},
    "ab.stage.cvr": {"en": "CVR", "zh": "转化率"},
    "ab.stage.cpa": {"en": "CPA", "zh": "单次转化成本"},
    "ab.stage.roas": {"en": "ROAS", "zh": "广告支出回报率"},
    "ab.no_segments": {
        "en": "Pick a segment column to compare variants within segments.",
        "zh": "选择分群列以在各分群内比较版本。",
    },
    "ab.segment_note": {
        "en": "Colour: relative lift; p-values Holm-corrected over all {k} segment × variant comparisons.",
        "zh": "颜色：相对提升；p 值已对全部 {k} 个分群 × 版本比较做 Holm 校正。",
    },
    "ab.baseline": {"en": "Baseline (control rate or mean)", "zh": "基线（对照组比率或均值）"},
    "ab.sd": {"en": "Standard deviation per unit", "zh": "每单位标准差"},
    "ab.n_per_variant": {"en": "Units per variant", "zh": "每组样本数"},
    "ab.target_lift": {"en": "Relative effect to detect", "zh": "希望检测的相对效应"},
    "ab.mde_line": {
        "en": "With {n:,} units per variant the minimum detectable effect (80% power) is **{mde:.4g}** ({rel:.1%} relative).",
        "zh": "每组 {n:,} 个单位时，最小可检测效应（80% 功效）为 **{mde:.4g}**（相对 {rel:.1%}）。",
    },
    "ab.n_line": {
        "en": "To detect a {target:.1%} relative effect you need **{n:,}** units per variant.",
        "zh": "要检测 {target:.1%} 的相对效应，每组需要 **{n:,}** 个单位。",
    },
    "ab.effect_axis": {"en": "true difference", "zh": "真实差异"},
    "ab.power_axis": {"en": "power", "zh": "功效"},
    "ab.power_title": {"en": "Power at {n:,} units per variant", "zh": "每组 {n:,} 个单位时的功效"},
    "ab.power_error": {"en": "Cannot compute power: {reason}", "zh": "无法计算功效：{reason}"},
    "ab.model_intro": {
        "en": "A DIN-style model (target attention over each user's history) predicts conversion under every variant, so each segment can be served its best variant. It is checked by uplift (Qini) on held-out users against a two-model logistic regression.",
        "zh": "DIN 风格模型（对每个用户历史做目标注意力）预测每个用户在各版本下的转化，从而为每个分群选择最佳版本。以留出用户上的增益（Qini）与双模型逻辑回归对比检验。",
    },
    "ab.no_history": {
        "en": "No user history (an interactions table whose users match this test), so no response model: see the Segments tab for the plain per-segment analysis.",
        "zh": "没有用户历史（需要与本实验用户匹配的 interactions 表），因此无法训练响应模型：请在“分群”标签页查看普通的分群分析。",
    },
    "ab.show_model": {"en": "Show the response model", "zh": "显示响应模型"},
    "ab.train_model": {"en": "Train the response model", "zh": "训练响应模型"},
    "ab.model": {"en": "Model", "zh": "模型"},
    "ab.model_din": {"en": "DIN (target attention)", "zh": "DIN（目标注意力）"},
    "ab.model_logistic": {"en": "Two-model logistic regression", "zh": "双模型逻辑回归"},
    "ab.qini": {"en": "Qini coefficient (held out)", "zh": "Qini 系数（留出集）"},
    "ab.auc": {"en": "AUC (held out)", "zh": "AUC（留出集）"},
    "ab.model_better": {
        "en": "DIN ranks responders better than the baseline ({n} users, {share:.0%} with history).",
        "zh": "DIN 对响应用户的排序优于基线（{n} 个用户，{share:.0%} 有历史）。",
    },
    "ab.model_not_better": {
        "en": "DIN does not beat the baseline here ({n} users, {share:.0%} with history); prefer the plain segment analysis.",
        "zh": "此处 DIN 未胜过基线（{n} 个用户，{share:.0%} 有历史）；请以普通分群分析为准。",
    },
    "ab.value": {"en": "Value", "zh": "取值"},
    "ab.best_variant": {"en": "Best variant", "zh": "最佳版本"},
    "ab.predicted_rate": {"en": "Predicted conversion", "zh": "预测转化率"},
    # A/B from per-variant summaries and count rows (issues 11, 16)
    "ab.warn.not_counts": {
        "en": "{metric}: {column} exceeds {denominator} in {rows} rows, so these are not counts of one exposure; analysed as a ratio with rows as units.",
        "zh": "{metric}：有 {rows} 行的 {column} 大于 {denominator}，不是同一曝光下的计数；已按比率（每行为一个单位）分析。",
    },
    "ab.source_summary": {"en": "Upload per-variant summaries", "zh": "上传分组汇总"},
    "ab.summary_upload": {
        "en": "Summary CSV: a row per (experiment, metric, variant[, date]) with a count and a mean with variance, sd or sum of squares, or conversions",
        "zh": "汇总 CSV：每行一个（实验、指标、版本[、日期]），含样本量及均值与方差/标准差/平方和，或转化数",
    },
    "ab.summary_hint": {
        "en": "Upload a summary exported from an experimentation platform or a warehouse query.",
        "zh": "请上传实验平台或数据仓库查询导出的汇总文件。",
    },
    "ab.summary_columns": {
        "en": "Columns (guessed from the headers; change them if needed)",
        "zh": "列（按表头猜测，可修改）",
    },
    "ab.role.experiment": {"en": "Experiment", "zh": "实验"},
    "ab.role.metric": {"en": "Metric", "zh": "指标"},
    "ab.role.variant": {"en": "Variant", "zh": "版本"},
    "ab.role.time": {"en": "Checkpoint date (cumulative)", "zh": "检查点日期（累计）"},
    "ab.role.count": {"en": "Count (units)", "zh": "样本量"},
    "ab.role.mean": {"en": "Mean", "zh": "均值"},
    "ab.role.sum": {"en": "Sum", "zh": "总和"},
    "ab.role.variance": {"en": "Variance", "zh": "方差"},
    "ab.role.sd": {"en": "Standard deviation", "zh": "标准差"},
    "ab.role.sum_squares": {"en": "Sum of squares", "zh": "平方和"},
    "ab.role.conversions": {"en": "Conversions", "zh": "转化数"},
    "ab.summary_need": {
        "en": "Pick a variant and a count column, and a mean, sum or conversions column.",
        "zh": "请选择版本列和样本量列，以及均值、总和或转化数列。",
    },
    "ab.summary_unit_only": {
        "en": "CUPED and segment analyses need unit rows; a summary has none.",
        "zh": "CUPED 与分群分析需要逐单位数据，汇总数据无法提供。",
    },
    "ab.target": {"en": "Smallest relative effect that matters", "zh": "有意义的最小相对效应"},
    "ab.target_help": {
        "en": "'No difference' when the lift's CI rules out effects this large.",
        "zh": "当提升的置信区间排除了这么大的效应时判为“无差异”。",
    },
    "ab.guardrails": {"en": "Guardrail metrics", "zh": "护栏指标"},
    "ab.metrics_shown": {"en": "Metrics", "zh": "指标"},
    "ab.looks_like_summary": {
        "en": "This file looks like per-variant summaries (a count and a mean per variant): choose 'Upload per-variant summaries' above to analyse it as such.",
        "zh": "该文件看起来是分组汇总（每个版本的样本量和均值）：请在上方选择“上传分组汇总”以按汇总分析。",
    },
    "ab.control_auto": {"en": "automatic ('control', 'A', … or the first)", "zh": "自动（control、A 等，或第一个）"},
    "ab.guardrail_mark": {"en": "guardrail", "zh": "护栏"},
    "ab.portfolio_title": {"en": "{k} experiments", "zh": "{k} 个实验"},
    "ab.filter_decision": {"en": "Show decisions", "zh": "显示的决策"},
    "ab.filter_text": {"en": "Find experiment or metric", "zh": "查找实验或指标"},
    "ab.open_experiment": {"en": "Open experiment", "zh": "打开实验"},
    "ab.portfolio_note": {
        "en": "p (FDR): Benjamini–Hochberg over all {k} comparisons in the file. Select a row, or pick an experiment below, to open it.",
        "zh": "p（FDR）：对文件中全部 {k} 个比较做 Benjamini–Hochberg 校正。选中一行或在下方选择实验即可打开。",
    },
    "ab.srm_some": {
        "en": "Sample ratio mismatch in {k} experiment(s): see the SRM column.",
        "zh": "{k} 个实验存在样本比例失衡：见 SRM 列。",
    },
    "ab.decision.ship": {"en": "ship", "zh": "上线"},
    "ab.decision.stop_for_harm": {"en": "stop for harm", "zh": "有害，停止"},
    "ab.decision.no_difference": {"en": "no difference", "zh": "无差异"},
    "ab.decision.keep_running": {"en": "keep running", "zh": "继续运行"},
    "ab.col.experiment": {"en": "Experiment", "zh": "实验"},
    "ab.col.metric": {"en": "Metric", "zh": "指标"},
    "ab.col.variants": {"en": "Variants", "zh": "版本数"},
    "ab.col.units": {"en": "Units", "zh": "样本量"},
    "ab.col.p_fdr": {"en": "p (FDR)", "zh": "p（FDR）"},
    "ab.col.decision": {"en": "Decision", "zh": "决策"},
    "ab.col.srm": {"en": "SRM", "zh": "样本比例失衡"},
    "ab.col.seq_ci": {"en": "Always-valid CI", "zh": "随时有效区间"},
    "ab.col.mde": {"en": "MDE (80% power)", "zh": "最小可检测效应（80% 功效）"},
    "ab.col.guardrail": {"en": "Guardrail", "zh": "护栏"},
    "ab.detail_title": {"en": "Experiment {name}", "zh": "实验 {name}"},
    "ab.forest_x": {"en": "relative lift vs control", "zh": "相对对照组的提升"},
    "ab.forest_seq": {"en": "always-valid interval", "zh": "随时有效区间"},
    "ab.means_title": {"en": "Variant means with 95% CIs", "zh": "各版本均值及 95% 置信区间"},
    "ab.checkpoint_metric": {"en": "Metric for the cumulative lift", "zh": "累计提升的指标"},
    "ab.seq_first": {
        "en": "{variant}: a peeking-safe decision was first possible at checkpoint {day} (the fixed test first crossed p < α at {fixed}).",
        "zh": "{variant}：最早可在检查点 {day} 做出可随时查看的安全决策（固定样本检验最早在 {fixed} 达到 p < α）。",
    },
    "ab.seq_never": {
        "en": "{variant}: the always-valid interval still contains zero; no peeking-safe decision yet.",
        "zh": "{variant}：随时有效区间仍包含零，尚不能做出安全决策。",
    },
    "ab.fixed_note": {
        "en": "The fixed-horizon CI (dotted) is valid only at the planned end of the test; the shaded always-valid band may be read at every checkpoint.",
        "zh": "固定样本置信区间（虚线）仅在计划结束时有效；阴影的随时有效区间可在每个检查点解读。",
    },
    "ab.never": {"en": "never", "zh": "从未"},
    # --- churn ------------------------------------------------------------------------------
    "churn.title": {"en": "Churn & cohorts", "zh": "流失与同期群"},
    "churn.intro": {
        "en": "Retention by cohort, survival curves, and who is about to leave and why.",
        "zh": "按同期群的留存、生存曲线，以及谁即将流失、原因是什么。",
    },
    "churn.source": {"en": "Data", "zh": "数据"},
    "churn.source_workspace": {"en": "Workspace tables", "zh": "工作区数据表"},
    "churn.source_upload": {"en": "Upload a CSV", "zh": "上传 CSV"},
    "churn.upload": {
        "en": "Event log (user, date) or customer table with a churn column",
        "zh": "事件日志（用户、日期）或带流失列的客户表",
    },
    "churn.upload_hint": {
        "en": "Upload a CSV: an event log such as purchases, or one row per customer with a churn label.",
        "zh": "请上传 CSV：购买等事件日志，或每位客户一行并带流失标签。",
    },
    "churn.id_column": {"en": "User / customer column", "zh": "用户/客户列"},
    "churn.time_column": {"en": "Time column (event log)", "zh": "时间列（事件日志）"},
    "churn.label_column": {"en": "Churn label column", "zh": "流失标签列"},
    "churn.none": {"en": "(none)", "zh": "（无）"},
    "churn.need_label": {
        "en": "A table without a time column needs a churn label column (yes/no, true/false or 1/0).",
        "zh": "没有时间列的表需要一个流失标签列（yes/no、true/false 或 1/0）。",
    },
    "churn.period": {"en": "Cohort period", "zh": "同期群周期"},
    "churn.period_week": {"en": "Week", "zh": "周"},
    "churn.period_month": {"en": "Month", "zh": "月"},
    "churn.basis": {"en": "Cohort by", "zh": "同期群依据"},
    "churn.basis_signup": {"en": "Signup", "zh": "注册时间"},
    "churn.basis_first_activity": {"en": "First activity", "zh": "首次活跃"},
    "churn.kind": {"en": "Retention", "zh": "留存口径"},
    "churn.kind_classic": {"en": "Classic (active in period N)", "zh": "经典（第 N 期活跃）"},
    "churn.kind_unbounded": {"en": "Unbounded (active in or after N)", "zh": "无界（第 N 期及以后活跃）"},
    "churn.inactive_days": {"en": "Churned after this many days without activity", "zh": "连续多少天不活跃视为流失"},
    "churn.cutoff": {"en": "Cutoff date (features before, labels after)", "zh": "截止日期（之前为特征，之后为标签）"},
    "churn.retention_header": {"en": "Retention by cohort", "zh": "同期群留存"},
    "churn.no_retention": {
        "en": "This table has no dates, so there is no cohort retention; survival uses the tenure column.",
        "zh": "此表没有日期，无法计算同期群留存；生存分析使用在网时长列。",
    },
    "churn.cohort_sizes": {"en": "{n} cohorts, {users} users", "zh": "{n} 个同期群，{users} 位用户"},
    "churn.survival_header": {"en": "Survival", "zh": "生存曲线"},
    "churn.survival_group": {"en": "Curves by", "zh": "分组"},
    "churn.group_cohort": {"en": "Cohort", "zh": "同期群"},
    "churn.group_all": {"en": "Everyone", "zh": "全部"},
    "churn.duration_column": {"en": "Tenure column", "zh": "在网时长列"},
    "churn.logrank": {
        "en": "Log-rank test across groups: χ² = {stat:.1f}, p = {p:.3g}",
        "zh": "组间 log-rank 检验：χ² = {stat:.1f}，p = {p:.3g}",
    },
    "churn.medians": {"en": "Median lifetime per group", "zh": "各组中位生存时间"},
    "churn.model_header": {"en": "Churn model", "zh": "流失模型"},
    "churn.model_intro": {
        "en": "Attention over features and the weekly activity timeline, beside logistic regression and gradient boosting on the same test users.",
        "zh": "基于特征与每周活跃时间线的注意力模型，与逻辑回归、梯度提升在同一测试用户上对比。",
    },
    "churn.labels_summary": {
        "en": "{users} users, {rate:.1%} churned after {cutoff}",
        "zh": "{users} 位用户，{cutoff} 之后流失率 {rate:.1%}",
    },
    "churn.metrics": {"en": "Model card (test users)", "zh": "模型卡（测试用户）"},
    "churn.calibration": {"en": "Calibration", "zh": "校准"},
    "churn.importance": {"en": "What drives the risk", "zh": "风险驱动因素"},
    "churn.at_risk_header": {"en": "At-risk users", "zh": "高风险用户"},
    "churn.threshold": {"en": "Risk threshold", "zh": "风险阈值"},
    "churn.at_risk_count": {"en": "{n} users at or above the threshold", "zh": "{n} 位用户达到或超过阈值"},
    "churn.reasons_note": {
        "en": "Reasons: the features and weeks that raise this user's churn score most against "
        "the other users: the linear part's terms plus the attention part's share, split "
        "by its attention.",
        "zh": "原因：与其他用户相比，最能提高该用户流失分数的特征和周：线性部分的各项，加上注意力部分"
        "按注意力权重分摊的份额。",
    },
    "churn.risk_by": {"en": "Risk by", "zh": "风险分组"},
    "churn.risk_header": {"en": "Risk by group", "zh": "分组风险"},
    "churn.download": {"en": "Download at-risk users (CSV)", "zh": "下载高风险用户（CSV）"},
    "churn.cached_note": {
        "en": "Loaded a model trained earlier on the same data.",
        "zh": "已加载此前在相同数据上训练的模型。",
    },
    "churn.col_model": {"en": "Model", "zh": "模型"},
    "churn.period_axis": {"en": "Periods since cohort start", "zh": "距同期群开始的周期数"},
    "churn.cohort_axis": {"en": "Cohort", "zh": "同期群"},
    "churn.retained": {"en": "Retained", "zh": "留存率"},
    "churn.users": {"en": "Users", "zh": "用户数"},
    "churn.cohort_size": {"en": "Cohort size", "zh": "同期群规模"},
    "churn.days": {"en": "Days", "zh": "天"},
    "churn.still_active": {"en": "Still active", "zh": "仍活跃比例"},
    "churn.predicted": {"en": "Predicted churn probability", "zh": "预测流失概率"},
    "churn.observed": {"en": "Observed churn rate", "zh": "实际流失率"},
    "churn.perfect": {"en": "Perfect calibration", "zh": "完美校准"},
    "churn.auc_drop": {"en": "Test AUC drop when shuffled", "zh": "打乱后测试 AUC 下降"},
    "churn.contribution": {"en": "Mean contribution to risk (logit)", "zh": "对风险的平均贡献（logit）"},
    "churn.mean_attention": {"en": "Mean attention", "zh": "平均注意力"},
    "churn.mean_risk": {"en": "Mean churn risk", "zh": "平均流失风险"},
    # --- reco -------------------------------------------------------------------------------
    "reco.title": {"en": "Recommendations", "zh": "推荐"},
    "reco.intro": {
        "en": "A self-attention sequential recommender (SASRec) learns what members engage with next. "
        "It is checked against popularity and item-kNN on the same split: each member's last item "
        "is held out and ranked against every item they have not engaged with yet.",
        "zh": "自注意力序列推荐模型（SASRec）学习成员下一步会互动的内容，并与热门推荐和物品 kNN "
        "在同一划分上比较：每位成员的最后一个物品被留出，与其尚未互动过的所有物品一起排序。",
    },
    "reco.settings": {"en": "Model settings", "zh": "模型设置"},
    "reco.max_len": {"en": "History window (most recent items)", "zh": "历史窗口（最近的物品数）"},
    "reco.epochs": {"en": "Maximum epochs (early stopping may end sooner)", "zh": "最大训练轮数（可能提前停止）"},
    "reco.train": {"en": "Train the recommender", "zh": "训练推荐模型"},
    "reco.not_trained": {
        "en": "No model for this data and these settings yet. Training runs in the background: "
        "the page stays usable, and the result is kept on disk.",
        "zh": "此数据和设置尚无模型。训练在后台进行：页面仍可使用，结果会保存在磁盘上。",
    },
    "common.train_cancelled": {"en": "Training was cancelled.", "zh": "训练已取消。"},
    "reco.metrics": {"en": "SASRec against the baselines", "zh": "SASRec 与基线对比"},
    "reco.full_ranking": {
        "en": "Full ranking over all unseen items (headline)",
        "zh": "在所有未互动物品中的完整排序（主要指标）",
    },
    "reco.sampled": {
        "en": "100 sampled negatives (only for comparison with published numbers; flatters every model)",
        "zh": "100 个采样负例（仅用于与已发表结果比较；会高估所有模型）",
    },
    "reco.trained_now": {
        "en": "Trained {epochs} epochs in {seconds:.0f} s on {device} (stopped: {stopped}); "
        "best validation NDCG@10 {val:.3f}.",
        "zh": "在 {device} 上训练了 {epochs} 轮，用时 {seconds:.0f} 秒（停止原因：{stopped}）；"
        "最佳验证 NDCG@10 为 {val:.3f}。",
    },
    "reco.from_cache": {"en": "Loaded from the model cache: no retraining.", "zh": "已从模型缓存加载：无需重新训练。"},
    "reco.curve": {"en": "Training curve", "zh": "训练曲线"},
    "reco.loss": {"en": "training loss", "zh": "训练损失"},
    "reco.val": {"en": "validation NDCG@10", "zh": "验证 NDCG@10"},
    "reco.epoch": {"en": "epoch", "zh": "轮次"},
    "reco.diversity": {
        "en": "Coverage and popularity bias of the top-10 lists",
        "zh": "前 10 推荐列表的覆盖率与热门偏差",
    },
    "reco.coverage": {"en": "catalogue coverage", "zh": "目录覆盖率"},
    "reco.mean_popularity_percentile": {"en": "mean popularity percentile", "zh": "平均热门百分位"},
    "reco.top10pct_share": {"en": "share from top-10% items", "zh": "来自前 10% 热门物品的比例"},
    "reco.per_user": {"en": "Recommendations per member", "zh": "每位成员的推荐"},
    "reco.user": {"en": "Member", "zh": "成员"},
    "reco.because": {"en": "Because you engaged with {items}", "zh": "因为你互动过 {items}"},
    "reco.attention": {"en": "attention weight", "zh": "注意力权重"},
    "reco.history": {"en": "Recent history (newest last)", "zh": "最近的历史（最新在后）"},
    "reco.col_rank": {"en": "rank", "zh": "排名"},
    "reco.col_item": {"en": "item", "zh": "物品"},
    "reco.col_score": {"en": "score", "zh": "得分"},
    "reco.download": {"en": "Download every member's top 10 (CSV)", "zh": "下载所有成员的前 10 推荐（CSV）"},
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """Translate `key` into `lang` ('en' or 'zh') and format it with `fmt`."""
    entry = TABLE.get(key)
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text
