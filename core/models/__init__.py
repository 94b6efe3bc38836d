"""Attention models and what they share: device choice, trainer, cache, background jobs."""
