"""Every session-state key in one place, with one initialiser (per browser session, never process-wide).

Streamlit drops a widget's key when a page that does not draw that widget runs (widget ids include the
page), so a choice that must survive navigation lives under a key of its own and re-seeds its widget
on every page (`sticky`). Workspace and language also live in the URL (`?ws=…&lang=…`), so a bookmark
or a shared link opens the same view.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.config import default_language, default_workspace
from core.data.workspace import SAMPLE_NAME, list_workspaces, workspace_by_name
from core.i18n import LANGUAGES
from ui.auth import configured, visible_workspaces

LANG = "lang"  # "en" | "zh"
WORKSPACE = "workspace"  # workspace name (folder under data/workspaces) or path
PENDING_UPLOADS = "pending_uploads"  # {upload id: this session's saved upload + preview (+ a pending
#                                      confirmation)}, survives page switches; files in core.data.uploads
HANDLED_UPLOADS = "handled_uploads"  # uploader file ids already ingested or discarded (not shown again)
LAST_INGEST = "last_ingest"  # [{"workspace": name, "notes": report}] of the home page's latest actions: shown
#                               in their workspace only, gone when the analyst opens another page or workspace
KEPT = "_kept"  # {widget key or shared name: last value}: never a widget key, never dropped
SHARED_DATES = "date_range"  # a date range chosen on one page is the default on the others
# Filters belong to their workspace: FILTERS[workspace][filter name] is the analyst's last choice there
# (a workspace without one opens on its own full span / the view's default). A widget joins by
# sticky(..., filter=NAME); pages in the same workspace share a name (the date range of the graph and
# the sentiment view). Adding a filter is adding a name (and, for one from the URL, setting
# FILTERS[workspace][name] before the page draws it).
FILTERS = "_filters"  # {workspace: {filter name: last value}}
FILTER_OF = "_filter_of"  # {widget key: (filter name, workspace its value belongs to, widget default)}
DATES, COMMUNITIES, POST_LANGUAGES, SCORER = SHARED_DATES, "communities", "post_languages", "scorer"
ROW_FILTERS = (DATES, COMMUNITIES, POST_LANGUAGES)  # filters that hide rows (the page says so)
QUERY = {WORKSPACE: "ws", LANG: "lang"}  # session key -> URL query parameter
GRAPH_RESOLUTION = "graph_resolution_pick"  # {workspace path: resolution picked on the profile}
SHOWN_LABELS = "_shown_labels"  # {choice widget key: [(option, label drawn)]}: what the browser holds
CHOICE_WIDGETS = ("selectbox", "radio", "multiselect", "select_slider", "pills", "segmented_control")
MISSING_WS = "missing_workspace"  # a `?ws=` naming no workspace this session may see, until one is picked
COMMUNITY = "community"  # the community every view focuses on (drill-down from the health view), or None
COMMUNITY_PARAM = "community"  # its URL query parameter (?community=), kept like ?ws= and ?lang=
ERRORS = "_errors"  # {slot: message} a callback leaves for the next run, shown there once (leave_error)
# widget keys that code beside the widget sets or reads (a drill-down, a reset, a callback)
SENT_COMMUNITIES = "sent_communities"  # the sentiment view's community filter
GRAPH_DRILL = "graph_drill"  # the large graph's drill-down community
HEALTH_TABLE = "health_table"  # the health table (its selected row opens the drill-down)
HEALTH_DRILL = "health_drill"  # the community the health view drills into
AB_VARIANT = "ab_variant"  # the A/B page's variant column
AB_DATA = "ab_data"  # the data key the A/B page's column picks belong to (not a widget)
AB_SUM_PICKED = "ab_sum_picked"  # the portfolio row last clicked (not a widget)
AB_SUM_OPEN = "ab_sum_open"  # the summary experiment shown in detail
DB_URL, DB_PASSWORD, DB_QUERY = "db_url", "db_password", "db_query"  # the home page's database source
AB_CAP, AB_CAP_PCT = "ab_cap", "ab_cap_pct"  # the A/B capping checkbox and percentile (read before drawn)
AB_LOWER, AB_DIR_OK, AB_RANDOMISED = "ab_lower:", "ab_dir_ok:", "ab_randomised:"  # + metric / variant column
AB_SUM_DIR_OK = "ab_sum_dir_ok:"  # + the summary file's sha: its metric directions confirmed
HEALTH_ROWS = "_health_rows"  # the communities of the health table's rows, in order ('' = whole site)
ANALYST_NAMES = "analyst_names"  # (page script hash, {canonical field: the analyst's column name})
GRAPH_RESOLUTION_SELECT = "graph_resolution_select"  # the scale picker under the resolution profile
GRAPH_PROFILE_CHART = "graph_profile_chart"  # the profile chart (its clicked point picks a scale)
FOCUS_GRAPH_MEMBERS = "_focus_graph_members"  # KEPT: (workspace, community, members) of a reply-graph community
TRAIN_BUDGET = "train_budget_minutes"  # the training budget last set on any page (minutes)
TRAIN_BUDGET_OF = "train_budget:"  # + a model scope: that model's budget control (minutes)
FOCUS_SEEN = "_focus_seen:"  # KEPT, + a filter widget's key: the focus that widget was last seeded from
# a file uploaded on a page, kept as (file name, sha, parsed) because the uploader empties when the user leaves
AB_UPLOAD, AB_SUMMARY_UPLOAD = "ab_upload_df", "ab_summary_upload"
CHURN_UPLOAD, SENT_LABEL_UPLOAD = "churn_upload_df", "sent_label_upload"


def health_target(metric: str) -> str:
    """The health view's target input of `metric` (the Area 51 preset fills it)."""
    return f"health_target_{metric}"


