"""Two sessions never see each other's state.

Each AppTest is its own session (its own session state and URL), while the measurement scheduler and
the lab store are shared by the whole process, as on a server: so these tests also hold what is shared
to read-only values that no session can change for another.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page, race
from test_app_arena import query

from ui import jobs, measure
from ui.labs import arena as arena_spec
from ui.params import defaults, parse

ROOT = Path(__file__).resolve().parents[1]
SMALL = dict(pool=200, seeds=3, budget=20, init=4)


def labeled(at: AppTest, lab: str) -> dict:
    return {name: loop.labeled_indices.copy() for name, loop in race(at, lab).loops.items()}


def step(at: AppTest, lab: str) -> AppTest:
    at.button(key=f"{lab}.run.step").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_two_arena_sessions_with_the_same_link_keep_their_own_learners():
    one, two = open_page("arena", **SMALL), open_page("arena", **SMALL)
    assert lab_state(one, "arena") is not lab_state(two, "arena")
    assert lab_state(one, "arena").slots[""] is not lab_state(two, "arena").slots[""]
    race_one, race_two = race(one), race(two)
    assert race_one is not race_two and race_one.dataset is not race_two.dataset
    for name in race_one.loops:  # no learner, model or mask object is shared
        a, b = race_one.loops[name], race_two.loops[name]
        assert a is not b and a.model is not b.model and a.labeled_mask is not b.labeled_mask
        assert a.history is not b.history
    before = labeled(two, "arena")
    for _ in range(3):
        one = step(one, "arena")
    assert [loop.n_labeled for loop in race(one).loops.values()] == [7, 7]
    two.run()  # the other session reruns (as on any interaction) and still sees its own race
    assert not two.exception
    after = labeled(two, "arena")
    assert all(np.array_equal(before[n], after[n]) for n in before)
    assert race(two).rounds == 0 and query(one)["n"] == "3" and query(two)["n"] == "0"


def test_two_arena_sessions_with_different_links_keep_their_own_settings():
    one = open_page("arena", **SMALL, ds="moons", noise=0.1, model="knn", seed=5)
    two = open_page("arena", **SMALL, ds="blobs", seed=9, batch=2)
    one.slider(key="arena.budget").set_value(15).run()
    two.run()
    assert query(two)["ds"] == "blobs" and query(two)["seed"] == "9" and query(two)["budget"] == "20"
    assert query(one)["ds"] == "moons" and query(one)["budget"] == "15"
    assert race(two).dataset.name == "blobs" and race(one).dataset.name == "moons"
    two = step(two.button(key="arena.run.play").click().run(), "arena")
    one.run()
    assert lab_state(two, "arena").slots[""].playing is True
    assert lab_state(one, "arena").slots[""].playing is False


def test_two_batch_sessions_keep_their_own_learners_and_memo():
    one, two = open_page("batch", pool=200, batch=5, seeds=5, budget=40), \
        open_page("batch", pool=200, batch=5, seeds=5, budget=40)
    before = labeled(two, "batch")
    one = step(one, "batch")
    two.run()
    after = labeled(two, "batch")
    assert all(np.array_equal(before[n], after[n]) for n in before)
    assert all(loop.n_labeled == 15 for loop in race(one, "batch").loops.values())
    assert all(loop.n_labeled == 10 for loop in race(two, "batch").loops.values())
    slot_one, slot_two = lab_state(one, "batch").slots[""], lab_state(two, "batch").slots[""]
    assert slot_one.memo is not slot_two.memo and slot_one.data is not slot_two.data
    shared = [key for key in slot_one.memo if key in slot_two.memo and slot_one.memo[key] is slot_two.memo[key]]
    assert not shared


def test_results_shared_between_sessions_are_read_only():
    one, two = open_page("arena", **SMALL), open_page("arena", **SMALL)
    values = {p.name: parse(p, query(one)[p.name])[0] for p in arena_spec.PARAMS}
    key = arena_spec.measurement(values)["race"]
    labels, accuracy = jobs.request(key, start=False)[0]
    assert jobs.request(key, start=False)[0][1] is accuracy  # one result, shared by both sessions
    saving = [[m.value for m in at.metric if m.label == "Labels A saves over B"] for at in (one, two)]
    assert saving[0] == saving[1] and len(saving[0]) == 1
    for array in (labels, *accuracy.values()):
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[0] = -1
    expected_labels, expected = measure.compute(key)  # what both sessions drew is still the measurement
    assert np.array_equal(labels, expected_labels)
    assert all(np.array_equal(accuracy[name], expected[name]) for name in expected)
    for preset in arena_spec.PRESETS.values():  # and so are the lab store's
        stored_labels, stored = measure.stored(arena_spec.measurement({**defaults(arena_spec.PARAMS),
                                                                         **preset.values})["race"])
        assert not stored_labels.flags.writeable and not any(a.flags.writeable for a in stored.values())


def test_no_page_or_ui_module_keeps_state_in_a_streamlit_cache():
    """Per-session state lives in session state only: nothing goes through st.cache_resource or st.cache_data
    (measurements are shared through ui.jobs, as read-only results)."""
    sources = {path.name: path.read_text() for folder in ("app_pages", "ui", "ui/labs")
               for path in (ROOT / folder).glob("*.py")}
    assert {"arena.py", "batch.py", "failures.py", "live.py", "session.py"} <= set(sources)
    for name, source in sources.items():
        assert "st.cache_resource" not in source and "st.cache_data" not in source, name
