"""The community page's resolution block: the profile chart and the scale the user picked.

`picked_resolution(workspace)` is what the page passes to `GraphSettings(resolution=...)`: 'auto'
until the user clicks a point of the profile chart (or picks a scale in the list under it); then
that scale, which the page re-runs (cached per scale). The pick lives under a key of its own
(ui.state.GRAPH_RESOLUTION, per workspace), so it survives a visit to another page.

`page_analysis` keeps the page quick to open: up to LARGE_EDGES source rows the automatic
analysis runs in the page (well under a second of profile on the sample; cached); above, the
profile runs as a background job with a progress bar while the page shows resolution 1.0, and
the page switches to the chosen scale when the job is done.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.graph import resolution as graph_resolution
from core.graph.analysis import SOURCE_TABLE, analyse_communities
from core.viz.resolution import profile_figure
from ui.common import tr
from ui.state import GRAPH_PROFILE_CHART, GRAPH_RESOLUTION, GRAPH_RESOLUTION_SELECT, choice, choice_value

SELECT_KEY = GRAPH_RESOLUTION_SELECT
CHART_KEY = GRAPH_PROFILE_CHART


def picked_resolution(workspace: str) -> float | str:
    """'auto' or the resolution picked on this workspace's profile (a pick does not follow the user
    to another workspace)."""
    return st.session_state.get(GRAPH_RESOLUTION, {}).get(workspace, "auto")


def _store(workspace: str, value, resolutions: list[float], chosen: float) -> None:
    if not isinstance(value, (int, float)):  # 'auto' (or, defensively, anything that is no scale)
        value = "auto"
    else:
        value = min(resolutions, key=lambda r: abs(r - float(value)))  # snap to a scanned scale
        if abs(value - chosen) < 1e-12:
            value = "auto"  # the chosen scale is the automatic view (same cache entry)
    st.session_state.setdefault(GRAPH_RESOLUTION, {})[workspace] = value
    st.session_state[SELECT_KEY] = value


def resolution_panel(profile, workspace: str) -> None:
    """Draw `profile` (a ResolutionProfile, or None when the method has no resolution) and the
    scale picker of `workspace` (its path)."""
    if profile is None:
        return
    rows = profile.rows()
    resolutions = [r["resolution"] for r in rows]
    chosen = rows[profile.chosen]["resolution"]
    pick = picked_resolution(workspace)

    def on_click() -> None:
        event = st.session_state.get(CHART_KEY)
        points = event.selection.points if event is not None else []
        if points:
            x = points[0].get("x")
            if x is not None:
                _store(workspace, float(x), resolutions, chosen)

    def on_pick() -> None:
        _store(workspace, choice_value(SELECT_KEY), resolutions, chosen)

    st.subheader(tr("graph.profile.title"))
    st.caption(
        tr(
            f"graph.profile.help.{profile.criterion}",
            resolution=f"{chosen:.3g}",
            communities=rows[profile.chosen]["chosen_communities"],
            seeds=profile.seeds,
        )
    )
    fig = profile_figure(
        rows,
        current=None if pick == "auto" else float(pick),
        x_label=tr("graph.profile.resolution"),
        communities_label=tr("graph.communities"),
        stability_label=tr("graph.profile.stability"),
        chosen_label=tr("graph.profile.chosen"),
        current_label=tr("graph.profile.shown"),
    )
    st.plotly_chart(fig, key=CHART_KEY, on_select=on_click, selection_mode="points")
    by_res = {r["resolution"]: r for r in rows}
    if st.session_state.get(SELECT_KEY) != pick:  # another workspace, or back on the page
        st.session_state[SELECT_KEY] = pick if pick in by_res else "auto"

    def label(value) -> str:
        if value == "auto":
            return tr(
                "graph.profile.auto", resolution=f"{chosen:.3g}", communities=by_res[chosen]["chosen_communities"]
            )
        return tr(
            "graph.profile.point",
            resolution=f"{value:.3g}",
            communities=by_res[value]["communities"],
            stability=by_res[value]["stability_ari"],
        )

    labels = {v: label(v) for v in ["auto", *resolutions]}  # in this run's language
    choice(
        st.selectbox, tr("graph.profile.pick"), list(labels), key=SELECT_KEY, format_func=labels.get, on_change=on_pick
    )


def profile_progress():
    """A progress(done, total) callback for the profile: a bar made on the first call (so the page
    shows nothing when the analysis comes from the cache), cleared when the scan is done. Made
    inside the cached analysis, the bar is part of what st.cache_data replays: it replays empty."""
    bar = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(st.empty())
        if done >= total:
            bar[0].empty()
        else:
            bar[0].progress(done / max(total, 1), text=tr("graph.profile.progress", done=done, total=total))

    return progress


def page_analysis(ws, versions: tuple, settings, source: str, cached_analysis, tables):
    """The page's CommunityAnalysis for `settings` (see the module note on large graphs).

    cached_analysis(ws_path, versions, settings, _progress=...) is the page's cached call;
    tables(ws_path) gives the workspace's tables for the uncached run in the background job.
    """
    from core.models.engine import Progress
    from ui import training

    ws_path = str(ws.path)
    if settings.resolution != "auto" or ws.info(SOURCE_TABLE[source]).rows <= graph_resolution.LARGE_EDGES:
        return cached_analysis(ws_path, versions, settings, _progress=profile_progress())

    def job(progress, cancel):
        def step(done: int, total: int) -> None:
            progress(
                Progress(
                    epoch=1,
                    epochs=1,
                    step=done,
                    steps_per_epoch=total,
                    loss=0.0,
                    val_metric=None,
                    eta_seconds=None,
                    stage="graph.profile.stage",
                )
            )

        return analyse_communities(tables(ws_path), settings, progress=step, cancel=cancel)

    key = "graph-profile:" + "|".join(versions) + f"|{settings}"
    done = training.training_panel(key, job, autostart=True, button_label=tr("graph.profile.restart"))
    if done is not None:
        return done
    st.info(tr("graph.profile.background"))
    return cached_analysis(ws_path, versions, replace(settings, resolution=1.0))
