"""The zoo's pure parts: its figures (the simplex picture, the two-class lines, one boundary shared by many
maps), its sentences (built from the numbers they state), its settings, maps and summary, and its measurement
kind (keys, combining, cost, the lab store's check)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from alcore import scores, zoo
from alcore.stats import Estimate
from bench.measure_labs import same_seed
from ui import figures, measure, verdicts
from ui.labs import zoo as spec
from ui.params import defaults


# -- figures ---------------------------------------------------------------------------------------------

def test_simplex_points_are_probability_vectors_that_fill_the_triangle():
    probs = figures.simplex_points(120)
    assert probs.ndim == 2 and probs.shape[1] == 3 and not probs.flags.writeable
    assert np.allclose(probs.sum(axis=1), 1) and (probs >= 0).all()
    assert probs.max(axis=0).min() > 0.97  # near every corner
    assert np.abs(probs - 1 / 3).max(axis=1).min() < 0.02  # and near the centre


def test_simplex_picture_colours_the_measure_and_rings_the_marks():
    probs = figures.simplex_points(160)
    height, _, _, (rows, cols) = figures._simplex_geometry(160)
    values = scores.entropy(probs)
    plain = figures.simplex_picture(values, side=160)
    assert plain.shape == (height, 160, 3) and plain.dtype == np.uint8
    centre, corner = np.argmax(values), np.argmin(values)
    assert plain[rows[centre], cols[centre]].sum() < plain[rows[corner], cols[corner]].sum()  # purple vs white
    assert (plain[0, 0] == 255).all()  # outside the triangle: white
    marked = figures.simplex_picture(values, side=160, marks={"A": (1 / 3, 1 / 3, 1 / 3)})
    changed = np.argwhere((marked != plain).any(axis=2))
    _, corners, _, _ = figures._simplex_geometry(160)
    ring = corners.mean(axis=0)  # the centre of the triangle, where A is
    assert np.hypot(*(changed[:, ::-1].mean(axis=0) - ring)) < 12
    with pytest.raises(ValueError, match="one value per simplex point"):
        figures.simplex_picture(values[:-1], side=160)


def test_measure_lines_validate_and_show_each_measure():
    figure = figures.measure_lines([0, 0.5, 1], {"a": [0, 1, 0], "b": [0, 0.5, 0]}, x_title="p", y_title="m")
    checked = go.Figure(figure.to_dict()).to_dict()
    assert [trace["name"] for trace in checked["data"]] == ["a", "b"]
    assert checked["layout"]["yaxis"]["range"] == [0, 1.02]


def test_maps_sharing_one_boundary_are_the_maps_drawn_alone():
    grid = figures.make_grid((-1, 1, -1, 1), 20)[2]
    p = 1 / (1 + np.exp(-3 * grid[:, 0] + grid[:, 1]))
    probs = np.column_stack([p, 1 - p]).reshape(20, 20, 2)
    edges = figures.boundary_edges(probs, (-1, 1, -1, 1), 200)
    assert edges.any() and edges.shape == figures.image_size((-1, 1, -1, 1), 200)
    map_ = np.random.default_rng(0).random((7, 7))
    alone = figures.panel_image(probs, (-1, 1, -1, 1), grid_scores=map_, long_side=200)
    shared = figures.panel_image(probs, (-1, 1, -1, 1), grid_scores=map_, long_side=200, edges=edges)
    np.testing.assert_array_equal(alone, shared)
    assert not figures.boundary_edges(np.ones((5, 5, 1)), (-1, 1, -1, 1), 50).any()


# -- sentences ---------------------------------------------------------------------------------------------

def test_the_points_sentence_says_what_each_measure_computes():
    measured = spec.point_scores()
    # hand-worked: 1 - 0.34 = 0.66 against 1 - 0.50; margins 1 - 0.01 both; entropy highest at the near-uniform A
    assert measured["least_confidence"] == pytest.approx((0.66, 0.50))
    assert measured["margin"] == pytest.approx((0.99, 0.99))
    assert measured["entropy"][0] > measured["entropy"][1]
    text = verdicts.zoo_points_sentence({spec.TITLES[n]: measured[n] for n in zoo.UNCERTAINTY})
    assert text == ("Least confidence calls A more uncertain (0.66 against 0.50). Margin calls A and B equally "
                    f"uncertain (0.99 each). Entropy calls A more uncertain ({measured['entropy'][0]:.2f} against "
                    f"{measured['entropy'][1]:.2f}).")
    assert verdicts.zoo_points_sentence({"X": (0.1, 0.3)}) == "X calls B more uncertain (0.30 against 0.10)."


def test_the_orders_sentence_follows_the_counts():
    same = {("a", "b"): (0, 10), ("a", "c"): (0, 10)}
    assert "not one pair differs" in verdicts.zoo_orders_sentence(same, 2, 5)
    text = verdicts.zoo_orders_sentence({("a", "b"): (1, 8), ("a", "c"): (2, 8)}, 3, 5)
    assert text == ("On 3 classes they part ways. Of the 8 pairs of 5 probability vectors, the share two measures "
                    "order differently: a vs b, 12.5%; a vs c, 25.0%.")
    counted = spec.orders(2)
    assert all(differ == 0 for differ, _ in counted.values())
    assert all(differ > 0 for differ, _ in spec.orders(3).values())


def test_the_picks_sentence_groups_the_functions():
    titles = {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert verdicts.zoo_picks_sentence([["a", "b", "c", "d"]], titles) == "Every function asks for the same point."
    assert verdicts.zoo_picks_sentence([["a", "b"], ["c"], ["d"]], titles) == \
        "A and B ask for the same point; C and D each ask for their own."
    assert spec.pick_groups({"a": 5, "b": 7, "c": 5}) == [["a", "c"], ["b"]]


def summary(over_random, same=(0.5, 0.1), rho=(0.9, 0.2)):
    """A Summary with made-up estimates: the selected function "margin" and two others."""
    est = lambda m, lo, hi: Estimate(m, lo, hi, 20)  # noqa: E731
    functions = ("margin", "entropy", "eer")
    return spec.Summary(functions=functions, n_seeds=20, labels=np.arange(6, 41), bands={},
                        final={}, along={n: est(0.9, 0.89, 0.91) for n in functions + ("random",)},
                        over_random=dict(zip(functions, over_random)),
                        rho={"entropy": est(rho[0], rho[0] - 0.05, rho[0] + 0.05),
                             "eer": est(rho[1], rho[1] - 0.1, rho[1] + 0.1)},
                        same={"entropy": est(same[0], same[0] - 0.1, same[0] + 0.1),
                              "eer": est(same[1], 0.0, same[1] + 0.1)})


def test_the_curves_verdict_sorts_the_functions_by_their_interval():
    above, level = Estimate(0.02, 0.01, 0.03, 20), Estimate(0.0, -0.01, 0.01, 20)
    below = Estimate(-0.02, -0.03, -0.01, 20)
    outcome = verdicts.zoo_curves_verdict(summary([above, level, below]), spec.TITLES, "margin")
    assert outcome.kind == "success"
    assert outcome.text == (
        "Over 20 seeds, Margin's mean test accuracy on the way to 40 labels is 90.0% (89.0 to 91.0%), random's 90.0% "
        "(89.0 to 91.0%): a paired difference of +2.0 (+1.0 to +3.0) points. Against random, in points: clearly "
        "above: Margin +2.0 (+1.0 to +3.0); no clear difference: Entropy 0.0 (-1.0 to +1.0); clearly below: "
        "Expected error reduction -2.0 (-3.0 to -1.0).")
    assert verdicts.zoo_curves_verdict(summary([level, above, below]), spec.TITLES, "margin").kind == "warning"


def test_the_agreement_verdict_names_the_closest_and_farthest():
    level = Estimate(0.0, -0.01, 0.01, 20)
    text = verdicts.zoo_agreement_verdict(summary([level] * 3), spec.TITLES, "margin").text
    assert text == ("Margin picks the same point as Entropy in 50% (40 to 60%) of the looks, as Expected error "
                    "reduction in 10% (0 to 20%). Its ranking of the pool correlates most with Entropy's (0.90 (0.85 "
                    "to 0.95)) and least with Expected error reduction's (0.20 (0.10 to 0.30)).")
    close = verdicts.zoo_agreement_verdict(summary([level] * 3, same=(0.2, 0.1), rho=(0.97, 0.2)), spec.TITLES,
                                           "margin").text
    assert close.endswith("the pick is the very top of the ranking, and there Margin and Entropy part ways.")
    flat = summary([level] * 3)
    flat.rho["eer"] = flat.rho["entropy"] = Estimate(np.nan, np.nan, np.nan, 0)
    text = verdicts.zoo_agreement_verdict(flat, spec.TITLES, "margin").text
    assert text.endswith("of the looks, as Expected error reduction in 10% (0 to 20%).")


# -- settings, maps, summary ------------------------------------------------------------------------------

def test_the_defaults_show_three_classes_and_a_model_that_serves_every_function():
    values = defaults(spec.PARAMS)
    assert (values["ds"], values["classes"], values["model"]) == ("multiblobs", 3, "laplace_logreg")
    assert spec.live_functions(values["model"]) == zoo.FUNCTIONS and spec.notes(values["model"], 3) == []
    assert set(spec.PARAMS[0].choices) >= {"multiblobs"} and spec.REBUILD_ON[-1] == "acq"


def test_notes_say_what_a_model_leaves_out():
    said = " ".join(spec.notes("knn", 3))
    assert "BALD is not shown" in said and "Bayesian logistic regression" in said and "Expected gradient" in said
    assert len(spec.notes("logreg", 3)) == 1 and "BALD" in spec.notes("logreg", 3)[0]
    slow = spec.notes("svm_rbf", 2)
    assert "eer" not in spec.live_functions("svm_rbf") and "eer" in spec.live_functions("knn")
    assert any(f"{spec.eer_refits(2):,} refits per Step" in note for note in slow)
    assert spec.eer_refits(2) == 2 * zoo.EER_CANDIDATES


def test_maps_are_each_functions_scores_on_its_grid_and_picks_are_the_pool_argmax():
    values = {**defaults(spec.PARAMS), "pool": 300}
    race = spec.build(values, 2)
    state = zoo.State(race.loops["zoo"], race.seed)
    maps = spec.maps(state, race.dataset.bounds)
    assert maps.functions == zoo.FUNCTIONS and list(maps.scored) == list(spec.POOL_ONLY) == ["eer"]
    for name in zoo.FUNCTIONS:
        assert maps.picks[name] == state.pick(name)
        if name in spec.POOL_ONLY:
            assert maps.grids[name] is None
            continue
        size = spec.GRIDS.get(name, spec.MAP_GRID)
        expected = zoo.State(race.loops["zoo"], race.seed).scores(spec.grid_points(race.dataset.bounds, size), [name])
        np.testing.assert_array_equal(maps.grids[name], expected[name].reshape(size, size))
    indices, utilities = maps.scored["eer"]
    pool = state.pool_scores(["eer"])["eer"]
    assert len(indices) == zoo.EER_CANDIDATES and maps.picks["eer"] == indices[np.argmax(utilities)]
    np.testing.assert_array_equal(utilities, pool[np.isin(state.candidates, indices)])
    np.testing.assert_array_equal(maps.rho, zoo.rank_agreement(state.pool_scores()))


def test_scored_points_are_squares_in_their_score_colour():
    probs = np.full((10, 10, 2), 0.5)
    bounds = (0.0, 1.0, 0.0, 1.0)
    plain = figures.panel_picture(probs, bounds, X_labeled=np.empty((0, 2)), y_labeled=[], long_side=200)
    marked = figures.panel_picture(probs, bounds, X_labeled=np.empty((0, 2)), y_labeled=[], long_side=200,
                                   X_scored=[[0.25, 0.5], [0.75, 0.5]], scored=[0.0, 1.0])
    height, width = plain.shape[:2]
    low, high = marked[height // 2, width // 4], marked[height // 2, 3 * width // 4]
    assert tuple(low) == (255, 255, 255) and tuple(high) == figures.SCORE_HIGH
    assert (marked[: height // 4] == plain[: height // 4]).all()  # nothing else changed


def test_summarise_is_the_measurement_with_intervals():
    rng = np.random.default_rng(0)
    functions = ("margin", "entropy")
    accuracy = {n: rng.random((5, 4)) for n in functions + ("random",)}
    rho = rng.random((5, 2, 2))
    same = rng.random((5, 2, 2))
    result = dict(labels=np.arange(6, 10), accuracy=accuracy, functions=functions, rho=rho, same=same)
    found = spec.summarise(result, "entropy")
    assert found.n_seeds == 5 and list(found.rho) == ["margin"]
    assert found.final["margin"].mean == pytest.approx(accuracy["margin"][:, -1].mean())
    assert found.along["random"].mean == pytest.approx(accuracy["random"].mean())
    assert found.over_random["entropy"].mean == pytest.approx((accuracy["entropy"] - accuracy["random"]).mean())
    assert found.rho["margin"].mean == pytest.approx(rho[:, 1, 0].mean())
    assert found.same["margin"].mean == pytest.approx(same[:, 1, 0].mean())


# -- the measurement kind -------------------------------------------------------------------------------

def test_the_zoo_measurement_is_run_seed_seed_for_seed():
    values = {**defaults(spec.PARAMS), "pool": 200, "budget": 12, "seeds": 2, "model": "logreg"}
    key = spec.measurement(values)["zoo"]
    assert key[0] == "zoo" and measure.key_text(key) == measure.key_text(measure.freeze(key))
    result = measure.compute(key)
    assert result["functions"] == zoo.functions_for("logreg")
    assert result["rho"].shape == result["same"].shape == (2, 7, 7)
    data = dict(key[1][0])
    run = zoo.run_seed(measure.make_dataset(**data, random_state=1), "logreg", seed=1, seed_size=6, budget=12,
                       functions=spec.live_functions("logreg"))
    np.testing.assert_array_equal(result["accuracy"]["eer"][1], run["curves"]["eer"][1])
    np.testing.assert_array_equal(result["same"][1], run["same"].mean(axis=0))
    assert same_seed(key, result, 1) and not same_seed(key, {**result, "rho": result["rho"] + 1}, 1)


def test_the_estimate_grows_with_the_budget_and_the_model():
    cheap = {**defaults(spec.PARAMS), "model": "logreg", "budget": 20}
    costs = [measure.estimated_seconds(spec.measurement(v)["zoo"])
             for v in (cheap, {**cheap, "budget": 60}, {**cheap, "model": "svm_rbf"})]
    assert 0 < costs[0] < costs[1] and costs[0] < costs[2]
