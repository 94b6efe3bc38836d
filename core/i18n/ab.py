"""The ad A/B results view."""

TABLE: dict[str, dict[str, str]] = {
    "ab.title": {"en": "Ad A/B results", "zh": "广告 A/B 实验结果"},
    "ab.intro": {
        "en": "Which variant really won, by how much, for whom, and whether the test itself is healthy.",
        "zh": "哪个实验组真正胜出、胜出多少、对哪些人有效，以及实验本身是否健康。",
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
    "ab.unit_column": {"en": "Unit (user) column", "zh": "样本列（如用户 ID）"},
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
    "ab.lower_better": {"en": "Lower is better", "zh": "越低越好"},
    "ab.lower_better_help": {
        "en": "Tick for a metric where a fall is good news (a cost, churn, bounces, errors). "
        "Guessed from the metric's name; the verdict, chance to beat control and decisions follow it.",
        "zh": "若指标下降才是好事（成本、流失、跳出、错误等），请勾选。默认按指标名称推断；结论、胜过对照的概率和决策都据此判断。",
    },
    "ab.lower_metrics": {"en": "Metrics where lower is better", "zh": "越低越好的指标"},
    "ab.lower_metrics_help": {
        "en": "Metrics where a fall is good news (a cost, churn, bounces, errors): guessed from their names. "
        "Decisions read each metric in its direction (↑ / ↓ in the tables).",
        "zh": "下降才是好事的指标（成本、流失、跳出、错误等），默认按名称推断。决策按各指标的方向判断（表中 ↑ / ↓）。",
    },
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
        "en": "Winner: {variant}, {lift} vs control (corrected p {p}, chance to beat control {prob}).",
        "zh": "胜出：{variant}，相对对照组 {lift}（校正后 p {p}，胜过对照组的概率 {prob}）。",
    },
    "ab.verdict_control": {
        "en": "No variant beats control; every variant is significantly worse than {variant}.",
        "zh": "没有实验组胜过对照组：所有实验组都显著差于 {variant}。",
    },
    "ab.verdict_none": {
        "en": "No winner yet: no difference is significant after correction.",
        "zh": "暂无胜出者：校正后没有显著差异。",
    },
    "ab.verdict_too_small": {
        "en": "No winner yet: variant {variant} has only {n} units (at least {min} needed).",
        "zh": "暂无胜出者：分组 {variant} 只有 {n} 个样本（至少需要 {min} 个）。",
    },
    "ab.verdict_unhealthy": {
        "en": "Test unhealthy: sample ratio mismatch (p {p}). Check the assignment before trusting any result.",
        "zh": "实验不健康：样本比例不匹配（p {p}）。请先检查分流，再信任任何结果。",
    },
    "ab.warn.dropped_missing_variant": {
        "en": "{rows} rows without a variant were left out.",
        "zh": "已排除 {rows} 行没有分组的数据。",
    },
    "ab.warn.dropped_missing_metric": {
        "en": "{rows} units without a value for {metric} were left out.",
        "zh": "已排除 {rows} 个缺少 {metric} 值的样本。",
    },
    "ab.warn.mixed_units": {
        "en": "{units} units appear in more than one variant and were left out.",
        "zh": "有 {units} 个样本同时出现在多个分组中，已排除。",
    },
    "ab.warn.small_sample": {
        "en": "Variant {variant} has only {n} units; results are unreliable below {min}.",
        "zh": "分组 {variant} 只有 {n} 个样本；少于 {min} 个时结果不可靠。",
    },
    "ab.warn.sparse": {
        "en": "Variant {variant} has only {events} conversions (or non-conversions); results are unreliable below {min}.",
        "zh": "分组 {variant} 只有 {events} 次转化（或未转化）；少于 {min} 次时结果不可靠。",
    },
    "ab.warn.srm_mild": {
        "en": "Mild imbalance between variants (SRM p = {p:.2g}); below the {threshold} alarm threshold, so no alarm.",
        "zh": "各分组的样本量略有不平衡（SRM p = {p:.2g}），但未达到 {threshold} 的报警阈值，无需担心。",
    },
    "ab.warn.zero_variance": {
        "en": "Variant {variant} has no variation in {metric}; no test is possible.",
        "zh": "分组 {variant} 的 {metric} 全部相同，无法检验。",
    },
    "ab.cuped_note": {
        "en": "CUPED with {covariate}: variance reduced by {reduction:.0%}.",
        "zh": "使用 {covariate} 的 CUPED：方差降低 {reduction:.0%}。",
    },
    "ab.table_title": {"en": "Variants: {metric}", "zh": "各分组的 {metric}"},
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
    "ab.lift_axis": {"en": "lift vs control (relative)", "zh": "相对对照组的提升"},
    "ab.band_note": {
        "en": "The shaded band stays valid however often you look (Waudby-Smith et al. confidence sequence, N* = {tuning}); the dotted lines are only valid at one planned look.",
        "zh": "阴影区间无论查看多少次都有效（Waudby-Smith 等人的置信序列，N* = {tuning}）；虚线仅在预定的单次查看时有效。",
    },
    "ab.no_funnel": {"en": "The funnel needs impressions and clicks columns.", "zh": "漏斗需要展示数和点击数列。"},
    "ab.no_segments": {
        "en": "Pick a segment column to compare variants within segments.",
        "zh": "选择分群列，即可在各分群内比较各分组。",
    },
    "ab.segment_note": {
        "en": "Colour: relative lift; p-values Holm-corrected over all {k} segment × variant comparisons.",
        "zh": "颜色表示相对提升；p 值已对全部 {k} 个“分群 × 分组”比较做了 Holm 校正。",
    },
    "ab.baseline": {"en": "Baseline (control rate or mean)", "zh": "基线（对照组比率或均值）"},
    "ab.sd": {"en": "Standard deviation per unit", "zh": "每个样本的标准差"},
    "ab.n_per_variant": {"en": "Units per variant", "zh": "每组样本数"},
    "ab.target_lift": {"en": "Relative effect to detect (%)", "zh": "希望检测的相对效应（%）"},
    "ab.mde_line": {
        "en": "With {n:,} units per variant the minimum detectable effect (80% power) is **{mde:.4g}** ({rel:.1%} relative).",
        "zh": "每组 {n:,} 个样本时，最小可检测效应（80% 功效）为 **{mde:.4g}**（相对 {rel:.1%}）。",
    },
    "ab.n_line": {
        "en": "To detect a {target:.1%} relative effect you need **{n:,}** units per variant.",
        "zh": "要检测 {target:.1%} 的相对效应，每组需要 **{n:,}** 个样本。",
    },
    "ab.effect_axis": {"en": "true difference", "zh": "真实差异"},
    "ab.power_axis": {"en": "power", "zh": "功效"},
    "ab.power_title": {"en": "Power at {n:,} units per variant", "zh": "每组 {n:,} 个样本时的功效"},
    "ab.power_error": {"en": "Cannot compute power: {reason}", "zh": "无法计算功效：{reason}"},
    "ab.model_intro": {
        "en": "A DIN-style model (target attention over each user's history) predicts conversion under every variant, so each segment can be served its best variant. It is checked by uplift (Qini) on held-out users against a two-model logistic regression.",
        "zh": "DIN 风格的模型（对每个用户的历史做目标注意力）预测每个用户在各分组下的转化，从而为每个分群选出最佳分组；并在留出用户上以增益（Qini）与双模型逻辑回归对比检验。",
    },
    "ab.no_history": {
        "en": "No user history (an interactions table whose users match this test), so no response model: see the Segments tab for the plain per-segment analysis.",
        "zh": "没有用户历史（需要与本实验用户匹配的 interactions 表），因此无法训练响应模型：请在“分群”标签页查看普通的分群分析。",
    },
    "ab.show_model": {"en": "Show the response model", "zh": "显示响应模型"},
    "ab.train_model": {"en": "Train the response model", "zh": "训练响应模型"},
    "ab.model_din": {"en": "DIN (target attention)", "zh": "DIN（目标注意力）"},
    "ab.model_logistic": {"en": "Two-model logistic regression", "zh": "双模型逻辑回归"},
    "ab.model_better": {
        "en": "DIN ranks responders better than the baseline: Qini difference {diff}, 95% bootstrap interval {low} … {high} over held-out users ({n} users, {share} with history).",
        "zh": "DIN 对响应用户的排序优于基线：Qini 差值 {diff}，留出用户上的 95% 自助法区间 {low} … {high}（{n} 个用户，{share} 有历史）。",
    },
    "ab.not_used": {"en": "— none —", "zh": "— 不使用 —"},
    "ab.outliers": {
        "en": "Heavy outliers in {column}: the largest unit has {max}, more than {ratio:g}× the {pct:g}th percentile of all units ({cap}); {n} units lie above that percentile. A few units move the mean and its variance more than thousands of others; capping them is the usual remedy.",
        "zh": "{column} 存在严重离群值：最大的样本为 {max}，是全部样本第 {pct:g} 百分位数（{cap}）的 {ratio:g} 倍；有 {n} 个样本高于该百分位数。少数几个样本对均值和方差的影响，超过了其余成千上万个样本；通常的做法是对其封顶。",
    },
    "ab.cap": {
        "en": "Cap each unit's {column} at a percentile (winsorise)",
        "zh": "将每个样本的 {column} 封顶于某个百分位数（缩尾处理）",
    },
    "ab.cap_pct": {"en": "Cap at percentile", "zh": "封顶百分位数"},
    "ab.capped": {
        "en": "Capped analysis: each unit's {column} is capped at {cap} (the {pct:g}th percentile of all units; {n} units capped). Untick the box to see the uncapped analysis.",
        "zh": "封顶分析：每个样本的 {column} 封顶于 {cap}（全部样本的第 {pct:g} 百分位数；{n} 个样本被封顶）。取消勾选即可查看未封顶的分析。",
    },
    "ab.table_title_capped": {
        "en": "Variants: {metric} (capped at the {pct:g}th percentile)",
        "zh": "各分组的 {metric}（封顶于第 {pct:g} 百分位数）",
    },
    "ab.seq_note": {
        "en": "p (sequential) is the always-valid p-value: it stays valid however often the results were looked at along {time}; the plain p-value is valid only at one planned look.",
        "zh": "p（序贯）是随时有效的 p 值：无论沿 {time} 查看结果多少次都有效；普通 p 值仅在预定的单次查看时有效。",
    },
    "ab.timeline_note": {
        "en": "Lift relative to the control's mean, as in the table (+10% = the variant's {metric} is 10% above control's).",
        "zh": "相对于对照组均值的提升，与表格一致（+10% 表示该分组的 {metric} 比对照组高 10%）。",
    },
    "ab.model_no_clear": {
        "en": "No clear difference between DIN and the baseline: Qini difference {diff} with a 95% bootstrap interval {low} … {high} that covers 0 ({n} users, {share} with history). Prefer the plain segment analysis.",
        "zh": "DIN 与基线没有明显差异：Qini 差值 {diff}，95% 自助法区间 {low} … {high} 包含 0（{n} 个用户，{share} 有历史）。请以普通分群分析为准。",
    },
    "ab.model_worse": {
        "en": "DIN ranks responders worse than the baseline: Qini difference {diff}, 95% bootstrap interval {low} … {high} ({n} users, {share} with history). Prefer the plain segment analysis.",
        "zh": "DIN 对响应用户的排序差于基线：Qini 差值 {diff}，95% 自助法区间 {low} … {high}（{n} 个用户，{share} 有历史）。请以普通分群分析为准。",
    },
    "ab.predicted_of": {"en": "predicted {outcome}", "zh": "预测的 {outcome}"},
    "ab.warn.not_counts": {
        "en": "{metric}: {column} exceeds {denominator} in {rows} rows, so these are not counts of one exposure; analysed as a ratio with rows as units.",
        "zh": "{metric}：有 {rows} 行的 {column} 大于 {denominator}，不是同一批曝光下的计数；已按比率分析（每行视为一个样本）。",
    },
    "ab.source_summary": {"en": "Upload per-variant summaries", "zh": "上传分组汇总"},
    "ab.summary_upload": {
        "en": "Summary CSV: a row per (experiment, metric, variant[, date]) with a count and a mean with variance, sd or sum of squares, or conversions",
        "zh": "汇总 CSV：每行一个（实验、指标、分组[、日期]），含样本量及均值与方差/标准差/平方和，或转化数",
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
    "ab.role.variant": {"en": "Variant", "zh": "分组"},
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
        "zh": "请选择分组列和样本量列，以及均值、总和或转化数列。",
    },
    "ab.summary_unit_only": {
        "en": "CUPED and segment analyses need unit rows; a summary has none.",
        "zh": "CUPED 与分群分析需要逐个样本的数据，汇总数据无法提供。",
    },
    "ab.target": {"en": "Smallest relative effect that matters", "zh": "有意义的最小相对效应"},
    "ab.target_help": {
        "en": "'No difference' when the lift's CI rules out effects this large.",
        "zh": "当提升的置信区间排除了这么大的效应时判为“无差异”。",
    },
    "ab.choose": {"en": "Choose one or more", "zh": "请选择（可多选）"},
    "ab.guardrails": {"en": "Guardrail metrics", "zh": "护栏指标"},
    "ab.metrics_shown": {"en": "Metrics", "zh": "指标"},
    "ab.looks_like_summary": {
        "en": "This file looks like per-variant summaries (a count and a mean per variant): choose 'Upload per-variant summaries' above to analyse it as such.",
        "zh": "该文件看起来是分组汇总（每个分组的样本量和均值）：请在上方选择“上传分组汇总”，按汇总数据分析。",
    },
    "ab.control_auto": {"en": "automatic ('control', 'A', … or the first)", "zh": "自动（control、A 等，或第一个）"},
    "ab.guardrail_mark": {"en": "guardrail", "zh": "护栏"},
    "ab.portfolio_title": {"en": "{k} experiments", "zh": "{k} 个实验"},
    "ab.filter_decision": {"en": "Show decisions", "zh": "显示的决策"},
    "ab.filter_text": {"en": "Find experiment or metric", "zh": "查找实验或指标"},
    "ab.open_experiment": {"en": "Open experiment", "zh": "打开实验"},
    "ab.portfolio_note": {
        "en": "p (FDR): Benjamini–Hochberg over all {k} comparisons in the file. Select a row, or pick an experiment below, to open it.",
        "zh": "p（错误发现率校正）：对文件中全部 {k} 个比较做 Benjamini–Hochberg 校正。选中一行或在下方选择实验即可打开。",
    },
    "ab.portfolio_more": {
        "en": "The first {shown} of {k} rows are shown: filter by decision or name to find the others.",
        "zh": "仅显示 {k} 行中的前 {shown} 行：可按决策或名称筛选查找其余各行。",
    },
    "ab.srm_some": {
        "en": "Sample ratio mismatch in {k} experiment(s): see the SRM column.",
        "zh": "{k} 个实验存在样本比例失衡：见 SRM 列。",
    },
    "ab.decision.ship": {"en": "ship", "zh": "上线"},
    "ab.decision.stop_for_harm": {"en": "stop for harm", "zh": "有害，停止"},
    "ab.decision.no_difference": {"en": "no difference", "zh": "无差异"},
    "ab.decision.keep_running": {"en": "keep running", "zh": "继续运行"},
    "ab.detail_title": {"en": "Experiment {name}", "zh": "实验 {name}"},
    "ab.forest_x": {"en": "relative lift vs control", "zh": "相对对照组的提升"},
    "ab.forest_seq": {"en": "always-valid interval", "zh": "随时有效区间"},
    "ab.means_title": {"en": "Variant means with 95% CIs", "zh": "各分组均值及 95% 置信区间"},
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
    "ab.warn.untestable_units": {
        "en": "{variant} vs {control}: {arm} has {n} unit(s); a test needs at least 2 in each arm, so there is no p-value.",
        "zh": "{variant} 与 {control} 的比较：{arm} 只有 {n} 个用户，每组至少需要 2 个才能检验，因此没有 p 值。",
    },
    "ab.warn.untestable_variance": {
        "en": "{variant} vs {control}: neither arm varies in {metric} ({arms}); no test is possible, so there is no p-value.",
        "zh": "{variant} 与 {control} 的比较：{metric} 在组内没有任何波动（{arms}），无法检验，因此没有 p 值。",
    },
    "ab.warn.srm": {
        "en": "Sample ratio mismatch: p = {p:.2g} < {threshold}; assignment may be broken.",
        "zh": "分流比例失衡（SRM）：p = {p:.2g} < {threshold}，分组分配可能有问题。",
    },
    "ab.warn.not_randomised": {
        "en": "{column} was not assigned at random: these are descriptive differences, which may come from who each {column} reached; no p-values, verdict or sample-ratio check.",
        "zh": "{column} 并非随机分配：以下只是描述性差异，可能源于各 {column} 触达的人群不同；因此不给出 p 值、结论，也不检查分流比例。",
    },
    "ab.warn.denominator_guessed": {
        "en": "Rows are aggregates: {metric} is tested as a share of {denominator} (summed per variant).",
        "zh": "每行是汇总数据：{metric} 按占 {denominator} 的比例检验（按分组求和）。",
    },
    "ab.lower_better_guessed": {"en": "Lower is better (guessed)", "zh": "越低越好（推测）"},
    "ab.direction_guessed": {
        "en": "The name {metric} holds both {word} and {other}, so whether a rise is good news is only a guess "
        "(shown: {guess}). Tick or untick the box, or confirm the guess.",
        "zh": "指标名 {metric} 中既有“{word}”又有“{other}”，上升是好是坏只是推测（当前：{guess}）。"
        "请勾选或取消勾选，或确认这一推测。",
    },
    "ab.direction_higher": {"en": "higher is better", "zh": "越高越好"},
    "ab.direction_lower": {"en": "lower is better", "zh": "越低越好"},
    "ab.direction_confirm": {"en": "Confirm the direction", "zh": "确认方向"},
    "ab.summary_direction_guessed": {
        "en": "Guessed direction for {metrics}: the names mix a cost or loss word with one that turns it around. "
        "Check the list of lower-is-better metrics, then confirm.",
        "zh": "{metrics} 的方向是推测的：名称里既有成本或损失类的词，又有把它反过来的词。"
        "请检查“越低越好的指标”列表后确认。",
    },
    "ab.randomised": {"en": "Randomised split (an experiment)", "zh": "随机分组（实验）"},
    "ab.randomised_help": {
        "en": "Ticked when users were assigned to the groups at random. Campaigns, ads and ad sets usually were "
        "not: they reach different people.",
        "zh": "用户是随机分配到各组时勾选。广告系列、广告和广告组通常不是随机分配的：它们触达的人群不同。",
    },
    "ab.descriptive_note": {
        "en": "Not a randomised split: these are descriptive differences, and they may come from who each "
        "{column} reached rather than from the {column} itself.",
        "zh": "这不是随机分组：以下只是描述性的差异，可能来自各{column}触达的人群不同，而不是{column}本身的效果。",
    },
    "ab.relative_test_note": {
        "en": "The relative lift's interval and its p-value come from the same test (delta method on the ratio, "
        "as GrowthBook); Holm, BH and the verdict use the test of the difference (Welch's t or the two-proportion z-test).",
        "zh": "相对提升的区间与其 p 值来自同一检验（对比值的德尔塔方法）；"
        "Holm、BH 校正和结论使用差值检验（Welch t 检验或两比例 z 检验）。",
    },
    "ab.decision.check_split": {"en": "check the split (SRM)", "zh": "先查分流（SRM）"},
    "ab.decision_basis_fdr": {
        "en": "Decisions rest on the portfolio-corrected p-value (BH, column p (FDR)) below {alpha}.",
        "zh": "决策依据整个组合上校正后的 p 值（即“p（错误发现率校正）”列）是否低于 {alpha}。",
    },
    "ab.decision_basis_sequential": {
        "en": "Decisions rest on the always-valid (sequential) p-value below {alpha}: the checkpoints were peeked at.",
        "zh": "决策依据随时有效的序贯 p 值（即“p（序贯）”列）是否低于 {alpha}：因为每个检查点都被查看过。",
    },
    "col.relative_p_value": {"en": "p (lift CI's test)", "zh": "p（与区间同一检验）"},
    "col.decision_p_value": {"en": "decided on p", "zh": "决策所用 p"},
    "col.p_value_reason": {"en": "why no p", "zh": "无 p 值的原因"},
}
