"""Models that sample their posterior: MC-dropout MLP, Laplace logistic regression,
and TaskModel.sample_proba on top of them."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons

from alcore.bayes import LaplaceLogistic, MCDropoutMLP
from alcore.models import SoftmaxRegression, TaskModel
from alcore.registry import MODELS, make_model


@pytest.fixture(scope="module")
def moons():
    return make_moons(300, noise=0.15, random_state=0)


@pytest.fixture(scope="module")
def mlp(moons):
    X, y = moons
    return MCDropoutMLP(random_state=0).fit(X, y)


# -- MC-dropout MLP -----------------------------------------------------------

def test_mlp_learns_moons(mlp, moons):
    X, y = moons
    assert np.mean(mlp.predict(X) == y) > 0.9
    np.testing.assert_allclose(mlp.predict_proba(X).sum(axis=1), 1.0)


def test_mlp_two_hidden_layers_learn(moons):
    X, y = moons
    model = MCDropoutMLP(hidden_layer_sizes=(32, 32), random_state=0).fit(X, y)
    assert np.mean(model.predict(X) == y) > 0.9


@pytest.mark.parametrize("hidden", [(5,), (4, 3)])
def test_mlp_gradients_match_finite_differences(hidden):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), rng.integers(0, 3, size=12)
    model = MCDropoutMLP(hidden_layer_sizes=hidden, dropout=0.0, alpha=0.3, max_iter=5, random_state=0).fit(X, y)
    Z, onehot = (X - model.mean_) / model.scale_, np.eye(3)[y]

    def loss():
        probs = model.predict_proba(X)
        penalty = sum((w**2).sum() for w in model.weights_)
        return -np.mean(np.log(probs[np.arange(12), y])) + 0.5 * 0.3 / 12 * penalty

    analytic = model._gradients(Z, onehot, 12, np.random.default_rng(0))
    for param, grad in zip(model.weights_ + model.biases_, analytic):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + 1e-6
            up = loss()
            param[index] = keep - 1e-6
            numeric[index] = (up - loss()) / 2e-6
            param[index] = keep
        np.testing.assert_allclose(grad, numeric, atol=1e-6)


def test_mlp_sample_proba_shape_and_spread(mlp, moons):
    X, _ = moons
    draws = mlp.sample_proba(X[:50], 8, rng=np.random.default_rng(1))
    assert draws.shape == (8, 50, 2)
    np.testing.assert_allclose(draws.sum(axis=2), 1.0)
    assert np.ptp(draws[:, :, 0], axis=0).max() > 0.01  # dropout stays on: draws differ


def test_mlp_draw_is_one_function_for_all_rows(mlp, moons):
    # One mask per draw, shared by every row: a row's draws do not depend on the other rows.
    X = moons[0][:20]
    forward = mlp.sample_proba(X, 5, rng=np.random.default_rng(3))
    backward = mlp.sample_proba(X[::-1], 5, rng=np.random.default_rng(3))
    np.testing.assert_allclose(forward, backward[:, ::-1])
    alone = mlp.sample_proba(X[:1], 5, rng=np.random.default_rng(3))
    np.testing.assert_allclose(alone[:, 0], forward[:, 0])


def test_mlp_deterministic_under_seed(moons):
    X, y = moons
    a = MCDropoutMLP(random_state=4).fit(X, y)
    b = MCDropoutMLP(random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.sample_proba(X, 3), b.sample_proba(X, 3))


def test_mlp_without_dropout_draws_equal_prediction(moons):
    X, y = moons
    model = MCDropoutMLP(dropout=0.0, max_iter=50, random_state=0).fit(X, y)
    draws = model.sample_proba(X[:10], 3)
    np.testing.assert_allclose(draws, np.broadcast_to(model.predict_proba(X[:10]), draws.shape))


def test_mlp_keeps_label_values(moons):
    X, y = moons
    model = MCDropoutMLP(max_iter=100, random_state=0).fit(X, np.where(y == 1, 7, 3))
    assert set(model.predict(X)) <= {3, 7}
    assert clone(model).get_params() == model.get_params()


@pytest.mark.parametrize("params, match", [
    ({"hidden_layer_sizes": (8, 8, 8)}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ({"dropout": 1.0}, "dropout"),
    ({"max_iter": 0}, "max_iter"),
])
def test_mlp_bad_params(moons, params, match):
    with pytest.raises(ValueError, match=match):
        MCDropoutMLP(**params).fit(*moons)


def test_mlp_bad_input(mlp, moons):
    X, y = moons
    with pytest.raises(ValueError, match="two classes"):
        MCDropoutMLP().fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="rng"):
        mlp.sample_proba(X, 3, rng=1)
    with pytest.raises(ValueError, match="T"):
        mlp.sample_proba(X, 0)


# -- Laplace logistic regression ---------------------------------------------------

def test_laplace_map_is_softmax_regression(moons):
    X, y = moons
    laplace = LaplaceLogistic(C=2.0).fit(X, y)
    plain = SoftmaxRegression(C=2.0).fit(X, y)
    np.testing.assert_allclose(laplace.predict_proba(X), plain.predict_proba(X))


def test_laplace_precision_is_hessian_of_objective():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = rng.integers(0, 3, size=30)
    model = LaplaceLogistic(C=1.5, bias_precision=0.1).fit(X, y)
    X1 = np.hstack([X, np.ones((30, 1))])
    onehot = np.eye(3)[y]
    flat = model.weights_.ravel()
    numeric = np.empty((flat.size, flat.size))
    for i in range(flat.size):
        step = np.zeros_like(flat)
        step[i] = 1e-6
        gradient_up = model._loss_gradient((flat + step).reshape(model.weights_.shape), X1, onehot)[1]
        gradient_down = model._loss_gradient((flat - step).reshape(model.weights_.shape), X1, onehot)[1]
        numeric[:, i] = (gradient_up - gradient_down).ravel() / 2e-6
    numeric[np.arange(-3, 0), np.arange(-3, 0)] += 0.1  # the bias prior, not in the objective
    L = model.precision_cholesky_
    np.testing.assert_allclose(L @ L.T, numeric, atol=1e-5)


def test_laplace_draws_have_posterior_covariance():
    # Two classes at x = 0 and x = 1: log(p1 / p0) is linear in the weights, so its
    # variance over draws must match e^T Sigma e with Sigma the inverse precision.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1))
    y = (X[:, 0] + rng.normal(size=40) > 0).astype(int)
    model = LaplaceLogistic(random_state=0).fit(X, y)
    L = model.precision_cholesky_
    covariance = np.linalg.inv(L @ L.T)  # over (w0, w1, b0, b1)
    draws = model.sample_proba([[0.0], [1.0]], 20000)
    log_odds = np.log(draws[:, :, 1] / draws[:, :, 0])
    for row, direction in enumerate(([0, 0, -1, 1], [-1, 1, -1, 1])):
        e = np.array(direction, dtype=float)
        assert np.var(log_odds[:, row]) == pytest.approx(e @ covariance @ e, rel=0.05)
    map_odds = np.log(model.predict_proba([[0.0]])[0, 1] / model.predict_proba([[0.0]])[0, 0])
    assert np.mean(log_odds[:, 0]) == pytest.approx(map_odds, abs=0.05)


def test_laplace_posterior_narrows_with_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 2))
    y = (X.sum(axis=1) > 0).astype(int)
    grid = rng.normal(size=(50, 2))
    few = LaplaceLogistic().fit(X[:6], y[:6]).sample_proba(grid, 50, rng=np.random.default_rng(0))
    many = LaplaceLogistic().fit(X, y).sample_proba(grid, 50, rng=np.random.default_rng(0))
    assert few.std(axis=0).mean() > 5 * many.std(axis=0).mean()


def test_laplace_bad_bias_precision(moons):
    with pytest.raises(ValueError, match="bias_precision"):
        LaplaceLogistic(bias_precision=0.0).fit(*moons)


# -- TaskModel and the model registry -----------------------------------------------

def test_registered_models_sample():
    for name in ("mc_dropout", "laplace_logreg"):
        assert name in MODELS and MODELS[name].description
        assert hasattr(make_model(name, 0), "sample_proba")


def test_task_model_sample_proba_fills_unseen_classes(moons):
    X, y = moons
    model = TaskModel(LaplaceLogistic(), n_classes=3).fit(X, np.where(y == 1, 2, 0))
    draws = model.sample_proba(X[:5], 4, rng=np.random.default_rng(0))
    assert draws.shape == (4, 5, 3)
    assert np.all(draws[:, :, 1] == 0)
    np.testing.assert_allclose(draws.sum(axis=2), 1.0)


def test_task_model_sample_proba_single_class_is_uniform(moons):
    X, _ = moons
    model = TaskModel(MCDropoutMLP(), n_classes=2).fit(X[:3], np.array([1, 1, 1]))
    np.testing.assert_allclose(model.sample_proba(X[:4], 3, rng=np.random.default_rng(0)), 0.5)


def test_task_model_sample_proba_needs_a_sampling_model(moons):
    X, y = moons
    model = TaskModel(SoftmaxRegression(), n_classes=2).fit(X, y)
    with pytest.raises(ValueError, match="cannot sample its posterior.*sampling_models"):
        model.sample_proba(X, 3, rng=np.random.default_rng(0))
