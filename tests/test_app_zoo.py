"""AppTest for the acquisition zoo (app_pages/zoo.py, ui/labs/zoo.py, alcore/zoo.py).

One learner, every acquisition function's map of it. The tests read what the page draws (each panel's map and
ring, through a spy on :func:`ui.figures.panel_picture`), what it writes (the agreement table, the sentences,
the verdict, the link) and the learner in the lab's state, and hold them to the engine: each map to
``alcore.scores`` called directly on the learner's outputs, each ring to that function's highest utility,
Step to the selected function's ring, the verdict to ``ui.verdicts`` on the measurement.

Measurements run in a thread of the test process (``in_process_jobs``); the defaults' is in the lab store;
other settings use :func:`stand_in_zoo`, a fast stand-in for the zoo kind with its real cost model.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, measuring, open_page, race, settle
from test_app_batch import alerts, ok, page_text, pictures, pool_indices, query, use_stand_in, verdict  # noqa: F401
from test_zoo import called_directly

from alcore import zoo
from alcore.stats import number
from ui import measure, verdicts
from ui.labs import zoo as spec
from ui.params import defaults

pytestmark = pytest.mark.usefixtures("in_process_jobs")

SMALL = dict(pool=300, seeds=3, budget=20)


# -- a fast stand-in for the zoo's measurement ----------------------------------------------------------------

ZOO_CALLS: list = []


def stand_in_zoo_seed(args, seed):
    """One seed of the zoo's measurement, made up in no time: curves from the seed set to the budget, and
    symmetric agreement looks, shaped as :func:`alcore.zoo.run_seed` returns them."""
    _, _, functions, seed_size, budget, _ = args
    ZOO_CALLS.append((args, seed))
    rng = np.random.default_rng(seed)
    labels = np.arange(seed_size, budget + 1)
    curves = {name: (labels, np.minimum(0.6 + 0.3 * (1 - np.exp(-(labels - seed_size) / (4.0 + i)))
                                        + 0.02 * rng.random(), 1.0))
              for i, name in enumerate(tuple(functions) + (zoo.RANDOM,))}
    looks, size = (budget - seed_size) // 10 + 1, len(functions)
    rho = rng.uniform(-1, 1, (looks, size, size))
    rho = (rho + rho.transpose(0, 2, 1)) / 2
    same = rng.random((looks, size, size)) < 0.3
    same = same | same.transpose(0, 2, 1)
    for look in range(looks):
        np.fill_diagonal(rho[look], 1.0)
        np.fill_diagonal(same[look], True)
    return dict(curves=curves, functions=tuple(functions), checkpoints=seed_size + 10 * np.arange(looks), rho=rho,
                same=same)


@pytest.fixture
def stand_in_zoo(monkeypatch, tmp_path) -> list:
    """Zoo measurements made up by :func:`stand_in_zoo_seed`; returns the (args, seed) of each seed run."""
    use_stand_in(monkeypatch, tmp_path, "zoo", stand_in_zoo_seed)
    ZOO_CALLS.clear()
    return ZOO_CALLS


# -- helpers --------------------------------------------------------------------------------------------------

def zoo_page(**query_values) -> AppTest:
    return ok(open_page("zoo", **query_values))


def click(at: AppTest, action: str) -> AppTest:
    return ok(at.button(key=f"zoo.run.{action}").click().run())


def learner(at: AppTest):
    return race(at, "zoo").loops["zoo"]


def titles(at: AppTest) -> list:
    """The panels' titles (the bold first line above each picture), maps first, then the triangles."""
    found = []
    for element in at.main:
        if type(element).__name__ == "Markdown" and element.value.startswith("**") and "  \n" in element.value:
            found.append(element.value.split("**")[1])
    return found


def drawn(calls: list, functions) -> dict:
    """The last run's map pictures' keyword arguments, by function."""
    return dict(zip(functions, calls[-len(functions):]))


def fresh(at: AppTest, steps: list):
    """The learner the page should hold: built from its settings and seed, stepped with these functions."""
    values = {p.name: at.session_state[f"zoo.{p.name}"] for p in spec.PARAMS}
    built = spec.build(values, values["seed"])
    for function in steps:
        zoo.step(built, function)
    return built.loops["zoo"]


