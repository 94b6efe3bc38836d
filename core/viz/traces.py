"""Trace pieces the figure builders share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go


def band(x: Sequence, low: Sequence, high: Sequence, color: str, opacity: float, **trace: Any) -> go.Scatter:
    """A shaded interval between `low` and `high` over `x`: one closed polygon (high forwards, low
    backwards), no outline, no hover; `trace` adds name, legend and grouping settings."""
    x = list(x)
    return go.Scatter(
        x=x + x[::-1],
        y=list(high) + list(low)[::-1],
        fill="toself",
        fillcolor=color,
        opacity=opacity,
        line={"width": 0},
        hoverinfo="skip",
        **trace,
    )