def leave_error(slot: str, text: str) -> None:
    """From a button callback: an error the page shows on its next run at `slot` ('create', 'restore',
    'db', 'ingest:<upload>'), once."""
    st.session_state.setdefault(ERRORS, {})[slot] = text


def take_error(slot: str) -> str | None:
    """The error left at `slot`, gone once taken (None when there is none)."""
    return st.session_state.setdefault(ERRORS, {}).pop(slot, None)


def init_session_state() -> None:
    """Set defaults once per session; safe to call at the top of every page.

    Order for workspace and language: the value this session already chose, a value set on the
    widget key (callbacks, tests), the URL's `?ws=`/`?lang=`, then the environment/default.
    A `?ws=` naming a workspace that does not exist, or that the signed-in user may not see (the
    same answer, so names do not leak), is kept under MISSING_WS: the app says so and shows the
    picker instead of opening another workspace, and the URL keeps the name until one is picked.
    """

    kept = st.session_state.setdefault(KEPT, {})
    if LANG in kept and st.session_state.get(LANG, kept[LANG]) != kept[LANG]:
        hold_choices_across_language()
    missing = st.session_state.get(MISSING_WS)
    if missing is not None and (
        st.query_params.get(QUERY[WORKSPACE]) != missing  # the user went on (another page, a new link)
        or st.session_state.get(WORKSPACE, kept.get(WORKSPACE)) != kept.get(WORKSPACE)  # or picked one
    ):
        st.session_state.pop(MISSING_WS, None)
    for key, default in ((LANG, default_language), (WORKSPACE, default_workspace_name)):
        if key in st.session_state:  # the widget (or a callback) set it this run: newest
            kept[key] = st.session_state[key]
        elif key not in kept:
            from_url = st.query_params.get(QUERY[key])
            valid = (from_url in LANGUAGES) if key == LANG else (from_url is not None and _workspace_exists(from_url))
            kept[key] = from_url if valid else default()
            if key == WORKSPACE and from_url is not None and not valid:
                st.session_state[MISSING_WS] = from_url
        st.session_state[key] = kept[key]  # re-seed the picker (Streamlit may have dropped its key)
    if _revoked(kept[WORKSPACE]):  # the access file changed under this session: as if it were gone
        st.session_state[MISSING_WS] = kept[WORKSPACE]
        kept[WORKSPACE] = st.session_state[WORKSPACE] = default_workspace_name()
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
        if key == WORKSPACE and st.session_state.get(MISSING_WS) is not None:
            continue  # the link's name stays in the URL until the user picks a workspace
        if key in st.session_state:
            kept[key] = st.session_state[key]
            if st.query_params.get(param) != str(kept[key]):
                st.query_params[param] = str(kept[key])
    keep_community_in_url()


