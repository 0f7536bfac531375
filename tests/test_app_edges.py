"""The edges of every lab (Arena, Batch, failure lab): the pool used up, a budget above the pool, a batch
larger than what is left, one class labeled, clicks while Play runs, and settings, steps or measurements
the engine refuses. Each gives a clear message, never an exception, and loses no state."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, measuring, open_page, race
from test_app_batch import page_text, query, use_stand_in
from test_app_failures import stand_in_failures  # noqa: F401  (a fixture)

from alcore.failures import FAILURES
from alcore.loop import Race
from ui.labs import arena as arena_spec
from ui.labs import batch as batch_spec
from ui.labs import failures as failures_spec

pytestmark = pytest.mark.usefixtures("in_process_jobs")

ARENA = dict(pool=200, seeds=3)
BATCH = dict(pool=200, seeds=5, budget=40)


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    return no_exception(at.button(key=key).click().run())


def labels_each(at: AppTest, lab: str, variant: str = "") -> list[int]:
    return [loop.n_labeled for loop in race(at, lab, variant).loops.values()]


def playing(at: AppTest, lab: str, variant: str = "") -> bool:
    return lab_state(at, lab).slots[variant].playing


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# -- the pool used up, a budget above the pool, a batch larger than what is left ------------------------------

def test_arena_uses_up_the_pool_with_a_batch_larger_than_what_is_left():
    at = no_exception(open_page("arena", **ARENA, budget=200, batch=20, init=4))
    at = click(at, "arena.run.run10")  # 4 + 9 x 20 = 184, then the 16 that are left
    assert labels_each(at, "arena") == [200, 200]
    assert all(loop.n_unlabeled == 0 for loop in race(at, "arena").loops.values())
    assert [r.queried.size for r in race(at, "arena").loops["A: Margin"].history[-2:]] == [20, 16]
    assert "every pool point is labeled" in page_text(at)
    assert all(at.button(key=f"arena.run.{a}").disabled for a in ("step", "run10", "play"))
    at = click(at, "arena.run.reset")  # and back to the start
    assert labels_each(at, "arena") == [4, 4] and not at.button(key="arena.run.step").disabled


def test_arena_budget_above_the_pool_is_clamped_with_a_note_and_reached():
    at = no_exception(open_page("arena", **ARENA, budget=300, batch=20))
    assert any("budget" in w.value.lower() and "300" in w.value and "200" in w.value for w in at.warning)
    assert at.session_state["arena.budget"] == 200 and query(at)["budget"] == "200"
    at = click(at, "arena.run.run10")
    assert labels_each(at, "arena") == [200, 200]


def test_batch_page_batch_larger_than_what_is_left_and_the_pool_used_up():
    at = no_exception(open_page("batch", **BATCH, init=10, batch=100))
    at = click(at, "batch.run.step")
    assert labels_each(at, "batch") == [110] * 3
    assert "next batch: 90 points" in page_text(at)
    at = click(at, "batch.run.step")
    assert labels_each(at, "batch") == [200] * 3
    assert all(loop.n_unlabeled == 0 for loop in race(at, "batch").loops.values())
    assert "pool is used up" in page_text(at) and at.button(key="batch.run.step").disabled
    for key, value in (("batch.batch", 5), ("batch.alpha", 0.2)):  # moving a slider on an empty pool is fine
        at.slider(key=key).set_value(value).run()
        assert labels_each(no_exception(at), "batch") == [200] * 3
    at = click(at, "batch.run.reset")
    assert labels_each(at, "batch") == [10] * 3


def test_batch_page_budget_above_the_pool_is_clamped_with_a_note():
    at = open_page("batch", pool=200, seeds=5, budget=500)
    assert any("budget" in w.value.lower() for w in at.warning)
    assert at.session_state["batch.budget"] <= 200


def test_the_failure_lab_stops_at_its_last_query():
    mode = FAILURES["cold_start"]
    at = no_exception(open_page("failures", tab="cold_start"))
    for _ in range(2):
        at = click(at, "failures.cold_start.run.run10")
    assert labels_each(at, "failures", "cold_start") == [mode.budget] * 2
    assert "all queries made" in page_text(at)
    assert all(at.button(key=f"failures.cold_start.run.{a}").disabled for a in ("step", "run10", "play"))


# -- one class labeled -----------------------------------------------------------------------------------------

def test_one_class_in_the_labeled_set_is_explained(stand_in_failures):
    # Cold start, a random seed set of 3 labels: seed 6 draws all three from one class.
    at = no_exception(open_page("failures", tab="cold_start", cseed_on=0, init=3, seed=6, seeds=3))
    learner = race(at, "failures", "cold_start").loops["off"]
    assert len(set(learner.labels)) == 1
    assert learner.note  # the engine explains it ...
    assert [i.value for i in at.info if i.value == learner.note] == [learner.note]  # ... once, for both learners
    at = click(at, "failures.cold_start.run.step")
    assert labels_each(at, "failures", "cold_start") == [4, 4]


# -- clicks while Play runs --------------------------------------------------------------------------------------

def test_arena_clicks_while_playing_keep_the_race():
    at = no_exception(open_page("arena", **ARENA, budget=60, speed="slow"))
    at = click(at, "arena.run.play")
    assert playing(at, "arena") and "playing" in status(at)
    before = labels_each(at, "arena")[0]
    at = click(at, "arena.run.step")
    assert labels_each(at, "arena")[0] >= before + 1 and playing(at, "arena")
    before = labels_each(at, "arena")[0]
    at = click(at, "arena.run.run10")
    assert labels_each(at, "arena")[0] >= before + 10 and playing(at, "arena")
    learners = race(at, "arena")
    at.toggle(key="arena.scores").set_value(True).run()  # a display change keeps the race
    assert race(no_exception(at), "arena") is learners and labels_each(at, "arena")[0] >= before + 10
    at = click(at, "arena.run.reset")
    assert labels_each(at, "arena")[0] <= 5  # the starting labels (plus at most one tick of Play)
    at = click(at, "arena.run.pause")
    assert not playing(at, "arena")
    paused = labels_each(at, "arena")
    assert labels_each(no_exception(at.run()), "arena") == paused  # paused means paused


def test_arena_plays_to_the_end_of_the_budget_and_stops():
    at = no_exception(open_page("arena", **ARENA, budget=12, batch=4, speed="fast"))
    at = click(click(at, "arena.run.play"), "arena.run.run10")
    assert labels_each(at, "arena") == [12, 12]
    at = no_exception(at.run())
    assert not playing(at, "arena") and "budget used" in status(at)
    assert at.button(key="arena.run.play").disabled


def test_batch_page_clicks_while_playing_and_play_stops_when_the_pool_is_used_up():
    at = no_exception(open_page("batch", **BATCH, batch=30))
    at = click(at, "batch.run.play")
    assert playing(at, "batch") and race(at, "batch").rounds == 1  # its first tick
    at = click(at, "batch.run.step")
    assert race(at, "batch").rounds >= 2 and playing(at, "batch")
    learners = race(at, "batch")
    at.slider(key="batch.alpha").set_value(0.8).run()  # batch size and alpha keep the learners
    assert race(no_exception(at), "batch") is learners and playing(at, "batch")
    at = click(at, "batch.run.reset")
    assert race(at, "batch").rounds <= 1 and playing(at, "batch")
    at.slider(key="batch.batch").set_value(100).run()
    at = click(no_exception(at), "batch.run.run10")
    assert labels_each(at, "batch") == [200] * 3
    at = no_exception(at.run())
    assert not playing(at, "batch") and "pool is used up" in status(at)


def test_failure_lab_clicks_while_playing():
    at = no_exception(open_page("failures", tab="sampling_bias", speed="slow"))
    at = click(at, "failures.sampling_bias.run.play")
    assert playing(at, "failures", "sampling_bias")
    for action in ("step", "run10", "new_seed", "reset"):
        at = click(at, f"failures.sampling_bias.run.{action}")
        assert playing(at, "failures", "sampling_bias"), action
    at.toggle(key="failures.eps_on").set_value(False).run()  # a switch replays to the same round, still playing
    rounds = race(no_exception(at), "failures", "sampling_bias").rounds
    assert playing(at, "failures", "sampling_bias") and rounds <= 2
    at = click(at, "failures.sampling_bias.run.pause")
    assert not playing(at, "failures", "sampling_bias")
    at = click(at, "failures.sampling_bias.run.play")
    while not at.button(key="failures.sampling_bias.run.run10").disabled:  # to the last query, still playing
        at = click(at, "failures.sampling_bias.run.run10")
    at = no_exception(at.run())
    assert race(at, "failures", "sampling_bias").finished and not playing(at, "failures", "sampling_bias")


# -- what the engine refuses -------------------------------------------------------------------------------------

REFUSED = {  # a lab, how to open it, and settings the engine refuses (the widgets never offer them)
    "arena": (arena_spec, dict(ARENA, budget=20), {"a": "bald"}),               # BALD with logistic regression
    "batch": (batch_spec, BATCH, {"acq": "bald"}),
    "failures": (failures_spec, dict(tab="sampling_bias"), {"eps": 0.9}),    # epsilon above 0.5
}


@pytest.mark.parametrize("lab", REFUSED)
def test_settings_the_engine_refuses_are_said_and_the_page_recovers(monkeypatch, lab):
    spec, link, refused = REFUSED[lab]
    build = spec.build
    monkeypatch.setattr(spec, "build", lambda values, seed: build({**values, **refused}, seed))
    at = no_exception(open_page(lab, wait=False, **link))
    with pytest.raises(ValueError) as refusal:  # the engine's own words
        spec.build({param.name: at.session_state[f"{lab}.{param.name}"] for param in spec.PARAMS}, 0)
    assert errors(at) == [f"These settings do not work together: {refusal.value}"]
    assert at.button_group(key=f"{lab}.speed")  # the sidebar is drawn; the learners' part is not
    assert not [b for b in at.button if ".run." in b.key]
    monkeypatch.undo()
    at = no_exception(at.run())
    assert not errors(at) and race(at, lab, link.get("tab", "")) is not None


def test_a_step_the_engine_refuses_is_said_and_stops_play(monkeypatch):
    at = no_exception(open_page("arena", **ARENA, budget=20))

    def refuse(self, k=None):
        raise ValueError("this step is refused")

    monkeypatch.setattr(Race, "step", refuse)
    at = click(at, "arena.run.play")
    assert len(errors(at)) == 1 and "this step is refused" in errors(at)[0]
    assert not playing(at, "arena") and labels_each(at, "arena") == [4, 4]
    monkeypatch.undo()
    at = click(at, "arena.run.step")
    assert not errors(at) and labels_each(at, "arena") == [5, 5]


def _refused_seed(args, seed):
    raise ValueError("these seeds are refused")


def _crashed_seed(args, seed):
    raise RuntimeError("a worker crashed")


@pytest.mark.parametrize("one_seed, message", [
    (_refused_seed, "The measurement could not run: these seeds are refused"),
    (_crashed_seed, "The measurement failed (RuntimeError); try again later."),
])
def test_a_measurement_that_fails_is_said_not_queued_forever(monkeypatch, tmp_path, one_seed, message):
    use_stand_in(monkeypatch, tmp_path, "race", one_seed)
    at = no_exception(open_page("arena", **ARENA, budget=20, wait=False))
    deadline = time.monotonic() + 3
    while not errors(at) and time.monotonic() < deadline:  # a browser looks again twice a second
        time.sleep(0.2)
        at = no_exception(at.run())
    assert errors(at) == [message] and not measuring(at)


SETTING_WIDGETS = ("slider", "selectbox", "toggle", "button_group")


@pytest.mark.parametrize("page", ["arena", "batch", "failures", "oracle", "stream", "synthesis", "zoo"])
def test_every_full_run_sends_each_setting_with_its_value(page):
    """A browser that lost its widget values (a reconnect that missed the first run's drawing) draws what
    the server sends. Were a setting sent without its value, the browser would show the widget's default
    (a slider's minimum) and send that back with the next click: every setting came back at its minimum
    once, on a loaded server. So every full run, not only the first, sends each setting with its value."""
    at = open_page(page)
    at.run()  # a later full run of the same session
    assert not at.exception, [e.value for e in at.exception]
    settings = [widget for kind in SETTING_WIDGETS for widget in at.get(kind)
                if (widget.key or "").startswith(f"{page}.")]
    assert len(settings) >= 2, [widget.key for widget in settings]
    assert [w.key for w in settings if not w.proto.set_value] == []
