"""Serving many sessions (issue 29): results shared across sessions and computed once, the workspace
catalog read once per change of its file, every session-state key in ui/state.py (issue 26)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from core.data.ingest import ingest_file
from core.data.workspace import Workspace
from core.shared_results import Same, SharedResults
from ui.cache import catalogued

REPO = Path(__file__).resolve().parents[2]


def test_one_computation_per_key_the_others_wait_and_get_the_same_object():
    results = SharedResults(max_entries=4)
    calls = []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other caller to arrive while it runs
        return object()

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(results.get(("data v1", "settings"), compute))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results.computed == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_different_keys_do_not_wait_for_each_other():
    """Two keys computed at once: each computation waits for the other to have started, which only
    happens when they run side by side (one lock per key, none for the store)."""
    results = SharedResults()
    started = {k: threading.Event() for k in "ab"}

    def compute(me, other):
        started[me].set()
        assert started[other].wait(5), "the other key's computation never started: keys block each other"
        return me

    out = {}
    threads = [
        threading.Thread(target=lambda k=k, o=o: out.__setitem__(k, results.get(k, lambda: compute(k, o))))
        for k, o in (("a", "b"), ("b", "a"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {"a": "a", "b": "b"}


def test_least_recently_used_goes_and_a_failure_is_not_kept():
    results = SharedResults(max_entries=2)
    results.get(1, lambda: "one")
    results.get(2, lambda: "two")
    results.get(1, lambda: "never")  # 1 is now the most recently used
    results.get(3, lambda: "three")  # 2 goes
    assert results.get(1, lambda: "again") == "one" and results.get(2, lambda: "again") == "again"

    def fails():
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        results.get("k", fails)
    assert results.get("k", lambda: "fixed") == "fixed"


def test_same_keys_by_identity():
    a, b = [1], [1]
    assert Same(a) == Same(a) and Same(a) != Same(b) and hash(Same(a)) == id(a)


def test_catalog_is_read_once_per_change_of_the_workspace_file(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "ws")
    first = tmp_path / "a.csv"
    first.write_text("user_id,ts\nu1,2024-01-01\nu2,2024-01-02\n", encoding="utf-8")
    ingest_file(ws, first, "interactions")
    reads = []
    plain = Workspace._catalog

    def counted(self, *args, **kwargs):
        reads.append(args)
        return plain(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "_catalog", counted)
    cached = catalogued(ws)
    for _ in range(5):
        assert [(t.table, t.version, t.rows) for t in cached.tables()] == [("interactions", 1, 2)]
        assert cached.has("interactions") and cached.info("interactions").version == 1
    assert len(reads) == 1

    second = tmp_path / "b.csv"
    second.write_text("user_id,ts\nu3,2024-01-03\n", encoding="utf-8")
    ingest_file(ws, second, "interactions", mode="append")  # the file changes: the next read sees it
    assert [(t.table, t.version, t.rows) for t in catalogued(ws).tables()] == [
        (t.table, t.version, t.rows) for t in Workspace(ws.path).tables()
    ]
    assert catalogued(ws).info("interactions").version == 2 and catalogued(ws).info("interactions").rows == 3
    assert catalogued(ws).read("interactions")["user_id"].tolist() == ["u1", "u2", "u3"]


RAW_KEY = re.compile(r"session_state(?:\[|\.get\(|\.pop\(|\.setdefault\()\s*f?[\"']")


def test_every_session_state_key_is_named_in_ui_state():
    """No page or ui module reaches into st.session_state with a key spelled out: the keys live in
    ui/state.py (widget keys other code sets, errors left by callbacks, uploads kept on a page)."""
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "ui").glob("*.py"))]
    raw = [
        f"{f.relative_to(REPO)}:{n}: {line.strip()}"
        for f in files
        if f.name != "state.py"
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_KEY.search(line)
    ]
    assert not raw, "\n".join(raw)


def test_the_server_skips_a_component_scan_that_would_find_nothing():
    """ui.serve.lighten_start turns off Streamlit's scan of every installed package for custom
    components (v2): start-up time (issue 29), right only while no installed package declares one."""
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.components.v2.manifest_scanner import scan_component_manifests

    from ui.serve import lighten_start

    assert scan_component_manifests() == []  # installing a component package makes the skip wrong
    scan = BidiComponentManager.discover_and_register_components
    try:
        lighten_start()
        assert BidiComponentManager.discover_and_register_components is not scan
    finally:
        BidiComponentManager.discover_and_register_components = scan  # type: ignore[method-assign]
