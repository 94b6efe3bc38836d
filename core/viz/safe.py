"""One escaping pass for every figure builder: user text in a plotly figure is shown, never rendered.

Plotly renders a small HTML subset in names, hover text, labels and axis categories (`<a href>`,
`<b>`, `<span style>`...), so a community called `<a href="https://example.com/evil">x</a>` would
become a live link in a legend. `@escaped_figure` on a builder runs `escape_figure` on what it
returns: every data-carrying field of every trace (name, text, hovertext, string x/y/labels,
customdata, legend group titles) and of the layout (category tick texts and arrays, annotation
text) gets `&`, `<`, `>` turned into entities, which plotly draws as the characters.

Our own templates are left alone: hovertemplate/texttemplate (they carry `<br>` and `%{...}`),
titles and axis titles (translated strings from the page). Builders therefore put user strings
in data fields (name, text, customdata) and formatting in templates. The one tag builders use in
data text, `<br>` (a line break, harmless), is kept. tests/viz check every public builder in
core.viz carries the decorator and that hostile strings come out as entities.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.viz.readable import readable

_BR = "\x00br\x00"
TRACE_FIELDS = ("name", "text", "hovertext", "x", "y", "labels", "parents", "ids", "customdata", "legendgroup")
_MARK = "_ce_escaped"


def escape_text(value: str) -> str:
    """HTML entities for &, <, > (plotly draws them as the characters); `<br>`/`<br/>` kept.
    Quotes need none: with `<` escaped no tag, hence no attribute, can start."""
    kept = value.replace("<br>", _BR).replace("<br/>", _BR)
    return html.escape(kept, quote=False).replace(_BR, "<br>")


def _escape(value: Any) -> Any:
    """Strings escaped inside str / list / tuple / ndarray values; numbers and dates untouched."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "U":
            return np.vectorize(escape_text, otypes=[object])(value) if value.size else value
        if value.dtype.kind == "O":
            flat = [_escape(v) for v in value.ravel()]
            out = np.empty(value.shape, dtype=object)
            out.ravel()[:] = flat if value.ndim else flat[0]
            return out
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_escape(v) for v in value)
    return value


def _needs(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "UO"
    return isinstance(value, (list, tuple)) and len(value) > 0


def escape_figure(fig: go.Figure) -> go.Figure:
    """Escape user text in `fig` in place (once: a second call does nothing) and return it."""
    if getattr(fig, _MARK, False):
        return fig
    for trace in fig.data:
        for field in TRACE_FIELDS:
            if field in trace and _needs(trace[field]):
                trace[field] = _escape(trace[field])
        if "legendgrouptitle" in trace and trace.legendgrouptitle.text:
            trace.legendgrouptitle.text = escape_text(trace.legendgrouptitle.text)
        for sub in ("header", "cells"):  # go.Table
            if sub in trace and trace[sub].values is not None:
                trace[sub].values = _escape(trace[sub].values)
    for axis in [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))]:
        for field in ("ticktext", "categoryarray"):
            if fig.layout[axis][field] is not None:
                fig.layout[axis][field] = _escape(fig.layout[axis][field])
    for ann in fig.layout.annotations or ():
        if ann.text:
            ann.text = escape_text(ann.text)
    object.__setattr__(fig, _MARK, True)
    return fig


def escaped_figure(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorator for figure builders: the returned figure has gone through `escape_figure`, and
    through the shared layout rule (`core.viz.readable`: ids as categories, nothing under the toolbar)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs) -> go.Figure:
        fig = escape_figure(builder(*args, **kwargs))
        readable(fig)
        return fig

    wrapper.__escapes_user_text__ = True  # type: ignore[attr-defined]
    return wrapper
