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
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Optional

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
