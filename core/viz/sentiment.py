"""Plotly figures for the sentiment view: data in, figure out, no I/O.

Text labels come in a dict from the page (already translated); post text is never put in a figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from core.viz.format import localize_figure
from core.viz.safe import escaped_figure
from core.viz.traces import band


@escaped_figure
def trend_figure(
    trends: pd.DataFrame,
    shifts: pd.DataFrame,
    labels: dict[str, str],
    bands: dict[str, tuple[float, float]] | None = None,
    lang: str = "en",
    freq: str = "week",
) -> go.Figure:
    """Mean score with its confidence band (top), share of negative posts with its Wilson band
    (middle) and volume (bottom) per community; shifts marked.

    `trends` from core.text.trends.sentiment_trends (already filtered to the communities to show),
    with an optional boolean `sparse`: those periods (too few posts to read) are drawn as grey
    points, outside the lines and bands. `shifts` from core.text.analysis.shifts_table. `bands`:
    {translated language name: (low, high)}, the lexicon's neutral band drawn as a grey strip.
    `labels`: score, share_negative, volume, shift, period, sparse, band.
    """
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, row_heights=[0.46, 0.3, 0.24], vertical_spacing=0.05)
    palette = qualitative.Plotly if trends["community"].nunique() <= 10 else qualitative.Alphabet
    sparse_all = trends["sparse"] if "sparse" in trends else pd.Series(False, index=trends.index)
    score_label = labels.get("score", "score")
    neg_label = labels.get("share_negative", "negative")
    for i, (community, g) in enumerate(trends.groupby("community", sort=True)):
        color = palette[i % len(palette)]
        g = g.sort_values("period")
        dense = g[~sparse_all.reindex(g.index).fillna(False).to_numpy(dtype=bool)]
        for row, mean, low, high in (
            (1, "mean_score", "ci_low", "ci_high"),
            (2, "share_negative", "neg_ci_low", "neg_ci_high"),
        ):
            if low in dense and high in dense and len(dense):
                fig.add_trace(
                    band(
                        dense["period"],
                        dense[low].fillna(dense[mean]),
                        dense[high].fillna(dense[mean]),
                        color,
                        0.15,
                        showlegend=False,
                        legendgroup=community,
                    ),
                    row=row,
                    col=1,
                )
        custom = dense[["volume", "share_negative", "mean_score"]].to_numpy()
        hover = (
            "%{x|%Y-%m-%d}<br>" + score_label + ": %{customdata[2]:.3f}<br>" + neg_label + ": %{customdata[1]:.0%}"
            "<br>n = %{customdata[0]:,}<extra>%{fullData.name}</extra>"
        )  # the community via its escaped name
        for row, y, show in ((1, "mean_score", True), (2, "share_negative", False)):
            fig.add_trace(
                go.Scatter(
                    x=dense["period"],
                    y=dense[y],
                    mode="lines+markers",
                    name=str(community),
                    line=dict(color=color),
                    legendgroup=community,
                    showlegend=show,
                    customdata=custom,
                    hovertemplate=hover,
                ),
                row=row,
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
                hovertemplate="%{x|%Y-%m-%d}<br>n = %{y:,}<extra>%{fullData.name}</extra>",
            ),
            row=3,
            col=1,
        )
    sparse = trends[sparse_all.to_numpy(dtype=bool)]
    if len(sparse):
        custom = sparse[["volume", "community"]].to_numpy()
        for row, y in ((1, "mean_score"), (2, "share_negative")):
            fig.add_trace(
                go.Scatter(
                    x=sparse["period"],
                    y=sparse[y],
                    mode="markers",
                    marker=dict(color="rgba(150,150,150,0.6)", size=6, symbol="circle-open"),
                    name=labels.get("sparse", "too few posts"),
                    legendgroup="sparse",
                    showlegend=row == 1,
                    customdata=custom,
                    hovertemplate="%{customdata[1]} %{x|%Y-%m-%d}<br>n = %{customdata[0]}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    for i, (names, (band_low, band_high)) in enumerate(_merged_bands(bands or {}).items()):
        fig.add_hrect(
            y0=band_low,
            y1=band_high,
            fillcolor="grey",
            opacity=0.18,
            line_width=0,
            row=1,
            col=1,
            annotation_text=f"{labels.get('band', 'neutral band')} ({names})",
            annotation_position="top left" if i % 2 == 0 else "bottom right",  # two bands' names apart
            annotation_font_size=11,
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
                hovertemplate="%{customdata[0]} %{x|%Y-%m-%d}<br>z = %{customdata[1]:.1f}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(title_text=score_label, range=[-1.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text=neg_label, range=[0, 1.02], tickformat=".0%", row=2, col=1)
    fig.update_yaxes(title_text=labels.get("volume", "volume"), rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text=labels.get("period", ""), row=3, col=1)
    fig.update_layout(
        height=720,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        hovermode="closest",
    )
    return localize_figure(fig, lang, period=freq)


def _merged_bands(bands: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """One strip per distinct band, named by every language that uses it ('English, Chinese')."""
    by_band: dict[tuple[float, float], list[str]] = {}
    for name, (low, high) in bands.items():
        by_band.setdefault((float(low), float(high)), []).append(name)
    return {", ".join(names): edges for edges, names in by_band.items()}


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
