"""AppTest for the app shell and the Arena: every page loads; every Arena control moves and every button does
what it says; presets set their values and their sentence is what the lab store measured; the verdict is
the measurement's; the URL round-trips, with adjusted link values noted in the words people see and the
visitor's text shown literally; BALD only with a model that can sample; no arrow on a tie, no "-0.0"."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, measuring, open_page, race, settle

from alcore.registry import DATASETS, MODELS, STRATEGIES
from alcore.stats import summarize_race
from ui import jobs, measure
from ui.labs import arena as spec
from ui.params import defaults, encode, literal, parse
from ui.verdicts import race_summary_sentence, race_verdict

# Small and quick: the multi-seed view runs 3 seeds to 12 labels on a 200-point pool.
SMALL = dict(pool=200, seeds=3, budget=12, init=4)
PARAMS = {param.name: param for param in spec.PARAMS}
NOTES = "Some values in the link were adjusted:  \n"
MINUS_ZERO = re.compile(r"(?<![\w.])-0(?:\.0+)?(?![\d.])")


def arena(**query) -> AppTest:
    return open_page("arena", **{**SMALL, **query})


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def slot(at: AppTest):
    return lab_state(at, "arena").slots[""]


def labels_each(at: AppTest) -> list[int]:
    return [loop.n_labeled for loop in race(at).loops.values()]


def click(at: AppTest, action: str) -> AppTest:
    return at.button(key=f"arena.run.{action}").click().run()


def query(at: AppTest) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def subtitles(at: AppTest) -> dict:
    """Each learner panel's subtitle, by learner."""
    found = {}
    for m in at.main.markdown:
        title, _, subtitle = m.value.partition("  \n")
        if title.strip("*") in race(at).loops:
            found[title.strip("*")] = subtitle
    return found


def page_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [element.value for element in at.get(kind)]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    return "\n".join(parts)


