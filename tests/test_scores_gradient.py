"""Expected gradient length, BALD and expected error reduction."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import log_softmax, softmax

from alcore.models import SoftmaxRegression, TaskModel, single_threaded
from alcore.scores import bald, expected_error_reduction, expected_gradient_length

FAST = settings(max_examples=25, deadline=None)


@st.composite
def probs_and_features(draw):
    n = draw(st.integers(1, 12))
    n_classes = draw(st.integers(2, 5))
    logits = draw(arrays(np.float64, (n, n_classes), elements=st.floats(-20, 20)))
    X = draw(arrays(np.float64, (n, 3), elements=st.floats(-5, 5)))
    return softmax(logits, axis=1), X


@st.composite
def mc_samples(draw):
    shape = (draw(st.integers(1, 6)), draw(st.integers(1, 10)), draw(st.integers(2, 4)))
    logits = draw(arrays(np.float64, shape, elements=st.floats(-10, 10)))
    return softmax(logits, axis=2)


# -- expected gradient length ------------------------------------------------------

def test_egl_hand_worked():
    # p = (0.8, 0.2), x = (3, 4): |[x, 1]| = sqrt(26); |p - e_0| = 0.2 sqrt(2), |p - e_1| = 0.8 sqrt(2).
    expected = (0.8 * 0.2 + 0.2 * 0.8) * np.sqrt(2) * np.sqrt(26)
    np.testing.assert_allclose(expected_gradient_length([[0.8, 0.2]], [[3.0, 4.0]]), [expected])
    np.testing.assert_allclose(expected_gradient_length([[0.5, 0.5], [1.0, 0.0]], [[0.0], [7.0]]),
                               [np.sqrt(0.5), 0.0])


def test_egl_matches_finite_differences_of_the_loss():
    rng = np.random.default_rng(0)
    d, n_classes = 4, 3
    weights = rng.normal(size=(d + 1, n_classes))
    X = rng.normal(size=(5, d))
    X1 = np.hstack([X, np.ones((5, 1))])
    probs = softmax(X1 @ weights, axis=1)
    step = 1e-6
    for i in range(5):
        expected = 0.0
        for label in range(n_classes):
            def loss(flat):
                return -log_softmax(X1[i] @ flat.reshape(d + 1, n_classes))[label]
            gradient = np.array([
                (loss(weights.ravel() + step * e) - loss(weights.ravel() - step * e)) / (2 * step)
                for e in np.eye(weights.size)
            ])
            expected += probs[i, label] * np.linalg.norm(gradient)
        assert expected_gradient_length(probs[i:i + 1], X[i:i + 1])[0] == pytest.approx(expected, rel=1e-6)


def test_egl_accurate_when_one_class_is_nearly_certain():
    probs = np.array([[1 - 1e-12, 0.4e-12, 0.6e-12]])
    exact = Fraction(0)
    for label in range(3):
        sq = sum((Fraction(p) - (c == label)) ** 2 for c, p in enumerate(probs[0]))
        exact += Fraction(probs[0, label]) * Fraction(np.sqrt(float(sq)))
    assert expected_gradient_length(probs, [[0.0]])[0] == pytest.approx(float(exact), rel=1e-9)


@FAST
@given(probs_and_features(), st.randoms(use_true_random=False))
def test_egl_properties(data, random):
    probs, X = data
    utilities = expected_gradient_length(probs, X)
    assert utilities.shape == (probs.shape[0],)
    assert np.all(utilities >= 0)
    rows = np.array(random.sample(range(probs.shape[0]), probs.shape[0]))
    np.testing.assert_allclose(expected_gradient_length(probs[rows], X[rows]), utilities[rows])
    columns = np.array(random.sample(range(probs.shape[1]), probs.shape[1]))
    np.testing.assert_allclose(expected_gradient_length(probs[:, columns], X), utilities, rtol=1e-12)
    # Never more than the largest gradient, sqrt(2) |[x, 1]|.
    assert np.all(utilities <= np.sqrt(2) * np.sqrt(1 + (X**2).sum(axis=1)) * (1 + 1e-12))


def test_egl_bad_input():
    with pytest.raises(ValueError, match="X has 1 rows"):
        expected_gradient_length([[0.5, 0.5], [0.2, 0.8]], [[1.0]])
    with pytest.raises(ValueError, match="sum to 1"):
        expected_gradient_length([[0.5, 0.6]], [[1.0]])
    with pytest.raises(ValueError, match="X must be a 2-D"):
        expected_gradient_length([[0.5, 0.5]], [1.0])


# -- BALD -------------------------------------------------------------------------

def test_bald_hand_worked():
    draws = [[[0.9, 0.1]], [[0.1, 0.9]]]
    h = -(0.9 * np.log(0.9) + 0.1 * np.log(0.1))
    np.testing.assert_allclose(bald(draws), [np.log(2) - h])


def test_bald_zero_when_draws_agree():
    rng = np.random.default_rng(0)
    one = softmax(rng.normal(size=(7, 3)), axis=1)
    np.testing.assert_allclose(bald(np.repeat(one[None], 5, axis=0)), 0.0, atol=1e-12)


def test_bald_maximal_for_even_split_of_confident_draws():
    split = np.array([[[1.0, 0.0]]] * 3 + [[[0.0, 1.0]]] * 3)
    assert bald(split)[0] == pytest.approx(np.log(2))
    rng = np.random.default_rng(1)
    others = softmax(3 * rng.normal(size=(6, 200, 2)), axis=2)
    assert bald(others).max() < np.log(2)


@FAST
@given(mc_samples(), st.randoms(use_true_random=False))
def test_bald_properties(mc, random):
    utilities = bald(mc)
    n_draws, n, n_classes = mc.shape
    assert utilities.shape == (n,)
    assert np.all(utilities >= 0)
    assert np.all(utilities <= np.log(min(n_draws, n_classes)) + 1e-9)
    rows = np.array(random.sample(range(n), n))
    np.testing.assert_allclose(bald(mc[:, rows]), utilities[rows])
    draws = np.array(random.sample(range(n_draws), n_draws))
    np.testing.assert_allclose(bald(mc[draws]), utilities, atol=1e-12)


def test_bald_bad_input():
    with pytest.raises(ValueError, match="mc_probs"):
        bald([[0.5, 0.5]])
    with pytest.raises(ValueError, match="mc_probs"):
        bald([[[0.5, 0.7]]])


# -- expected error reduction -------------------------------------------------------

def _fit(X, y, n_classes):
    return TaskModel(SoftmaxRegression(warm_start=False), n_classes).fit(X, y)


def _brute_force_eer(X_labeled, y_labeled, X_candidates, n_classes, loss):
    """Cold refits, no shortcuts: the definition, line by line."""
    def risk(probs):
        if loss == "zero_one":
            return np.mean(1 - probs.max(axis=1))
        return np.mean(-np.sum(np.where(probs > 0, probs * np.log(np.where(probs > 0, probs, 1)), 0), axis=1))

    model = _fit(X_labeled, y_labeled, n_classes)
    now = risk(model.predict_proba(X_candidates))
    utilities = []
    for x, p in zip(X_candidates, model.predict_proba(X_candidates)):
        expected = 0.0
        for label in range(n_classes):
            if p[label] > 0:
                with single_threaded():  # many tiny fits: BLAS threads only slow them down
                    refit = _fit(np.vstack([X_labeled, x]), np.append(y_labeled, label), n_classes)
                expected += p[label] * risk(refit.predict_proba(X_candidates))
        utilities.append(now - expected)
    return np.array(utilities)


@pytest.fixture(scope="module")
def tiny_pool():
    rng = np.random.default_rng(0)
    X_labeled = np.array([[-1.0, 0.0], [1.0, 0.5], [0.0, 1.5]])
    y_labeled = np.array([0, 1, 2])
    X_candidates = rng.normal(size=(8, 2))
    return X_labeled, y_labeled, X_candidates


@pytest.mark.parametrize("loss", ["zero_one", "log"])
def test_eer_matches_brute_force(tiny_pool, loss):
    X_labeled, y_labeled, X_candidates = tiny_pool
    model = TaskModel(SoftmaxRegression(), 3).fit(X_labeled, y_labeled)
    utilities = expected_error_reduction(model, X_labeled, y_labeled, X_candidates, loss=loss)
    reference = _brute_force_eer(X_labeled, y_labeled, X_candidates, 3, loss)
    np.testing.assert_allclose(utilities, reference, atol=1e-5)


def test_eer_leaves_the_model_alone(tiny_pool):
    X_labeled, y_labeled, X_candidates = tiny_pool
    model = TaskModel(SoftmaxRegression(), 3).fit(X_labeled, y_labeled)
    before = model.fitted_.weights_.copy()
    expected_error_reduction(model, X_labeled, y_labeled, X_candidates)
    np.testing.assert_array_equal(model.fitted_.weights_, before)


def test_eer_prefers_the_boundary_in_1d():
    X_labeled, y_labeled = np.array([[-1.0], [1.0]]), np.array([0, 1])
    model = TaskModel(SoftmaxRegression(), 2).fit(X_labeled, y_labeled)
    pool = np.linspace(-3, 3, 61)[:, None]
    for loss in ("zero_one", "log"):
        boundary, far = expected_error_reduction(model, X_labeled, y_labeled, np.array([[0.05], [3.0]]),
                                                 X_eval=pool, loss=loss)
        assert boundary > far


def test_eer_subsamples(tiny_pool):
    X_labeled, y_labeled, X_candidates = tiny_pool
    model = TaskModel(SoftmaxRegression(), 3).fit(X_labeled, y_labeled)
    exact = expected_error_reduction(model, X_labeled, y_labeled, X_candidates)
    sub = expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=3,
                                   rng=np.random.default_rng(5))
    scored = sub > sub.min()
    assert scored.sum() == 3
    np.testing.assert_allclose(sub[scored], exact[scored], atol=1e-6)
    np.testing.assert_allclose(sub[~scored], sub[scored].min() - 1.0)
    again = expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=3,
                                     pool_subsample=5, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(
        again, expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=3,
                                        pool_subsample=5, rng=np.random.default_rng(5)))
    # A subsample as large as the pool is the exact mode, and draws nothing.
    np.testing.assert_allclose(
        expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=50), exact)


def test_eer_bad_input(tiny_pool):
    X_labeled, y_labeled, X_candidates = tiny_pool
    model = TaskModel(SoftmaxRegression(), 3).fit(X_labeled, y_labeled)
    with pytest.raises(ValueError, match="loss"):
        expected_error_reduction(model, X_labeled, y_labeled, X_candidates, loss="hinge")
    with pytest.raises(ValueError, match="rng"):
        expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=2)
    with pytest.raises(ValueError, match="candidate_subsample"):
        expected_error_reduction(model, X_labeled, y_labeled, X_candidates, candidate_subsample=0)
    with pytest.raises(ValueError, match="y_labeled"):
        expected_error_reduction(model, X_labeled, y_labeled.astype(float), X_candidates)
    with pytest.raises(ValueError, match="same number of features"):
        expected_error_reduction(model, X_labeled, y_labeled, X_candidates[:, :1])
    with pytest.raises(ValueError, match="TaskModel"):
        expected_error_reduction(object(), X_labeled, y_labeled, X_candidates)
