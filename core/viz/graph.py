"""Plotly builders for the community graph view: data in, figure out, no I/O.

Text from users (ids) only goes into data fields (customdata, text), which `escaped_figure`
escapes; the templates are ours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from core.viz.safe import escaped_figure

PALETTE = qualitative.Plotly + qualitative.D3 + qualitative.Set3


def community_colour(community: int) -> str:
    return PALETTE[int(community) % len(PALETTE)]


def _edge_path(nodes: pd.DataFrame, edges: pd.DataFrame) -> str:
    """Every edge as one move-and-line of a single SVG path, in data coordinates: the browser draws
    one element for all of them (a line trace with gaps draws one element per edge, seconds of work
    for a few thousand edges on a machine without a GPU)."""
    x, y = nodes["x"].to_numpy(float), nodes["y"].to_numpy(float)
    a, b = edges["a"].to_numpy(int), edges["b"].to_numpy(int)
    cells = np.column_stack([x[a], y[a], x[b], y[b]])
    return "".join(f"M{x0:.4g},{y0:.4g}L{x1:.4g},{y1:.4g}" for x0, y0, x1, y1 in cells)


def _edge_shape(nodes: pd.DataFrame, edges: pd.DataFrame, width: float, colour: str) -> dict:
    """Ties drawn under the nodes: not a trace, so no hover, no legend entry."""
    return {
        "type": "path",
        "path": _edge_path(nodes, edges),
        "xref": "x",
        "yref": "y",
        "layer": "below",
        "line": {"width": width, "color": colour},
        "name": "edges",
    }


OTHER_COLOUR = "#c8c8c8"
LINK_WIDTHS = (0.5, 1.5, 3.0, 6.0)  # community ties, lightest to heaviest quarter of the weights
LINK_ALPHAS = (0.08, 0.15, 0.3, 0.5)  # light ties fade, so the heavy ones read among many


def _weighted_edge_shapes(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[dict]:
    """Ties between communities as links whose width grows with their weight (one path per
    quarter of the weights: a path has one width)."""
    w = edges["weight"].to_numpy(float)
    cuts = np.quantile(w, [0.25, 0.5, 0.75]) if len(w) else np.zeros(3)
    level = np.searchsorted(cuts, w, side="left")
    return [
        _edge_shape(nodes, edges[level == k], width, f"rgba(100,100,100,{alpha})")
        for k, (width, alpha) in enumerate(zip(LINK_WIDTHS, LINK_ALPHAS))
        if (level == k).any()
    ]


def community_label(community: int) -> str:
    """How a community is named everywhere (legend, tables, search): '#3'."""
    return f"#{int(community)}"


@escaped_figure
def network_figure(
    view,
    *,
    highlight: str | None = None,
    title: str = "",
    hover_community: str = "community",
    hover_size: str = "size",
    legend_top: int = 10,
    other_label: str = "other communities",
    legend_title: str = "",
    coloured: list[int] | None = None,
) -> go.Figure:
    """Figure for a `core.graph.layout.NetworkView`: nodes coloured by community and sized by
    `size`; users' ties as one thin path under them, communities' ties as paths as wide as their weight
    (SVG throughout: WebGL canvases cost a browser without a GPU a read-back on every frame).
    The legend names the `legend_top` largest communities shown (one trace each, communities are
    numbered largest first), or the communities in `coloured` when the analyst picked them; the
    rest are one grey trace, `other_label`. `highlight` (a node id) is drawn as a larger ringed marker."""
    nodes, edges = view.nodes, view.edges
    fig = go.Figure()
    if len(edges) and view.level == "users":
        fig.add_shape(_edge_shape(nodes, edges, 0.5, "rgba(120,120,120,0.25)"))
    elif len(edges):
        for shape in _weighted_edge_shapes(nodes, edges):
            fig.add_shape(shape)
    size = nodes["size"].to_numpy(float)
    scale = (4, 10) if view.level == "users" else (8, 40)
    marker_size = scale[0] + scale[1] * np.sqrt(size / max(size.max(), 1.0)) if len(size) else np.zeros(0)
    community = nodes["community"].to_numpy(int)
    present = sorted(pd.unique(community))
    named = [c for c in present if c in set(coloured)] if coloured is not None else present[:legend_top]
    groups = [(c, community == c, community_label(c), community_colour(c)) for c in named]
    rest = ~np.isin(community, named)
    if rest.any():
        groups.append((None, rest, other_label, OTHER_COLOUR))
    template = (
        "%{customdata[0]}<br>"
        + hover_community
        + ": %{customdata[1]}<br>"
        + hover_size
        + ": %{customdata[2]:,}<extra></extra>"
    )
    for _, mask, name, colour in groups:
        part = nodes[mask]
        custom = np.column_stack(
            [part["label"].astype(str).to_numpy(object), [community_label(c) for c in community[mask]], size[mask]]
        )
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=name,
                customdata=custom,
                hovertemplate=template,
                marker={"size": marker_size[mask], "color": colour, "line": {"width": 0.5, "color": "white"}},
            )
        )
    if highlight is not None and highlight in set(nodes["id"]):
        row = nodes[nodes["id"] == highlight].iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[row["x"]],
                y=[row["y"]],
                mode="markers+text",
                text=[row["label"]],
                textposition="top center",
                showlegend=False,
                name="highlight",
                hoverinfo="skip",
                marker={"size": 18, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "black"}},
            )
        )
    fig.update_layout(
        title=title,
        height=620,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
        hovermode="closest",
        dragmode="pan",
        legend={"title": {"text": legend_title}, "itemsizing": "constant"},
    )
    return fig


@escaped_figure
def community_sizes_figure(
    sizes: list[int], *, title: str = "", x_label: str = "community", y_label: str = "members", top: int = 40
) -> go.Figure:
    """Bar chart of the largest communities' sizes, coloured like the network."""
    shown = list(range(min(top, len(sizes))))
    fig = go.Figure(
        go.Bar(
            x=[community_label(c) for c in shown],
            y=[sizes[c] for c in shown],
            marker_color=[community_colour(c) for c in shown],
        )
    )
    fig.update_layout(
        title=title,
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=x_label,
        yaxis_title=y_label,
        xaxis_type="category",
    )  # '#3', not 3
    return fig


@escaped_figure
def growth_figure(growth: pd.DataFrame, *, title: str = "", y_label: str = "members", top: int = 10) -> go.Figure:
    """Cumulative members per period for the `top` largest communities."""
    fig = go.Figure()
    if len(growth):
        for c in sorted(growth["community"].unique())[:top]:
            part = growth[growth["community"] == c]
            fig.add_trace(
                go.Scatter(
                    x=part["period"],
                    y=part["members"],
                    mode="lines",
                    name=community_label(c),
                    line={"color": community_colour(c)},
                )
            )
    fig.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10}, yaxis_title=y_label)
    return fig
