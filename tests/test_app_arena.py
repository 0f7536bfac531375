"""AppTest for the app shell and the Arena: every page loads, every control moves, every
button does what it says, and the URL round-trips (bad values clamped with a note)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import open_page, settle

from alcore.data import DATASETS
from alcore.registry import MODELS
from alcore.registry import STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Small and quick: the multi-seed view runs 5 seeds to 12 labels on a 200-point pool.
SMALL = dict(pool=200, seeds=3, budget=12, init=4)


def arena(**query) -> AppTest:
    return open_page("arena", **{**SMALL, **query})


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def race(at: AppTest):
    return at.session_state["arena.race"]


def labels_each(at: AppTest) -> list[int]:
    return [loop.n_labeled for loop in race(at).loops.values()]


def click(at: AppTest, name: str) -> AppTest:
    return at.button(key=f"arena.run.{name}").click().run()


def query(at: AppTest) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


@pytest.mark.parametrize("page, words", [("home", "Active learning"), ("batch", "batches"),
                                         ("failures", "four classic ways")])
def test_every_page_loads(page, words):
    at = ok(open_page(page, **({"tab": "cold_start", "seeds": 3} if page == "failures" else {})))
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert words in text


def test_arena_loads_with_two_learners_and_the_multi_seed_view():
    at = ok(arena())
    assert list(race(at).loops) == ["A: Margin", "B: Random"]
    assert labels_each(at) == [4, 4]
    metrics = {m.label: m.value for m in at.metric}
    assert "Labels A saves over B" in metrics and any("labels to reach" in k for k in metrics)
    assert len(at.get("plotly_chart")) == 2  # the live figure and the multi-seed bands


def test_step_five_times_adds_five_labels_to_each_learner():
    at = arena(budget=30)
    for _ in range(5):
        at = ok(click(at, "step"))
    assert labels_each(at) == [9, 9]
    assert query(at)["n"] == "5"
    history = [loop.history for loop in race(at).loops.values()]
    assert all(len(h) == 6 and all(r.queried.size == 1 for r in h[1:]) for h in history)


def test_run_10_and_the_budget_stops_the_race():
    at = ok(click(arena(budget=20), "run10"))
    assert labels_each(at) == [14, 14]
    at = ok(click(at, "run10"))
    assert labels_each(at) == [20, 20]
    assert at.button(key="arena.run.step").disabled
    assert "budget used" in " ".join(m.value for m in at.markdown)


def test_batch_size_steps_by_batches():
    at = ok(click(arena(batch=3, budget=20), "step"))
    assert labels_each(at) == [7, 7]


def test_reset_keeps_the_seed_and_new_seed_changes_it():
    at = ok(click(arena(seed=7, budget=30), "run10"))
    first_pick = race(at).loops["A: Margin"].labeled_indices.copy()
    at = ok(click(at, "reset"))
    assert labels_each(at) == [4, 4] and query(at)["seed"] == "7"
    at = ok(click(at, "run10"))
    assert np.array_equal(race(at).loops["A: Margin"].labeled_indices, first_pick)  # same seed, same race
    at = ok(click(at, "new_seed"))
    assert labels_each(at) == [4, 4] and query(at)["seed"] != "7" and query(at)["n"] == "0"


def test_play_and_pause():
    at = ok(click(arena(), "play"))
    assert at.session_state["arena.playing"] is True
    assert at.button(key="arena.run.pause").label == "Pause"
    at = ok(click(at, "pause"))
    assert at.session_state["arena.playing"] is False


def test_show_acquisition_scores_for_every_strategy():
    at = arena()
    at.toggle(key="arena.scores").set_value(True).run()
    for name in STRATEGIES:  # read from the registry: new strategies are covered too
        # Strategies that read posterior samples run on a model that can draw them.
        model = "laplace_logreg" if STRATEGIES[name].needs_samples else "logreg"
        at.selectbox(key="arena.model").set_value(model).run()
        at.selectbox(key="arena.a").set_value(name).run()
        at = ok(click(at, "step"))
        assert race(at).loops[f"A: {STRATEGIES[name].label}"].n_labeled == 5
    assert query(at)["scores"] == "1"


def test_a_strategy_the_model_cannot_serve_is_explained_not_raised():
    at = arena()
    at.selectbox(key="arena.model").set_value("logreg").run()
    at.selectbox(key="arena.a").set_value("bald").run()
    assert not at.exception
    assert any("needs a model that can sample" in error.value for error in at.error)
    at.selectbox(key="arena.model").set_value("laplace_logreg").run()
    at = ok(click(at, "step"))
    assert labels_each(at) == [5, 5]


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model(name):
    at = arena(budget=10)
    at.selectbox(key="arena.model").set_value(name).run()
    at = ok(click(at, "step"))
    assert query(at)["model"] == name and labels_each(at) == [5, 5]


def test_every_data_control_and_run_setting():
    at = arena()
    for dataset in ("moons", "xor", "multiblobs", "blobs"):
        at.selectbox(key="arena.ds").set_value(dataset).run()
        ok(at)
        assert query(at)["ds"] == dataset and race(at).dataset.name == dataset
        assert float(query(at)["noise"]) == pytest.approx(DATASETS[dataset].default_noise)  # its own default
    at.selectbox(key="arena.ds").set_value("multiblobs").run()
    at.slider(key="arena.classes").set_value(5).run()
    assert ok(at) and race(at).dataset.n_classes == 5
    noise = at.slider(key="arena.noise")
    for value in (noise.min, noise.max):
        at.slider(key="arena.noise").set_value(value).run()
        assert ok(at) and float(query(at)["noise"]) == pytest.approx(value)
    at.slider(key="arena.pool").set_value(300).run()
    assert ok(at) and race(at).dataset.X_pool.shape[0] == 300
    at.slider(key="arena.init").set_value(6).run()
    assert ok(at) and labels_each(at) == [6, 6]
    at.selectbox(key="arena.b").set_value("entropy").run()
    assert ok(at) and list(race(at).loops)[1] == "B: Entropy"
    at.slider(key="arena.budget").set_value(15).run()
    at.slider(key="arena.batch").set_value(2).run()
    at.segmented_control(key="arena.speed").set_value("fast").run()
    settle(at).slider(key="arena.target").set_value(0.6).run()
    ok(at)
    assert {k: query(at)[k] for k in ("budget", "batch", "speed", "target")} == \
        {"budget": "15", "batch": "2", "speed": "fast", "target": "0.6"}
    at = ok(click(at, "step"))
    assert labels_each(at) == [8, 8]


def test_same_strategy_on_both_sides():
    at = ok(arena(a="entropy", b="entropy"))
    assert list(race(at).loops) == ["A: Entropy", "B: Entropy"]


def test_presets_set_the_measured_values():
    from bench.measure_presets import PRESETS as MEASURED

    at = arena()
    for name, values in MEASURED.items():
        at.button(key=f"arena.preset.{name}").click()
        at.query_params["seeds"] = "3"
        at.run()
        ok(at)
        got = query(at)
        for key, value in values.items():
            assert got[key] == str(value) or float(got[key]) == pytest.approx(value), (name, key)


def test_url_round_trip_reproduces_the_race():
    link = dict(ds="moons", noise=0.1, model="knn", a="entropy", b="margin", seed=42, n=3, budget=20,
                pool=300, init=5, batch=2, scores=1, target=0.9, speed="slow", seeds=5)
    at = ok(open_page("arena", **link))
    assert at.selectbox(key="arena.ds").value == "moons"
    assert at.slider(key="arena.noise").value == pytest.approx(0.1)
    assert at.selectbox(key="arena.model").value == "knn"
    assert at.toggle(key="arena.scores").value is True
    assert labels_each(at) == [11, 11]  # 5 starting labels + 3 rounds of 2
    written = query(at)
    assert written == {k: (f"{v:g}" if isinstance(v, float) else str(v)) for k, v in link.items()} | {
        "classes": "4"}
    again = ok(open_page("arena", **written))
    for name, loop in race(at).loops.items():
        assert np.array_equal(race(again).loops[name].labeled_indices, loop.labeled_indices)


def test_malformed_url_values_are_clamped_with_a_note():
    at = ok(open_page("arena", pool="abc", budget=-7, a="bogus", noise="9", seed="-3", seeds=3,
                      n="lots", scores="maybe"))
    note = " ".join(w.value for w in at.warning)
    assert "adjusted" in note
    for words in ("pool size", "label budget", "strategy A", "noise", "seed"):
        assert words in note, words
    got = query(at)
    assert got["pool"] == "1000" and got["a"] == "margin" and got["seed"] == "0"
    assert got["budget"] == "10" and float(got["noise"]) <= 2.0
    at.slider(key="arena.batch").set_value(2).run()  # changing anything clears the old notes
    assert not any("adjusted" in w.value for w in ok(at).warning)


def test_budget_larger_than_the_pool_is_clamped():
    at = ok(open_page("arena", pool=200, budget=300, seeds=5))
    assert query(at)["budget"] == "200"
    assert any("label budget" in w.value.lower() for w in at.warning)


def test_a_slow_multi_seed_race_runs_in_the_background_while_the_learners_step(monkeypatch):
    """20 seeds of a slow model take minutes: the race runs in the page's worker, Step still works."""
    import threading

    import streamlit as st

    from alcore import loop as loop_module

    gate = threading.Event()
    real = loop_module.race_curves

    def slow_race(*args, **kwargs):
        gate.wait(30)
        return real(*args, **kwargs)

    st.cache_data.clear()
    monkeypatch.setattr(loop_module, "race_curves", slow_race)
    try:
        at = ok(open_page("arena", wait=False, pool=200, seeds=4, budget=13, init=4))
        assert any("in the background" in str(p.proto) for p in at.get("progress"))
        assert not at.metric or "Labels A saves over B" not in {m.label for m in at.metric}
        at = ok(click(at, "step"))
        assert labels_each(at) == [5, 5]  # the learners step while the race runs
        gate.set()
        at = ok(settle(at))
        assert "Labels A saves over B" in {m.label for m in at.metric}
        assert labels_each(at) == [5, 5]
    finally:
        gate.set()