def verdict_box(at: AppTest):
    """The container created with key="verdict" (its block's id ends in the key)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if type(child).__name__ == "Block" and child.proto.id.endswith("-verdict"):
                found.append(child)
            walk(child)

    walk(at.main)
    assert len(found) == 1
    return found[0]


def measured(values: dict):
    """The race over seeds the page measured for these settings (from the scheduler, as the page got it)."""
    result, _ = jobs.request(spec.measurement(values)["race"], start=False)
    assert result is not None, "the page's measurement is not known"
    return result


def values_of(at: AppTest) -> dict:
    return {name: parse(PARAMS[name], raw)[0] for name, raw in query(at).items()}


def notes(at: AppTest) -> list[str]:
    """The notes on adjusted values (warnings with the link icon; a verdict may be a warning too)."""
    return [w.value for w in at.warning if w.icon == ":material/link:"]


def outside_code(markdown: str) -> str:
    """Markdown without its code spans (what markdown would interpret)."""
    return re.sub(r"(`+) .*? \1", "", markdown)


# -- the app ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page, words", [("home", "Active learning"), ("batch", "batches"),
                                         ("failures", "four classic ways")])
def test_every_page_loads(page, words):
    at = ok(open_page(page, **({"tab": "cold_start", "seeds": 3} if page == "failures" else {})))
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert words in text


# -- the Arena: loading, stepping, the run buttons ------------------------------------------------------------

def test_arena_loads_with_two_learners_and_the_multi_seed_view():
    at = ok(arena())
    assert list(race(at).loops) == ["A: Margin", "B: Random"] and labels_each(at) == [4, 4]
    assert status(at) == "Round 0 · 4 labels each (budget 12)" and query(at)["n"] == "0"
    assert len(at.get("image")) == 2 and len(subtitles(at)) == 2  # one picture per learner
    box = verdict_box(at)
    assert box.subheader[0].value == "Over 3 seeds"
    labels = [m.label for m in box.metric]
    assert labels == ["A: Margin: labels to reach 85%", "B: Random: labels to reach 85%", "Labels A saves over B"]
    assert len(box.get("plotly_chart")) == 1 and len(at.get("plotly_chart")) == 2  # this race's curves, the bands
    assert not measuring(at)


def test_the_verdict_is_what_the_measurement_says():
    at = ok(arena())
    values = values_of(at)
    labels, accuracy = measured(values)
    first, second = spec.names(values)
    summary = summarize_race(labels, accuracy, 0.85, first, second)
    verdict = race_verdict(summary, 0.85, "random sampling")
    box = verdict_box(at)
    assert [e.value for e in box.get(verdict.kind)] == [verdict.text]
    cards = {m.label: (m.value, m.proto.delta) for m in box.metric}
    assert cards[f"{first}: labels to reach 85%"] == (summary.needed[first].format(1),
                                                       f"reached in {summary.reached[first]} of 3 seeds")
    assert cards["Labels A saves over B"] == (summary.saving.format(0, 100, "%"),
                                              f"over {summary.saving.n} seeds where both reached it")


def test_step_adds_one_label_to_each_learner_and_the_round_to_the_url():
    at = arena(budget=30)
    for _ in range(5):
        at = ok(click(at, "step"))
    assert labels_each(at) == [9, 9] and query(at)["n"] == "5" and race(at).rounds == 5
    assert status(at).startswith("Round 5 · 9 labels each")
    history = [loop.history for loop in race(at).loops.values()]
    assert all(len(h) == 6 and all(r.queried.size == 1 for r in h[1:]) for h in history)


def test_run_10_and_the_end_of_the_budget():
    at = ok(click(arena(budget=20), "run10"))
    assert labels_each(at) == [14, 14] and query(at)["n"] == "10"
    at = ok(click(at, "run10"))  # only 6 rounds are left
    assert labels_each(at) == [20, 20] and query(at)["n"] == "16" and race(at).finished
    assert all(at.button(key=f"arena.run.{a}").disabled for a in ("step", "run10", "play"))
    assert not any(at.button(key=f"arena.run.{a}").disabled for a in ("reset", "new_seed"))
    assert "**budget used**" in status(at)
    at.slider(key="arena.budget").set_value(25).run()  # a larger budget goes on from here: no rebuild
    assert not ok(at).button(key="arena.run.step").disabled and labels_each(at) == [20, 20]
    assert labels_each(ok(click(at, "step"))) == [21, 21]


def test_the_pool_used_up():
    at = ok(click(arena(budget=200, batch=20), "run10"))
    assert labels_each(at) == [200, 200] and all(loop.n_unlabeled == 0 for loop in race(at).loops.values())
    assert "**every pool point is labeled**" in status(at)
    assert at.button(key="arena.run.step").disabled


def test_batch_size_steps_by_batches():
    at = ok(click(arena(batch=3, budget=20), "step"))
    assert labels_each(at) == [7, 7]


def test_reset_keeps_the_seed_and_new_seed_changes_it():
    at = ok(click(arena(seed=7, budget=30), "run10"))
    first_pick = race(at).loops["A: Margin"].labeled_indices.copy()
    at = ok(click(at, "reset"))
    assert labels_each(at) == [4, 4] and query(at)["seed"] == "7" and query(at)["n"] == "0"
    at = ok(click(at, "run10"))
    assert np.array_equal(race(at).loops["A: Margin"].labeled_indices, first_pick)  # same seed, same race
    at = ok(click(at, "new_seed"))
    assert labels_each(at) == [4, 4] and query(at)["seed"] != "7" and query(at)["n"] == "0"
    assert race(at).seed == int(query(at)["seed"])


def test_play_and_pause():
    at = ok(click(arena(budget=30), "play"))
    assert slot(at).playing is True and at.button(key="arena.run.pause").label == "Pause"
    assert status(at).endswith(" · playing") and labels_each(at) == [5, 5]  # Play's first tick is at once
    at = ok(click(at, "pause"))
    assert slot(at).playing is False and at.button(key="arena.run.play").label == "Play"
    assert not status(at).endswith(" · playing")


def test_a_settings_change_starts_the_learners_again_and_the_budget_does_not():
    at = ok(arena(n=3, budget=30))
    assert race(at).rounds == 3 and labels_each(at) == [7, 7]
    at.slider(key="arena.budget").set_value(25).run()
    assert ok(at) and race(at).rounds == 3
    at.selectbox(key="arena.b").set_value("entropy").run()
    assert ok(at) and race(at).rounds == 0 and query(at)["n"] == "0" and list(race(at).loops)[1] == "B: Entropy"


# -- the score map -------------------------------------------------------------------------------------------

def test_the_score_map_says_where_it_will_ask_and_what_picked_the_ring():
    at = arena()
    at.toggle(key="arena.scores").set_value(True).run()
    shown = subtitles(ok(at))
    assert shown["A: Margin"].endswith(" · where it will ask next")
    assert shown["B: Random"].endswith(" · random: no preference, every point equally likely")
    assert any(c.value.startswith("Dark purple is where the strategy most wants a label") for c in at.caption)
    assert query(at)["scores"] == "1"
    shown = subtitles(ok(click(at, "step")))
    assert shown["A: Margin"].endswith(" · scores that picked the ringed point")
    at.toggle(key="arena.scores").set_value(False).run()
    assert all(" · " not in subtitle for subtitle in subtitles(ok(at)).values())
    assert any(c.value.startswith("The colour is the class the model predicts") for c in at.caption)


def test_the_score_map_that_picked_the_ring_is_from_the_last_pick():
    at = arena()
    at.toggle(key="arena.scores").set_value(True).run()
    at = ok(click(at, "step"))
    at.toggle(key="arena.scores").set_value(False).run()
    at = ok(click(ok(at), "step"))  # the ringed point is now picked with the map off
    at.toggle(key="arena.scores").set_value(True).run()
    if subtitles(ok(at))["A: Margin"].endswith(" · scores that picked the ringed point"):
        again = spec.build(values_of(at), 0)  # the same race, one round in: what chose round 2's point
        again.step()
        grid = slot(at).data["grid"]
        chosen_by = again.loops["A: Margin"].scores(grid).reshape(slot(at).data["pick_scores"]["A: Margin"].shape)
        assert np.allclose(slot(at).data["pick_scores"]["A: Margin"], chosen_by)


def test_show_acquisition_scores_for_every_strategy():
    at = arena()
    at.toggle(key="arena.scores").set_value(True).run()
    for name in STRATEGIES:  # read from the registry: new strategies are covered too
        model = "laplace_logreg" if STRATEGIES[name].needs_samples else "logreg"
        at.selectbox(key="arena.model").set_value(model).run()
        at.selectbox(key="arena.a").set_value(name).run()
        at = ok(click(at, "step"))
        learner = f"A: {STRATEGIES[name].label}"
        assert race(at).loops[learner].n_labeled == 5, name
        words = "random: no preference" if STRATEGIES[name].is_random else "scores that picked the ringed point"
        assert words in subtitles(at)[learner], name


# -- BALD needs a model that can sample its posterior ----------------------------------------------------------

def strategy_labels(at: AppTest, side: str) -> list[str]:
    return list(at.selectbox(key=f"arena.{side}").options)


def test_bald_is_offered_only_with_a_model_that_can_sample_its_posterior():
    at = arena()
    for name, model in MODELS.items():
        at.selectbox(key="arena.model").set_value(name).run()
        for side in ("a", "b"):
            assert ("BALD" in strategy_labels(ok(at), side)) is model.samples_posterior, (name, side)
    assert {name for name, model in MODELS.items() if model.samples_posterior} == {"laplace_logreg", "mc_dropout"}


def test_a_link_asking_bald_of_logistic_regression_falls_back_to_margin_with_a_note():
    at = ok(arena(model="logreg", a="bald"))
    assert query(at)["a"] == "margin" and list(race(at).loops) == ["A: Margin", "B: Random"]
    assert notes(at) == [
        NOTES + "- BALD needs a model that can sample its posterior (Neural net (MC dropout) or Bayesian logistic "
        "regression); Learner A uses Margin with Logistic regression."]
    assert len(at.get("image")) == 2 and "Labels A saves over B" in [m.label for m in verdict_box(at).metric]
    assert labels_each(ok(click(at, "step"))) == [5, 5]


def test_bald_with_bayesian_logistic_regression_races():
    at = ok(arena(model="laplace_logreg", a="bald"))
    assert not notes(at) and list(race(at).loops) == ["A: BALD", "B: Random"]
    assert labels_each(ok(click(at, "step"))) == [5, 5]
    at.selectbox(key="arena.model").set_value("logreg").run()  # the model changes under BALD: a note, no error
    assert ok(at) and query(at)["a"] == "margin" and list(race(at).loops)[0] == "A: Margin"
    assert "BALD needs a model that can sample its posterior" in " ".join(notes(at))


# -- every control -----------------------------------------------------------------------------------------

def test_every_model():
    at = arena(budget=10)
    for name in MODELS:
        at.selectbox(key="arena.model").set_value(name).run()
        at = ok(click(ok(at), "step"))
        assert query(at)["model"] == name and labels_each(at) == [5, 5], name
        assert all(loop.config.model == name for loop in race(at).loops.values())


def test_every_data_control_and_run_setting():
    at = arena()
    for dataset in ("moons", "xor", "multiblobs", "blobs"):
        at.selectbox(key="arena.ds").set_value(dataset).run()
        ok(at)
        assert query(at)["ds"] == dataset and race(at).dataset.name == dataset
        assert float(query(at)["noise"]) == pytest.approx(DATASETS[dataset].default_noise)  # its own default
        assert at.slider(key="arena.noise").max == pytest.approx(DATASETS[dataset].noise_range[1])
    assert "arena.classes" not in [s.key for s in at.slider]  # blobs has no classes
    at.selectbox(key="arena.ds").set_value("multiblobs").run()
    at.slider(key="arena.classes").set_value(5).run()
    assert ok(at) and race(at).dataset.n_classes == 5 and query(at)["classes"] == "5"
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
    settle(ok(at)).slider(key="arena.target").set_value(0.6).run()
    ok(at)
    assert {k: query(at)[k] for k in ("budget", "batch", "speed", "target")} == \
        {"budget": "15", "batch": "2", "speed": "fast", "target": "0.6"}
    at = ok(click(at, "step"))
    assert labels_each(at) == [8, 8]


def test_the_target_slider_moves_the_verdict():
    at = ok(arena())
    at.slider(key="arena.target").set_value(0.7).run()
    ok(at)
    assert query(at)["target"] == "0.7"
    labels, accuracy = measured(values_of(at))
    summary = summarize_race(labels, accuracy, 0.7, "A: Margin", "B: Random")
    box = verdict_box(at)
    assert [m.label for m in box.metric][:2] == ["A: Margin: labels to reach 70%", "B: Random: labels to reach 70%"]
    verdict = race_verdict(summary, 0.7, "random sampling")
    assert [e.value for e in box.get(verdict.kind)] == [verdict.text]


def test_same_strategy_on_both_sides():
    at = ok(arena(a="entropy", b="entropy"))
    assert list(race(at).loops) == ["A: Entropy", "B: Entropy"]
    said = " ".join(e.value for kind in ("success", "warning", "info") for e in verdict_box(at).get(kind))
    assert "B (Entropy)" in said  # the second learner is named by its strategy, not "random sampling"


# -- presets ---------------------------------------------------------------------------------------------------

def test_presets_set_their_values():
    at = arena(budget=30)
    at = ok(click(at, "step"))
    for name, preset in spec.PRESETS.items():
        at.button(key=f"arena.preset.{name}").click().run()
        at = settle(ok(at))
        wanted = {**defaults(spec.PARAMS), **preset.values, "seed": 0, "n": 0}
        assert query(at) == {p.name: encode(p, wanted[p.name]) for p in spec.PARAMS}, name
        assert race(at).rounds == 0 and race(at).dataset.name == preset.values["ds"]


def test_the_presets_expander_says_what_the_store_measured():
    at = ok(arena())
    shown = next(e for e in at.expander if e.label == "What the presets show")
    sentences = [m.value for m in shown.markdown]
    assert len(sentences) == len(spec.PRESETS)
    for sentence, preset in zip(sentences, spec.PRESETS.values()):
        values = {**defaults(spec.PARAMS), **preset.values}
        stored = measure.stored(spec.measurement(values)["race"])
        assert stored is not None, f"{preset.label} is not in the lab store: run python bench/measure_labs.py"
        first, second = spec.names(values)
        summary = summarize_race(*stored, values["target"], first, second)
        assert sentence == (f"**{preset.label}.** {preset.text} "
                            f"{race_summary_sentence(summary, values['target'], first, second)}")


# -- the URL ----------------------------------------------------------------------------------------------------

def test_url_round_trip_reproduces_the_race():
    link = dict(ds="moons", noise=0.1, model="knn", a="entropy", b="margin", seed=42, n=3, budget=20,
                pool=300, init=5, batch=2, scores=1, target=0.9, speed="slow", seeds=3)
    at = ok(open_page("arena", **link))
    assert at.selectbox(key="arena.ds").value == "moons"
    assert at.slider(key="arena.noise").value == pytest.approx(0.1)
    assert at.selectbox(key="arena.model").value == "knn"
    assert at.toggle(key="arena.scores").value is True
    assert labels_each(at) == [11, 11] and race(at).rounds == 3  # 5 starting labels + 3 rounds of 2
    written = query(at)
    assert written == {k: (f"{v:g}" if isinstance(v, float) else str(v)) for k, v in link.items()} | {
        "classes": "4"}
    again = ok(open_page("arena", **written))
    for name, loop in race(at).loops.items():
        assert np.array_equal(race(again).loops[name].labeled_indices, loop.labeled_indices)


def test_malformed_url_values_are_clamped_with_a_note():
    at = ok(open_page("arena", pool="abc", budget=-7, a="bogus", noise="9", seed="-3", seeds=3,
                      n="lots", scores="maybe"))
    note = " ".join(notes(at))
    assert note.startswith(NOTES)
    for words in ("pool size", "label budget", "strategy A", "noise", "seed", "rounds taken", "score map"):
        assert words in note, words
    got = query(at)
    assert got["pool"] == "1000" and got["a"] == "margin" and got["seed"] == "0" and got["n"] == "0"
    assert got["budget"] == "10" and float(got["noise"]) <= 2.0 and got["scores"] == "0"
    at.slider(key="arena.batch").set_value(2).run()  # changing anything clears the old notes
    assert not notes(ok(at))


@pytest.mark.parametrize("link, raw, shown", [
    (dict(ds="[open](http://example.com/x)"), "[open](http://example.com/x)", "using Overlapping blobs."),
    (dict(model="![](http://127.0.0.1:9/p.png)"), "![](http://127.0.0.1:9/p.png)", "using Logistic regression."),
])
def test_link_values_are_shown_as_typed_and_the_note_names_what_people_see(link, raw, shown):
    at = ok(arena(**link))
    name = next(iter(link))
    _, note = parse(PARAMS[name], raw)
    assert notes(at) == [NOTES + "- " + note]
    assert literal(raw) in note and note.endswith(shown)
    body = notes(at)[0]
    assert "](" not in outside_code(body) and "![" not in outside_code(body)  # no link, no image
    assert len(at.get("image")) == 2  # the learners' two pictures, nothing fetched from the link


def test_noise_from_a_link_is_clamped_to_the_datasets_range_with_a_note():
    at = ok(arena(ds="moons", noise=1.5))
    assert query(at)["noise"] == "0.5" and at.slider(key="arena.noise").value == pytest.approx(0.5)
    assert notes(at) == [NOTES + "- Noise 1.5 is above 0.5 here; using 0.5."]


def test_a_budget_larger_than_the_pool_is_clamped_with_a_note():
    at = ok(arena(pool=200, budget=300))
    assert query(at)["budget"] == "200" and at.slider(key="arena.budget").max == 200
    assert notes(at) == [NOTES + "- Label budget 300 is above 200 here; using 200."]
    at = ok(arena(pool=300, budget=250))
    at.slider(key="arena.pool").set_value(200).run()  # a smaller pool takes the budget down with it
    assert ok(at) and query(at)["budget"] == "200" and race(at).budget == 200
    assert "Label budget 250 is above 200 here; using 200." in " ".join(notes(at))


def test_a_budget_below_the_starting_labels_is_adjusted_with_a_note():
    at = ok(arena(init=20, budget=10))
    assert max(labels_each(at)) <= int(query(at)["budget"])
    assert any("budget" in note.lower() or "starting labels" in note.lower() for note in notes(at))


# -- what the cards and texts show -------------------------------------------------------------------------------

def test_a_tie_shows_no_arrow_and_a_lead_does():
    at = ok(arena(budget=30))  # round 0: both learners have the same starting labels, the same accuracy
    cards = {m.label: m.proto for m in at.metric}
    for learner, other in (("A: Margin", "B"), ("B: Random", "A")):
        card = cards[f"{learner}: accuracy now"]
        assert card.delta == f"0.0 pts vs {other}"
        assert (card.direction, card.color) == (MetricProto.MetricDirection.NONE, MetricProto.MetricColor.GRAY)
    for _ in range(10):  # step until the two learners differ
        at = ok(click(at, "step"))
        a, b = (loop.curve[1][-1] for loop in race(at).loops.values())
        if a != b:
            break
    assert a != b
    cards = {m.label: m.proto for m in at.metric}
    leader, trailer = ("A: Margin", "B: Random") if a > b else ("B: Random", "A: Margin")
    assert cards[f"{leader}: accuracy now"].direction == MetricProto.MetricDirection.UP
    assert cards[f"{leader}: accuracy now"].delta.startswith("+")
    assert cards[f"{trailer}: accuracy now"].direction == MetricProto.MetricDirection.DOWN


def test_no_minus_zero_anywhere_on_the_page():
    at = ok(arena(budget=30, a="entropy", b="entropy"))  # the same strategy on both sides: ties and level ends
    texts = [page_text(at)]
    for action in ("step", "step", "run10"):
        at = ok(click(at, action))
        texts.append(page_text(at))
    for text in texts:
        assert not MINUS_ZERO.search(text), MINUS_ZERO.search(text).group(0)


# -- the measurement in the background ------------------------------------------------------------------------------

def test_a_slow_multi_seed_race_runs_in_the_background_while_the_learners_step(monkeypatch, in_process_jobs, tmp_path):
    gate = threading.Event()
    real = measure.KINDS["race"]

    def gated_seed(args, seed):
        gate.wait(30)
        return real.one_seed(args, seed)

    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    monkeypatch.setitem(measure.KINDS, "race", measure.Kind("race", gated_seed, real.combine, real.n_seeds, real.cost))
    try:
        at = ok(open_page("arena", wait=False, **{**SMALL, "budget": 13}))
        assert measuring(at) and "Labels A saves over B" not in [m.label for m in at.metric]
        at = ok(click(at, "step"))
        assert labels_each(at) == [5, 5] and measuring(at)  # the learners step while the race runs
        gate.set()
        at = ok(settle(at))
        assert "Labels A saves over B" in [m.label for m in verdict_box(at).metric] and labels_each(at) == [5, 5]
    finally:
        gate.set()
