"""The new strategies and selectors inside ActiveLoop, end to end."""

import numpy as np
import pytest

from alcore import registry, scores
from alcore.data import make_dataset
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle

NEW_STRATEGIES = ("egl", "eer", "bald")
NEW_SELECTORS = ("badge", "batchbald")


@pytest.fixture(scope="module")
def data():
    return make_dataset("multiblobs", n_pool=120, n_test=60, n_classes=3, random_state=0)


def _run(data, config, rounds=2, seed=0, between=None):
    loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, config, random_state=seed)
    oracle = PoolOracle(data.y_pool)
    seed_set = np.array([np.flatnonzero(data.y_pool == c)[0] for c in range(data.n_classes)])
    loop.teach(seed_set, oracle(seed_set))
    for _ in range(rounds):
        loop.step(oracle)
        if between is not None:
            between(loop)
    return loop


@pytest.mark.parametrize("model, strategy, selector", [
    ("logreg", "egl", "top_k"),
    ("poly_logreg", "egl", "hybrid"),
    ("logreg", "eer", "top_k"),
    ("mc_dropout", "bald", "top_k"),
    ("laplace_logreg", "bald", "k_center"),
    ("logreg", "entropy", "badge"),
    ("laplace_logreg", "egl", "badge"),
    ("laplace_logreg", "bald", "batchbald"),
    ("mc_dropout", "entropy", "batchbald"),
])
def test_loop_runs_each_new_strategy_and_selector(data, model, strategy, selector):
    loop = _run(data, LoopConfig(model=model, strategy=strategy, selector=selector, batch_size=3,
                                 mc_samples=8))
    assert loop.n_labeled == 3 + 2 * 3
    assert np.unique(loop.labeled_indices).size == loop.n_labeled
    last = loop.history[-1]
    assert last.queried.size == 3
    candidates_then = ~np.isnan(last.utilities)
    assert candidates_then[last.queried].all()  # every pick was unlabeled when chosen
    assert np.isfinite(last.utilities[candidates_then]).all()


def test_every_new_name_is_registered_with_a_plain_description():
    for name in NEW_STRATEGIES:
        strategy = registry.get_strategy(name)
        assert strategy.label and strategy.description and "\n" not in strategy.description
    for name in NEW_SELECTORS:
        selector = registry.get_selector(name)
        assert selector.label and selector.description and "\n" not in selector.description


def test_same_seed_same_history_and_maps_do_not_disturb_it(data):
    config = LoopConfig(model="mc_dropout", strategy="bald", selector="batchbald", batch_size=2, mc_samples=6)
    grid = np.random.default_rng(9).normal(size=(50, 2))
    quiet = _run(data, config, rounds=3, seed=5)
    watched = _run(data, config, rounds=3, seed=5, between=lambda loop: loop.scores(grid))
    for a, b in zip(quiet.history, watched.history):
        np.testing.assert_array_equal(a.queried, b.queried)
        np.testing.assert_array_equal(a.utilities, b.utilities)
    other = _run(data, config, rounds=3, seed=6)
    assert any(not np.array_equal(a.queried, b.queried) for a, b in zip(quiet.history, other.history))


def test_eer_is_deterministic_under_a_seed(data):
    config = LoopConfig(model="logreg", strategy="eer")
    first, second = _run(data, config, rounds=1, seed=3), _run(data, config, rounds=1, seed=3)
    np.testing.assert_array_equal(first.labeled_indices, second.labeled_indices)


def test_egl_sees_the_pipeline_features(data):
    loop = _run(data, LoopConfig(model="poly_logreg", strategy="egl"), rounds=0)
    ctx = loop.context()
    features = loop.model.fitted_[:-1].transform(ctx.X_candidates)
    np.testing.assert_allclose(registry.get_strategy("egl").utility(ctx),
                               scores.expected_gradient_length(ctx.probs, features))


@pytest.mark.parametrize("config", [LoopConfig(model="logreg", strategy="bald"),
                                    LoopConfig(model="knn", selector="batchbald")])
def test_sampling_strategies_on_a_model_that_cannot_sample_say_which_can(data, config):
    # Refused when the loop is built, before any step, with the models that work.
    with pytest.raises(ValueError, match="cannot; pick one of: Neural net .MC dropout., Bayesian logistic"):
        _run(data, config, rounds=0)


def test_mc_samples_must_be_positive():
    with pytest.raises(ValueError, match="mc_samples"):
        LoopConfig(mc_samples=0)
