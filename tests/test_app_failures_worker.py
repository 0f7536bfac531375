"""The background worker (ui.shared.result_or_job, here the failure lab's lane) is shared by every
session of the server (st.cache_resource): these tests hold it to sharing no session's state, to doing each
configuration once for everyone, and to a bounded queue (a room moving sliders cannot queue
hours of work; the page says it is busy and keeps polling, never raises)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import streamlit as st

from alcore import lab
from tests.test_app_failures import FIGURES, open_page, query, text

GATE = threading.Event()
CALLS = []


def gated_measure(mode, condition, seeds, *, n_pool=1000, n_test=500, progress=None):
    """Like the suite's stand-in, but each measurement waits for GATE (at most 30 s)."""
    seeds = list(seeds)
    CALLS.append((mode.name, condition, len(seeds)))
    GATE.wait(30)
    base = 0.5 + 0.2 * np.random.default_rng(len(seeds)).random(len(seeds))
    return {key: base for key in FIGURES[mode.name]}


@pytest.fixture
def gated(monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    GATE.clear()
    CALLS.clear()
    monkeypatch.setattr(lab, "measure_condition", gated_measure)
    yield CALLS
    GATE.set()  # let the worker drain before the next test
    time.sleep(0.2)
    st.cache_data.clear()
    st.cache_resource.clear()


def settle(at, seconds: float = 10.0, until: str = "| Fix off |"):
    deadline = time.monotonic() + seconds
    while until not in text(at) and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_sessions_asking_for_the_same_measurement_share_one_job(gated):
    one = open_page(tab="cold_start", seeds=3)
    two = open_page(tab="cold_start", seeds=3)
    assert not one.exception and not two.exception
    assert "in the background" in text(two)
    GATE.set()
    one, two = settle(one), settle(two)
    assert "| Fix off |" in text(one) and "| Fix off |" in text(two)
    assert sorted(c for _, c, _ in gated) == ["off", "on", "random"]  # once each, for both sessions
    assert one.session_state["failures.cold_start.races"] is not two.session_state["failures.cold_start.races"]


def test_a_full_queue_says_busy_and_the_page_recovers(gated):
    sessions = [open_page(tab="cold_start", seeds=n) for n in (3, 4)]  # 3 measurements each: the queue is full
    busy = open_page(tab="cold_start", seeds=5)
    assert not busy.exception
    assert "busy measuring" in text(busy) and query(busy)["seeds"] == "5"
    assert len(gated) <= 6  # nothing beyond the bound was queued
    GATE.set()
    for at in sessions:
        settle(at)
    busy = settle(busy, 20)
    assert "| Fix off |" in text(busy)
