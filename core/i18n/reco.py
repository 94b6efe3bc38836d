"""The recommendations view."""

TABLE: dict[str, dict[str, str]] = {
    "reco.baselines_first": {
        "en": "Popularity and item-kNN on the held-out last item of each member; SASRec joins them when it is trained.",
        "zh": "热门推荐与物品 kNN 在每位成员留出的最后一个物品上的表现；SASRec 训练完成后加入比较。",
    },
    "reco.model_Popularity": {"en": "Popularity", "zh": "热门推荐"},
    "reco.model_Item-kNN": {"en": "Item-kNN", "zh": "物品 kNN"},
    "reco.title": {"en": "Recommendations", "zh": "推荐"},
    "reco.intro": {
        "en": "A self-attention sequential recommender (SASRec) learns what members engage with next. It is checked against popularity and item-kNN on the same split: each member's last item is held out and ranked against every item they have not engaged with yet.",
        "zh": "自注意力序列推荐模型（SASRec）学习成员下一步会互动的内容，并与热门推荐和物品 kNN 在同一划分上比较：每位成员的最后一个物品被留出，与其尚未互动过的所有物品一起排序。",
    },
    "reco.settings": {"en": "Model settings", "zh": "模型设置"},
    "reco.max_len": {"en": "History window (most recent items)", "zh": "历史窗口（最近的物品数）"},
    "reco.epochs": {"en": "Maximum epochs (early stopping may end sooner)", "zh": "最大训练轮数（可能提前停止）"},
    "reco.train": {"en": "Train the recommender", "zh": "训练推荐模型"},
    "reco.not_trained": {
        "en": "No model for this data and these settings yet. Training runs in the background: the page stays usable, and the result is kept on disk.",
        "zh": "此数据和设置尚无模型。训练在后台进行：页面仍可使用，结果会保存在磁盘上。",
    },
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
        "en": "Trained {epochs} epochs in {seconds:.0f} s on {device} (stopped: {stopped}); best validation NDCG@10 {val:.3f}.",
        "zh": "在 {device} 上训练了 {epochs} 轮，用时 {seconds:.0f} 秒（停止原因：{stopped}）；最佳验证 NDCG@10 为 {val:.3f}。",
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
