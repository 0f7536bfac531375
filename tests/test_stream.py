"""Stream-based selective sampling (alcore.stream)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alcore.data import make_dataset
from alcore.loop import PoolOracle
from alcore.stream import MEASURES, StreamLearner, run_stream


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", n_pool=150, n_test=60, random_state=2)


@settings(max_examples=15, deadline=None)
@given(st.floats(0, 1), st.integers(1, 30), st.one_of(st.none(), st.floats(0.01, 1)), st.floats(0, 1),
       st.integers(0, 1000))
def test_the_stream_learner_never_exceeds_its_budget(threshold, budget, max_fraction, epsilon, seed):
    data = make_dataset("blobs", n_pool=60, n_test=20, random_state=seed % 7)
    learner = run_stream(data, threshold=threshold, budget=budget, max_fraction=max_fraction, epsilon=epsilon,
                         random_state=seed)
    table = learner.arrays()
    assert learner.n_labeled <= budget
    assert table["n_labels"][-1] == learner.n_labeled == table["labeled"].sum()
    if max_fraction is not None:
        # At every arrival, the labels held are within the fixed fraction of the arrivals so far.
        assert np.all(table["n_labels"] <= max_fraction * (table["position"] + 1) + 1e-9)
    assert np.all(table["explored"] <= table["labeled"])


def test_history_has_one_record_per_arrival(blobs):
    learner = run_stream(blobs, threshold=0.6, budget=20, n_arrivals=100, random_state=1)
    table = learner.arrays()
    assert len(learner.history) == 100
    assert table["position"].tolist() == list(range(100))
    assert np.unique(table["index"]).size == 100
    assert np.all((table["score"] >= 0) & (table["score"] <= 1))
    labeled = table["labeled"]
    # Every label above the threshold or by exploration; skips stay below it or found no budget.
    assert np.all(table["score"][labeled & ~table["explored"]] >= 0.6)
    assert np.all(np.diff(table["n_labels"]) == labeled[1:])
    assert np.isfinite(table["accuracy"][labeled.argmax():]).all()


def test_first_arrivals_are_labeled_until_the_model_sees_two_classes(blobs):
    learner = run_stream(blobs, threshold=0.99, budget=30, n_arrivals=30, random_state=0)
    table = learner.arrays()
    classes = blobs.y_pool[table["index"]]
    second_class_arrives = int(np.argmax(classes != classes[0]))
    assert second_class_arrives > 0
    assert table["labeled"][:second_class_arrives + 1].all()
    assert np.all(table["score"][:second_class_arrives + 1] == 1.0)


def test_threshold_trades_labels_for_coverage(blobs):
    eager = run_stream(blobs, threshold=0.0, budget=150, random_state=0)
    choosy = run_stream(blobs, threshold=0.9, budget=150, random_state=0)
    assert eager.n_labeled == 150
    assert choosy.n_labeled < 60
    assert choosy.arrays()["accuracy"][-1] > 0.7


def test_epsilon_labels_some_confident_arrivals(blobs):
    explorer = run_stream(blobs, threshold=0.95, budget=150, epsilon=0.3, random_state=0)
    table = explorer.arrays()
    assert table["explored"].sum() > 10
    assert np.all(table["score"][table["explored"]] < 0.95)


def test_stream_is_deterministic(blobs):
    first = run_stream(blobs, threshold=0.5, budget=25, epsilon=0.2, random_state=9).arrays()
    second = run_stream(blobs, threshold=0.5, budget=25, epsilon=0.2, random_state=9).arrays()
    for key in first:
        assert np.array_equal(first[key], second[key], equal_nan=True)


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_measures_are_scaled_to_one(measure):
    probs = np.array([[1 / 3, 1 / 3, 1 / 3], [1.0, 0.0, 0.0]])
    assert MEASURES[measure](probs) == pytest.approx([1.0, 0.0])


def test_the_stream_ends(blobs):
    learner = StreamLearner(blobs.X_pool[:5], blobs.X_test, blobs.y_test, 2)
    oracle = PoolOracle(blobs.y_pool)
    learner.run(oracle)
    assert learner.finished
    with pytest.raises(ValueError, match="The stream is over"):
        learner.step(oracle)
    assert oracle.n_queries == learner.n_labeled


@pytest.mark.parametrize("settings_, message", [
    (dict(threshold=1.5), "threshold must lie in"),
    (dict(budget=0), "budget must be a positive integer"),
    (dict(max_fraction=2.0), "max_fraction must lie in"),
    (dict(epsilon=-0.1), "epsilon must lie in"),
    (dict(measure="variance"), "measure must be one of"),
    (dict(model="deep"), "model must be one of"),
])
def test_stream_errors(blobs, settings_, message):
    with pytest.raises(ValueError, match=message):
        StreamLearner(blobs.X_pool, blobs.X_test, blobs.y_test, 2, **settings_)


def test_stream_shape_errors(blobs):
    with pytest.raises(ValueError, match="y_test must have one label per row"):
        StreamLearner(blobs.X_pool, blobs.X_test, blobs.y_test[:3], 2)
    with pytest.raises(ValueError, match="as many features"):
        StreamLearner(blobs.X_pool, blobs.X_test[:, :1], blobs.y_test, 2)
