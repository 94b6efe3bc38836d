"""Plotly figures for the A/B view: data in, figure out, no I/O. Text comes in through `labels`
(already translated by the page)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.viz.format import fmt_p, fmt_signed_share
from core.viz.safe import escaped_figure
from core.viz.traces import band

_COLOURS = ["#636EFA", "#EF553B", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3"]


def p_text(p) -> str:
    """A p-value to follow a 'p': '= 0.034', or '< 0.001'."""
    text = fmt_p(p)
    return text if text.startswith("<") else f"= {text}"


def _label(labels: dict | None, key: str, default: str) -> str:
    return (labels or {}).get(key, default)


@escaped_figure
def cumulative_lift_figure(frame: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Relative lift of each treatment over control over time (from `analysis.cumulative_lift`), as
    the results table shows it: the point estimate, the fixed-horizon 95% CI (dotted) and the
    always-valid sequential band (shaded), all relative to the control's mean (a +x% axis)."""
    fig = go.Figure()
    for i, (variant, g) in enumerate(frame.groupby("variant", sort=False)):
        colour = _COLOURS[(i + 1) % len(_COLOURS)]
        x = list(g["day"])
        fig.add_trace(
            band(
                x,
                g["sequential_relative_ci_low"],
                g["sequential_relative_ci_high"],
                colour,
                0.18,
                name=f"{variant}: {_label(labels, 'band', 'always-valid band')}",
            )
        )
        for col in ("relative_lift_ci_low", "relative_lift_ci_high"):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=g[col],
                    mode="lines",
                    line={"color": colour, "dash": "dot", "width": 1},
                    name=f"{variant}: {_label(labels, 'ci', '95% CI')}",
                    showlegend=col == "relative_lift_ci_low",
                    hovertemplate="%{x}: %{y:+.1%}<extra></extra>",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=g["relative_lift"],
                mode="lines+markers",
                line={"color": colour, "width": 2},
                name=f"{variant}: {_label(labels, 'lift', 'lift')}",
                hovertemplate="%{x}: %{y:+.1%}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": "grey", "width": 1})
    fig.update_layout(
        xaxis_title=_label(labels, "x", "day"),
        yaxis_title=_label(labels, "y", "relative lift vs control"),
        yaxis_tickformat="+.0%",
        margin={"t": 30, "b": 40},
        height=420,
        legend={"orientation": "h", "y": -0.3},
    )
    return fig


@escaped_figure
def funnel_figure(table: pd.DataFrame, stages: list[str] | None = None, labels: dict | None = None) -> go.Figure:
    """Impressions -> clicks -> conversions per variant (from `analysis.funnel_table`); `stages`:
    the table's stage columns in funnel order (default impressions, clicks, conversions)."""
    stages = [s for s in (stages or ("impressions", "clicks", "conversions")) if s in table]
    fig = go.Figure()
    for i, row in table.reset_index(drop=True).iterrows():
        fig.add_trace(
            go.Funnel(
                name=str(row["variant"]),
                y=[_label(labels, s, s) for s in stages],
                x=[row[s] for s in stages],
                texttemplate="%{value:,.0f} (%{percentInitial:.1%})",
                textposition="auto",
                marker={"color": _COLOURS[i % len(_COLOURS)]},
            )
        )
    # variants side by side within each step, numbers beside their bars: stacked, the later steps'
    # labels (a few hundred conversions under tens of thousands of impressions) overlapped
    fig.update_layout(
        funnelmode="group", margin={"t": 30, "b": 30, "r": 90}, height=120 + 110 * len(stages), separators=".,"
    )
    return fig


@escaped_figure
def segment_heatmap(frame: pd.DataFrame, value: str = "relative_lift", labels: dict | None = None) -> go.Figure:
    """Segments x treatments, coloured by `value` (relative lift), text shows the lift and the
    Holm-corrected p-value. `frame` columns: segment_value, variant, relative_lift, p_value_holm."""
    pivot = frame.pivot(index="segment_value", columns="variant", values=value)
    pvals = frame.pivot(index="segment_value", columns="variant", values="p_value_holm").reindex_like(pivot)
    z = pivot.to_numpy(dtype=float)
    text = np.vectorize(lambda v, p: "" if np.isnan(v) else f"{fmt_signed_share(v)}<br>p {p_text(p)}")(
        z, pvals.to_numpy(dtype=float)
    )
    bound = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in pivot.columns],
            y=[str(i) for i in pivot.index],
            text=text,
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=0,
            zmin=-bound,
            zmax=bound,
            colorbar={"title": _label(labels, "colour", "relative lift"), "tickformat": "+.0%"},
        )
    )
    fig.update_layout(
        xaxis_title=_label(labels, "x", "variant"),
        yaxis_title=_label(labels, "y", "segment"),
        margin={"t": 30, "b": 40},
        height=120 + 45 * len(pivot),
    )
    return fig


