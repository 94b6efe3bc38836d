"""Plotly figures for the sentiment view: data in, figure out, no I/O.

Text labels come in a dict from the page (already translated); post text is never put in a figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from core.viz.safe import escaped_figure


@escaped_figure
def trend_figure(trends: pd.DataFrame, shifts: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Mean score with its confidence band (top) and volume (bottom) per community; shifts marked.

    `trends` from core.text.trends.sentiment_trends (already filtered to the communities to show);
    `shifts` from core.text.analysis.shifts_table. `labels`: score, volume, shift, period.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    palette = qualitative.Plotly
    for i, (community, g) in enumerate(trends.groupby("community", sort=True)):
        color = palette[i % len(palette)]
        g = g.sort_values("period")
        band_x = list(g["period"]) + list(g["period"])[::-1]
        band_y = list(g["ci_high"].fillna(g["mean_score"])) + list(g["ci_low"].fillna(g["mean_score"]))[::-1]
        fig.add_trace(
            go.Scatter(
                x=band_x,
                y=band_y,
                fill="toself",
                fillcolor=color,
                opacity=0.15,
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
                legendgroup=community,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=g["period"],
                y=g["mean_score"],
                mode="lines+markers",
                name=str(community),
                line=dict(color=color),
                legendgroup=community,
                customdata=g[["volume", "share_negative"]].to_numpy(),
                hovertemplate="%{x|%Y-%m-%d}<br>"
                + labels.get("score", "score")
                + " %{y:.3f}<br>n=%{customdata[0]}<br>neg %{customdata[1]:.0%}"
                "<extra>%{fullData.name}</extra>",
            ),  # the community via its escaped name
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=g["period"],
                y=g["volume"],
                mode="lines",
                line=dict(color=color),
                showlegend=False,
                legendgroup=community,
                name=str(community),
            ),
            row=2,
            col=1,
        )
    if len(shifts):
        shown = shifts[shifts["community"].isin(trends["community"].unique())]
        fig.add_trace(
            go.Scatter(
                x=shown["period"],
                y=shown["mean_score"],
                mode="markers",
                marker=dict(symbol="x", size=14, color="black", line=dict(width=2)),
                name=labels.get("shift", "shift"),
                customdata=shown[["community", "z"]].to_numpy(),
                hovertemplate="%{customdata[0]} %{x|%Y-%m-%d}<br>z=%{customdata[1]:.1f}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(title_text=labels.get("score", "score"), range=[-1.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text=labels.get("volume", "volume"), rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=labels.get("period", ""), row=2, col=1)
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.06))
    return fig


@escaped_figure
def confusion_figure(confusion: list[list[int]], class_names: list[str], labels: dict[str, str]) -> go.Figure:
    """Confusion matrix heatmap: rows true label, columns predicted (counts shown in cells)."""
    fig = go.Figure(
        go.Heatmap(
            z=confusion,
            x=class_names,
            y=class_names,
            colorscale="Blues",
            showscale=False,
            text=confusion,
            texttemplate="%{text}",
        )
    )
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis_title=labels.get("predicted", "predicted"),
        yaxis_title=labels.get("true", "true"),
        yaxis=dict(autorange="reversed"),
    )
    return fig


@escaped_figure
def terms_figure(terms: list[tuple[str, float]], labels: dict[str, str]) -> go.Figure:
    """Horizontal bars of log-odds z per term (largest on top)."""
    terms = list(terms)[::-1]
    fig = go.Figure(go.Bar(x=[z for _, z in terms], y=[t for t, _ in terms], orientation="h"))
    fig.update_layout(
        height=60 + 28 * max(len(terms), 1),
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis_title=labels.get("z", "log-odds z"),
    )
    return fig
