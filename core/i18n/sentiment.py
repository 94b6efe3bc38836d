"""The sentiment trends view."""

TABLE: dict[str, dict[str, str]] = {
    "sent.lexicon_meanwhile": {
        "en": "Until the trained model is ready, the charts below use the lexicon scorer.",
        "zh": "在训练好的模型就绪之前，下方图表使用词典打分。",
    },
    "sent.no_trend_rows": {
        "en": "No posts with a time in this selection: no trend to draw.",
        "zh": "所选范围内没有带时间的帖子：无法绘制趋势。",
    },
    "sent.title": {"en": "Sentiment trends", "zh": "情感趋势"},
    "sent.intro": {
        "en": "How each community feels over time, in English and Chinese posts, and what changed.",
        "zh": "各社群的情绪随时间如何变化（中英文帖子），以及变化从何而来。",
    },
    "sent.community": {"en": "Communities", "zh": "社群"},
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
        "en": "Shaded around each line: its 95% confidence interval (t for the mean score, Wilson for the share negative). Grey circles: periods with fewer than {n} posts, too few to read (never flagged as shifts). Grey strip: the lexicon's neutral band.",
        "zh": "线条周围的阴影：95% 置信区间（平均得分用 t 区间，负面占比用威尔逊得分区间）。灰色圆圈：帖子少于 {n} 条的周期，数量太少不宜解读（不会被标记为突变）。灰色横带：词典的中性区间。",
    },
    "sent.shifts_header": {"en": "Shifts", "zh": "情感突变"},
    "sent.method": {
        "en": "Control chart: a period is flagged when its mean score departs from the previous {k} in-control periods by more than {z} standard errors (sampling noise plus normal week-to-week variation).",
        "zh": "控制图：当某周期的平均得分偏离之前 {k} 个正常周期超过 {z} 个标准误（抽样噪声加正常波动）时标记。",
    },
    "sent.no_shifts": {"en": "No shifts beyond noise in the selection.", "zh": "所选范围内没有超出噪声的突变。"},
    "sent.choose_shift": {"en": "Choose a shift", "zh": "选择一个突变"},
    "sent.shift_label": {
        "en": "{community} · {period} · {direction} (z = {z})",
        "zh": "{community} · {period} · {direction}（z = {z}）",
    },
    "sent.all_posts": {"en": "All posts", "zh": "全部帖子"},  # the whole-site series (community "all")
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
        "zh": "驱动因素：各社群负面帖子中的高频特征词",
    },
    "sent.model_card": {"en": "Model card", "zh": "模型卡"},
    "sent.card_validation": {
        "en": "Validation macro-F1 (early-stopping rows): attention model alone {att}, TF-IDF + LR alone {wide}, blended {model} with weight {w} on the attention model.",
        "zh": "验证集宏平均 F1（早停用的行）：仅注意力模型 {att}，仅 TF-IDF + LR {wide}，融合后 {model}（注意力模型权重 {w}）。",
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
        "en": "{language}: encoder {name} (licence {licence}; pip package {package}); {top} of {layers} layers fine-tuned, texts cut at {tokens} tokens.",
        "zh": "{language}：编码器 {name}（许可证 {licence}；pip 包 {package}）；微调 {layers} 层中的最上 {top} 层，文本截断为 {tokens} 个词元。",
    },
    "sent.card_choice_en": {
        "en": "Chosen for English because it validated higher than multilingual-e5-small on the airline tweets (top layer alone, macro-F1 0.804 against 0.679 on 2,000 tweets).",
        "zh": "英文选用此编码器：在航空推文上它的验证分数高于 multilingual-e5-small（仅最上层，2,000 条推文上宏平均 F1 0.804 对 0.679）。",
    },
    "sent.card_choice_zh": {
        "en": "Chosen for Chinese: pretrained on about 100 languages, it knows Chinese before it sees your labels (the alternative is a character Transformer trained from scratch on them).",
        "zh": "中文选用此编码器：它在约 100 种语言上预训练，在看到您的标签之前就懂中文（另一选择是只用您的标签从零训练的字符 Transformer）。",
    },
    "sent.card_budget": {
        "en": "The training time budget ended training early, after {epochs} epoch(s); the best weights so far are used.",
        "zh": "训练时间预算提前结束了训练（{epochs} 轮后）；使用目前为止最好的权重。",
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
    "sent.band_source_default_zh": {
        "en": "the Chinese lexicon's standard cut-offs (words' evidence under 6:5 odds either way is neutral); no labelled Chinese posts to choose a band on",
        "zh": "采用中文词典的标准阈值（词语证据偏向任一边都不到 6:5 即为中性），没有可用于选定区间的中文有标签帖子",
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
        "en": "Upload a CSV of labelled texts, such as reviews rated by your team. The model trained on it then scores this workspace's posts, with its label names.",
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
    # --- presentation (issue 15) ---
    "sent.share_negative": {"en": "Share negative", "zh": "负面占比"},
    "sent.sparse": {"en": "Fewer than {n} posts", "zh": "帖子少于 {n} 条"},
    "sent.band": {"en": "Neutral band", "zh": "中性区间"},
    "sent.metric_posts": {"en": "Posts scored", "zh": "已评分帖子"},
    "sent.metric_mean": {"en": "Mean score (−1…1)", "zh": "平均得分（−1…1）"},
    "sent.metric_negative": {"en": "Scored negative", "zh": "评分为负面"},
    "sent.class_negative": {"en": "negative", "zh": "负面"},
    "sent.class_neutral": {"en": "neutral", "zh": "中性"},
    "sent.class_positive": {"en": "positive", "zh": "正面"},
    "sent.scorer_name_lexicon": {"en": "lexicon", "zh": "词典"},
    "sent.scorer_name_attention": {"en": "attention", "zh": "注意力模型"},
    "sent.scorer_name_tfidf_lr": {"en": "TF-IDF + LR", "zh": "TF-IDF + 逻辑回归"},
    # the model card's verdict per language (core.text.classifier.sentiment_verdict): CLI stderr, meta.json, page
    "sent.note_chance": {
        "en": "No better than chance on the held-out texts: {scorer} (macro-F1 {f1}; p = {p} for beating the most common label).",
        "zh": "在留出文本上并不比随机猜测更好：{scorer}（宏 F1 {f1}；胜过“总猜最常见标签”的 p 值 = {p}）。",
    },
    "sent.note_all_chance": {
        "en": "No scorer is better than chance on the {n} held-out texts: these sentiment labels carry no signal.",
        "zh": "在 {n} 条留出文本上，没有任何评分方式比随机猜测更好：这些情感标签不含有效信号。",
    },
    "sent.note_baseline": {
        "en": "The trained model is no better than its baseline, {baseline}, on the held-out texts (macro-F1 {f1} vs {baseline_f1}).",
        "zh": "训练的模型在留出文本上并不比基线（{baseline}）更好（宏 F1 {f1} 对 {baseline_f1}）。",
    },
    "sent.note_scorer": {
        "en": "Scores come from {scorer}, the best on the held-out texts.",
        "zh": "得分来自{scorer}，它在留出文本上表现最好。",
    },
    "sent.note_weight0": {
        "en": "The blend gave the attention model weight 0: scores come from TF-IDF + LR alone.",
        "zh": "融合时注意力模型的权重为 0：得分只来自 TF-IDF + 逻辑回归。",
    },
    "sent.scores_from": {"en": "Scores ({language}) come from: {scorer}.", "zh": "得分（{language}）来自：{scorer}。"},
    "sent.metric_labelled_negative": {"en": "Labelled negative", "zh": "标注为负面"},
}