# -- opening, the maps, the rings -----------------------------------------------------------------------------

def test_the_zoo_opens_with_every_function_and_the_stored_verdict():
    at = zoo_page()
    assert not measuring(at)
    assert titles(at)[:8] == [spec.TITLES[n] + (" · Step asks this" if n == "margin" else "") for n in zoo.FUNCTIONS]
    assert at.markdown[1].value == "Round 0 · 6 labels: 6 starting + 0 asked by Margin" and query(at)["n"] == "0"
    box = verdict(at)
    assert box.subheader[0].value == "Over 20 seeds: learning curves and agreement"
    summary = spec.summarise(measure.stored(spec.measurement(defaults(spec.PARAMS))["zoo"]), "margin")
    expected = [verdicts.zoo_curves_verdict(summary, spec.TITLES, "margin"),
                verdicts.zoo_agreement_verdict(summary, spec.TITLES, "margin")]
    assert alerts(box) == [(v.kind, v.text) for v in expected]


def test_the_maps_are_the_scores_functions_called_directly(pictures):
    at = zoo_page(**SMALL)
    for _ in range(2):
        loop, seed = learner(at), race(at, "zoo").seed
        bounds = race(at, "zoo").dataset.bounds
        for name, call in drawn(pictures, zoo.FUNCTIONS).items():
            if name in spec.POOL_ONLY:  # drawn where it scored: its squares
                assert np.ptp(call["grid_scores"]) == 0 and len(call["X_scored"]) == zoo.EER_CANDIDATES
                expected = called_directly(loop, seed, call["X_scored"], [name])[name]
                np.testing.assert_array_equal(call["scored"], expected)
                continue
            size = spec.GRIDS.get(name, spec.MAP_GRID)
            expected = called_directly(loop, seed, spec.grid_points(bounds, size), [name])[name]
            np.testing.assert_array_equal(call["grid_scores"], expected.reshape(size, size), err_msg=name)
        at = click(at, "step")


def test_each_ring_is_its_functions_pick_and_step_teaches_the_selected_one(pictures):
    at = zoo_page(**SMALL)
    loop, data = learner(at), race(at, "zoo").dataset
    candidates = np.flatnonzero(~loop.labeled_mask)
    on_pool = called_directly(loop, race(at, "zoo").seed, data.X_pool[candidates], ["margin", "entropy", "egl"])
    rings = {name: pool_indices(data.X_pool, call["X_new"])[0] for name, call in
             drawn(pictures, zoo.FUNCTIONS).items()}
    for name, utilities in on_pool.items():
        assert rings[name] == candidates[np.argmax(utilities)], name
    state = zoo.State(loop, race(at, "zoo").seed)
    assert rings == {name: state.pick(name) for name in zoo.FUNCTIONS}
    at = click(at, "step")
    assert learner(at).labeled_indices[-1] == rings["margin"] and query(at)["n"] == "1"
    assert at.markdown[1].value.startswith("Round 1 · 7 labels: 6 starting + 1 asked by Margin")
    assert verdicts.zoo_picks_sentence(spec.pick_groups(spec.maps(zoo.State(learner(at), race(at, "zoo").seed),
                                                                   data.bounds).picks), spec.TITLES) in page_text(at)


def test_run_10_reset_new_seed_play_and_pause():
    at = click(zoo_page(**SMALL), "run10")
    assert learner(at).n_labeled == 16 and query(at)["n"] == "10"
    np.testing.assert_array_equal(learner(at).labeled_indices, fresh(at, ["margin"] * 10).labeled_indices)
    seed = at.session_state["zoo.seed"]
    at = click(at, "reset")
    assert learner(at).n_labeled == 6 and at.session_state["zoo.seed"] == seed and query(at)["n"] == "0"
    at = click(at, "new_seed")
    assert at.session_state["zoo.seed"] != seed and learner(at).n_labeled == 6
    at = click(at, "play")
    assert lab_state(at, "zoo").slots[""].playing and at.button(key="zoo.run.pause")
    at = click(at, "pause")
    assert not lab_state(at, "zoo").slots[""].playing


