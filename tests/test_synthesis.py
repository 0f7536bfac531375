"""Membership-query synthesis (alcore.synthesis)."""

import numpy as np
import pytest
from scipy.special import expit

from alcore.data import make_dataset
from alcore.models import TaskModel
from alcore.registry import make_model
from alcore.synthesis import SynthesisLearner, SynthesisRace, bisect_to_boundary, far_from_data, synthesise


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


# -- queries where the model is most uncertain, checked numerically ---------------------------------------

def _margin_utility(probs):
    top = np.sort(probs, axis=1)
    return 1 - (top[:, -1] - top[:, -2])


@pytest.mark.parametrize("name, ends", [("blobs", "plane"), ("blobs", "pool"), ("multiblobs", "plane"),
                                        ("xor", "plane")])
def test_every_synthetic_query_is_a_point_of_highest_uncertainty(name, ends):
    """At each query the model's margin utility reaches the highest value found anywhere on a fine grid
    over the picture (1: the top two classes tie), and it lies on the boundary of the model of its round."""
    data = make_dataset(name, n_pool=300, n_test=100, random_state=1)
    learner = SynthesisLearner(data, model="poly_logreg" if name == "xor" else "logreg", ends=ends, random_state=2)
    x_min, x_max, y_min, y_max = data.bounds
    gx, gy = np.meshgrid(np.linspace(x_min, x_max, 301), np.linspace(y_min, y_max, 301))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    for _ in range(8):
        query = learner.propose()
        assert not learner.is_fallback(query)
        at_query = _margin_utility(learner.predict_proba(query.point[None, :]))[0]
        best_on_grid = _margin_utility(learner.predict_proba(grid)).max()
        assert at_query >= best_on_grid - 1e-4
        assert at_query == pytest.approx(1.0, abs=1e-4)
        learner.step()


def test_plane_queries_can_lie_anywhere_in_the_picture_pool_queries_between_real_points():
    data = make_dataset("blobs", n_pool=300, n_test=100, random_state=0)
    plane = SynthesisLearner(data, ends="plane", random_state=0)
    pool = SynthesisLearner(data, ends="pool", random_state=0)
    for _ in range(15):
        plane.step(), pool.step()
    x_min, x_max, y_min, y_max = data.bounds
    inside_box = (plane.queries[:, 0] >= x_min) & (plane.queries[:, 0] <= x_max) & \
                 (plane.queries[:, 1] >= y_min) & (plane.queries[:, 1] <= y_max)
    assert inside_box.all()
    for record in pool.history:  # on the segment between its two real end points
        start, end = data.X_pool[record.query.start], data.X_pool[record.query.end]
        np.testing.assert_allclose(record.query.point, (1 - record.query.t) * start + record.query.t * end)


def test_far_from_data_worked_example():
    real = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])  # nearest-neighbour distances 1, 1, 2
    # With quantile 0.5 the limit is 1: a point 1.5 from the data is outside, one 0.5 away is not.
    np.testing.assert_array_equal(far_from_data([[0.5, 0.0], [1.0, 1.5], [10.0, 0.0]], real, quantile=0.5),
                                  [False, True, True])
    assert far_from_data(np.empty((0, 2)), real).shape == (0,)
    assert not far_from_data(real, real).any()
    with pytest.raises(ValueError, match="at least two points"):
        far_from_data([[0.0, 0.0]], [[0.0, 0.0]])
    with pytest.raises(ValueError, match="quantile must lie in"):
        far_from_data([[0.0, 0.0]], real, quantile=0)


# -- the loop split: propose, teach, skip; oracles -------------------------------------------------------

def test_propose_keeps_its_query_until_it_is_answered_or_skipped():
    data = make_dataset("blobs", n_pool=200, n_test=50, random_state=0)
    learner = SynthesisLearner(data, random_state=0)
    first = learner.propose()
    assert learner.propose() is first
    assert learner.skip() is first and learner.skipped == [first]
    second = learner.propose()
    assert second is not first
    record = learner.teach(1)
    assert record.query is second and record.label == 1 and learner.y_labeled[-1] == 1
    assert learner.n_questions == 2 and learner.n_labeled == 5 and len(learner.history) == 1
    np.testing.assert_array_equal(learner.queries, [second.point])
    assert learner.curve[0].tolist() == [4, 5]


def test_teach_and_skip_errors():
    learner = SynthesisLearner(make_dataset("blobs", n_pool=100, n_test=50), random_state=0)
    with pytest.raises(ValueError, match="no query to label"):
        learner.teach(0)
    with pytest.raises(ValueError, match="no query to skip"):
        learner.skip()
    learner.propose()
    with pytest.raises(ValueError, match="label must be a class from 0 to 1"):
        learner.teach(2)


def test_the_source_oracle_answers_with_the_image_a_blend_is_mostly_made_of():
    data = make_dataset("digits", n_pool=300, n_test=100, random_state=0)
    learner = SynthesisLearner(data, seed_size=10, ends="pool", oracle="source", random_state=3)
    for _ in range(10):
        query = learner.propose()
        dominant = query.start if query.t <= 0.5 else query.end
        assert learner.answer(query) == data.y_pool[dominant]
        assert learner.step().label == data.y_pool[dominant]


@pytest.mark.parametrize("settings_, message", [
    (dict(ends="sky"), "ends must be one of"),
    (dict(oracle="person"), "oracle must be one of"),
    (dict(oracle="source", ends="plane"), "needs ends='pool'"),
])
def test_synthesis_settings_errors(settings_, message):
    with pytest.raises(ValueError, match=message):
        SynthesisLearner(make_dataset("blobs", n_pool=50, n_test=20), **settings_)


def test_plane_ends_need_a_picture():
    from alcore.data import Dataset
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), np.arange(40) % 2
    three_d = Dataset("cube", X[:30], y[:30], X[30:], y[30:], 2, posterior=lambda Z: np.full((len(Z), 2), 0.5))
    with pytest.raises(ValueError, match="draws end points over a 2-D picture"):
        SynthesisLearner(three_d, ends="plane")


# -- a synthesis learner beside pool-based ones ----------------------------------------------------------

def test_a_synthesis_race_starts_everyone_alike_and_stops_at_the_budget():
    data = make_dataset("blobs", n_pool=200, n_test=100, random_state=0)
    race = SynthesisRace(data, strategies=("margin", "random"), seed_size=4, budget=12, random_state=0)
    for name in ("margin", "random"):
        assert race.loops[name].labeled_indices.tolist() == race.synthesis.seed_indices.tolist()
    assert race.advance(100) == 8 and race.finished and race.rounds == 8
    assert {loop.n_labeled for loop in race.loops.values()} == {12}
    race.budget = 14
    assert not race.finished
    race.step(skip=True)  # can't tell: a question without a label; the pool learners still take theirs
    assert race.synthesis.n_labeled == 12 and race.rounds == 9 and race.loops["margin"].n_labeled == 13
    race.step(label=0)
    assert race.synthesis.y_labeled[-1] == 0 and race.synthesis.n_labeled == 13
