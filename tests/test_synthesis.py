"""Membership-query synthesis (alcore.synthesis)."""

import numpy as np
import pytest
from scipy.special import expit

from alcore.data import make_dataset
from alcore.models import TaskModel
from alcore.registry import make_model
from alcore.synthesis import SynthesisLearner, bisect_to_boundary, synthesise


def _line_model(X):
    """A known boundary: class 1 where x0 + x1 > 1."""
    positive = expit(4 * (X[:, 0] + X[:, 1] - 1))
    return np.column_stack([1 - positive, positive])


def test_bisection_finds_a_known_boundary():
    t = bisect_to_boundary(_line_model, [0.0, 0.0], [2.0, 2.0])
    assert t == pytest.approx(0.25, abs=1e-6)


def test_bisection_finds_the_change_nearest_the_start():
    # Class 1 on two bands, x in (1, 2) and x > 3: from 0 the first change is at 1.
    def bands(X):
        inside = ((X[:, 0] > 1) & (X[:, 0] < 2)) | (X[:, 0] > 3)
        return np.column_stack([~inside, inside]).astype(float)
    assert bisect_to_boundary(bands, [0.0], [4.0]) == pytest.approx(0.25, abs=1e-6)


def test_bisection_errors():
    with pytest.raises(ValueError, match="predicted to be the same class"):
        bisect_to_boundary(_line_model, [0.0, 0.0], [0.1, 0.1])
    with pytest.raises(ValueError, match="same shape"):
        bisect_to_boundary(_line_model, [0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="tol must lie between 0 and 1"):
        bisect_to_boundary(_line_model, [0.0, 0.0], [2.0, 2.0], tol=0)


def test_synthesised_points_lie_on_the_current_boundary():
    data = make_dataset("multiblobs", n_pool=200, n_test=50, n_classes=3, random_state=0)
    model = TaskModel(make_model("logreg"), 3).fit(data.X_pool[:30], data.y_pool[:30])
    rng = np.random.default_rng(0)
    for _ in range(10):
        query = synthesise(model.predict_proba, data.X_pool, rng)
        top_two = np.sort(model.predict_proba(query.point[None, :])[0])[-2:]
        assert top_two[1] - top_two[0] < 1e-4  # the two leading classes tie there
        ends = model.predict(data.X_pool[[query.start, query.end]])
        assert ends[0] != ends[1]
        expected = (1 - query.t) * data.X_pool[query.start] + query.t * data.X_pool[query.end]
        assert np.allclose(query.point, expected)


def test_synthesise_errors():
    def one_class(X):
        return np.column_stack([np.ones(len(X)), np.zeros(len(X))])
    with pytest.raises(ValueError, match="predicts one class for every row"):
        synthesise(one_class, [[0.0], [1.0]], np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        synthesise(_line_model, [[0.0, 0.0], [2.0, 2.0]], 0)


def test_digits_queries_blend_two_images_of_different_predicted_classes():
    data = make_dataset("digits", n_pool=300, n_test=50, random_state=0)
    model = TaskModel(make_model("logreg"), 10).fit(data.X_pool[:150], data.y_pool[:150])
    query = synthesise(model.predict_proba, data.X_pool[150:], np.random.default_rng(1))
    start, end = data.X_pool[150 + query.start], data.X_pool[150 + query.end]
    assert query.point.shape == (64,) and 0 < query.t < 1
    assert np.all(query.point >= np.minimum(start, end) - 1e-12)
    assert np.all(query.point <= np.maximum(start, end) + 1e-12)
    assert model.predict(start[None])[0] != model.predict(end[None])[0]


def test_synthesis_learner_learns_from_the_true_posterior():
    data = make_dataset("blobs", n_pool=200, n_test=200, random_state=0)
    learner = SynthesisLearner(data, seed_size=4, random_state=0)
    for _ in range(10):
        record = learner.step()
    assert record.n_labels == 14 and learner.X_labeled.shape == (14, 2)
    assert record.accuracy > 0.8
    assert set(np.unique(learner.y_labeled)) <= {0, 1}


def test_synthesis_learner_is_deterministic():
    data = make_dataset("xor", n_pool=150, n_test=50, random_state=3)
    runs = []
    for _ in range(2):
        learner = SynthesisLearner(data, model="poly_logreg", random_state=5)
        runs.append([learner.step() for _ in range(4)])
    assert all(np.array_equal(a.query.point, b.query.point) and a.label == b.label for a, b in zip(*runs))


def test_synthesis_learner_falls_back_to_a_pool_point_without_a_boundary():
    data = make_dataset("blobs", n_pool=100, n_test=50, random_state=0)
    learner = SynthesisLearner(data, random_state=0)
    learner.model.predict = lambda X: np.zeros(len(X), dtype=int)  # a model that sees one class everywhere
    query = learner.propose()
    assert query.start == query.end and query.t == 0.0
    assert np.array_equal(query.point, data.X_pool[query.start])


def test_synthesis_learner_errors():
    with pytest.raises(ValueError, match="no known posterior"):
        SynthesisLearner(make_dataset("moons", n_pool=50, n_test=20))
    with pytest.raises(ValueError, match="model must be one of"):
        SynthesisLearner(make_dataset("blobs", n_pool=50, n_test=20), model="oracle")
