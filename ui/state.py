"""Every session-state key in one place, with one initialiser (per browser session, never process-wide).

Streamlit drops a widget's key when a page that does not draw that widget runs (widget ids include the
page), so a choice that must survive navigation lives under a key of its own and re-seeds its widget
on every page (`sticky`). Workspace and language also live in the URL (`?ws=…&lang=…`), so a bookmark
or a shared link opens the same view.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

LANG = "lang"  # "en" | "zh"
WORKSPACE = "workspace"  # workspace name (folder under data/workspaces) or path
PENDING_UPLOADS = "pending_uploads"  # {upload id: this session's saved upload + preview (+ a pending
#                                      confirmation)}, survives page switches; files in core.data.uploads
HANDLED_UPLOADS = "handled_uploads"  # uploader file ids already ingested or discarded (not shown again)
LAST_INGEST = "last_ingest"  # list of (file, report summary) of this session's successful ingests
KEPT = "_kept"  # {widget key or shared name: last value}: never a widget key, never dropped
SHARED_DATES = "date_range"  # a date range chosen on one page is the default on the others
QUERY = {WORKSPACE: "ws", LANG: "lang"}  # session key -> URL query parameter
GRAPH_RESOLUTION = "graph_resolution_pick"  # {workspace path: resolution picked on the profile}
COMMUNITY = "community"  # the community every view focuses on (drill-down from the health view), or None
COMMUNITY_PARAM = "community"  # its URL query parameter (?community=), kept like ?ws= and ?lang=


def init_session_state() -> None:
    """Set defaults once per session; safe to call at the top of every page.

    Order for workspace and language: the value this session already chose, a value set on the
    widget key (callbacks, tests), the URL's `?ws=`/`?lang=`, then the environment/default.
    """
    from core.i18n import LANGUAGES

    kept = st.session_state.setdefault(KEPT, {})
    if LANG in kept and st.session_state.get(LANG, kept[LANG]) != kept[LANG]:
        hold_choices_across_language()
    for key, default in ((LANG, lambda: os.environ.get("CE_LANG", "en")), (WORKSPACE, default_workspace_name)):
        if key in st.session_state:  # the widget (or a callback) set it this run: newest
            kept[key] = st.session_state[key]
        elif key not in kept:
            from_url = st.query_params.get(QUERY[key])
            valid = (from_url in LANGUAGES) if key == LANG else (from_url is not None and _workspace_exists(from_url))
            kept[key] = from_url if valid else default()
        st.session_state[key] = kept[key]  # re-seed the picker (Streamlit may have dropped its key)
    st.session_state.setdefault(PENDING_UPLOADS, {})
    st.session_state.setdefault(LAST_INGEST, [])
    st.session_state.setdefault(HANDLED_UPLOADS, set())


_PLAIN = (str, int, float, _dt.date)


def hold_choices_across_language() -> None:
    """Run once when the language has just changed, before any widget is drawn: every choice widget
    (radio, selectbox, select_slider, multiselect, ...) keeps the option it showed.

    Streamlit's browser side sends a choice back as its *shown* text ('Replace its rows'); a widget
    drawn with a translated format_func no longer finds that text among its options ('替换原有行') and
    falls back to its default, or to nothing selected. The value read now is still decoded with the
    last run's labels, so it is the stable option id; writing it back as session state makes it the
    widget's value for this run, whatever the browser sent.
    """
    for key in list(st.session_state.keys()):
        if key in (LANG, WORKSPACE, KEPT) or str(key).startswith(("_", "$$")):
            continue
        try:
            value = st.session_state[key]
        except Exception:  # noqa: BLE001 - a widget whose value cannot be decoded: leave it to Streamlit
            continue
        plain = isinstance(value, _PLAIN) and not isinstance(value, bool)
        if plain or (isinstance(value, (list, tuple)) and value and all(isinstance(v, _PLAIN) for v in value)):
            st.session_state[key] = value


def remember_choices() -> None:
    """After the pickers are drawn: keep their values and mirror them in the URL."""
    kept = st.session_state.setdefault(KEPT, {})
    for key, param in QUERY.items():
        if key in st.session_state:
            kept[key] = st.session_state[key]
            if st.query_params.get(param) != str(kept[key]):
                st.query_params[param] = str(kept[key])
    keep_community_in_url()


def _workspace_exists(name: str) -> bool:
    from core.data.workspace import SAMPLE_NAME, list_workspaces

    return name == SAMPLE_NAME or name in list_workspaces()


def default_workspace_name() -> str:
    """$CE_WORKSPACE if set, else the most recently changed user workspace, else the sample."""
    from core.config import workspaces_dir
    from core.data.workspace import SAMPLE_NAME, list_workspaces

    env = os.environ.get("CE_WORKSPACE")
    if env:
        return env
    others = [w for w in list_workspaces() if w != SAMPLE_NAME]
    if not others:
        return SAMPLE_NAME
    return max(others, key=lambda w: (workspaces_dir() / w / "workspace.duckdb").stat().st_mtime)


# ---- choices that survive navigation ---------------------------------------------------------------

_DEFAULT_ARGS = ("index", "value", "default")


def sticky(
    widget: Callable,
    label: str,
    *args,
    key: str,
    share: str | None = None,
    valid: Callable[[Any], bool] | None = None,
    **kwargs,
) -> Any:
    """Draw `widget(label, *args, key=key, **kwargs)` so its choice survives leaving the page and
    coming back (and changing the language: options are stable values shown through format_func).

    The last value is kept under KEPT[key], or KEPT[share] when the choice is the same across
    pages (e.g. SHARED_DATES: each page clamps it to its own data). When Streamlit has dropped the
    widget's key it is re-seeded from there if it still fits the widget's options/bounds (`valid`,
    else inferred), and the widget's own default (index/value/default) is then left out so
    Streamlit does not warn about both. A value that no longer fits (another workspace's
    communities, dates outside the data) is dropped, so the widget shows its default.
    """
    kept = st.session_state.setdefault(KEPT, {})
    name = share or key  # a shared choice is kept once, so the latest page's choice wins
    present = key in st.session_state
    if present or name in kept:
        current = st.session_state[key] if present else kept[name]
        value = _fit(current, args, kwargs, widget)
        if value is None or (valid is not None and not valid(value)):
            if present:  # e.g. another workspace's communities: back to the widget's default
                del st.session_state[key]
        elif not present or value != current:
            st.session_state[key] = value
            for a in _DEFAULT_ARGS:
                kwargs.pop(a, None)
    value = widget(label, *args, key=key, **kwargs)
    kept[name] = value
    return value


def _fit(value: Any, args: tuple, kwargs: dict, widget: Callable) -> Any:
    """`value` if it fits the widget's options or bounds (clamped for date ranges), else None."""
    options = kwargs.get("options", args[0] if args else None)
    if isinstance(options, (str, bytes, int, float, _dt.date)) or not hasattr(options, "__iter__"):
        options = None  # a number_input's/slider's first argument is a bound, not options
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, _dt.date) for v in value):
        if len(value) == 1:  # the user has picked a start and not yet an end: leave it be
            return value
        if len(value) != 2:
            return None
        start, end = value
        start = max(start, lo) if lo is not None else start
        end = min(end, hi) if hi is not None else end
        return (start, end) if start <= end else None
    if options is not None and getattr(widget, "__name__", "") not in ("slider", "date_input"):
        opts = list(options)
        if isinstance(value, list):  # multiselect
            return value if all(v in opts for v in value) else [v for v in value if v in opts] or None
        return value if value in opts else None
    if lo is not None and hi is not None:
        try:
            return value if lo <= value <= hi else None
        except TypeError:
            return None
    return value


# ---- the community filter shared across views (?community=) -----------------------------------------


def focus_community() -> str | None:
    """The community the views focus on: this session's choice, else the URL's ?community=."""
    kept = st.session_state.setdefault(KEPT, {})
    if COMMUNITY not in kept:
        value = st.query_params.get(COMMUNITY_PARAM)
        kept[COMMUNITY] = str(value) if value else None
    return kept[COMMUNITY]


def set_community(name: str | None) -> None:
    """Focus every view on `name` (None: no focus); the URL follows on the next run."""
    st.session_state.setdefault(KEPT, {})[COMMUNITY] = name or None
    keep_community_in_url()


def keep_community_in_url() -> None:
    value = focus_community()
    if value and st.query_params.get(COMMUNITY_PARAM) != value:
        st.query_params[COMMUNITY_PARAM] = value
    elif not value and COMMUNITY_PARAM in st.query_params:
        del st.query_params[COMMUNITY_PARAM]
