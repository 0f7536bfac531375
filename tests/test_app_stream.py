"""AppTest for the stream lab (/stream): every control moves and every button does what it says (Step is the
next arrival), the picture and counters follow the learners, a changed rule replays to the same arrival, the
verdict is the measurement's (three learners, the drift, the threshold's trade-off), presets carry what their
measurement showed, and the link reproduces what was seen.

Measurements run in a thread of the test process (``in_process_jobs``) over 3 short streams."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page, race
from test_app_arena import page_text, query, verdict_box

from alcore.stats import estimate
from ui import jobs
from ui.labs import stream as spec
from ui.params import defaults, encode, parse
from ui.verdicts import drift_verdict, stream_verdicts, tradeoff_sentence

pytestmark = pytest.mark.usefixtures("in_process_jobs")

SMALL = dict(pool=200, seeds=3, budget=20)
PARAMS = {param.name: param for param in spec.PARAMS}


def stream(**query_) -> AppTest:
    return ok(open_page("stream", **{**SMALL, **query_}))


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def click(at: AppTest, action: str) -> AppTest:
    return ok(at.button(key=f"stream.run.{action}").click().run())


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def slot(at: AppTest):
    return lab_state(at, "stream").slots[""]


def cards(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def alerts(node) -> list[str]:
    """The sentences (success, info and warning boxes) under a node, in page order."""
    found = []
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ in ("Success", "Info", "Warning"):
            found.append(child.value)
        found += alerts(child)
    return found


def pictures(at: AppTest) -> list[str]:
    return [image.proto.imgs[0].url for image in at.get("image")]


def values_of(at: AppTest) -> dict:
    return {name: parse(PARAMS[name], raw)[0] for name, raw in query(at).items()}


def test_the_page_opens_at_the_first_arrival_with_its_verdict():
    at = stream()
    assert status(at) == "Round 0 · 0 of 200 arrivals · press **Step** for the first arrival"
    assert cards(at)["Seen"] == "0" and cards(at)["Budget left"] == "20"
    box = verdict_box(at)
    assert any("random asking at the same moments" in text for text in alerts(box))
    assert race(at, "stream").rounds == 0


def test_step_is_the_next_arrival_for_every_learner():
    at = click(stream(), "step")
    learners = race(at, "stream")
    assert learners.rounds == 1 and all(len(t["labels"]) == 1 for t in learners.table.values())
    assert "the last one **asked**: a starting label" in status(at)  # the first arrivals are starting labels
    assert cards(at)["Seen"] == "1" and cards(at)["Asked"] == "1" and query(at)["n"] == "1"
    at = click(at, "run10")
    assert race(at, "stream").rounds == 11 and query(at)["n"] == "11"
    last = race(at, "stream").loops["stream"].history[-1]
    words = status(at)
    assert f"{last.score:.2f}" in words and ("**asked**" in words) == last.labeled


def test_play_pause_reset_and_new_seed():
    at = click(click(stream(), "run10"), "play")
    assert slot(at).playing and at.button(key="stream.run.pause")
    at = click(at, "pause")
    assert not slot(at).playing
    at = click(at, "reset")
    assert race(at, "stream").rounds == 0 and query(at)["seed"] == "0"
    at = click(at, "new_seed")
    assert race(at, "stream").rounds == 0 and query(at)["seed"] != "0"


def test_changing_the_rule_replays_the_stream_to_the_same_arrival():
    at = click(click(stream(), "run10"), "run10")
    before = race(at, "stream")
    at.slider(key="stream.threshold").set_value(0.9)
    at = ok(at.run())
    after = race(at, "stream")
    assert after is not before and after.rounds == 20 and after.loops["stream"].threshold == 0.9
    assert values_of(at)["threshold"] == 0.9
    for key, value in (("stream.budget", 30), ("stream.epsilon", 0.2)):
        at.slider(key=key).set_value(value)
        at = ok(at.run())
        assert race(at, "stream").rounds == 20
    assert race(at, "stream").loops["stream"].epsilon == 0.2 and race(at, "stream").loops["stream"].budget == 30


def test_the_asking_zone_shows_where_an_arrival_would_be_asked():
    at = click(stream(), "run10")
    plain = pictures(at)
    at.toggle(key="stream.zone").set_value(True)
    at = ok(at.run())
    zoned = pictures(at)
    assert zoned[0] != plain[0] and zoned[1] == plain[1]  # only the stream learner's panel changes
    assert "purple is where the stream learner would ask" in page_text(at)
    assert query(at)["zone"] == "1"


def test_every_sidebar_control_moves_without_error():
    at = stream()
    at.selectbox(key="stream.measure").set_value("entropy")
    at = ok(at.run())
    assert race(at, "stream").loops["stream"].measure == "entropy"
    at.selectbox(key="stream.model").set_value("knn")
    at = ok(at.run())
    at.selectbox(key="stream.ds").set_value("moons")
    at = ok(at.run())
    assert race(at, "stream").dataset.name == "moons" and values_of(at)["noise"] == 0.2
    for key, value in (("stream.noise", 0.3), ("stream.pool", 100), ("stream.init", 6), ("stream.seeds", 4)):
        at.slider(key=key).set_value(value)
        at = ok(at.run())
    assert race(at, "stream").dataset.n == 100 and race(at, "stream").loops["stream"].n_start == 6
    at.button_group(key="stream.speed").set_value("fast")
    at = ok(at.run())
    assert values_of(at)["speed"] == "fast"


def test_a_drifting_stream_turns_half_way_and_says_what_the_threshold_did():
    at = stream(pool=100)
    at.toggle(key="stream.drift").set_value(True)
    at = ok(at.run())
    at.slider(key="stream.angle").set_value(180)
    at = ok(at.run())
    learners = race(at, "stream")
    assert learners.dataset.drift_at == 50 and learners.dataset.angle == 180
    assert cards(at)["Drift"] == "in 50"
    for _ in range(6):
        at = click(at, "run10")
    assert cards(at)["Drift"] == "passed"
    assert any(text.startswith(("**Budget spent early.**", "**Too few questions", "Just before the drift"))
               for text in alerts(verdict_box(at)))


def test_the_stream_ends():
    at = stream(pool=100)
    for _ in range(10):
        at = click(at, "run10")
    assert race(at, "stream").finished and "**the stream is over**" in status(at)
    assert at.button(key="stream.run.step").disabled and at.button(key="stream.run.run10").disabled


def test_the_verdict_is_built_from_the_measurement():
    at = stream(drift=1)
    values = values_of(at)
    keys = spec.measurement(values)
    race_result, _ = jobs.request(keys["race"], start=False)
    sweep, _ = jobs.request(keys["sweep"], start=False)
    shown = alerts(verdict_box(at))
    final = {name: estimate(race_result[f"{name}.final"], 0.0, 1.0) for name in ("stream", "random", "pool")}
    expected = stream_verdicts(final, estimate(race_result["stream.spent"]), 20,
                               estimate(race_result["stream.final"] - race_result["random.final"]),
                               estimate(race_result["pool.final"] - race_result["stream.final"]), 3, True)
    expected.append(drift_verdict(estimate(race_result["drift.before"], 0.0, 1.0), final["stream"],
                                  estimate(race_result["drift.left"], 0.0), estimate(race_result["drift.asked"], 0.0),
                                  20))
    n = len(spec.THRESHOLDS)
    trade = tradeoff_sentence(spec.THRESHOLDS, [estimate(sweep["labels"][:, i], 0.0) for i in range(n)],
                              [estimate(sweep["accuracy"][:, i], 0.0, 1.0) for i in range(n)],
                              [estimate(sweep["accuracy"][:, i] - sweep["random"][:, i]) for i in range(n)])
    assert shown == [v.text for v in expected] + [trade]
    assert len(verdict_box(at).get("plotly_chart")) == 4  # three tabs of curves and the trade-off


def test_presets_set_their_values_and_say_what_their_measurement_showed():
    at = stream()
    for name, preset in spec.PRESETS.items():
        at = ok(at.button(key=f"stream.preset.{name}").click().run())
        values = values_of(at)
        for setting, value in {**defaults(spec.PARAMS), **preset.values}.items():
            if setting not in ("seed", "n", "seeds", "pool", "budget") or setting in preset.values:
                assert values[setting] == value, (name, setting)
    expander = next(e for e in at.expander if e.label == "What the presets show")
    words = " ".join(m.value for m in expander.markdown)
    assert "not stored yet" not in words and "Over 20 seeds the stream learner buys" in words


def test_a_link_reproduces_the_settings_and_the_arrival():
    link = dict(SMALL, ds="blobs", noise=0.8, threshold=0.7, epsilon=0.1, drift=1, angle=135, zone=1, n=37,
                measure="entropy", seed=5)
    at = stream(**link)
    learners = race(at, "stream")
    assert learners.rounds == 37 and learners.loops["stream"].threshold == 0.7
    assert learners.loops["stream"].measure == "entropy" and learners.dataset.angle == 135
    written = query(at)
    for name, value in link.items():
        assert written[name] == encode(PARAMS[name], parse(PARAMS[name], str(value))[0])
    again = stream(**written)
    assert np.array_equal(race(again, "stream").arrays()["stream"]["labels"], learners.arrays()["stream"]["labels"])
