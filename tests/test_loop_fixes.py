"""The fixes inside the loop: LoopConfig fields, composition with every
strategy and selector, determinism, and the 'cluster' seed method."""

import numpy as np
import pytest

from alcore.data import make_dataset
from alcore.fixes import calibration_temperature
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle, Race, choose_seed_set, race_curves
from alcore.registry import SELECTORS, STRATEGIES

ALL_FIXES = dict(epsilon=0.3, density_beta=1.0, temperature=True)


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("multiblobs", n_pool=120, n_test=60, n_classes=3, random_state=1)


def _run(data, config, seed=0, rounds=3, seed_method="per_class"):
    race = Race(data, {"learner": config}, seed=seed, seed_size=6, seed_method=seed_method)
    for _ in range(rounds):
        race.step()
    return race.loops["learner"]


def test_defaults_leave_the_fixes_off():
    config = LoopConfig()
    assert (config.epsilon, config.density_beta, config.temperature) == (0.0, 0.0, False)
    assert hash(config.with_(**ALL_FIXES)) != hash(config)


@pytest.mark.parametrize("field, bad, message", [
    ("epsilon", 1.5, "epsilon must lie in"),
    ("epsilon", "some", "epsilon must be a number"),
    ("density_beta", -1.0, "density_beta must be a non-negative"),
    ("density_beta", float("nan"), "density_beta must be a non-negative"),
    ("density_beta", True, "density_beta must be a non-negative"),
    ("temperature", 1, "temperature must be True or False"),
])
def test_loop_config_rejects_bad_fix_settings(field, bad, message):
    with pytest.raises(ValueError, match=message):
        LoopConfig(**{field: bad})


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_fix_composes_with_every_strategy(blobs, strategy):
    loop = _run(blobs, LoopConfig(strategy=strategy, batch_size=2, n_members=3, **ALL_FIXES))
    assert loop.n_labeled == 6 + 3 * 2
    assert np.unique(loop.labeled_indices).size == loop.n_labeled
    utilities = loop.history[-1].utilities
    assert np.all(np.isnan(utilities[loop.labeled_indices[:-2]]))
    assert loop.scores(blobs.X_test[:5]).shape == (5,)


@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_every_fix_composes_with_every_selector(blobs, selector):
    loop = _run(blobs, LoopConfig(selector=selector, batch_size=3, **ALL_FIXES))
    assert loop.n_labeled == 6 + 3 * 3


def test_fixes_are_deterministic_under_a_seed(blobs):
    config = LoopConfig(strategy="margin", batch_size=2, **ALL_FIXES)
    first = _run(blobs, config, seed=3, rounds=4, seed_method="cluster")
    second = _run(blobs, config, seed=3, rounds=4, seed_method="cluster")
    assert np.array_equal(first.labeled_indices, second.labeled_indices)
    assert np.array_equal(first.curve[1], second.curve[1])
    assert first.temperature == second.temperature


def test_zero_settings_reproduce_the_plain_loop(blobs):
    plain = _run(blobs, LoopConfig(strategy="entropy", batch_size=2), rounds=4)
    zero = _run(blobs, LoopConfig(strategy="entropy", batch_size=2, epsilon=0.0, density_beta=0.0), rounds=4)
    assert np.array_equal(plain.labeled_indices, zero.labeled_indices)


def test_full_epsilon_queries_at_random(blobs):
    greedy = _run(blobs, LoopConfig(strategy="entropy"), rounds=5)
    explorer = _run(blobs, LoopConfig(strategy="entropy", epsilon=1.0), rounds=5)
    assert not np.array_equal(greedy.labeled_indices[6:], explorer.labeled_indices[6:])


def test_density_weighting_keeps_queries_off_outliers():
    data = make_dataset("outliers", n_pool=300, n_test=100, random_state=0)
    shares = {}
    for beta in (0.0, 2.0):
        loop = _run(data, LoopConfig(strategy="kl_disagreement", n_members=3, density_beta=beta), rounds=12)
        shares[beta] = data.marked[loop.labeled_indices[6:]].mean()
    assert shares[0.0] > 0.5 > shares[2.0]


def test_density_weighting_shows_in_the_recorded_utilities(blobs):
    plain = _run(blobs, LoopConfig(strategy="entropy"), rounds=1)
    weighted = _run(blobs, LoopConfig(strategy="entropy", density_beta=1.0), rounds=1)
    candidates = ~np.isnan(plain.history[1].utilities)
    expected = plain.history[1].utilities[candidates] * weighted.pool_density[candidates]
    assert np.allclose(weighted.history[1].utilities[candidates], expected, rtol=1e-5)


def test_temperature_softens_what_the_strategy_sees():
    data = make_dataset("overlap", n_pool=200, n_test=60, random_state=0)
    loop = _run(data, LoopConfig(model="poly_logreg", strategy="margin", temperature=True), rounds=10)
    assert loop.temperature > 1.0
    raw = loop.model.predict_proba(data.X_test)
    seen = loop.context(data.X_test).probs
    assert np.array_equal(np.argmax(seen, axis=1), np.argmax(raw, axis=1))
    assert seen.max(axis=1).mean() < raw.max(axis=1).mean()
    # Off, the loop's temperature is 1 and the context holds the model's own probabilities.
    plain = _run(data, LoopConfig(model="poly_logreg", strategy="margin"), rounds=2)
    assert plain.temperature == 1.0


def test_temperature_is_refitted_on_the_current_labeled_set(blobs):
    loop = _run(blobs, LoopConfig(strategy="margin", temperature=True), rounds=1)
    for _ in range(3):
        loop.step(PoolOracle(blobs.y_pool))
        expected = calibration_temperature(loop.model.estimator, blobs.X_pool[loop.labeled_indices],
                                           loop.labels, blobs.n_classes)
        assert loop.temperature == expected


def test_temperature_with_a_single_labeled_class(blobs):
    loop = ActiveLoop(blobs.X_pool, blobs.X_test, blobs.y_test, 3, LoopConfig(temperature=True))
    first_class = np.flatnonzero(blobs.y_pool == 0)[:3]
    loop.teach(first_class, blobs.y_pool[first_class])
    assert loop.temperature == 1.0
    assert loop.propose().shape == (1,)


def test_cluster_seed_method(blobs):
    rng = np.random.default_rng(0)
    seed = choose_seed_set(blobs.y_pool, 5, rng, "cluster", X_pool=blobs.X_pool)
    assert seed.shape == (5,) and np.unique(seed).size == 5
    with pytest.raises(ValueError, match="pass X_pool"):
        choose_seed_set(blobs.y_pool, 5, rng, "cluster")
    with pytest.raises(ValueError, match="'per_class', 'random' or 'cluster'"):
        choose_seed_set(blobs.y_pool, 5, rng, "kmeans")


def test_race_curves_take_the_cluster_seed():
    labels, curves = race_curves(lambda seed: make_dataset("blobs", n_pool=80, n_test=40, random_state=seed),
                                 {"a": LoopConfig(epsilon=0.5)}, seeds=[0, 1], budget=8, seed_method="cluster")
    assert labels.tolist() == [4, 5, 6, 7, 8]
    assert curves["a"].shape == (2, 5)
