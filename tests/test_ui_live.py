"""ui.live, the machinery under every lab, on a stand-in lab (tests/pages/fake_lab.py): the settings guard,
the run buttons' semantics, the link's round, the slot's memo and data, and the measurement behind the
verdict (stored, running, queued, started from a button, failed), drawn in the container keyed "verdict".

Measurements run in a thread of this process (the in_process_jobs fixture) with a stand-in kind whose
seeds return their number, wait for a gate, or raise."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, measuring, settle
from pages import fake_lab
from test_app_arena import query, verdict_box
from ui import live, measure
from ui.params import literal, parse

PAGE = Path(__file__).resolve().parent / "pages" / "fake_lab.py"
GATE = threading.Event()
RESULT = "Stand-in result: [0, 1, 2]"


def _stand_in_seed(args, seed):
    mode, _ = args
    if mode == "raise":
        raise ValueError("the stand-in measurement refuses")
    if mode == "crash":
        raise RuntimeError("a worker died")
    if mode == "slow":
        GATE.wait(30)
    return seed


@pytest.fixture
def stand_in(monkeypatch, in_process_jobs, tmp_path):
    """The stand-in kind on a thread scheduler, with an empty disk cache; yields the scheduler."""
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    monkeypatch.setitem(measure.KINDS, fake_lab.KIND, measure.Kind(
        fake_lab.KIND, _stand_in_seed, lambda args, runs: np.array(runs), lambda args: args[1], lambda args: 1.0))
    GATE.clear()
    yield in_process_jobs
    GATE.set()


def open_lab(*, wait: bool = True, **link) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    for key, value in link.items():
        at.query_params[key] = str(value)
    return ok(at.run(), wait=wait)


def ok(at: AppTest, *, wait: bool = True) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return settle(at) if wait else at


def slot(at: AppTest):
    return lab_state(at, fake_lab.NAME).slots[""]


def click(at: AppTest, action: str) -> AppTest:
    return ok(at.button(key=f"fake.run.{action}").click().run())


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def status(at: AppTest) -> str:
    return next(text for text in texts(at) if text.startswith("Round "))


def test_the_lab_builds_its_learners_and_shows_the_measured_verdict_in_its_container(stand_in):
    at = open_lab()
    assert [loop.n_labeled for loop in slot(at).race.loops.values()] == [fake_lab.SEED_SIZE] * 2
    assert status(at) == f"Round 0 · {fake_lab.SEED_SIZE} labels each"
    assert [m.value for m in verdict_box(at).markdown].count(RESULT) == 1 and texts(at).count(RESULT) == 1
    written = query(at)  # every setting goes to the URL
    assert written == {"a": "margin", "fail": "none", "measure": "quick", "speed": "normal", "seed": "0", "n": "0"}


def test_settings_that_do_not_work_together_are_explained_not_raised(stand_in):
    at = open_lab(fail="build")
    assert [e.value for e in at.error] == ["These settings do not work together: the stand-in refuses these settings"]
    assert not [b for b in at.button if ".run." in (b.key or "")] and slot(at).race is None
    at.selectbox(key="fake.fail").set_value("none").run()
    at = ok(at)
    assert not at.error and slot(at).race is not None
    assert at.button(key="fake.run.step").label == "Step" and RESULT in [m.value for m in verdict_box(at).markdown]


def test_a_step_the_learners_cannot_take_is_explained_and_stops_play(stand_in):
    at = click(open_lab(fail="step"), "step")
    assert [e.value for e in at.error] == ["The learners could not take that step: the stand-in cannot step"]
    assert slot(at).race.rounds == 0
    at = click(at, "play")  # Play's first tick fails the same way: Play stops
    assert slot(at).playing is False and at.button(key="fake.run.play").label == "Play"
    assert "could not take that step" in " ".join(e.value for e in at.error)


def test_replay_rebuilds_at_the_same_round(stand_in):
    at = open_lab()
    for _ in range(3):
        at = click(at, "step")
    old = slot(at).race
    at.selectbox(key="fake.a").set_value("entropy").run()
    at = ok(at)
    race = slot(at).race
    assert race is not old and race.rounds == 3 and query(at)["n"] == "3"
    assert race.loops["A"].config.strategy == "entropy" and race.loops["A"].n_labeled == fake_lab.SEED_SIZE + 3
    assert "Memo of round 3; built at round 3." in texts(at)  # the new learners' own data


def test_the_links_round_applies_to_the_first_build_only(stand_in):
    at = open_lab(n=4)
    assert slot(at).race.rounds == 4 and [loop.n_labeled for loop in slot(at).race.loops.values()] == [8, 8]
    at = click(at, "reset")
    assert slot(at).race.rounds == 0 and query(at)["n"] == "0"
    at.selectbox(key="fake.a").set_value("entropy").run()  # a rebuild later replays this round, not the link's
    assert slot(ok(at)).race.rounds == 0


def test_a_links_round_beyond_the_budget_stops_at_the_budget(stand_in):
    at = open_lab(n=40)
    rounds = fake_lab.BUDGET - fake_lab.SEED_SIZE
    assert slot(at).race.finished and slot(at).race.rounds == rounds and query(at)["n"] == str(rounds)
    assert at.button(key="fake.run.step").disabled and at.button(key="fake.run.play").disabled


def test_reset_keeps_the_seed_and_new_seed_draws_another(stand_in):
    at = click(click(open_lab(seed=5), "step"), "step")
    picked = {name: loop.labeled_indices.copy() for name, loop in slot(at).race.loops.items()}
    old, revision = slot(at).race, slot(at).revision
    at = click(at, "reset")
    assert slot(at).race is not old and slot(at).revision > revision
    assert slot(at).race.rounds == 0 and query(at)["seed"] == "5" and query(at)["n"] == "0"
    assert "Memo of round 0; built at round 0." in texts(at)
    at = click(click(at, "step"), "step")
    for name, loop in slot(at).race.loops.items():  # the same seed: the same race, pick for pick
        assert np.array_equal(loop.labeled_indices, picked[name])
    at = click(at, "new_seed")
    assert query(at)["seed"] != "5" and slot(at).race.rounds == 0 and query(at)["n"] == "0"


def test_the_memo_lives_for_one_round_and_the_data_until_a_rebuild(stand_in):
    at = click(open_lab(), "step")
    assert "Memo of round 1; built at round 0." in texts(at)
    at = click(at, "run10")
    assert slot(at).race.rounds == 11 and "Memo of round 11; built at round 0." in texts(at)
    assert slot(at).memo == {"round": 11}


def test_play_steps_at_its_first_tick_and_stops_when_the_learners_are_finished(stand_in):
    at = open_lab(n=fake_lab.BUDGET - fake_lab.SEED_SIZE - 2)
    at = click(at, "play")
    assert slot(at).playing is True and at.button(key="fake.run.pause").label == "Pause"
    assert status(at).endswith(" · playing") and slot(at).race.rounds == fake_lab.BUDGET - fake_lab.SEED_SIZE - 1
    at = click(at, "step")  # the last label: Play stops by itself
    assert slot(at).race.finished and slot(at).playing is False and at.button(key="fake.run.play").disabled


def rerun_until(at: AppTest, shown, tries: int = 15) -> AppTest:
    """Rerun (as the page's poll does) until ``shown(at)`` or ``tries`` runs; a page that never shows it fails."""
    for _ in range(tries):
        if shown(at):
            break
        time.sleep(0.2)
        at = ok(at.run(), wait=False)
    return at


def verdict_errors(at: AppTest) -> list[str]:
    return [e.value for e in verdict_box(at).error]


def test_a_measurement_that_raises_says_it_could_not_run(stand_in):
    at = rerun_until(open_lab(wait=False, measure="raise"), verdict_errors)
    assert verdict_errors(at) == ["The measurement could not run: the stand-in measurement refuses"]
    assert slot(click(at, "step")).race.rounds == 1  # the learners still step


def test_a_measurement_that_crashes_says_it_failed(stand_in):
    at = rerun_until(open_lab(wait=False, measure="crash"), verdict_errors)
    assert verdict_errors(at) == ["The measurement failed (RuntimeError); try again later."]


def test_the_verdict_follows_a_change_of_the_measured_setting(stand_in):
    at = open_lab()
    assert RESULT in [m.value for m in verdict_box(at).markdown]
    at.selectbox(key="fake.measure").set_value("slow").run()
    at = ok(at, wait=False)
    assert measuring(at) and RESULT not in texts(at)  # the new setting's measurement, not the old verdict
    GATE.set()
    assert RESULT in [m.value for m in verdict_box(settle(at)).markdown]


def test_a_running_measurement_shows_its_progress_while_the_learners_step(stand_in):
    at = open_lab(wait=False, measure="slow")
    bars = [bar.proto.text for bar in verdict_box(at).get("progress")]
    assert len(bars) == 1 and bars[0].startswith("Measuring in the background... 0% (")
    at = ok(at.button(key="fake.run.step").click().run(), wait=False)
    assert slot(at).race.rounds == 1 and measuring(at)
    GATE.set()
    at = settle(at)
    assert RESULT in [m.value for m in verdict_box(at).markdown] and slot(at).race.rounds == 1


def test_a_queued_measurement_says_how_many_run_first(stand_in):
    _, other = stand_in.request((fake_lab.KIND, ("slow", 2)))  # another visitor's job takes both workers
    deadline = time.monotonic() + 10
    while len(other.running) < 2:
        assert time.monotonic() < deadline, "the other job did not start"
        time.sleep(0.02)
    at = open_lab(wait=False, measure="slow")
    bars = [bar.proto.text for bar in verdict_box(at).get("progress")]
    assert len(bars) == 1 and bars[0].startswith("Queued: 1 measurement for other visitors run first; about ")
    GATE.set()
    assert RESULT in [m.value for m in verdict_box(settle(at)).markdown]


def test_an_expensive_measurement_starts_only_from_its_button(stand_in, monkeypatch):
    monkeypatch.setattr(live, "EXPENSIVE_SECONDS", 1.0)  # the stand-in's estimate: 1 s a seed, 3 seeds
    at = open_lab()
    key = fake_lab.measurement({"measure": "quick"})["m"]
    assert stand_in.request(key, start=False) == (None, None)  # nothing started
    button = at.button(key="fake..measure")
    assert button.label == "Run it (about 3 s on this server)" and not measuring(at)
    assert RESULT not in texts(at)
    at = ok(button.click().run())
    assert RESULT in [m.value for m in verdict_box(at).markdown]


def test_adjusted_link_values_are_noted_with_the_visitors_text_as_a_literal_until_a_setting_changes(stand_in):
    raw = "[x](http://example.com)"
    at = open_lab(a=raw)
    _, note = parse(next(p for p in fake_lab.PARAMS if p.name == "a"), raw)
    assert literal(raw) in note
    assert [w.value for w in at.warning] == ["Some values in the link were adjusted:  \n- " + note]
    at.selectbox(key="fake.a").set_value("entropy").run()
    assert not ok(at).warning
