"""Unit and property tests for alcore.fixes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import softmax

from alcore import fixes
from alcore.registry import make_model

# -- temperature scaling --------------------------------------------------------------


def _labels_from(logits, rng):
    cumulative = softmax(logits, axis=1).cumsum(axis=1)
    return np.minimum((rng.random((logits.shape[0], 1)) > cumulative).sum(axis=1), logits.shape[1] - 1)


@pytest.mark.parametrize("true_t", [0.5, 1.0, 2.5, 6.0])
def test_fit_temperature_recovers_a_known_temperature(true_t):
    rng = np.random.default_rng(1)
    calibrated = 2.0 * rng.normal(size=(6000, 4))
    y = _labels_from(calibrated, rng)
    # The model's logits are T times too large: the fitted T must undo that.
    assert fixes.fit_temperature(true_t * calibrated, y) == pytest.approx(true_t, rel=0.08)


def test_fit_temperature_reads_probabilities_as_well_as_logits():
    rng = np.random.default_rng(2)
    logits = 3.0 * rng.normal(size=(3000, 3))
    y = _labels_from(logits / 3.0, rng)
    from_logits = fixes.fit_temperature(logits, y)
    from_probs = fixes.fit_temperature(softmax(logits, axis=1), y)
    assert from_probs == pytest.approx(from_logits, rel=1e-4)
    assert from_logits == pytest.approx(3.0, rel=0.1)


def test_fit_temperature_errors():
    with pytest.raises(ValueError, match="y must be 2 integer labels"):
        fixes.fit_temperature([[0.9, 0.1], [0.2, 0.8]], [0])
    with pytest.raises(ValueError, match="y must lie in 0..1"):
        fixes.fit_temperature([[0.9, 0.1], [0.2, 0.8]], [0, 2])
    with pytest.raises(ValueError, match="probability 0"):
        fixes.fit_temperature([[1.0, 0.0], [0.2, 0.8]], [1, 1])
    with pytest.raises(ValueError, match="one column per class"):
        fixes.fit_temperature([[1.0], [1.0]], [0, 0])
    with pytest.raises(ValueError, match="NaN"):
        fixes.fit_temperature([[np.nan, 0.0], [0.2, 0.8]], [0, 1])


def test_apply_temperature_by_hand():
    assert fixes.apply_temperature([[0.8, 0.2]], 2.0) == pytest.approx(np.array([[2 / 3, 1 / 3]]))
    assert fixes.apply_temperature([[0.8, 0.2]], 1.0) == pytest.approx(np.array([[0.8, 0.2]]))
    assert fixes.apply_temperature([[2.0, 0.0]], 2.0) == pytest.approx(softmax([[1.0, 0.0]], axis=1))
    # A class the model never saw keeps probability 0.
    assert fixes.apply_temperature([[0.7, 0.3, 0.0]], 3.0)[0, 2] == 0.0


@pytest.mark.parametrize("bad", [0, -1.0, np.inf, np.nan, "hot", None])
def test_apply_temperature_rejects_bad_temperatures(bad):
    with pytest.raises(ValueError, match="temperature must be a positive"):
        fixes.apply_temperature([[0.5, 0.5]], bad)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(2, 5)), elements=st.floats(-20, 20)),
       st.floats(0.05, 20))
def test_apply_temperature_keeps_the_prediction_and_sums_to_one(logits, temperature):
    probs = fixes.apply_temperature(logits, temperature)
    assert probs.shape == logits.shape
    assert np.allclose(probs.sum(axis=1), 1.0)
    top = probs.max(axis=1)
    # The predicted class keeps the top probability (ties may stay ties).
    assert np.allclose(probs[np.arange(len(probs)), np.argmax(logits, axis=1)], top)


def test_cross_val_probs_are_held_out():
    # 1-nearest-neighbour on duplicated points: in-sample it is always right;
    # held out, each point is predicted by its twin of the other class.
    X = np.array([[0.0], [0.0], [1.0], [1.0], [2.0], [2.0]])
    y = np.array([0, 1, 0, 1, 0, 1])
    from sklearn.neighbors import KNeighborsClassifier
    held_out = fixes.cross_val_probs(KNeighborsClassifier(n_neighbors=1), X, y, 2, n_splits=2)
    assert held_out.shape == (6, 2)
    assert np.all(np.argmax(held_out, axis=1) != y)


def test_cross_val_probs_errors():
    with pytest.raises(ValueError, match="at least 2 rows"):
        fixes.cross_val_probs(make_model("logreg"), [[0.0]], [0], 2)
    with pytest.raises(ValueError, match="n_splits must be a positive integer"):
        fixes.cross_val_probs(make_model("logreg"), [[0.0], [1.0]], [0, 1], 2, n_splits=0)


def test_calibration_temperature_softens_an_overconfident_model():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + 1.5 * rng.normal(size=80) > 0).astype(int)  # noisy labels
    from alcore.models import SoftmaxRegression
    assert fixes.calibration_temperature(SoftmaxRegression(C=1000.0), X, y, 2) > 1.5


def test_calibration_temperature_is_one_without_two_classes():
    assert fixes.calibration_temperature(make_model("logreg"), [[0.0], [1.0]], [1, 1], 2) == 1.0
    assert fixes.calibration_temperature(make_model("logreg"), [[0.0]], [1], 2) == 1.0


# -- calibration metrics -----------------------------------------------------------------


def test_expected_calibration_error_by_hand():
    assert fixes.expected_calibration_error([[0.9, 0.1], [0.9, 0.1]], [0, 1]) == pytest.approx(0.4)
    # Two bins: 0.65 confident and right (gap 0.35); 0.95 confident and right (gap 0.05).
    probs = [[0.65, 0.35], [0.05, 0.95]]
    assert fixes.expected_calibration_error(probs, [0, 1]) == pytest.approx((0.35 + 0.05) / 2)


def test_reliability_bins_by_hand():
    probs = np.array([[0.55, 0.45], [0.58, 0.42], [0.95, 0.05], [1.0, 0.0]])
    bins = fixes.reliability_bins(probs, [0, 1, 0, 0], n_bins=10)
    assert bins.edges.shape == (11,)
    assert bins.counts.tolist() == [0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    assert bins.accuracy[5] == pytest.approx(0.5)
    assert bins.confidence[5] == pytest.approx(0.565)
    assert bins.accuracy[9] == 1.0
    assert np.isnan(bins.accuracy[0]) and np.isnan(bins.confidence[0])


def test_calibration_metric_errors():
    with pytest.raises(ValueError, match="y must be 1 integer labels"):
        fixes.expected_calibration_error([[0.5, 0.5]], [0, 1])
    with pytest.raises(ValueError, match="n_bins must be a positive integer"):
        fixes.reliability_bins([[0.5, 0.5]], [0], n_bins=0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(2, 4), st.integers(0, 2**16))
def test_ece_lies_in_unit_interval(n, n_classes, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(n_classes), size=n)
    y = rng.integers(n_classes, size=n)
    assert 0.0 <= fixes.expected_calibration_error(probs, y) <= 1.0
    assert fixes.reliability_bins(probs, y).counts.sum() == n


# -- epsilon-greedy -----------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [0.1, 0.3, 0.7])
def test_epsilon_greedy_random_share_matches_epsilon(epsilon):
    rng = np.random.default_rng(4)
    explored = np.concatenate([fixes.epsilon_greedy(np.arange(10), 100, epsilon, rng)[1] for _ in range(1000)])
    # 10,000 slots: the share's standard error is at most 0.005.
    assert explored.mean() == pytest.approx(epsilon, abs=0.02)


def test_epsilon_greedy_ends():
    rng = np.random.default_rng(5)
    picked = np.array([7, 3, 9])
    indices, explored = fixes.epsilon_greedy(picked, 10, 0.0, rng)
    assert indices.tolist() == [7, 3, 9] and not explored.any()
    indices, explored = fixes.epsilon_greedy(picked, 10, 1.0, rng)
    assert explored.all() and np.unique(indices).size == 3


def test_epsilon_greedy_random_slots_draw_uniformly():
    rng = np.random.default_rng(6)
    draws = np.array([fixes.epsilon_greedy(np.array([0]), 4, 1.0, rng)[0][0] for _ in range(2000)])
    assert np.bincount(draws, minlength=4) / 2000 == pytest.approx(np.full(4, 0.25), abs=0.035)


def test_epsilon_greedy_is_deterministic_under_a_seed():
    a = fixes.epsilon_greedy(np.arange(6), 50, 0.5, np.random.default_rng(7))
    b = fixes.epsilon_greedy(np.arange(6), 50, 0.5, np.random.default_rng(7))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.data(), st.floats(0, 1), st.integers(0, 2**16))
def test_epsilon_greedy_properties(n_candidates, data, epsilon, seed):
    k = data.draw(st.integers(1, n_candidates))
    picked = np.random.default_rng(seed).permutation(n_candidates)[:k]
    indices, explored = fixes.epsilon_greedy(picked, n_candidates, epsilon, np.random.default_rng(seed))
    assert indices.shape == (k,) and explored.shape == (k,)
    assert np.unique(indices).size == k
    assert indices.min() >= 0 and indices.max() < n_candidates
    assert np.array_equal(indices[~explored], picked[~explored])


def test_epsilon_greedy_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="epsilon must lie in"):
        fixes.epsilon_greedy([0], 3, 1.5, rng)
    with pytest.raises(ValueError, match="distinct indices in 0..2"):
        fixes.epsilon_greedy([0, 0], 3, 0.1, rng)
    with pytest.raises(ValueError, match="distinct indices in 0..2"):
        fixes.epsilon_greedy([3], 3, 0.1, rng)
    with pytest.raises(ValueError, match="picked must be a non-empty"):
        fixes.epsilon_greedy([], 3, 0.1, rng)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        fixes.epsilon_greedy([0], 3, 0.1, 42)


# -- density ---------------------------------------------------------------------------------


def _blob_and_outlier():
    rng = np.random.default_rng(8)
    return np.vstack([0.5 * rng.normal(size=(200, 2)), [[6.0, 6.0]]])


@pytest.mark.parametrize("method", ["knn", "rbf"])
def test_density_is_higher_inside_a_blob_than_at_an_outlier(method):
    X = _blob_and_outlier()
    values = fixes.density(X, method=method)
    assert values.shape == (201,)
    assert values.max() == pytest.approx(1.0)
    assert values.min() > 0
    assert np.median(values[:200]) > 5 * values[200]
    assert np.argmin(values) == 200


@pytest.mark.parametrize("method", ["knn", "rbf"])
def test_density_at_other_points_is_relative_to_the_pool(method):
    X = _blob_and_outlier()
    inside, far = fixes.density(X, np.array([[0.0, 0.0], [20.0, 20.0]]), method=method)
    assert inside > 0.5 and far < 0.05


def test_density_by_hand_knn():
    # Points at 0, 1, 2, 10 on a line, k = 1: nearest distances 1, 1, 1, 8.
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    assert fixes.density(X, k=1) == pytest.approx([1.0, 1.0, 1.0, 1 / 8])


def test_density_handles_duplicates():
    X = np.array([[0.0], [0.0], [1.0], [5.0]])
    values = fixes.density(X, k=1)
    assert np.all(np.isfinite(values)) and values.min() > 0


def test_density_errors():
    with pytest.raises(ValueError, match="method must be 'knn' or 'rbf'"):
        fixes.density([[0.0], [1.0]], method="kde")
    with pytest.raises(ValueError, match="at least 2 pool points"):
        fixes.density([[0.0]])
    with pytest.raises(ValueError, match="X must have 1 features"):
        fixes.density([[0.0], [1.0]], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="bandwidth must be a positive"):
        fixes.density([[0.0], [1.0]], method="rbf", bandwidth=-1.0)


def test_density_weighted_by_hand():
    assert fixes.density_weighted([0.5, 0.5], [1.0, 0.25], 1.0) == pytest.approx([0.5, 0.125])
    assert fixes.density_weighted([0.5, 0.5], [1.0, 0.25], 2.0) == pytest.approx([0.5, 0.5 / 16])
    assert fixes.density_weighted([0.3, 0.6], [1.0, 0.1], 0.0) == pytest.approx([0.3, 0.6])
    assert fixes.density_weighted([-1e-17, 0.6], [1.0, 0.1], 1.0)[0] == 0.0


def test_density_weighted_errors():
    with pytest.raises(ValueError, match="non-negative to be weighted"):
        fixes.density_weighted([-0.5], [1.0], 1.0)
    with pytest.raises(ValueError, match="density must be positive"):
        fixes.density_weighted([0.5], [0.0], 1.0)
    with pytest.raises(ValueError, match="one value per utility"):
        fixes.density_weighted([0.5, 0.1], [1.0], 1.0)
    with pytest.raises(ValueError, match="beta must be a non-negative"):
        fixes.density_weighted([0.5], [1.0], -1.0)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 5)), st.floats(0, 4), st.integers(0, 2**16))
def test_density_weighted_never_raises_a_utility(utilities, beta, seed):
    density = np.random.default_rng(seed).uniform(0.01, 1.0, size=utilities.size)
    weighted = fixes.density_weighted(utilities, density, beta)
    assert weighted.shape == utilities.shape
    assert np.all(weighted <= utilities + 1e-12) and np.all(weighted >= 0)


# -- cluster seed --------------------------------------------------------------------------------


def test_cluster_seed_picks_one_point_per_cluster():
    rng = np.random.default_rng(9)
    centres = 10.0 * np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]])
    cluster = np.repeat(np.arange(6), [40, 30, 50, 20, 35, 25])
    X = centres[cluster] + 0.3 * rng.normal(size=(cluster.size, 2))
    chosen = fixes.cluster_seed(X, 6, np.random.default_rng(0))
    assert chosen.shape == (6,) and np.unique(chosen).size == 6
    assert sorted(cluster[chosen].tolist()) == list(range(6))
    # Each pick is a central point of its cluster.
    for index in chosen:
        members = X[cluster == cluster[index]]
        assert np.linalg.norm(X[index] - members.mean(axis=0)) < 0.3


@pytest.mark.filterwarnings("ignore:Number of distinct clusters")
def test_cluster_seed_is_deterministic_and_distinct_with_duplicates():
    X = np.repeat(np.arange(4.0)[:, None], 3, axis=0)  # 4 distinct points, each three times
    a = fixes.cluster_seed(X, 6, np.random.default_rng(1))
    b = fixes.cluster_seed(X, 6, np.random.default_rng(1))
    assert np.array_equal(a, b) and np.unique(a).size == 6


def test_cluster_seed_errors():
    with pytest.raises(ValueError, match="n must be at most the number of points"):
        fixes.cluster_seed([[0.0], [1.0]], 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        fixes.cluster_seed([[0.0], [1.0]], 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        fixes.cluster_seed([[0.0], [1.0]], 1, 0)
