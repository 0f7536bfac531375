"""Work that many sessions may ask for at once, done once.

When a workshop room opens the Arena together, thirty sessions miss
``st.cache_data`` for the same multi-seed race at the same moment, and each
would run it (thirty 20-seed races at once on two cores: every page times
out). :func:`once` lets the first session compute; the others wait for its
result and show its progress. Results are handed to the caller as they are:
put them through ``st.cache_data`` (which copies) before a page keeps them.

Only keys being computed right now are held here (removed when done), so the
registry stays as small as the number of distinct computations in flight.
Nothing per session is kept.

:func:`cached` and :func:`cache` are the pages' one results cache (``st.cache_data``,
so every caller gets its own copy), with lookup and storing apart: the work runs
outside a cached function, where it may draw a progress bar.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Optional

import streamlit as st

POLL = 0.2  # seconds between progress updates of a waiting session


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    progress: float = 0.0
    result: Any = None
    error: Optional[BaseException] = None
    waiters: int = 0


_lock = threading.Lock()
_flights: dict = {}


def in_flight() -> int:
    """Number of computations running now (for tests and benches)."""
    with _lock:
        return len(_flights)


def once(key: Hashable, compute: Callable[[Callable[[float], None]], Any],
         progress: Optional[Callable[[float], None]] = None, timeout: float = 600.0) -> Any:
    """``compute(progress)`` for ``key``, run by one caller at a time.

    The first caller for a key runs it; callers that arrive while it runs wait
    for its result (or its exception) and see its progress through their own
    ``progress`` callback. Raises TimeoutError when a wait exceeds ``timeout``.

    When the computing session is stopped (Streamlit stops a script by raising
    a BaseException such as its rerun or stop signal inside it), that signal
    belongs to that session only: a waiter does not inherit it, it takes over
    and computes itself.
    """
    while True:
        outcome = _once(key, compute, progress, timeout)
        if outcome is not _TAKE_OVER:
            return outcome


_TAKE_OVER = object()


def _once(key, compute, progress, timeout):
    with _lock:
        flight = _flights.get(key)
        owner = flight is None
        if owner:
            flight = _flights[key] = _Flight()
        else:
            flight.waiters += 1
    if owner:
        def report(fraction: float) -> None:
            flight.progress = fraction
            if progress is not None:
                progress(fraction)

        try:
            flight.result = compute(report)
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with _lock:
                _flights.pop(key, None)
            flight.done.set()
        return flight.result
    waited = 0.0
    while not flight.done.wait(POLL):
        waited += POLL
        if progress is not None:
            progress(flight.progress)
        if waited >= timeout:
            raise TimeoutError(f"waited {timeout:.0f} s for a shared computation")
    if flight.error is not None:
        if not isinstance(flight.error, Exception):  # the owner's session was stopped, not the work
            return _TAKE_OVER
        raise flight.error
    return flight.result


class NotCached(LookupError):
    """Raised by :func:`cached` when a result is not in the cache yet."""


@st.cache_data(show_spinner=False, max_entries=1024)
def _results(key: tuple, _result=None):
    # Without _result: the cached value, or NotCached (exceptions are not cached). With it: store it.
    if _result is None:
        raise NotCached(key)
    return _result


def cached(key: tuple) -> Any:
    """The result stored under ``key`` (a copy), or raise :class:`NotCached`.

    Start keys with the page's name, such as ``("arena.multi_seed", ...)``.
    """
    return _results(key)


def cache(key: tuple, result: Any) -> Any:
    """Store ``result`` under ``key`` and return the cache's copy of it."""
    return _results(key, _result=result)
