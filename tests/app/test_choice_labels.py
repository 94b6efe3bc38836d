"""Issue 25 item 1: no widget value is ever a translated or formatted label.

On every view of the sample (through the router, as a user clicks), each sidebar choice and each of
the view's source/filter choices is set to each of its options, and after each choice the language
is switched (en -> zh -> en ...), with the browser's way of sending a choice back (tests/app/
browser_like.py: the label it was last sent). Before the fix, Louvain then 简体中文 raised
`ValueError: could not convert string to float: 'Automatic: resolution 0.354 (8 communities)'`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.browser_like import CHOICES, SHOWN, browser_like, pick

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# view -> (widget key, values to pick: None = every option): every sidebar choice with each of its
# options (the language is what is switched after each), except the workspace: away to another one
# and back to the sample (the others on this worker are whatever other test files left, each a
# graph to draw); each source/filter choice of the view with the options that change what it draws
# (one run costs about 3 s of page, so not all of them)
VIEWS = {
    "pages/community_graph.py": (("graph_resolution_select", "ends"), ("graph_method", None), ("workspace", "away")),
    "pages/sentiment_trends.py": (("sent_langs", "one"), ("sent_freq", "last")),
    "pages/ad_ab_results.py": (("ab_source", None),),
    "pages/churn_cohorts.py": (("churn_period", "last"), ("churn_kind", "last"), ("churn_source", "last")),
    "pages/recommendations.py": (),
}


def _widget(at, key: str):
    return next((w for kind in CHOICES for w in getattr(at, kind) if w.key == key), None)


def _options(at, key: str) -> list:
    """The options as the page drew them (values, not labels: ui.state.SHOWN_LABELS)."""
    return [option for option, _ in at.session_state[SHOWN][key]]


def _ok(at, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])


@pytest.mark.slow
def test_every_choice_then_a_language_switch_keeps_a_value(sample_ws):
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workspace"] = "sample"
    lang = "en"
    with browser_like(at):
        at.run()
        for view, keys in VIEWS.items():
            at.switch_page(view).run()
            _ok(at, view)
            for key, which in keys:
                widget = _widget(at, key)
                assert widget is not None, (view, key)
                options = _options(at, key)
                values = {
                    None: options,
                    # another workspace, then the sample again, which the later views need (other test
                    # files on this worker may have left workspaces without posts)
                    "away": [o for o in options if o != "sample"][:1] + ["sample"],
                    "last": options[-1:],
                    "one": [options[:1]],  # a multiselect narrowed to one option
                    "ends": [options[-1], options[0]],  # the finest scale, then automatic again
                }[which]
                for value in values:
                    pick(at, key, value)
                    _ok(at, f"{view} {key}={value!r} ({lang})")
                    lang = "zh" if lang == "en" else "en"
                    pick(at, "lang", lang)
                    _ok(at, f"{view} {key}={value!r} then {lang}")
                    assert at.title[0].value != "" and _widget(at, "lang").value == lang
                    shown = _widget(at, key)
                    if shown is not None:  # a value among the options, never a label
                        now = shown.value if isinstance(shown.value, list) else [shown.value]
                        assert all(v in _options(at, key) for v in now), (view, key, value, lang, shown.value)
