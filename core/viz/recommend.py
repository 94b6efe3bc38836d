"""Plotly figures for the recommendations view: data in, figure out, no I/O. Text comes in
through `labels` (already translated by the page)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.viz.safe import escaped_figure

_COLOURS = {"SASRec": "#636EFA", "Popularity": "#B6B6B6", "Item-kNN": "#00CC96"}


def _label(labels: dict | None, key: str, default: str) -> str:
    return (labels or {}).get(key, default)


@escaped_figure
def metrics_figure(table: pd.DataFrame, protocol: str = "full ranking", labels: dict | None = None) -> go.Figure:
    """Grouped bars of HR@10 and NDCG@10 per model under one protocol (from
    `EvaluationReport.table()`). `labels`: title, and `model:<name>` for each model's legend name."""
    rows = table[table["protocol"] == protocol]
    metrics = [c for c in rows.columns if c.startswith(("HR@", "NDCG@"))]
    fig = go.Figure()
    for _, row in rows.iterrows():
        fig.add_trace(
            go.Bar(
                name=_label(labels, f"model:{row['model']}", str(row["model"])),
                x=metrics,
                y=[row[m] for m in metrics],
                marker={"color": _COLOURS.get(row["model"], "#AB63FA")},
                text=[f"{row[m]:.3f}" for m in metrics],
                textposition="outside",
            )
        )
    fig.update_layout(
        barmode="group",
        height=340,
        margin={"t": 40, "b": 30},
        title=_label(labels, "title", protocol),
        yaxis={"rangemode": "tozero"},
    )
    return fig


@escaped_figure
def training_curve(history: list[dict], labels: dict | None = None) -> go.Figure:
    """Training loss and validation NDCG@10 per epoch (from the trainer's history)."""
    epochs = [h["epoch"] for h in history]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=[h["loss"] for h in history],
            mode="lines+markers",
            name=_label(labels, "loss", "training loss"),
            yaxis="y",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=[h.get("val_metric") for h in history],
            mode="lines+markers",
            name=_label(labels, "val", "validation NDCG@10"),
            yaxis="y2",
        )
    )
    fig.update_layout(
        height=300,
        margin={"t": 30, "b": 30},
        xaxis={"title": _label(labels, "epoch", "epoch")},
        yaxis={"title": _label(labels, "loss", "training loss")},
        yaxis2={"title": _label(labels, "val", "validation NDCG@10"), "overlaying": "y", "side": "right"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


@escaped_figure
def popularity_bias_figure(diversity: dict[str, dict], labels: dict | None = None) -> go.Figure:
    """Per model: catalogue coverage, mean popularity percentile of recommended items and the
    share of slots taken by the top-10% items (from `EvaluationReport.diversity`)."""
    keys = ["coverage", "mean_popularity_percentile", "top10pct_share"]
    fig = go.Figure()
    for model, d in diversity.items():
        fig.add_trace(
            go.Bar(
                name=_label(labels, f"model:{model}", model),
                x=[_label(labels, k, k) for k in keys],
                y=[d[k] for k in keys],
                marker={"color": _COLOURS.get(model, "#AB63FA")},
                text=[f"{d[k]:.0%}" for k in keys],
                textposition="outside",
            )
        )
    fig.update_layout(
        barmode="group", height=320, margin={"t": 30, "b": 30}, yaxis={"range": [0, 1.1], "tickformat": ".0%"}
    )
    return fig


@escaped_figure
def attention_figure(items: list[str], weights: list[float], labels: dict | None = None) -> go.Figure:
    """Horizontal bars: how much the model attended to each past item (the explanation)."""
    fig = go.Figure(
        go.Bar(x=list(weights)[::-1], y=[str(i) for i in items][::-1], orientation="h", marker={"color": "#636EFA"})
    )
    fig.update_layout(
        height=60 + 28 * len(items),
        margin={"t": 10, "b": 30, "l": 10},
        xaxis={"title": _label(labels, "x", "attention weight"), "tickformat": ".2~%"},  # 0.5%, not "0%, 1%, 1%"
        yaxis={"type": "category"},  # item ids are names, never a numeric axis
    )
    return fig
