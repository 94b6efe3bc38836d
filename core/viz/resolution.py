"""Plotly builder for the resolution profile: communities and stability against resolution.

Data in (the rows of `core.graph.resolution.ResolutionProfile.rows()`), figure out, no I/O. The
communities trace carries each scale's resolution in `customdata`, so a click on a point tells the
page which scale to run.
"""

from __future__ import annotations

import plotly.graph_objects as go

from core.viz.safe import escaped_figure

COMMUNITIES_COLOUR = "#1f77b4"
STABILITY_COLOUR = "#ff7f0e"
CHOSEN_COLOUR = "#d62728"


@escaped_figure
def profile_figure(
    rows: list[dict],
    *,
    current: float | None = None,
    title: str = "",
    x_label: str = "resolution",
    communities_label: str = "communities",
    stability_label: str = "stability",
    chosen_label: str = "chosen",
    current_label: str = "shown",
) -> go.Figure:
    """Communities (left axis, log) and stability across seeds (right axis, adjusted Rand) per
    scale, log resolution on x. The chosen scale gets a star; `current` (the scale shown on the
    page, when the user picked another one) a ring. Trivial scales are drawn hollow."""
    res = [r["resolution"] for r in rows]
    k = [r["communities"] for r in rows]
    ari = [r["stability_ari"] for r in rows]
    nmi = [r["stability_nmi"] for r in rows]
    symbols = ["circle-open" if r["trivial"] else "circle" for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=res,
            y=k,
            mode="lines+markers",
            name=communities_label,
            customdata=res,
            marker={"size": 11, "color": COMMUNITIES_COLOUR, "symbol": symbols},
            line={"color": COMMUNITIES_COLOUR},
            hovertemplate=f"{x_label} %{{x:.3g}}<br>{communities_label} %{{y}}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=res,
            y=ari,
            mode="lines+markers",
            name=stability_label,
            yaxis="y2",
            customdata=nmi,
            marker={"size": 7, "color": STABILITY_COLOUR},
            line={"color": STABILITY_COLOUR, "dash": "dot"},
            hovertemplate=f"{x_label} %{{x:.3g}}<br>{stability_label} %{{y:.3f}} (NMI %{{customdata:.3f}})"
            "<extra></extra>",
        )
    )
    chosen = [r for r in rows if r.get("chosen")]
    if chosen:
        c = chosen[0]
        fig.add_trace(
            go.Scatter(
                x=[c["resolution"]],
                y=[c.get("chosen_communities", c["communities"])],
                mode="markers",
                name=chosen_label,
                customdata=[c["resolution"]],
                marker={"size": 20, "symbol": "star", "color": CHOSEN_COLOUR},
                hovertemplate=f"{chosen_label}: {x_label} %{{x:.3g}}<extra></extra>",
            )
        )
    if current is not None and not (chosen and abs(chosen[0]["resolution"] - current) < 1e-9):
        shown = [r for r in rows if abs(r["resolution"] - current) < 1e-9]
        if shown:
            fig.add_trace(
                go.Scatter(
                    x=[current],
                    y=[shown[0]["communities"]],
                    mode="markers",
                    name=current_label,
                    customdata=[current],
                    marker={"size": 22, "symbol": "circle-open", "color": CHOSEN_COLOUR, "line": {"width": 3}},
                    hovertemplate=f"{current_label}: {x_label} %{{x:.3g}}<extra></extra>",
                )
            )
    fig.update_layout(
        title=title,
        height=300,
        margin={"l": 50, "r": 50, "t": 40, "b": 40},
        clickmode="event+select",
        xaxis={"title": x_label, "type": "log", "tickvals": res, "ticktext": [f"{r:.2g}" for r in res]},
        yaxis={"title": communities_label, "type": "log", "tickvals": log_ticks([r["communities"] for r in rows])},
        # explicit linear type and ticks: an overlaying axis otherwise picks up odd log-style ticks
        yaxis2={
            "title": stability_label,
            "overlaying": "y",
            "side": "right",
            "type": "linear",
            "range": [0, 1.05],
            "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def log_ticks(values) -> list[int]:
    """1, 2, 5, 10, 20, 50, ... covering `values`: a log axis otherwise labels every digit (9 8 7 6 5 ...)."""
    top = max([v for v in values if v and v > 0] or [1])
    ticks, base = [], 1
    while base <= top * 10:
        ticks += [base, 2 * base, 5 * base]
        base *= 10
    return [t for t in ticks if t <= max(top * 2, 2)]