def say_later(workspace: str, notes) -> None:
    """Keep an action's report for the home page of `workspace` (shown there until the analyst moves on)."""
    st.session_state[LAST_INGEST].append({"workspace": workspace, "notes": notes})


def pick_missing(widget_key: str) -> None:
    """Callback of the picker shown for an unknown `?ws=`: open the chosen workspace."""
    if st.session_state.get(widget_key):
        st.session_state[WORKSPACE] = st.session_state[widget_key]
        st.session_state.pop(MISSING_WS, None)


def _revoked(name: str) -> bool:
    """A signed-in session's workspace it may no longer see (never in local mode)."""

    return configured() and not _workspace_exists(name)


def _workspace_exists(name: str) -> bool:
    """Exists and this session may see it (ui.auth: every workspace in local mode)."""

    return name == SAMPLE_NAME or name in visible_workspaces(list_workspaces())


def default_workspace_name() -> str:
    """$CE_WORKSPACE if set, else the most recently changed user workspace, else the sample."""

    env = default_workspace()
    if env and visible_workspaces([env]):
        return env
    others = [w for w in visible_workspaces(list_workspaces()) if w != SAMPLE_NAME]
    if not others:
        return SAMPLE_NAME
    return max(others, key=lambda w: workspace_by_name(w).db_path.stat().st_mtime)


# ---- choices that survive navigation ---------------------------------------------------------------

_DEFAULT_ARGS = ("index", "value", "default")


