"""Figures of the community-health view: one small sparkline per community."""

from __future__ import annotations

import plotly.graph_objects as go

from core.viz.safe import escaped_figure


@escaped_figure
def sparkline(values: list[float], colour: str = "#4c78a8") -> go.Figure:
    """A bare line of the last periods' values (no axes), to sit in a table row."""
    fig = go.Figure(go.Scatter(y=values, mode="lines", line={"color": colour, "width": 2}, hoverinfo="y"))
    fig.update_layout(height=40, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
