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

:func:`result_or_job` runs work that takes longer than a click should wait
(multi-seed measurements: seconds to minutes) in a background worker, one per
lane (a page), so the page stays live and polls it.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from queue import Queue
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



# -- work in the background -------------------------------------------------------------------

MAX_JOBS = 6        # jobs queued or running at once, per lane, for the whole server
ABANDONED = 60.0    # seconds without a look after which nobody is waiting for a job


@dataclass
class Job:
    """Work running in the background: its progress (0 to 1) and its future.

    ``seen`` is when a session last looked at it: a job nobody looks at any more
    is dropped before it starts (its sessions left) and forgotten once done.
    """

    progress: float = 0.0
    future: Future = field(default_factory=Future)
    started: float = field(default_factory=time.perf_counter)
    seen: float = field(default_factory=time.monotonic)


class Busy(RuntimeError):
    """Raised by :func:`result_or_job` when a lane already has MAX_JOBS jobs."""


def _work(queue: Queue) -> None:
    """A lane's worker: run its queued jobs one at a time, forever."""
    while True:
        job, compute = queue.get()
        if time.monotonic() - job.seen > ABANDONED:
            job.future.cancel()  # nobody is waiting: the sessions that asked have gone
        if not job.future.set_running_or_notify_cancel():
            continue
        job.started = time.perf_counter()

        def report(fraction: float, job=job) -> None:
            job.progress = fraction

        try:
            job.future.set_result(compute(report))
        except BaseException as error:  # handed to the page, which shows it
            job.future.set_exception(error)


@st.cache_resource
def _workshop(lane: str) -> dict:
    """One worker thread per lane for the whole server, and the jobs it is running (by key).

    Run in the script, a measurement over many seeds would block every click
    on the page until it ends (a fragment cannot rerun while the full script
    runs), so it runs here and the page polls it; sessions that ask for the
    same key share one job. The thread is a daemon: stopping the server does
    not wait for it. Lanes keep one page's long jobs from queueing another
    page's short ones.

    What is shared holds no session's state: a job is keyed by its
    configuration alone, its result is a pure function of it and reaches a
    page only through :func:`cache` (``st.cache_data`` hands out copies). It
    is bounded: at most MAX_JOBS jobs per lane (more ask the session to wait),
    and jobs nobody has looked at for ABANDONED seconds are dropped, so a room
    moving sliders cannot queue hours of work.
    """
    queue: Queue = Queue()
    threading.Thread(target=_work, args=(queue,), name=f"{lane}-worker", daemon=True).start()
    return {"queue": queue, "jobs": {}, "lock": threading.Lock()}


def result_or_job(lane: str, key: tuple, compute: Callable[[Callable[[float], None]], Any]):
    """``(result, None)`` when ``key`` is cached, else ``(None, job)`` for the job computing it.

    Parameters
    ----------
    lane : str
        The worker to run on (one per page).
    key : tuple
        What is computed, as for :func:`cached`; sessions asking for the same
        key share one job.
    compute : callable
        ``compute(progress) -> result``, run in the lane's worker when the
        key is neither cached nor being computed; ``progress(fraction)``
        reports how far it is.

    Raises
    ------
    Busy
        When the lane already has MAX_JOBS jobs: ask again later.
    Exception
        What ``compute`` raised, once it has finished.
    """
    try:
        return cached(key), None
    except NotCached:
        pass
    shop = _workshop(lane)
    now = time.monotonic()
    with shop["lock"]:
        jobs = shop["jobs"]
        for old, stale in list(jobs.items()):
            if now - stale.seen > ABANDONED and not stale.future.running():
                stale.future.cancel()  # not started yet: the worker skips it (no-op when done)
                del jobs[old]  # nobody looked for a minute: its sessions have gone
        job = jobs.get(key)
        if job is not None and job.future.cancelled():
            del jobs[key]
            job = None
        if job is None:
            if len(jobs) >= MAX_JOBS:
                raise Busy(len(jobs))
            job = jobs[key] = Job()
            shop["queue"].put((job, compute))
        job.seen = now
    if job.future.done():
        with shop["lock"]:
            shop["jobs"].pop(key, None)
        return cache(key, job.future.result()), None  # re-raises a failed job's error
    return None, job
