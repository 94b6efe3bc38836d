"""Text analytics for the sentiment view: language by script, tokenising (jieba for Chinese),
offline lexicon scoring, a trained attention classifier, trends, shifts and the terms behind them.

Heavy imports (jieba, vaderSentiment, torch, transformers) happen inside the functions that need them.
"""
