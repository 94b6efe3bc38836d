"""Results computed once per process and shared by every caller: a bounded, single-flight memo.

The app's views key their results on (data versions, settings); two browser sessions asking for the
same key get the same object, and a session asking while another computes it waits for that
computation instead of starting its own (single flight, one lock per key, as Streamlit's own caches
do). Results are shared across threads: callers treat them as read-only.

A failed computation is not kept: the next caller (or a waiting one) computes again. Each
computation is logged (store, the key's hash, seconds) at INFO, so a server's console shows what was
computed and that nothing was computed twice (bench/serve.py reads it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_ENTRIES = 32
LOG = logging.getLogger(__name__)
COMPUTED = "shared result computed"  # the log line's start: "<COMPUTED> store=S key=H seconds=T"


class SharedResults:
    """{key: result} with at most `max_entries` results (least recently used go first)."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES, name: str = ""):
        self.name = name
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self.computed = 0  # computations that finished (what a test or a benchmark counts)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result for `key`, computed by `compute()` only when no caller has it or is making it."""
        with self._guard:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one computation per key; the others wait here and then find its result
            with self._guard:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                started = time.perf_counter()
                value = compute()
                LOG.info(
                    "%s store=%s key=%x seconds=%.3f", COMPUTED, self.name, hash(key), time.perf_counter() - started
                )
                with self._guard:
                    self._values[key] = value
                    self.computed += 1
                    while len(self._values) > self.max_entries:
                        self._values.popitem(last=False)
            finally:
                with self._guard:  # waiters hold the lock object already; new callers find the value
                    if self._locks.get(key) is lock:
                        del self._locks[key]
            return value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._guard:
            self._values.clear()


_stores: dict[str, SharedResults] = {}
_stores_guard = threading.Lock()


def store(name: str, max_entries: int = DEFAULT_ENTRIES) -> SharedResults:
    """The process-wide store `name` (created on first use with `max_entries`)."""
    with _stores_guard:
        found = _stores.get(name)
        if found is None:
            found = _stores[name] = SharedResults(max_entries, name)
        return found


def shared(name: str, key: Hashable, compute: Callable[[], Any], max_entries: int = DEFAULT_ENTRIES) -> Any:
    """`compute()` once per process for `key` in store `name`; every caller gets the same result."""
    return store(name, max_entries).get(key, compute)


class Same:
    """A key part that compares by identity (a trained model object): holding it keeps the object
    alive, so its id is never reused for another object while the entry exists."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj
