"""ui.jobs: the measurement queue. Shared jobs, cheapest first, abandoned jobs pause and resume,
errors reach the page, and the worker processes compute what a script computes."""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest

from alcore.loop import LoopConfig
from ui import jobs, measure

CALLS: list = []
GATE = threading.Event()


def _slow_seed(args, seed):
    name, seconds, fail = args
    CALLS.append((name, seed))
    GATE.wait(10)
    time.sleep(seconds)
    if fail:
        raise ValueError(f"{name} refused")
    return seed


@pytest.fixture
def fake_kind(monkeypatch, tmp_path):
    """A kind whose cost is given in its key, whose seeds record when they ran; no disk cache."""
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    monkeypatch.setitem(measure.KINDS, "fake", measure.Kind(
        "fake", _slow_seed, lambda args, runs: np.array(runs), lambda args: 3, lambda args: args[1]))
    CALLS.clear()
    GATE.clear()
    yield
    GATE.set()


def key(name, seconds=0.01, fail=False):
    return ("fake", (name, seconds, fail))


@pytest.fixture
def made():
    """Schedulers made by a test, closed after it."""
    schedulers = []

    def make(**kwargs):
        schedulers.append(jobs.Scheduler(**kwargs))
        return schedulers[-1]

    yield make
    GATE.set()
    for scheduler in schedulers:
        scheduler.close()


def finish(scheduler, k, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        result, job = scheduler.request(k)
        if job is None:
            return result
        assert time.monotonic() < deadline, "the job did not finish"
        scheduler.wait(job, 0.05)


def test_sessions_asking_for_one_key_share_one_job(fake_kind, made):
    scheduler = made(workers=0)
    _, first = scheduler.request(key("a"))
    _, second = scheduler.request(key("a"))
    assert first is second and first.n_seeds == 3
    GATE.set()
    assert finish(scheduler, key("a")).tolist() == [0, 1, 2]
    assert [seed for name, seed in CALLS if name == "a"] == [0, 1, 2]  # each seed once
    assert scheduler.request(key("a"))[1] is None  # known now


def test_cheap_work_runs_before_expensive_work(fake_kind, made):
    scheduler = made(workers=0)
    scheduler.lanes["express"] = 0  # one worker, to see the order
    scheduler.request(key("slow", seconds=0.05))
    time.sleep(0.2)  # the slow job's first seed has started and waits at the gate
    scheduler.request(key("quick", seconds=0.01))
    _, slow = scheduler.request(key("slow", seconds=0.05))
    ahead, seconds = scheduler.queue(slow)
    assert ahead == 1 and seconds > 0  # the quick job runs first
    GATE.set()
    finish(scheduler, key("quick"))
    finish(scheduler, key("slow", seconds=0.05))
    order = [name for name, _ in CALLS]
    assert order[0] == "slow" and order[1:4] == ["quick"] * 3  # only the seed already running came first


def test_an_abandoned_job_pauses_and_resumes_with_its_seeds(fake_kind, made, monkeypatch):
    monkeypatch.setattr(jobs, "ABANDONED", 0.3)
    scheduler = made(workers=0)
    scheduler.lanes["express"] = 0  # one seed at a time
    GATE.set()
    _, job = scheduler.request(key("a", seconds=0.25))
    time.sleep(1.2)  # nobody looks: at most the seeds started before it was abandoned run
    done = len(job.results)
    assert done < 3
    assert finish(scheduler, key("a", seconds=0.25)).tolist() == [0, 1, 2]
    assert len(CALLS) == 3  # no seed ran twice


def test_refused_settings_stay_refused_without_running_again(fake_kind, made):
    scheduler = made(workers=0)
    GATE.set()
    with pytest.raises(ValueError, match="refused"):
        finish(scheduler, key("bad", fail=True))
    runs = len(CALLS)
    with pytest.raises(ValueError, match="refused"):  # the same answer at once: nothing runs again
        scheduler.request(key("bad", fail=True))
    assert len(CALLS) == runs


def test_a_crash_reaches_the_page_and_the_next_request_tries_again(fake_kind, made, monkeypatch):
    def crash(args, seed):
        raise RuntimeError("a worker died")

    monkeypatch.setitem(measure.KINDS, "fake", dataclasses.replace(measure.KINDS["fake"], one_seed=crash))
    scheduler = made(workers=0)
    with pytest.raises(RuntimeError, match="died"):
        finish(scheduler, key("x"))
    _, job = scheduler.request(key("x"))
    assert job is not None  # a new try


def test_start_false_only_looks(fake_kind, made):
    scheduler = made(workers=0)
    assert scheduler.request(key("a"), start=False) == (None, None)
    assert not CALLS


def test_worker_processes_compute_what_a_script_computes(tmp_path, monkeypatch, made):
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    k = ("race", measure.race_args(dict(name="blobs", n_pool=100, noise=1.0),
                                   {"A": LoopConfig(strategy="margin")}, 8, 4, 2))
    scheduler = made(workers=1)
    labels, accuracy = finish(scheduler, k, timeout=120)
    expected_labels, expected = measure.compute(k)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(accuracy["A"], expected["A"])
    assert measure.stored(k) is not None  # kept on disk for other processes and restarts