def sticky(
    widget: Callable,
    label: str,
    *args,
    key: str,
    share: str | None = None,
    valid: Callable[[Any], bool] | None = None,
    filter: str | None = None,  # noqa: A002 - the filter's name, kept per workspace (FILTERS)
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
    default = _default(widget, args, kwargs)
    if filter is not None:  # kept per workspace: the widget's value may be another workspace's
        workspace = str(st.session_state.get(WORKSPACE))
        kept, name = st.session_state.setdefault(FILTERS, {}).setdefault(workspace, {}), filter
        owner = st.session_state.setdefault(FILTER_OF, {}).get(key)
        if present and (owner is None or owner[1] != workspace):
            present = False  # this workspace's own choice (or its default) replaces it below
            if name not in kept and default is not None:
                st.session_state[key] = default  # the browser shows the other workspace's choice
                for a in _DEFAULT_ARGS:
                    kwargs.pop(a, None)
    if present or name in kept:
        current = st.session_state[key] if present else kept[name]
        value = _fit(current, args, kwargs, widget)
        if value is None or (valid is not None and not valid(value)):
            if present and filter is not None and default is not None:
                st.session_state[key] = default  # (the browser would keep showing the dropped value)
                for a in _DEFAULT_ARGS:
                    kwargs.pop(a, None)
            elif present:  # e.g. another workspace's communities: back to the widget's default
                del st.session_state[key]
        elif not present or value != current:
            st.session_state[key] = value
            for a in _DEFAULT_ARGS:
                kwargs.pop(a, None)
    value = _draw(widget, label, args, key, kwargs)
    kept[name] = value
    if filter is not None:
        st.session_state[FILTER_OF][key] = (filter, str(st.session_state.get(WORKSPACE)), default)
    return value


def _default(widget: Callable, args: tuple, kwargs: dict) -> Any:
    """What the widget shows with no choice made (its `value`/`default`/`index`), or None."""
    if "value" in kwargs:
        return kwargs["value"]
    if "default" in kwargs:
        return list(kwargs["default"] or [])
    options = kwargs.get("options", args[0] if args else None)
    if getattr(widget, "__name__", "") in CHOICE_WIDGETS and options is not None:
        options = list(options)
        index = kwargs.get("index", 0)
        return options[index] if options and index is not None else None
    return None


def active_filters(names: tuple[str, ...] = ROW_FILTERS) -> list[str]:
    """The filters among `names` whose widget on this page (this run) holds anything but its default
    (a narrower date range, fewer communities or languages), in the order of `names`."""
    workspace = str(st.session_state.get(WORKSPACE))
    out = []
    for key, (name, owner, default) in st.session_state.get(FILTER_OF, {}).items():
        if name in names and owner == workspace and key in st.session_state and name not in out:
            if _differs(st.session_state[key], default):
                out.append(name)
    return sorted(out, key=names.index)


def reset_filters(names: tuple[str, ...] = ROW_FILTERS) -> None:
    """Button callback: the workspace's filters among `names` back to their defaults (full span, every
    community and language)."""
    workspace = str(st.session_state.get(WORKSPACE))
    store = st.session_state.get(FILTERS, {}).get(workspace, {})
    for key, (name, owner, default) in st.session_state.get(FILTER_OF, {}).items():
        if name in names:
            store.pop(name, None)
            if owner == workspace and key in st.session_state and default is not None:
                st.session_state[key] = default


def _differs(value: Any, default: Any) -> bool:
    if isinstance(value, (list, tuple)) and isinstance(default, (list, tuple)):
        if len(value) == 1 and all(isinstance(v, _dt.date) for v in value):
            return False  # a range being typed (start only): not applied yet
        try:
            return sorted(value) != sorted(default)
        except TypeError:
            return list(value) != list(default)
    return bool(value != default)


# ---- choice widgets: the value is the option, never its label -------------------------------------------


def choice(widget: Callable, label: str, options, *, key: str, format_func: Callable[[Any], Any], **kwargs) -> Any:
    """Draw a choice widget (selectbox, radio, multiselect, select_slider, ...) whose options are stable
    keys shown through `format_func` (translated or data-dependent labels), e.g.
    `choice(st.selectbox, tr("graph.algorithm"), METHODS, key="graph_method", format_func=...)`.

    Streamlit's browser side holds and sends back the *label* it was last told; a label that changes
    while the value stays (a language switch, a scale whose community count depends on the
    algorithm) is not re-sent, so the next run would decode the stale label to itself (a string that
    is no option: 'Automatic: resolution 0.354 (8 communities)'). Here the labels drawn are kept, and
    when the current value's label changes the value is set again (Streamlit then sends its new
    label); a stale label that did arrive is decoded back to its option.
    """
    return _draw(widget, label, (list(options),), key, dict(kwargs, format_func=format_func))


def choice_value(key: str) -> Any:
    """A choice widget's value in a callback (callbacks run before the page re-draws the widget):
    the option, even where the browser sent a label drawn on an earlier run."""
    value = st.session_state.get(key)
    held = st.session_state.get(SHOWN_LABELS, {}).get(key)
    return _decode(value, held) if held else value


def _draw(widget: Callable, label: str, args: tuple, key: str, kwargs: dict) -> Any:
    fmt = kwargs.get("format_func")
    options = kwargs.get("options", args[0] if args else None)
    if fmt is None or options is None or getattr(widget, "__name__", "") not in CHOICE_WIDGETS:
        return widget(label, *args, key=key, **kwargs)
    options = list(options)
    if args:
        args = (options, *args[1:])
    else:
        kwargs["options"] = options
    now = [(o, str(fmt(o))) for o in options]
    held = st.session_state.setdefault(SHOWN_LABELS, {})
    before = held.get(key)
    if before is not None and key in st.session_state:
        try:
            current = st.session_state[key]
        except Exception:  # noqa: BLE001 - a value Streamlit cannot decode: its own reset applies
            current = None
        value = _decode(current, before)
        if current is not None and (value != current or _label(value, before) != _label(value, now)):
            st.session_state[key] = value  # Streamlit sends the value's label of this run
            for a in _DEFAULT_ARGS:
                kwargs.pop(a, None)
    value = widget(label, *args, key=key, **kwargs)
    held[key] = now
    return value


def _decode(value: Any, pairs: list) -> Any:
    """`value` as an option of `pairs` [(option, label)]: a label (sent by a browser still showing an
    earlier run's labels) becomes its option; lists element by element."""
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return type(value)(_decode(v, pairs) for v in value)
    if any(_same(o, value) for o, _ in pairs):
        return value
    return next((o for o, shown in pairs if isinstance(value, str) and shown == value), value)


def _label(value: Any, pairs: list) -> Any:
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return tuple(_label(v, pairs) for v in value)
    return next((shown for o, shown in pairs if _same(o, value)), None)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and isinstance(a, str) == isinstance(b, str)
    except Exception:  # noqa: BLE001 - options that do not compare (arrays): not the same
        return False


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
