"""ui.shared.once: work that many sessions ask for at once is done once."""

from __future__ import annotations

import threading
import time

import pytest

from ui import shared


def test_concurrent_callers_share_one_computation_and_see_its_progress():
    calls, seen = [], []

    def compute(report):
        calls.append(1)
        for i in range(1, 4):
            time.sleep(0.15)
            report(i / 3)
        return {"answer": 42}

    results = []
    threads = [threading.Thread(target=lambda: results.append(shared.once("k1", compute, progress=seen.append)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [{"answer": 42}] * 5
    assert seen and max(seen) <= 1.0
    assert shared.in_flight() == 0  # nothing kept once done


def test_an_error_reaches_every_waiter_and_the_next_call_tries_again():
    def fail(report):
        time.sleep(0.3)
        raise ValueError("refused")

    errors = []

    def call():
        try:
            shared.once("k2", fail)
        except ValueError as error:
            errors.append(str(error))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["refused"] * 3 and shared.in_flight() == 0
    assert shared.once("k2", lambda report: "fine") == "fine"


def test_a_wait_is_bounded():
    release = threading.Event()
    owner = threading.Thread(target=lambda: shared.once("k3", lambda report: release.wait(5)))
    owner.start()
    time.sleep(0.05)
    with pytest.raises(TimeoutError):
        shared.once("k3", lambda report: None, timeout=0.3)
    release.set()
    owner.join()


def test_a_stopped_owner_does_not_pass_its_stop_to_the_waiters():
    """Streamlit stops a session's script by raising a BaseException in it (a rerun, a stop):
    it must stay in that session; a waiter takes over the work."""

    class Stopped(BaseException):
        pass

    started = threading.Event()

    def stopped(report):
        started.set()
        time.sleep(0.3)
        raise Stopped()

    outcome = {}

    def owner():
        try:
            shared.once("k4", stopped)
        except Stopped:
            outcome["owner"] = "stopped"

    thread = threading.Thread(target=owner)
    thread.start()
    started.wait(2)
    outcome["waiter"] = shared.once("k4", lambda report: "computed by the waiter")
    thread.join()
    assert outcome == {"owner": "stopped", "waiter": "computed by the waiter"}
