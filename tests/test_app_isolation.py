"""Two sessions never see each other's state.

Each AppTest is its own session (its own session state and URL), while
Streamlit's caches are shared by the whole process, as on a server: so these
tests also hold the caches to returning copies or immutable values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import open_page

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SMALL = dict(pool=200, seeds=3, budget=20, init=4)


def query(at: AppTest) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def labeled(at: AppTest, page: str) -> dict:
    return {name: loop.labeled_indices.copy() for name, loop in at.session_state[f"{page}.race"].loops.items()}


def test_two_arena_sessions_with_the_same_link_keep_their_own_learners():
    one, two = open_page("arena", **SMALL), open_page("arena", **SMALL)
    race_one, race_two = one.session_state["arena.race"], two.session_state["arena.race"]
    assert race_one is not race_two
    for name in race_one.loops:  # no learner, model or mask object is shared
        a, b = race_one.loops[name], race_two.loops[name]
        assert a is not b and a.model is not b.model and a.labeled_mask is not b.labeled_mask
    before = labeled(two, "arena")
    for _ in range(3):
        one.button(key="arena.run.step").click().run()
    assert not one.exception
    assert [loop.n_labeled for loop in one.session_state["arena.race"].loops.values()] == [7, 7]
    two.run()  # the other session reruns (as on any interaction) and still sees its own race
    assert not two.exception
    after = labeled(two, "arena")
    assert all(np.array_equal(before[n], after[n]) for n in before)
    assert query(one)["n"] == "3" and query(two)["n"] == "0"


def test_two_arena_sessions_with_different_links_keep_their_own_settings():
    one = open_page("arena", **SMALL, ds="moons", noise=0.1, model="knn", seed=5)
    two = open_page("arena", **SMALL, ds="blobs", seed=9, batch=2)
    one.slider(key="arena.budget").set_value(15).run()
    two.run()
    assert query(two)["ds"] == "blobs" and query(two)["seed"] == "9" and query(two)["budget"] == "20"
    assert query(one)["ds"] == "moons" and query(one)["budget"] == "15"
    assert two.session_state["arena.race"].dataset.name == "blobs"
    assert one.session_state["arena.race"].dataset.name == "moons"
    two.button(key="arena.run.play").click().run()
    one.run()
    assert two.session_state["arena.playing"] is True
    assert "arena.playing" not in one.session_state or one.session_state["arena.playing"] is False


def test_two_batch_sessions_keep_their_own_learners():
    one, two = open_page("batch", pool=200, batch=5), open_page("batch", pool=200, batch=5)
    before = labeled(two, "batch")
    one.button(key="batch.label").click().run()
    assert not one.exception
    two.run()
    after = labeled(two, "batch")
    assert all(np.array_equal(before[n], after[n]) for n in before)
    assert all(loop.n_labeled == 15 for loop in one.session_state["batch.race"].loops.values())
    assert one.session_state["batch.cache"] is not two.session_state["batch.cache"]


def test_cached_multi_seed_results_are_copies():
    """st.cache_data hands each caller its own copy: changing one cannot change another's."""
    import streamlit as st

    @st.cache_data
    def curves(n: int):
        return np.arange(n, dtype=float), {"a": np.ones((2, n))}

    first, second = curves(4), curves(4)
    first[1]["a"][:] = -1.0
    first[0][:] = 7.0
    assert (second[1]["a"] == 1.0).all() and (curves(4)[0] == np.arange(4)).all()


@pytest.mark.parametrize("page", ["arena", "batch", "failures"])
def test_no_cache_resource_holds_per_session_state(page):
    """Nothing mutable per session goes through st.cache_resource: the page sources say so."""
    assert "st.cache_resource" not in (ROOT / "app_pages" / f"{page}.py").read_text()
    shared_sources = "".join(p.read_text() for p in (ROOT / "ui").glob("*.py"))
    # the one exception: ui.shared's background workers, keyed by configuration and bounded
    # (tests/test_app_failures_worker.py)
    assert shared_sources.count("st.cache_resource") == 1
