"""Plotly figures for the churn and cohorts view: data in, figure out, no I/O.

Axis titles and hover words come in through `labels` (the page passes translated text).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from core.cohorts.retention import RetentionResult
from core.cohorts.survival import SurvivalResult
from core.viz.safe import escaped_figure

_PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


MAX_LABELLED_PERIODS = 26  # beyond this many columns a percentage no longer fits in its cell


def group_colours(n: int, ordered: bool) -> list[str]:
    """`n` colours: a sequential scale for ordered groups (cohorts, oldest darkest), else a qualitative
    palette large enough that no two groups share a colour (up to 26; beyond, a sampled scale)."""
    if ordered or n > len(qualitative.Alphabet):
        return sample_colorscale("Viridis", [i / max(n - 1, 1) * 0.9 for i in range(n)], colortype="rgb")
    return _PALETTE[:n] if n <= len(_PALETTE) else qualitative.Alphabet[:n]


def _rgba(color: str, alpha: float) -> str:
    if color.startswith("rgb("):
        return color.replace("rgb(", "rgba(").replace(")", f",{alpha})")
    hex_color = color
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


@escaped_figure
def retention_heatmap(result: RetentionResult, labels: dict | None = None) -> go.Figure:
    """Cohort x period heatmap of retention shares; hover shows users, share and cohort size."""
    lab = {
        "period": "Period",
        "cohort": "Cohort",
        "share": "Retained",
        "users": "Users",
        "size": "Cohort size",
        **(labels or {}),
    }
    fmt = "%Y-%m-%d" if result.period == "week" else "%Y-%m"
    sizes = result.sizes.reindex(result.shares.index).to_numpy()
    cohorts = [f"{c.strftime(fmt)} · {n:,.0f}" for c, n in zip(result.shares.index, sizes)]  # cohort · its size
    custom = np.dstack([result.counts.to_numpy(), np.repeat(sizes[:, None], result.counts.shape[1], axis=1)])
    shares = result.shares.to_numpy()
    cells = np.where(np.isnan(shares), "", np.vectorize(lambda v: f"{v:.0%}")(np.nan_to_num(shares)))
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=[str(c) for c in result.shares.columns],
            y=cohorts,
            customdata=custom,
            text=cells if shares.shape[1] <= MAX_LABELLED_PERIODS else None,  # percentages where they fit
            texttemplate="%{text}" if shares.shape[1] <= MAX_LABELLED_PERIODS else None,
            textfont={"size": 10},
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": lab["share"], "tickformat": ".0%"},
            hovertemplate=(
                f"{lab['cohort']}: %{{y}}<br>{lab['period']}: %{{x}}<br>{lab['share']}: %{{z:.1%}}<br>"
                f"{lab['users']}: %{{customdata[0]:,.0f}}<br>{lab['size']}: %{{customdata[1]:,.0f}}"
                "<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed", title=f"{lab['cohort']} · {lab['size']}", type="category")
    fig.update_xaxes(title=lab["period"], type="category")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=max(320, 120 + 24 * len(cohorts)))
    return fig


@escaped_figure
def survival_figure(result: SurvivalResult, labels: dict | None = None, ordered: bool = False) -> go.Figure:
    """Kaplan-Meier step curves per group with shaded confidence bands. `ordered`: the groups are in
    time order (cohorts), coloured along a sequential scale; else each group gets its own colour."""
    lab = {"time": f"Time ({result.time_unit})", "survival": "Still active", **(labels or {})}
    fig = go.Figure()
    parts = list(result.curves.groupby("group", sort=True))
    colours = group_colours(len(parts), ordered)
    for (group, part), color in zip(parts, colours):
        for edge, fill in (("ci_high", None), ("ci_low", "tonexty")):  # a step-shaped band: two edges
            fig.add_trace(
                go.Scatter(
                    x=part["time"],
                    y=part[edge],
                    mode="lines",
                    line={"width": 0, "shape": "hv"},
                    fill=fill,
                    fillcolor=_rgba(color, 0.15) if fill else None,
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=group,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=part["time"],
                y=part["survival"],
                mode="lines",
                name=lab.get("all", "all") if group == "all" else str(group),
                line={"color": color, "shape": "hv"},
                legendgroup=group,
                customdata=part["at_risk"],
                hovertemplate="%{fullData.name}<br>%{x:.0f}: %{y:.1%} (n=%{customdata:.0f})<extra></extra>",
            )
        )  # the group via its escaped name
    fig.update_yaxes(title=lab["survival"], range=[0, 1.02], tickformat=".0%")
    fig.update_xaxes(title=lab["time"])
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},  # above the plot, clear of the axis title
    )
    return fig


@escaped_figure
def reliability_figure(reliability: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Mean predicted vs observed churn per probability bin, one line per model, with the diagonal."""
    lab = {
        "predicted": "Predicted churn probability",
        "observed": "Observed churn rate",
        "ideal": "Perfect",
        **(labels or {}),
    }
    fig = go.Figure(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=lab["ideal"], line={"dash": "dot", "color": "grey"})
    )
    for i, (model, part) in enumerate(reliability.groupby("model", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=part["mean_predicted"],
                y=part["observed"],
                mode="lines+markers",
                name=str(model),
                marker={"size": np.clip(np.sqrt(part["users"]) * 1.5, 4, 18)},
                line={"color": _PALETTE[i % len(_PALETTE)]},
                customdata=part["users"],
                hovertemplate="%{x:.2f} → %{y:.2f} (n=%{customdata})<extra></extra>",
            )
        )
    fig.update_xaxes(title=lab["predicted"], range=[0, 1])
    fig.update_yaxes(title=lab["observed"], range=[0, 1])
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
        },  # above: a half-width column keeps its plot
    )
    return fig


@escaped_figure
def importance_figure(importance: pd.DataFrame, labels: dict | None = None, top: int = 12) -> go.Figure:
    """Horizontal bars: mean absolute contribution to the churn logit; hover adds the test-AUC drop when
    the feature is shuffled and its mean attention."""
    lab = {
        "contribution": "Mean contribution to risk (logit)",
        "importance": "AUC drop when shuffled",
        "attention": "Mean attention",
        **(labels or {}),
    }
    part = importance.sort_values("contribution", ascending=False).head(top).iloc[::-1]
    custom = np.column_stack([part["permutation"], part["attention"]])
    fig = go.Figure(
        go.Bar(
            x=part["contribution"],
            y=part["feature"],
            orientation="h",
            customdata=custom,
            hovertemplate=f"%{{y}}<br>{lab['contribution']}: %{{x:.3f}}<br>"
            f"{lab['importance']}: %{{customdata[0]:.3f}}<br>"
            f"{lab['attention']}: %{{customdata[1]:.1%}}<extra></extra>",
        )
    )
    fig.update_xaxes(title=lab["contribution"])
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=max(250, 28 * len(part)))
    return fig


@escaped_figure
def risk_by_group_figure(risk: pd.DataFrame, labels: dict | None = None) -> go.Figure:
    """Bars of mean churn risk per group (columns: group, mean_risk, users)."""
    lab = {"risk": "Mean churn risk", "users": "Users", **(labels or {})}
    fig = go.Figure(
        go.Bar(
            x=risk["group"].astype(str),
            y=risk["mean_risk"],
            customdata=risk["users"],
            hovertemplate=f"%{{x}}<br>{lab['risk']}: %{{y:.1%}}<br>{lab['users']}: %{{customdata}}<extra></extra>",
        )
    )
    fig.update_yaxes(title=lab["risk"], tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(type="category")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig
