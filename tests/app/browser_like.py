"""AppTest that sends choices back the way Streamlit's browser side does.

AppTest re-formats every choice widget's value with the current labels before each run (and outside
the session, so in English); the browser does not: it keeps the label it was last sent (the one the
user picked, or one the server set) and sends that back, even after the server has drawn the widget
with new labels. A page whose labels change while the value stays (a language switch, a
data-dependent label) then receives a stale label. Within `browser_like(at)`, choice widgets send
what the browser holds, and `pick(at, key, value)` chooses an option by the label the page drew.
"""

from __future__ import annotations

import contextlib

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import element_tree as et

CHOICES = ("selectbox", "radio", "multiselect", "select_slider")
SHOWN = "_shown_labels"  # ui.state.SHOWN_LABELS: {key: [(option, label drawn)]}


def _state(node, labels) -> WidgetState:
    ws = WidgetState(id=node.id)
    if node.type in ("multiselect", "select_slider"):
        ws.string_array_value.data[:] = list(labels)
    elif labels:
        ws.string_value = labels[0]
    return ws


def _labels_from_proto(node) -> list[str] | None:
    """The labels the server told the browser to show (set_value), or its default on first sight."""
    p = node.proto
    if p.set_value:
        if node.type == "multiselect":
            return list(p.raw_values)
        return list(p.raw_value) if node.type == "select_slider" else [p.raw_value]
    options = list(p.options)
    if node.type == "multiselect":
        return [options[i] for i in p.default]
    if node.type == "select_slider":
        return [options[int(i)] for i in p.default]
    return [options[p.default]] if p.HasField("default") and options else []


class BrowserMemory:
    def __init__(self, original) -> None:
        self.original = original
        self.held: dict[str, WidgetState] = {}  # widget id -> what the browser would send
        self.sent: dict[str, WidgetState] = {}  # widget id -> a user's pick for the next run

    def state(self, node):
        if getattr(node, "type", None) not in CHOICES:
            return self.original(node)
        return self.sent.get(node.id) or self.held.get(node.id) or self.original(node)

    def after_run(self, at) -> None:
        for kind in CHOICES:
            for node in getattr(at, kind):
                if node.proto.set_value or node.id not in self.held:
                    self.held[node.id] = _state(node, _labels_from_proto(node) or [])
                elif node.id in self.sent:
                    self.held[node.id] = self.sent[node.id]
        self.sent.clear()


_MEMORY: dict[int, BrowserMemory] = {}


def pick(at, key: str, value) -> None:
    """Choose `value` (an option; a list for a multiselect) in widget `key` as a user does: the
    browser sends the label the page drew for it. Then run."""
    node = next(w for kind in CHOICES for w in getattr(at, kind) if w.key == key)
    pairs = at.session_state[SHOWN][key] if SHOWN in at.session_state and key in at.session_state[SHOWN] else []
    label = {repr(o): shown for o, shown in pairs}
    values = value if isinstance(value, (list, tuple)) and node.type != "select_slider" else [value]
    fmt = node.format_func  # (outside the session: English) for a widget drawn without ui.state.choice
    _MEMORY[id(at)].sent[node.id] = _state(node, [label.get(repr(v)) or str(fmt(v)) for v in values])
    at.run()


@contextlib.contextmanager
def browser_like(at):
    """Within the block, `at.run()` sends choices as the browser would."""
    memory = BrowserMemory(et.get_widget_state)
    run = at._run

    def patched_run(*args, **kwargs):
        out = run(*args, **kwargs)
        memory.after_run(at)
        return out

    et.get_widget_state = memory.state
    at._run = patched_run
    _MEMORY[id(at)] = memory
    try:
        yield at
    finally:
        et.get_widget_state = memory.original
        at._run = run
        _MEMORY.pop(id(at), None)
