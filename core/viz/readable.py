"""One layout rule every figure builder gets (through `core.viz.safe.escaped_figure`), so charts read:

- **Ids are categories.** `autotypenumbers = "strict"`: an axis of text values stays categorical even
  when the texts are digits (item ids '1517085', '1781822' used to make a linear 1.4M-1.8M axis with
  squashed bars). Real numbers still make a numeric axis.
- **Nothing under the toolbar.** Plotly's toolbar (and Streamlit's own chart buttons) appear over the
  top-right corner of a chart on hover. The top margin keeps a band of `TOOLBAR_BAND` px for them, the
  title sits at the left of that band, and a legend placed above the plot sits below the band (a
  legend at the side starts at the plot's top, below the band too).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

TOOLBAR_BAND = 36  # px: Plotly's modebar is ~25 px tall at the figure's top right, plus padding
LEGEND_ROW = 24  # px per row of a horizontal legend
ASSUMED_WIDTH = 640  # px of a chart's width when estimating how many rows a horizontal legend takes


def _legend_entries(fig: go.Figure) -> list[str]:
    names = []
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        names.append(str(trace.name))
    return list(dict.fromkeys(names))


def _legend_rows(fig: go.Figure) -> int:
    """Rows a horizontal legend of this figure takes (estimated from its labels' lengths)."""
    width = sum(40 + 7 * len(n) for n in _legend_entries(fig))
    return max(1, math.ceil(width / ASSUMED_WIDTH))


def readable(fig: go.Figure) -> None:
    """Apply the module's rule to `fig` in place (idempotent)."""
    layout = fig.layout
    layout.autotypenumbers = "strict"
    entries = _legend_entries(fig)
    shows_legend = layout.showlegend is True or (layout.showlegend is None and len(entries) >= 2)
    legend_above = shows_legend and layout.legend.y is not None and layout.legend.y >= 1
    needed = TOOLBAR_BAND + (_legend_rows(fig) * LEGEND_ROW if legend_above else 0)
    if layout.title.text:
        # left, in the toolbar's band (the toolbar sits at the right end of it)
        layout.title.update(x=0, xanchor="left", xref="container", y=1, yanchor="top", yref="container")
        layout.title.pad.update(t=10, l=12)
    if legend_above:
        layout.legend.update(yanchor="bottom", y=1.02, x=0, xanchor="left")
    current = layout.margin.t
    if current is None or current < needed:
        layout.margin.t = needed