@escaped_figure
def power_curve_figure(effects, powers, n_per_variant: float, labels: dict | None = None) -> go.Figure:
    """Power against the true effect at a fixed sample size."""
    fig = go.Figure(go.Scatter(x=list(effects), y=list(powers), mode="lines"))
    fig.add_hline(y=0.8, line={"color": "grey", "dash": "dot"})
    fig.update_layout(
        xaxis_title=_label(labels, "x", "true effect"),
        yaxis_title=_label(labels, "y", "power"),
        yaxis_range=[0, 1],
        height=300,
        margin={"t": 30, "b": 40},
        title=_label(labels, "title", f"n = {n_per_variant:,.0f} per variant"),
    )
    return fig


@escaped_figure
def variant_interval_figure(table: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Each variant's mean with its CI (a forest plot). `table`: name, mean, ci_low, ci_high."""
    fig = go.Figure(
        go.Scatter(
            x=table["mean"],
            y=table["name"].astype(str),
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": table["ci_high"] - table["mean"],
                "arrayminus": table["mean"] - table["ci_low"],
            },
            marker={"size": 10},
        )
    )
    fig.update_layout(xaxis_title=_label(labels, "x", "mean"), height=100 + 40 * len(table), margin={"t": 20, "b": 40})
    return fig


DECISION_COLOURS = {
    "ship": "#2ca02c",
    "stop_for_harm": "#d62728",
    "no_difference": "#7f7f7f",
    "keep_running": "#1f77b4",
    "check_split": "#ff7f0e",  # a sample-ratio mismatch: nothing is read from it
}


@escaped_figure
def forest_figure(table: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Relative lift with its CI for each metric x treatment (from `summary.metrics_table`), one
    row each, coloured by decision; the always-valid interval beside it (thin, shaded) when the
    table has one. Guardrail metrics carry labels['guardrail'] in their row label. `labels` may
    map each decision to its translated name."""
    rows = table[~table["is_control"]].reset_index(drop=True)
    mark = _label(labels, "guardrail", "guardrail")
    names = [
        f"{m} · {v}" + (f" ({mark})" if g else "")
        for m, v, g in zip(rows["metric"].astype(str), rows["variant"].astype(str), rows["guardrail"])
    ]
    fig = go.Figure()
    seq_low = pd.to_numeric(rows["sequential_relative_ci_low"], errors="coerce")
    if seq_low.notna().any():
        seq_high = pd.to_numeric(rows["sequential_relative_ci_high"], errors="coerce")
        fig.add_trace(
            go.Scatter(
                x=rows["relative_lift"],
                y=names,
                mode="markers",
                marker={"size": 1, "color": "rgba(0,0,0,0)"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": seq_high - rows["relative_lift"],
                    "arrayminus": rows["relative_lift"] - seq_low,
                    "color": "rgba(120,120,120,0.45)",
                    "thickness": 9,
                    "width": 0,
                },
                name=_label(labels, "sequential", "always-valid interval"),
                hoverinfo="skip",
            )
        )
    for decision, colour in DECISION_COLOURS.items():
        part = rows["decision"] == decision
        if not part.any():
            continue
        g = rows[part]
        fig.add_trace(
            go.Scatter(
                x=g["relative_lift"],
                y=[n for n, p in zip(names, part) if p],
                mode="markers",
                marker={"size": 10, "color": colour},
                showlegend=True,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": g["relative_lift_ci_high"] - g["relative_lift"],
                    "arrayminus": g["relative_lift"] - g["relative_lift_ci_low"],
                    "color": colour,
                    "thickness": 2,
                },
                name=_label(labels, decision, decision),
            )
        )
    fig.add_vline(x=0, line={"color": "grey", "width": 1})
    fig.update_layout(
        xaxis_title=_label(labels, "x", "relative lift vs control"),
        xaxis_tickformat="+.1%",
        yaxis={"categoryorder": "array", "categoryarray": names[::-1]},
        height=140 + 36 * len(rows),
        margin={"t": 50, "b": 40},
        # above the plot: below it, a one-row forest plot's legend sat on the axis' tick labels
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return fig


@escaped_figure
def metric_means_figure(table: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Each variant's mean with its CI, one small panel per metric (metrics live on their own
    scales). `table`: metric, variant, mean, ci_low, ci_high (from `summary.metrics_table`)."""
    metrics = list(dict.fromkeys(table["metric"].astype(str)))
    fig = make_subplots(rows=len(metrics), cols=1, subplot_titles=metrics, vertical_spacing=0.5 / max(len(metrics), 1))
    for i, m in enumerate(metrics, start=1):
        g = table[table["metric"].astype(str) == m]
        fig.add_trace(
            go.Scatter(
                x=g["mean"],
                y=g["variant"].astype(str),
                mode="markers",
                showlegend=False,
                marker={"size": 9, "color": [_COLOURS[j % len(_COLOURS)] for j in range(len(g))]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": g["ci_high"] - g["mean"],
                    "arrayminus": g["mean"] - g["ci_low"],
                },
            ),
            row=i,
            col=1,
        )
    fig.update_layout(
        height=60 + 110 * len(metrics),
        margin={"t": 40, "b": 30},
        title=_label(labels, "title", "variant means with CIs"),
    )
    return fig
