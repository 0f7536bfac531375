"""alcore.zoo: every acquisition function on one learner. Each function's utilities are alcore.scores called
on the learner's own outputs; every random draw comes from its own generator, so scoring more functions, or
looking at a state twice, never changes a score or a pick; the measurement's learners are the page's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import spearmanr

from alcore import scores, zoo
from alcore.data import make_dataset
from alcore.models import Committee
from alcore.registry import MODELS, STRATEGIES, linear_features, sampling_models
from ui import figures


def learner(model="laplace_logreg", steps=4, function="margin", seed=3, **data):
    data = {"name": "multiblobs", "n_pool": 300, "n_classes": 3, "noise": 0.9, **data}
    race = zoo.learners(make_dataset(**data, random_state=seed), model, seed=seed, seed_size=6, budget=60)
    for _ in range(steps):
        zoo.step(race, function)
    return race


def test_the_functions_are_registered_strategies_and_bald_needs_a_sampling_model():
    assert set(zoo.FUNCTIONS) <= set(STRATEGIES) and "random" not in zoo.FUNCTIONS
    for model in MODELS:
        served = zoo.functions_for(model)
        assert ("bald" in served) == (model in sampling_models())
        assert set(served) | {"bald"} == set(zoo.FUNCTIONS)
    with pytest.raises(ValueError, match="model must be one of"):
        zoo.functions_for("nope")


def test_linear_last_step():
    assert [zoo.linear_last_step(m) for m in ("logreg", "poly_logreg", "laplace_logreg")] == [True] * 3
    assert not any(zoo.linear_last_step(m) for m in ("knn", "svm_rbf", "forest", "mc_dropout"))


def test_generators_are_independent_streams_and_refuse_unknown_purposes():
    same = [zoo.generator(1, 10, "bald").random(3) for _ in range(2)]
    np.testing.assert_array_equal(*same)
    others = [zoo.generator(2, 10, "bald"), zoo.generator(1, 11, "bald"), zoo.generator(1, 10, "eer"),
              zoo.generator(1, 10, "bald", "grid")]
    assert all(not np.array_equal(g.random(3), same[0]) for g in others)
    with pytest.raises(ValueError, match="purpose"):
        zoo.generator(1, 10, "nope")
    with pytest.raises(ValueError, match="place"):
        zoo.generator(1, 10, "bald", "sky")


def called_directly(loop, seed: int, X, functions=zoo.FUNCTIONS) -> dict:
    """Each function at points X: alcore.scores called on the learner's own outputs (its probabilities, its
    committee, its posterior draws, its refits), with the generators alcore.zoo documents (shared with the
    page tests)."""
    n = loop.n_labeled
    probs = loop.predict_proba(X)
    committee = Committee(loop.model.estimator, loop.n_classes, loop.config.n_members,
                          rng=zoo.generator(seed, n, "committee"))
    members = committee.fit(loop.X_pool[loop.labeled_indices], loop.labels).member_probs(X)
    unlabeled = np.flatnonzero(~loop.labeled_mask)
    rows = np.sort(zoo.generator(seed, n, "eer_eval").choice(unlabeled.size, zoo.EER_POOL, replace=False))
    called = {
        "least_confidence": lambda: scores.least_confidence(probs), "margin": lambda: scores.margin(probs),
        "entropy": lambda: scores.entropy(probs),
        "egl": lambda: scores.expected_gradient_length(probs, linear_features(loop.model, X)),
        "vote_entropy": lambda: scores.vote_entropy(members.argmax(axis=2), loop.n_classes),
        "kl_disagreement": lambda: scores.kl_disagreement(members),
        "bald": lambda: scores.bald(loop.model.sample_proba(X, loop.config.mc_samples,
                                                            rng=zoo.generator(seed, n, "bald", "grid"))),
        "eer": lambda: scores.expected_error_reduction(loop.model, loop.X_pool[loop.labeled_indices], loop.labels,
                                                       X, X_eval=loop.X_pool[unlabeled[rows]]),
    }
    return {name: called[name]() for name in functions}


def test_every_map_is_the_scores_function_on_the_learners_outputs():
    race = learner()
    loop = race.loops["zoo"]
    X = figures.make_grid(race.dataset.bounds, 7)[2]
    got = zoo.State(loop, race.seed).scores(X)
    expected = called_directly(loop, race.seed, X)
    assert list(got) == list(zoo.FUNCTIONS)
    for name in zoo.FUNCTIONS:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def test_pool_scores_cover_the_unlabeled_pool_and_eer_scores_a_subsample():
    race = learner()
    loop = race.loops["zoo"]
    state = zoo.State(loop, race.seed)
    np.testing.assert_array_equal(state.candidates, np.flatnonzero(~loop.labeled_mask))
    pool = state.pool_scores()
    for name, utilities in pool.items():
        assert utilities.shape == (state.candidates.size,) and not utilities.flags.writeable
        assert np.isfinite(utilities).sum() == (zoo.EER_CANDIDATES if name == "eer" else state.candidates.size)
    np.testing.assert_array_equal(pool["margin"], scores.margin(loop.predict_proba(loop.X_pool[state.candidates])))


def test_a_score_does_not_depend_on_what_else_was_scored_or_looked_at():
    race = learner()
    loop = race.loops["zoo"]
    alone = {name: zoo.State(loop, race.seed).pool_scores([name])[name] for name in zoo.FUNCTIONS}
    together = zoo.State(loop, race.seed).pool_scores()
    for name in zoo.FUNCTIONS:
        np.testing.assert_array_equal(alone[name], together[name], err_msg=name)


def test_pick_is_the_highest_utility_and_step_teaches_it():
    race = learner(steps=0)
    loop = race.loops["zoo"]
    state = zoo.State(loop, race.seed)
    for name in zoo.FUNCTIONS:
        utilities = state.pool_scores([name])[name]
        assert state.pick(name) == state.candidates[np.nanargmax(utilities)]
    before = loop.n_labeled
    taught = zoo.step(race, "eer", state)
    assert taught == state.pick("eer") and loop.n_labeled == before + 1
    assert loop.labels[-1] == race.dataset.y_pool[taught]
    now = zoo.State(loop, race.seed).pick("margin")
    assert zoo.step(race, "margin", state) == now  # the stale state is not used


def test_random_picks_uniformly_from_the_unlabeled_pool_with_its_own_generator():
    race = learner(steps=0)
    state = zoo.State(race.loops["zoo"], race.seed)
    assert state.pick("random") in state.candidates
    assert state.pick("random") == state.pick("random")


def test_the_same_seed_and_picks_give_the_same_history_whatever_was_looked_at():
    plain = learner(function="vote_entropy", steps=5)
    looked = zoo.learners(plain.dataset, "laplace_logreg", seed=plain.seed, seed_size=6, budget=60)
    for _ in range(5):
        state = zoo.State(looked.loops["zoo"], looked.seed)
        state.pool_scores()  # every function scored first, as the page does
        state.scores(figures.make_grid(looked.dataset.bounds, 4)[2])
        zoo.step(looked, "vote_entropy", state)
    np.testing.assert_array_equal(plain.loops["zoo"].labeled_indices, looked.loops["zoo"].labeled_indices)


def test_a_model_that_cannot_sample_is_not_asked_for_bald():
    race = learner(model="logreg")
    state = zoo.State(race.loops["zoo"], race.seed)
    assert "bald" not in state.pool_scores(zoo.functions_for("logreg"))
    with pytest.raises(ValueError, match="cannot serve"):
        state.pool_scores(["bald"])
    with pytest.raises(ValueError, match="cannot serve"):
        state.scores(race.dataset.X_pool[:3], ["bald"])


def test_an_exhausted_pool_has_no_pick():
    data = make_dataset("blobs", n_pool=12, n_test=20, random_state=0)
    race = zoo.learners(data, "logreg", seed=0, seed_size=4, budget=20)
    for _ in range(8):
        zoo.step(race, "entropy")
    assert race.finished
    state = zoo.State(race.loops["zoo"], race.seed)
    with pytest.raises(ValueError, match="exhausted"):
        state.pick("entropy")
    assert all(u.size == 0 for u in state.pool_scores(zoo.functions_for("logreg")).values())


def test_unknown_functions_are_refused_with_the_known_ones():
    state = zoo.State(learner(steps=0).loops["zoo"], 0)
    with pytest.raises(ValueError, match="functions must be among"):
        state.pool_scores(["nope"])
    with pytest.raises(ValueError, match="functions must be among"):
        state.pick("nope")


def test_one_class_labeled_gives_flat_maps_and_no_crash():
    data = make_dataset("multiblobs", n_pool=100, n_classes=3, random_state=0)
    race = zoo.learners(data, "laplace_logreg", seed=0, seed_size=1, budget=10)
    state = zoo.State(race.loops["zoo"], race.seed)
    pool = state.pool_scores()
    for name in ("least_confidence", "margin", "entropy", "vote_entropy", "kl_disagreement", "bald"):
        assert np.ptp(pool[name]) == 0, name
    assert np.isnan(zoo.rank_agreement(pool)[0, 1])
    zoo.step(race, "eer", state)


# -- agreement ----------------------------------------------------------------------------------------

def test_rank_agreement_hand_worked():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    rho = zoo.rank_agreement({"a": a, "same": 10 * a + 3, "reverse": -a, "flat": np.ones(4)})
    np.testing.assert_allclose(rho[0, :3], [1.0, 1.0, -1.0])
    assert np.isnan(rho[3]).all() and np.isnan(rho[:, 3]).all()
    # ties share their mean rank: ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4)
    tied = zoo.rank_agreement({"a": a, "t": np.array([0.0, 0.0, 1.0, 2.0])})[0, 1]
    assert tied == pytest.approx(spearmanr(a, [0, 0, 1, 2]).statistic)


def test_rank_agreement_uses_the_points_both_scored():
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    partial = np.array([np.nan, 1.0, np.nan, 3.0, 2.0])  # scored points 1, 3, 4: ranks 1, 3, 2
    assert zoo.rank_agreement({"a": a, "p": partial})[0, 1] == pytest.approx(spearmanr([2, 4, 5], [1, 3, 2]).statistic)
    too_few = np.array([np.nan, 1.0, np.nan, 3.0, np.nan])
    assert np.isnan(zoo.rank_agreement({"a": a, "p": too_few})[0, 1])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (12, 3), elements=st.floats(-5, 5)), st.randoms(use_true_random=False))
def test_rank_agreement_properties(values, random):
    named = {str(i): values[:, i] for i in range(3)}
    rho = zoo.rank_agreement(named)
    assert np.allclose(rho, rho.T, equal_nan=True)
    finite = rho[np.isfinite(rho)]
    assert ((finite >= -1) & (finite <= 1)).all()
    order = np.array(random.sample(range(12), 12))  # the same points in another order: the same agreement
    np.testing.assert_allclose(zoo.rank_agreement({k: v[order] for k, v in named.items()}), rho)
    for i in range(3):
        for j in range(3):
            if np.isfinite(rho[i, j]):
                assert rho[i, j] == pytest.approx(spearmanr(values[:, i], values[:, j]).statistic)


def test_same_pick():
    same = zoo.same_pick({"a": np.array([0.1, 0.9, 0.2]), "b": np.array([0.0, 5.0, 1.0]),
                          "c": np.array([np.nan, 0.1, 0.3])})
    np.testing.assert_array_equal(same, [[True, True, False], [True, True, False], [False, False, True]])


# -- the measurement -------------------------------------------------------------------------------------

def test_run_seed_is_the_page_learners_and_looks_along_randoms_path():
    data = make_dataset("multiblobs", n_pool=200, n_classes=3, noise=0.9, random_state=4)
    run = zoo.run_seed(data, "logreg", seed=4, seed_size=6, budget=18, every=5)
    assert run["functions"] == zoo.functions_for("logreg")
    assert list(run["curves"]) == list(run["functions"]) + ["random"]
    for name, (labels, accuracy) in run["curves"].items():
        np.testing.assert_array_equal(labels, np.arange(6, 19))
        assert ((accuracy >= 0) & (accuracy <= 1)).all()
    np.testing.assert_array_equal(run["checkpoints"], [6, 11, 16])
    size = len(run["functions"])
    assert run["rho"].shape == run["same"].shape == (3, size, size)
    # each function's curve is what the page's learner does with that function, seed for seed
    race = zoo.learners(data, "logreg", seed=4, seed_size=6, budget=18)
    while not race.finished:
        zoo.step(race, "kl_disagreement")
    np.testing.assert_array_equal(run["curves"]["kl_disagreement"][1], race.loops["zoo"].curve[1])
    # the first look is the starting labels, where every learner stands
    state = zoo.State(zoo.learners(data, "logreg", seed=4, seed_size=6, budget=18).loops["zoo"], 4)
    utilities = state.pool_scores(run["functions"])
    np.testing.assert_array_equal(run["rho"][0], zoo.rank_agreement(utilities))
    np.testing.assert_array_equal(run["same"][0], zoo.same_pick(utilities))


# -- the uncertainty measures on the simplex -------------------------------------------------------------

def test_lattice():
    three = zoo.lattice(3, 4)
    assert three.shape == (15, 3) and np.allclose(three.sum(axis=1), 1) and (three >= 0).all()
    assert len({tuple(row) for row in three}) == 15
    np.testing.assert_allclose(zoo.lattice(2, 4)[:, 0], [0, 0.25, 0.5, 0.75, 1])
    for bad in ((4, 3), (3, 0), (3, 1.5)):
        with pytest.raises(ValueError):
            zoo.lattice(*bad)


def test_order_disagreement_hand_worked():
    # pairs (0,1): both up; (0,2): both up; (1,2): a up, b down -> 1 of 3
    assert zoo.order_disagreement([0.1, 0.2, 0.3], [1.0, 3.0, 2.0]) == (1, 3)
    assert zoo.order_disagreement([1.0, 1.0], [0.0, 1.0]) == (1, 1)  # a tie against an order
    assert zoo.order_disagreement([1.0, 1.0 + 1e-15], [2.0, 2.0]) == (0, 1)  # rounding is a tie
    assert zoo.order_disagreement([3.0, 2.0, 1.0], [30.0, 20.0, 10.0]) == (0, 3)


def test_on_two_classes_the_three_measures_order_alike_and_on_three_they_do_not():
    for n_classes, steps in ((2, 200), (3, 12)):
        vectors = zoo.lattice(n_classes, steps)
        values = [getattr(scores, name)(vectors) for name in zoo.UNCERTAINTY]
        differ = [zoo.order_disagreement(values[i], values[j])[0] for i in range(3) for j in range(i + 1, 3)]
        assert (max(differ) == 0) == (n_classes == 2), differ
