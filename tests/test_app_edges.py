"""The edges of every lab: the pool used up, a budget larger than the pool, a batch larger
than what is left, one class in the labeled set, and clicks while Play runs. Each gives a
clear message and loses no state."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from apptest_pages import open_page

from tests.test_app_failures import fake  # noqa: F401  (the failure lab's stand-in measurements)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown]
    for kind in (at.info, at.warning, at.error, at.success):
        parts += [e.value for e in kind]
    return " ".join(parts)


def arena_labels(at: AppTest) -> list[int]:
    return [loop.n_labeled for loop in at.session_state["arena.race"].loops.values()]


def test_arena_uses_up_the_pool_with_a_batch_larger_than_what_is_left():
    at = open_page("arena", pool=200, budget=200, batch=20, init=4, seeds=3)
    at = ok(at.button(key="arena.run.run10").click().run())  # 4 + 9 x 20 = 184, then 16 of 20
    assert arena_labels(at) == [200, 200]
    race = at.session_state["arena.race"]
    assert all(loop.n_unlabeled == 0 for loop in race.loops.values())
    assert [r.queried.size for r in race.loops["A: Margin"].history[-2:]] == [20, 16]
    assert "every pool point is labeled" in page_text(at)
    assert at.button(key="arena.run.step").disabled and at.button(key="arena.run.play").disabled
    at = ok(at.button(key="arena.run.reset").click().run())  # and back to the start
    assert arena_labels(at) == [4, 4]


def test_arena_budget_larger_than_the_pool_is_clamped_and_reached():
    at = open_page("arena", pool=200, budget=300, batch=20, seeds=3)
    assert any("label budget" in w.value.lower() for w in at.warning)
    at = ok(at.button(key="arena.run.run10").click().run())
    assert arena_labels(at) == [200, 200]


def test_arena_clicks_while_playing_keep_the_race_and_say_what_they_do():
    at = open_page("arena", pool=200, budget=60, seeds=3, speed="slow")
    at = ok(at.button(key="arena.run.play").click().run())
    assert at.session_state["arena.playing"] is True
    assert "playing: Step and Run 10 add steps on top" in page_text(at)
    before = arena_labels(at)[0]
    at = ok(at.button(key="arena.run.step").click().run())
    assert arena_labels(at)[0] >= before + 1 and at.session_state["arena.playing"] is True
    before = arena_labels(at)[0]
    at = ok(at.button(key="arena.run.run10").click().run())
    assert arena_labels(at)[0] >= before + 10 and at.session_state["arena.playing"] is True
    at.toggle(key="arena.scores").set_value(True).run()  # a display change keeps the race
    assert ok(at) and arena_labels(at)[0] >= before + 10
    at = ok(at.button(key="arena.run.reset").click().run())
    assert arena_labels(at)[0] <= 5  # the starting labels (plus at most one tick of Play)
    at = ok(at.button(key="arena.run.pause").click().run())
    assert at.session_state["arena.playing"] is False
    paused = arena_labels(at)
    at = ok(at.run())
    assert arena_labels(at) == paused  # paused means paused


def test_arena_plays_to_the_end_of_the_budget_and_stops():
    at = open_page("arena", pool=200, budget=12, batch=4, seeds=3, speed="fast")
    at = ok(at.button(key="arena.run.play").click().run())
    at = ok(at.button(key="arena.run.run10").click().run())
    assert arena_labels(at) == [12, 12]
    at = ok(at.run())
    assert at.session_state["arena.playing"] is False and "budget used" in page_text(at)


def test_batch_page_batch_larger_than_what_is_left_and_the_pool_used_up():
    at = open_page("batch", pool=200, init=10, batch=100, budget=20)
    at = ok(at.button(key="batch.label").click().run())
    loops = at.session_state["batch.race"].loops
    assert all(loop.n_labeled == 110 for loop in loops.values())
    assert "next batch: 90 points" in page_text(at)
    at = ok(at.button(key="batch.label").click().run())
    loops = at.session_state["batch.race"].loops
    assert all(loop.n_labeled == 200 and loop.n_unlabeled == 0 for loop in loops.values())
    assert "the pool is used up" in page_text(at) and at.button(key="batch.label").disabled
    at.slider(key="batch.batch").set_value(5).run()  # moving the slider on an empty pool is fine
    assert ok(at) and all(loop.n_labeled == 200 for loop in at.session_state["batch.race"].loops.values())


def test_batch_page_budget_larger_than_the_pool_is_clamped():
    at = open_page("batch", pool=200, budget=500)
    assert any("label budget" in w.value.lower() for w in at.warning)
    assert at.session_state["batch.budget"] <= 200



def test_one_class_in_the_labeled_set_is_explained(fake):
    # Cold start, random seed set of 3 labels: seed 6 draws all three from one class.
    at = open_page("failures", tab="cold_start", cseed_on=0, init=3, seed=6, seeds=3)
    races = at.session_state["failures.cold_start.races"]
    assert len(set(races["off"].loops["learner"].labels)) == 1
    assert "Only one class is labeled so far" in page_text(at)
    at = ok(at.button(key="failures.cold_start.run.step").click().run())
    assert races["off"].loops["learner"].n_labeled >= 3


def test_failure_lab_clicks_while_playing(fake):
    at = open_page("failures", tab="sampling_bias", seeds=3, speed="slow")
    at = ok(at.button(key="failures.sampling_bias.run.play").click().run())
    assert at.session_state["failures.sampling_bias.playing"] is True
    for action in ("step", "run10", "new_seed", "reset"):
        at = ok(at.button(key=f"failures.sampling_bias.run.{action}").click().run())
    at.toggle(key="failures.eps_on").set_value(False).run()
    ok(at)
    at = ok(at.button(key="failures.sampling_bias.run.pause").click().run())
    assert at.session_state["failures.sampling_bias.playing"] is False
