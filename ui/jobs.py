"""The server's measurement queue: many visitors, a few worker processes, cheap work first.

A page asks :func:`request` for a measurement by key (:mod:`ui.measure`). It
gets the result when it is known (in memory, in the lab store or in the disk
cache), and otherwise the :class:`Job` measuring it, which it polls: the job
says how far it is, or how many jobs run before it and about how long the
wait is. Sessions that ask for the same key share one job.

How the work runs:

- One task per seed, in worker processes (no GIL shared with the pages, and
  at a lower CPU priority than the server, so Step clicks stay fast while
  measurements run). ``ALAB_WORKERS=0`` runs tasks in a thread of this
  process instead (for tests that swap a measurement for a stand-in).
- Cheapest first: the next task goes to the job with the least work left
  (estimated from the kind's cost model, then from the job's own seeds).
  One worker is kept for jobs estimated under :data:`EXPRESS_SECONDS`, so a
  cheap race never waits behind a seed of a random forest.
- A job nobody has looked at for :data:`ABANDONED` seconds stops taking new
  tasks (its visitors left or changed a setting); its finished seeds are
  kept, so coming back resumes it. Paused jobs are forgotten after
  :data:`FORGET` seconds, and at most :data:`MAX_JOBS` are known at once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Optional

from ui import measure

ABANDONED = 15.0        # seconds without a look after which nobody waits for a job
FORGET = 300.0          # seconds after which a paused job and its finished seeds are dropped
MAX_JOBS = 64           # jobs known at once (running, queued or paused)
MEMORY = 256            # finished measurements kept in memory
EXPRESS_SECONDS = 30.0  # jobs estimated under this may use the express worker


@dataclass(eq=False)
class Job:
    """A measurement being made: its seeds done, its estimate, who looked at it last."""

    key: tuple
    n_seeds: int
    seconds_per_seed: float
    order: int
    results: dict = field(default_factory=dict)
    running: set = field(default_factory=set)
    seen: float = field(default_factory=time.monotonic)
    started: Optional[float] = None
    measured: list = field(default_factory=list)  # seconds each finished seed took
    error: Optional[BaseException] = None
    result: Any = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def progress(self) -> float:
        """Share of seeds finished, 0 to 1."""
        return len(self.results) / self.n_seeds

    @property
    def remaining_seconds(self) -> float:
        """Estimated seconds of work left (running seeds count half)."""
        left = self.n_seeds - len(self.results) - 0.5 * len(self.running)
        return max(0.0, left) * self.seconds_per_seed

    @property
    def express(self) -> bool:
        """True for a cheap job, which may use the express worker."""
        return self.n_seeds * self.seconds_per_seed <= EXPRESS_SECONDS

    def next_seed(self) -> Optional[int]:
        """A seed neither finished nor running, or None."""
        for seed in range(self.n_seeds):
            if seed not in self.results and seed not in self.running:
                return seed
        return None


@dataclass(eq=False)
class PrivateJob(Job):
    """A measurement of data that must stay in one visitor's session (a file they uploaded).

    Pages hand it to :func:`request` in place of a key, and read it like any
    job (``progress``, ``started``, ``done``...). It differs from a keyed job
    in where its data and its result live:

    - its seeds run one after another in a thread of this process, on data
      the job holds itself (``one_seed(seed)``, a closure over that data):
      nothing is pickled to a worker process, and the key names no data
      (``key`` is a plain description, for messages);
    - its result stays on this object, which only the session that made it
      holds: it is never written to the disk cache or the lab store, and the
      scheduler never sees it, so no other session can ask for it;
    - nobody looking at it for :data:`ABANDONED` seconds stops its thread
      (finished seeds are kept; the next :meth:`request` resumes it).

    Attributes
    ----------
    one_seed : callable
        ``one_seed(seed) -> that seed's result``.
    combine : callable
        ``combine([one result per seed]) -> the measurement``.
    """

    one_seed: Any = None
    combine: Any = None
    _thread: Optional[threading.Thread] = field(default=None, repr=False)

    def request(self, *, start: bool = True):
        """``(result, None)`` when done, else ``(None, self)`` while it runs (or ``(None, None)``
        when it has not started and ``start`` is False). Raises what the measurement raised."""
        self.seen = time.monotonic()
        if self.done.is_set():
            if self.error is not None:
                raise self.error
            return self.result, None
        if self._thread is None or not self._thread.is_alive():
            if not start:
                return None, None
            self._thread = threading.Thread(target=self._run, name="private-measurement", daemon=True)
            self._thread.start()
        return None, self

    def _run(self) -> None:
        if self.started is None:
            self.started = time.perf_counter()
        try:
            for seed in range(self.n_seeds):
                if seed in self.results:
                    continue
                if time.monotonic() - self.seen > ABANDONED:
                    return  # nobody waits for it any more
                self.running = {seed}
                began = time.perf_counter()
                self.results[seed] = self.one_seed(seed)
                self.measured.append(time.perf_counter() - began)
                self.seconds_per_seed = sum(self.measured) / len(self.measured)
                self.running = set()
            self.result = measure.frozen(self.combine([self.results[s] for s in range(self.n_seeds)]))
        except Exception as failure:  # noqa: BLE001 - handed to the page, which shows it
            self.error = failure
        finally:
            self.running = set()
        self.done.set()


def estimated_seconds(key) -> float:
    """Estimated seconds for a whole measurement: a key (:func:`ui.measure.estimated_seconds`) or a
    :class:`PrivateJob`."""
    if isinstance(key, PrivateJob):
        return key.n_seeds * key.seconds_per_seed
    return measure.estimated_seconds(key)


def _worker_start() -> None:
    """In each worker process: one BLAS/OpenMP thread, and a lower CPU priority than the server."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass


def _run_seed(key: tuple, seed: int):
    started = time.perf_counter()
    return measure.one_seed(key, seed), time.perf_counter() - started


class Scheduler:
    """Jobs, their queue and the workers that run their seeds (one per server process)."""

    def __init__(self, workers: Optional[int] = None):
        if workers is None:
            workers = int(os.environ.get("ALAB_WORKERS", max(1, (os.cpu_count() or 2) - 1)))
        self.in_process = workers == 0
        self.lanes = {"general": max(1, workers), "express": 1}
        self._executors: dict[str, Executor] = {}
        self._lock = threading.Condition()
        self._jobs: "OrderedDict[str, Job]" = OrderedDict()
        self._memory: "OrderedDict[str, Any]" = OrderedDict()
        self._busy = {lane: 0 for lane in self.lanes}
        self._counter = itertools.count()
        self._closed = False
        threading.Thread(target=self._dispatch, name="measure-dispatch", daemon=True).start()

    def close(self) -> None:
        """Stop taking work and shut the workers down (tasks running now finish on their own)."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        for executor in list(self._executors.values()):
            executor.shutdown(wait=False, cancel_futures=True)

    # -- what pages call ----------------------------------------------------------------------------

    def request(self, key: tuple, *, start: bool = True):
        """``(result, None)`` when the measurement is known, else ``(None, job)``.

        Parameters
        ----------
        key : tuple
            ``(kind, args)``, see :mod:`ui.measure`.
        start : bool, default=True
            Queue the work when it is not known. With False, a job is only
            returned when one exists already (for settings that start from
            a button); otherwise ``(None, None)``.

        Raises
        ------
        Exception
            What the measurement raised (for example a ValueError for
            settings the engine refuses).
        """
        text = measure.key_text(key)
        with self._lock:
            if text in self._memory:
                self._memory.move_to_end(text)
                return self._memory[text], None
            job = self._jobs.get(text)
        if job is None:
            result = measure.stored(key)
            if result is not None:
                self._remember(text, result)
                return result, None
        with self._lock:
            job = self._jobs.get(text)
            if job is None:
                if not start:
                    return None, None
                kind = measure.kind_of(key)
                job = Job(key, kind.n_seeds(key[1]), kind.cost(key[1]), next(self._counter))
                self._jobs[text] = job
                self._trim()
            job.seen = time.monotonic()
            self._jobs.move_to_end(text)
            self._lock.notify_all()
        if job.done.is_set():
            if job.error is not None:
                if not isinstance(job.error, ValueError):  # a crash (a worker died): the next request tries again
                    with self._lock:
                        self._jobs.pop(text, None)
                raise job.error  # settings the engine refuses stay refused, without running again
            return job.result, None
        return None, job

    def wait(self, job: Job, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a job; True when it is done."""
        job.seen = time.monotonic()
        return job.done.wait(timeout)

    def queue(self, job: Job) -> tuple[int, float]:
        """(jobs that run before this one, estimated seconds until it is done); a
        :class:`PrivateJob` runs in its own thread, so nothing runs before it."""
        if isinstance(job, PrivateJob):
            return 0, job.remaining_seconds
        now = time.monotonic()
        with self._lock:
            waiting = [other for other in self._jobs.values()
                       if not other.done.is_set() and now - other.seen < ABANDONED]
            ahead = [other for other in waiting if other is not job and self._rank(other) < self._rank(job)]
            seconds = sum(other.remaining_seconds for other in ahead) + job.remaining_seconds
        return len(ahead), seconds / max(1, self.lanes["general"])

    # -- inside ---------------------------------------------------------------------------------------

    @staticmethod
    def _rank(job: Job) -> tuple:
        return job.remaining_seconds, job.order

    def _remember(self, text: str, result) -> None:
        with self._lock:
            self._memory[text] = result
            self._memory.move_to_end(text)
            while len(self._memory) > MEMORY:
                self._memory.popitem(last=False)

    def _trim(self) -> None:
        """Forget old paused jobs and, beyond MAX_JOBS, the least recently seen ones (lock held)."""
        now = time.monotonic()
        for text, job in list(self._jobs.items()):
            if (now - job.seen > FORGET or len(self._jobs) > MAX_JOBS) and not job.running:
                del self._jobs[text]

    def _executor(self, lane: str) -> Executor:
        if lane not in self._executors:
            if self.in_process:
                self._executors[lane] = ThreadPoolExecutor(max_workers=self.lanes[lane],
                                                           thread_name_prefix=f"measure-{lane}")
            else:
                self._executors[lane] = ProcessPoolExecutor(
                    max_workers=self.lanes[lane], mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_start)
        return self._executors[lane]

    def _pick(self) -> Optional[tuple[str, Job, int]]:
        """The next (lane, job, seed) to run, or None (lock held)."""
        now = time.monotonic()
        runnable = sorted((job for job in self._jobs.values()
                           if not job.done.is_set() and now - job.seen < ABANDONED and job.next_seed() is not None),
                          key=self._rank)
        for job in runnable:
            for lane in ("general", "express"):
                if self._busy[lane] < self.lanes[lane] and (lane == "general" or job.express):
                    return lane, job, job.next_seed()
        return None

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                picked = None if self._closed else self._pick()
                while picked is None:
                    if self._closed:
                        return
                    self._lock.wait(timeout=1.0)
                    self._trim()
                    picked = self._pick()
                lane, job, seed = picked
                job.running.add(seed)
                self._busy[lane] += 1
                if job.started is None:
                    job.started = time.perf_counter()
            try:
                future = self._executor(lane).submit(_run_seed, job.key, seed)
            except (BrokenProcessPool, RuntimeError) as error:
                self._executors.pop(lane, None)
                self._finish(lane, job, seed, None, error)
                continue
            future.add_done_callback(lambda f, lane=lane, job=job, seed=seed: self._settle(lane, job, seed, f))

    def _settle(self, lane: str, job: Job, seed: int, future) -> None:
        try:
            outcome, error = future.result(), None
        except BrokenProcessPool as broken:  # a worker died: start a new pool for the next task
            self._executors.pop(lane, None)
            outcome, error = None, broken
        except BaseException as failure:  # noqa: BLE001 - handed to the page, which shows it
            outcome, error = None, failure
        self._finish(lane, job, seed, outcome, error)

    def _finish(self, lane: str, job: Job, seed: int, outcome, error) -> None:
        with self._lock:
            self._busy[lane] -= 1
            job.running.discard(seed)
            if error is not None:
                job.error = error
                job.done.set()
            else:
                result, seconds = outcome
                job.results[seed] = result
                job.measured.append(seconds)
                job.seconds_per_seed = sum(job.measured) / len(job.measured)
            complete = job.error is None and len(job.results) == job.n_seeds
            self._lock.notify_all()
        if complete:
            kind = measure.kind_of(job.key)
            try:
                job.result = measure.frozen(kind.combine(job.key[1], [job.results[s] for s in range(job.n_seeds)]))
            except Exception as failure:  # noqa: BLE001 - shown by the page
                job.error = failure
            else:
                measure.keep(job.key, job.result)
                self._remember(measure.key_text(job.key), job.result)
            with self._lock:
                if job.error is None:
                    self._jobs.pop(measure.key_text(job.key), None)  # known now: memory and disk hold it
                job.done.set()
                self._lock.notify_all()


_scheduler: Optional[Scheduler] = None
_scheduler_lock = threading.Lock()


def scheduler() -> Scheduler:
    """The process's scheduler (made on first use)."""
    global _scheduler
    with _scheduler_lock:
        if _scheduler is None:
            _scheduler = Scheduler()
        return _scheduler


def request(key, *, start: bool = True):
    """:meth:`Scheduler.request` on the process's scheduler, or :meth:`PrivateJob.request` for a private job."""
    if isinstance(key, PrivateJob):
        return key.request(start=start)
    return scheduler().request(key, start=start)
