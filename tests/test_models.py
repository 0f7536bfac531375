"""Models: the numpy logistic regression, the one-column-per-class wrapper, committees."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_info

from alcore.models import Committee, SoftmaxRegression, TaskModel, _solve_positive_definite, single_threaded
from alcore.registry import MODELS, make_model


@pytest.fixture
def three_classes():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 90)
    X = rng.normal(size=(90, 2)) + np.column_stack([y, -y])
    return X, y


@pytest.mark.parametrize("solver_limit", [SoftmaxRegression._NEWTON_MAX_PARAMS, 0])
def test_softmax_regression_matches_sklearn_multinomial(three_classes, solver_limit, monkeypatch):
    X, y = three_classes
    monkeypatch.setattr(SoftmaxRegression, "_NEWTON_MAX_PARAMS", solver_limit)  # Newton, then L-BFGS
    ours = SoftmaxRegression(C=1.0).fit(X, y)
    theirs = LogisticRegression(C=1.0, tol=1e-10, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_two_classes_solve_the_same_problem_as_the_symmetric_softmax(monkeypatch):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] + rng.normal(size=50) > 0).astype(int)
    reduced = SoftmaxRegression(C=2.0).fit(X, y)  # Newton on one weight vector
    monkeypatch.setattr(SoftmaxRegression, "_NEWTON_MAX_PARAMS", 0)
    symmetric = SoftmaxRegression(C=2.0).fit(X, y)  # L-BFGS on both class vectors
    np.testing.assert_allclose(reduced.predict_proba(X), symmetric.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(reduced.coef_, symmetric.coef_ - symmetric.coef_.mean(axis=0), atol=1e-5)


def test_softmax_regression_warm_start_reaches_the_same_solution(three_classes):
    X, y = three_classes
    warm = SoftmaxRegression().fit(X[:60], y[:60]).fit(X, y)
    cold = SoftmaxRegression(warm_start=False).fit(X, y)
    np.testing.assert_allclose(warm.weights_, cold.weights_, atol=1e-5)



def test_positive_definite_solve_and_its_fallback():
    spd = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]])
    vector = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(spd @ _solve_positive_definite(spd, vector), vector)
    indefinite = np.array([[0.0, 1.0], [1.0, 0.0]])  # Cholesky fails; the general solver answers
    np.testing.assert_allclose(_solve_positive_definite(indefinite, np.array([2.0, 3.0])), [3.0, 2.0])

def test_softmax_regression_needs_two_classes():
    with pytest.raises(ValueError, match="two classes"):
        SoftmaxRegression().fit(np.zeros((3, 2)), [1, 1, 1])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_gives_one_column_per_task_class(name, three_classes):
    X, y = three_classes
    model = TaskModel(make_model(name, random_state=0), n_classes=5)
    # Only classes 0 and 2 are labeled, with two points each.
    rows = np.concatenate([np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 2)[:2]])
    probs = model.fit(X[rows], y[rows]).predict_proba(X)
    assert probs.shape == (90, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(probs[:, [1, 3, 4]] == 0.0)
    assert model.note == ""
    np.testing.assert_array_equal(model.predict(X), np.argmax(probs, axis=1))  # the estimator's own predict
    full = model.fit(X, y).predict_proba(X)
    assert full.shape == (90, 5) and np.mean(np.argmax(full, axis=1) == y) > 0.6
    np.testing.assert_array_equal(model.predict(X), np.argmax(full, axis=1))


def test_single_class_gives_uniform_prediction_and_a_note():
    model = TaskModel(make_model("logreg"), n_classes=4).fit(np.ones((3, 2)), np.array([2, 2, 2]))
    np.testing.assert_allclose(model.predict_proba(np.zeros((2, 2))), 0.25)
    np.testing.assert_array_equal(model.predict(np.zeros((2, 2))), [0, 0])  # argmax of a uniform row
    assert "one class" in model.note.lower()


def test_task_model_bad_input():
    with pytest.raises(ValueError, match="predict_proba"):
        TaskModel(object(), 2)
    with pytest.raises(ValueError, match="n_classes"):
        TaskModel(make_model("logreg"), 1)
    with pytest.raises(ValueError, match="labels in 0..1"):
        TaskModel(make_model("logreg"), 2).fit(np.zeros((2, 2)), np.array([0, 5]))
    with pytest.raises(ValueError, match="not fitted"):
        TaskModel(make_model("logreg"), 2).predict_proba(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        TaskModel(make_model("logreg"), 2).predict(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="model must be one of"):
        make_model("perceptron")


def test_knn_with_fewer_points_than_neighbours():
    model = TaskModel(KNeighborsClassifier(n_neighbors=5), 2).fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    assert model.predict_proba(np.array([[0.1]])).shape == (1, 2)


def test_committee_shapes_determinism_and_bootstrap(three_classes):
    X, y = three_classes

    def fitted(seed):
        return Committee(make_model("logreg"), 3, n_members=4, rng=np.random.default_rng(seed)).fit(X, y)

    committee = fitted(0)
    assert committee.member_probs(X).shape == (4, 90, 3)
    assert committee.votes(X).shape == (4, 90)
    np.testing.assert_array_equal(fitted(0).member_probs(X), committee.member_probs(X))
    # Bootstrap samples differ, so the members do too.
    assert not np.allclose(committee.member_probs(X)[0], committee.member_probs(X)[1])


def test_committee_members_see_every_labeled_class():
    X = np.array([[0.0], [1.0], [1.1], [1.2], [1.3]])
    y = np.array([0, 1, 1, 1, 1])
    committee = Committee(make_model("logreg"), 2, n_members=6, rng=np.random.default_rng(0)).fit(X, y)
    assert all(member.note == "" for member in committee.members_)


def test_committee_bad_input():
    with pytest.raises(ValueError, match="n_members"):
        Committee(make_model("logreg"), 2, n_members=1, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="not fitted"):
        Committee(make_model("logreg"), 2, rng=np.random.default_rng()).votes(np.zeros((1, 2)))


def test_single_threaded_limits_blas_and_openmp_and_nests():
    """scikit-learn's k-NN runs OpenMP threads: on a shared server they must stay at one too."""
    with single_threaded():
        inside = {(pool["user_api"], pool["num_threads"]) for pool in threadpool_info()}
        with single_threaded():
            nested = {(pool["user_api"], pool["num_threads"]) for pool in threadpool_info()}
    assert {api for api, _ in inside} >= {"blas", "openmp"}  # scikit-learn loads both runtimes
    assert all(threads == 1 for _, threads in inside) and nested == inside