def test_the_most_labels_a_session_adds(stand_in_zoo):
    at = zoo_page(**SMALL, model="logreg")
    for _ in range(spec.MAX_ROUNDS // 10):
        at = click(at, "run10")
    assert learner(at).n_labeled == 6 + spec.MAX_ROUNDS and at.button(key="zoo.run.step").disabled
    assert f"{spec.MAX_ROUNDS} labels added" in at.markdown[1].value


def test_choosing_another_function_replays_the_labels_with_it():
    at = zoo_page(**SMALL)
    for _ in range(3):
        at = click(at, "step")
    at = ok(at.selectbox(key="zoo.acq").select("entropy").run())
    assert query(at)["n"] == "3" and query(at)["acq"] == "entropy"
    np.testing.assert_array_equal(learner(at).labeled_indices, fresh(at, ["entropy"] * 3).labeled_indices)
    assert "Entropy · Step asks this" in titles(at)
    assert at.markdown[1].value.startswith("Round 3 · 9 labels: 6 starting + 3 asked by Entropy")


def test_a_link_reproduces_what_was_seen():
    at = zoo_page(**SMALL, seed=5, n=3, acq="vote_entropy")
    np.testing.assert_array_equal(learner(at).labeled_indices, fresh(at, ["vote_entropy"] * 3).labeled_indices)
    again = zoo_page(**query(at))
    assert query(again) == query(at)
    np.testing.assert_array_equal(learner(again).labeled_indices, learner(at).labeled_indices)


# -- models, notes, the agreement table ---------------------------------------------------------------------------

def test_a_model_without_posterior_draws_shows_the_others_and_says_why(stand_in_zoo):
    at = zoo_page(**SMALL)
    at = ok(at.selectbox(key="zoo.model").select("logreg").run())
    assert titles(at)[:7] == [spec.TITLES[n] + (" · Step asks this" if n == "margin" else "")
                              for n in zoo.FUNCTIONS if n != "bald"]
    assert any("BALD is not shown" in info.value for info in at.info)
    assert "bald" not in at.selectbox(key="zoo.acq").options


def test_a_link_asking_bald_of_a_model_that_cannot_sample_falls_back_with_a_note(stand_in_zoo):
    at = zoo_page(**SMALL, model="logreg", acq="bald")
    assert at.session_state["zoo.acq"] == "margin"
    assert any("needs a model that can sample" in w.value for w in at.warning)


def test_a_slow_model_leaves_eer_out_with_a_note(stand_in_zoo):
    at = zoo_page(**{**SMALL, "pool": 200}, model="svm_rbf")
    assert spec.TITLES["eer"] not in titles(at)
    assert any("not drawn live" in info.value for info in at.info)
    assert spec.TITLES["eer"] not in at.selectbox(key="zoo.acq").options


def test_the_agreement_table_is_the_rank_correlation_over_the_pool():
    at = zoo_page(**SMALL)
    state = zoo.State(learner(at), race(at, "zoo").seed)
    rho = zoo.rank_agreement(state.pool_scores())
    table = at.dataframe[0].value
    assert list(table.index) == [spec.SHORT[n] for n in zoo.FUNCTIONS[1:]]
    assert list(table.columns) == [spec.SHORT[n] for n in zoo.FUNCTIONS[:-1]]
    for i in range(1, len(zoo.FUNCTIONS)):
        for j in range(len(zoo.FUNCTIONS) - 1):
            expected = "" if j >= i else "–" if np.isnan(rho[i, j]) else number(rho[i, j], 2)
            assert table.iloc[i - 1, j] == expected


# -- the three-class example -----------------------------------------------------------------------------------

def test_the_three_class_example_and_the_two_class_toggle():
    at = zoo_page(**SMALL)
    triangles = [m.value for m in at.markdown if m.value in [f"**{spec.TITLES[n]}**" for n in zoo.UNCERTAINTY]]
    assert triangles == [f"**{spec.TITLES[n]}**" for n in zoo.UNCERTAINTY] and len(at.get("image")) == 8 + 3
    scored = spec.point_scores()
    points = verdicts.zoo_points_sentence({spec.TITLES[n]: scored[n] for n in zoo.UNCERTAINTY})
    three = verdicts.zoo_orders_sentence({(spec.TITLES[a], spec.TITLES[b]): c for (a, b), c in spec.orders(3).items()},
                                         3, len(zoo.lattice(3, spec.THREE_CLASS_STEPS)))
    text = page_text(at)
    assert points in text and three in text and "Margin calls A and B equally uncertain" in points
    at = ok(at.toggle(key="zoo.two").set_value(True).run())
    assert query(at)["two"] == "1" and any(c.proto.id.endswith("-zoo.two_classes") for c in at.get("plotly_chart"))
    two = verdicts.zoo_orders_sentence({(spec.TITLES[a], spec.TITLES[b]): c for (a, b), c in spec.orders(2).items()},
                                       2, spec.TWO_CLASS_STEPS + 1)
    assert two in page_text(at) and "not one pair differs" in two and points not in page_text(at)
    assert len(at.get("image")) == 8  # the maps only


# -- the verdict --------------------------------------------------------------------------------------------------

def test_the_verdict_is_what_the_measurement_says(stand_in_zoo):
    at = ok(settle(zoo_page(**SMALL, acq="entropy")))
    values = {p.name: at.session_state[f"zoo.{p.name}"] for p in spec.PARAMS}
    result = measure.compute(spec.measurement(values)["zoo"])
    summary = spec.summarise(result, "entropy")
    box = verdict(at)
    expected = [verdicts.zoo_curves_verdict(summary, spec.TITLES, "entropy"),
                verdicts.zoo_agreement_verdict(summary, spec.TITLES, "entropy")]
    assert alerts(box) == [(v.kind, v.text) for v in expected]
    tables = [m.value for m in box.markdown if m.value.startswith("|")]
    assert f"| Entropy | {summary.final['entropy'].format(1, 100, '%')} | " \
           f"{summary.along['entropy'].format(1, 100, '%')} | " \
           f"{summary.over_random['entropy'].format(1, 100, signed=True)} |" in tables[0]
    assert f"| Margin | {summary.same['margin'].format(0, 100, '%')} | {summary.rho['margin'].format(2)} |" in tables[1]
    assert {args[-1] for args, _ in stand_in_zoo} == {3}


def test_an_expensive_measurement_starts_from_its_button(stand_in_zoo):
    expensive = dict(SMALL, model="knn", budget=100, seeds=50)
    assert measure.estimated_seconds(spec.measurement({**defaults(spec.PARAMS), **expensive})["zoo"]) > 20
    at = zoo_page(**expensive)
    assert not stand_in_zoo and at.button(key="zoo..measure")
    at = ok(settle(ok(at.button(key="zoo..measure").click().run())))
    assert len(stand_in_zoo) == 50 and alerts(verdict(at))


# -- every control ------------------------------------------------------------------------------------------------

def test_every_data_control_model_and_setting(stand_in_zoo):
    at = zoo_page(**SMALL)
    for key, value in (("zoo.noise", 1.4), ("zoo.classes", 5), ("zoo.pool", 400), ("zoo.init", 9),
                       ("zoo.seeds", 5), ("zoo.budget", 30)):
        at = ok(at.slider(key=key).set_value(value).run())
        assert at.session_state[key] == value
    assert learner(at).n_labeled == 9 and race(at, "zoo").dataset.n_classes == 5
    for dataset in at.selectbox(key="zoo.ds").options:
        at = ok(at.selectbox(key="zoo.ds").select(dataset).run())
    for model in ("poly_logreg", "knn", "forest", "mc_dropout", "laplace_logreg"):
        at = ok(at.selectbox(key="zoo.model").select(model).run())
        assert len(titles(at)) == len(spec.live_functions(model))
        assert len(at.get("image")) == len(spec.live_functions(model)) + 3  # the maps, then the three triangles
    for speed in ("slow", "fast"):
        at = ok(at.button_group(key="zoo.speed").set_value(speed).run())
    at = click(at, "step")
    assert query(at)["speed"] == "fast" and query(at)["model"] == "laplace_logreg"


def test_a_budget_below_the_starting_labels_is_raised_with_a_note(stand_in_zoo):
    at = zoo_page(**{**SMALL, "init": 20, "budget": 10})
    assert at.session_state["zoo.budget"] == 21 and query(at)["budget"] == "21"
    assert any("Label budget 10 is below 21" in w.value for w in at.warning)
