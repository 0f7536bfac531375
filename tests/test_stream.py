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


# -- the rule and the budget, worked by hand ------------------------------------------------------------

def scripted(learner, scores):
    """Make the learner see these uncertainties, one per arrival, whatever its model says."""
    it = iter(scores)
    learner.score = lambda X: np.array([next(it)])
    return learner


def test_threshold_budget_and_starting_labels_worked_example(blobs):
    # Start labels at 0 and 1; then ask at 0.9 (3rd label) and 0.7 (4th, the budget's last); 0.8 and 0.95 come
    # too late, 0.3 and 0.2 are below the threshold.
    learner = scripted(StreamLearner(blobs.X_pool[:8], blobs.X_test, blobs.y_test, 2, threshold=0.5, budget=4,
                                     n_start=2, shuffle=False), [1.0, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.95])
    learner.run(PoolOracle(blobs.y_pool))
    table = {name: values.tolist() for name, values in learner.arrays().items()}
    assert table["labeled"] == [True, True, True, False, True, False, False, False]
    assert table["n_labels"] == [1, 2, 3, 3, 4, 4, 4, 4]
    assert table["index"] == list(range(8))  # shuffle=False: in the given order
    assert learner.labeled_indices == [0, 1, 2, 4]
    assert learner.labels.tolist() == blobs.y_pool[[0, 1, 2, 4]].tolist()


def test_fixed_fraction_budget_worked_example(blobs):
    # At most half of the arrivals so far: a label at arrival k (from 1) needs labels + 1 <= k / 2.
    learner = StreamLearner(blobs.X_pool[:6], blobs.X_test, blobs.y_test, 2, threshold=0.0, budget=10,
                            max_fraction=0.5, shuffle=False)
    learner.run(PoolOracle(blobs.y_pool))
    assert learner.arrays()["labeled"].tolist() == [False, True, False, True, False, True]


def test_an_ask_override_decides_within_the_budget(blobs):
    learner = scripted(StreamLearner(blobs.X_pool[:5], blobs.X_test, blobs.y_test, 2, threshold=0.5, budget=2,
                                     n_start=1, shuffle=False), [0.0, 1.0, 0.0, 0.0, 0.0])
    oracle = PoolOracle(blobs.y_pool)
    asks = [False, False, True, True, True]  # arrival 0 is a starting label whatever the override says
    labeled = [learner.step(oracle, ask=ask).labeled for ask in asks]
    assert labeled == [True, False, True, False, False]  # 1.0 passes when told; the budget (2) stops the rest


def test_epsilon_one_asks_every_arrival_below_the_threshold(blobs):
    learner = scripted(StreamLearner(blobs.X_pool[:4], blobs.X_test, blobs.y_test, 2, threshold=0.9, budget=10,
                                     epsilon=1.0, shuffle=False), [0.1, 0.95, 0.2, 0.3])
    learner.run(PoolOracle(blobs.y_pool))
    table = learner.arrays()
    assert table["labeled"].all()
    assert table["explored"].tolist() == [True, False, True, True]


def test_n_start_errors(blobs):
    with pytest.raises(ValueError, match="n_start must be an integer"):
        StreamLearner(blobs.X_pool, blobs.X_test, blobs.y_test, 2, n_start=-1)


def test_accuracy_by_labels_takes_the_first_arrival_with_each_count():
    from alcore.stream import accuracy_by_labels
    got = accuracy_by_labels([0, 1, 1, 3, 3, 4], [np.nan, 0.5, 0.6, 0.8, 0.9, 0.95], 5)
    np.testing.assert_array_equal(got, [0.5, np.nan, 0.8, 0.95, np.nan])


# -- a stream, and drift ---------------------------------------------------------------------------------

def test_a_still_stream_is_the_pool_in_a_seeded_order(blobs):
    from alcore.stream import make_stream
    stream = make_stream(blobs, random_state=3)
    order = np.random.default_rng(3).permutation(blobs.X_pool.shape[0])
    np.testing.assert_array_equal(stream.X, blobs.X_pool[order])
    np.testing.assert_array_equal(stream.y, blobs.y_pool[order])
    assert stream.drift_at is None and stream.X_test_after is None and stream.angle == 0.0
    low, high = stream.X.min(axis=0), stream.X.max(axis=0)
    assert stream.bounds[0] < low[0] and stream.bounds[1] > high[0]


def test_a_drift_turns_the_later_arrivals_and_the_test_split(blobs):
    from alcore.stream import make_stream, rotate
    still = make_stream(blobs, random_state=3)
    turned = make_stream(blobs, drift_at=50, angle=180, random_state=3)
    centre = blobs.X_pool.mean(axis=0)
    np.testing.assert_array_equal(turned.X[:50], still.X[:50])
    np.testing.assert_allclose(turned.X[50:], 2 * centre - still.X[50:])  # 180 degrees: a point reflection
    np.testing.assert_allclose(turned.X_test_after, 2 * centre - blobs.X_test)
    np.testing.assert_array_equal(turned.y, still.y)  # labels travel with their points
    np.testing.assert_allclose(rotate([[1.0, 0.0]], 90, [0.0, 0.0]), [[0.0, 1.0]], atol=1e-12)
    every = np.vstack([turned.X, turned.X_test, turned.X_test_after])
    assert turned.bounds[0] < every[:, 0].min() and turned.bounds[3] > every[:, 1].max()


def test_drift_errors(blobs):
    from alcore.stream import make_stream
    with pytest.raises(ValueError, match="drift_at must be an arrival"):
        make_stream(blobs, drift_at=0)
    with pytest.raises(ValueError, match="Only a 2-D stream can drift"):
        make_stream(make_dataset("digits", n_pool=100, n_test=20), drift_at=10)


def test_accuracy_switches_to_the_turned_test_split_at_the_drift(blobs):
    from alcore.stream import make_stream
    stream = make_stream(blobs, drift_at=100, angle=180, random_state=0)
    learner = StreamLearner.on(stream, threshold=0.0, budget=10)  # the budget is gone long before the drift
    oracle = PoolOracle(stream.y)
    learner.run(oracle, 100)
    before = learner.accuracy
    assert before == pytest.approx(np.mean(learner.model.predict(stream.X_test) == stream.y_test))
    record = learner.step(oracle)
    assert not record.labeled
    assert record.accuracy == pytest.approx(np.mean(learner.model.predict(stream.X_test_after) == stream.y_test_after))
    assert record.accuracy < 0.5 < before  # the picture turned over: the old model is now mostly wrong


# -- three learners on one stream ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def race():
    from alcore.stream import StreamRace, make_stream
    stream = make_stream(make_dataset("blobs", n_pool=120, n_test=60, random_state=4), random_state=4)
    return StreamRace(stream, threshold=0.6, budget=25, n_start=3, random_state=4).run()


def test_random_asking_buys_the_arrival_after_each_of_the_stream_learners_labels(race):
    stream, random = (race.loops[name].arrays()["labeled"] for name in ("stream", "random"))
    start = race.loops["stream"].n_start
    assert stream[:start].all() and random[:start].all()  # the same starting labels
    assert not random[start]
    np.testing.assert_array_equal(random[start + 1:], stream[start:-1])
    assert race.loops["random"].labeled_indices[:start] == race.loops["stream"].labeled_indices[:start]


def test_the_pool_learner_holds_as_many_labels_as_the_stream_learner_after_every_arrival(race):
    table = race.arrays()
    np.testing.assert_array_equal(table["pool"]["labels"], table["stream"]["labels"])
    pool, stream = race.loops["pool"], race.loops["stream"]
    assert pool.labeled_indices[:stream.n_start].tolist() == stream.labeled_indices[:stream.n_start]
    data = race.dataset
    assert table["pool"]["accuracy"][-1] == pytest.approx(np.mean(pool.model.predict(data.X_test) == data.y_test))
    assert race.rounds == data.n and race.finished


def test_a_race_is_deterministic_and_its_summary_samples_the_curves():
    from alcore.stream import StreamRace, make_stream
    stream = make_stream(make_dataset("blobs", n_pool=80, n_test=40, random_state=1), drift_at=40, angle=90,
                         random_state=1)
    first, second = (StreamRace(stream, threshold=0.5, budget=20, epsilon=0.2, random_state=5).run() for _ in range(2))
    one, two = first.summary(n_points=10), second.summary(n_points=10)
    assert one.keys() == two.keys()
    for key in one:
        np.testing.assert_array_equal(one[key], two[key])
    assert {40, 41, 80} <= set(one["arrivals"].astype(int).tolist())  # the drift's two sides and the end
    table = first.arrays()["stream"]
    at = one["arrivals"].astype(int) - 1
    np.testing.assert_array_equal(one["stream.accuracy"], table["accuracy"][at])
    assert one["stream.by_labels"].shape == (20,)
    assert one["drift.left"] == 20 - table["labels"][39]
    assert one["drift.asked"] == table["labels"][-1] - table["labels"][39]
    assert one["stream.spent"] == first.loops["stream"].n_labeled


def test_threshold_sweep_runs_each_threshold_with_random_asking_at_its_rate(blobs):
    from alcore.stream import StreamRace, make_stream, threshold_sweep
    stream = make_stream(blobs, random_state=2)
    sweep = threshold_sweep(stream, (0.0, 0.9), budget=30, random_state=2)
    assert sweep["labels"][0] == 30 and sweep["labels"][1] < 30
    alone = StreamRace(stream, threshold=0.9, budget=30, with_pool=False, random_state=2).run()
    assert sweep["accuracy"][1] == alone.loops["stream"].accuracy
    assert sweep["random"][1] == alone.loops["random"].accuracy
    assert "pool" not in alone.loops


def test_under_drift_the_pool_learner_picks_from_the_picture_of_the_moment():
    from alcore.stream import StreamRace, make_stream
    stream = make_stream(make_dataset("blobs", n_pool=120, n_test=60, random_state=2), drift_at=60, angle=90,
                         random_state=2)
    race = StreamRace(stream, threshold=0.5, budget=40, n_start=3, random_state=2)
    race.advance(60)
    pool = race.loops["pool"]
    before = pool.n_labeled
    assert (pool.labeled_indices < 60).all()
    race.run()
    assert (pool.labeled_indices[before:] >= 60).all() and pool.n_labeled > before
    assert pool.n_labeled == race.loops["stream"].n_labeled


def test_the_pool_learners_next_label_is_its_most_uncertain_unlabeled_point(race):
    from alcore.stream import StreamRace
    fresh = StreamRace(race.dataset, threshold=0.6, budget=25, n_start=3, random_state=4)
    pool, stream = fresh.loops["pool"], fresh.loops["stream"]
    checked = 0
    while not fresh.finished and checked < 5:
        unlabeled = np.flatnonzero(~pool.labeled_mask)
        margins = 1 - np.diff(np.sort(pool.predict_proba(fresh.dataset.X[unlabeled]), axis=1)[:, -2:], axis=1)[:, 0]
        expected = unlabeled[np.argmax(margins)]
        labels = stream.n_labeled
        fresh.step()
        if stream.n_labeled > labels and pool.n_labeled > stream.n_start:
            assert pool.labeled_indices[-1] == expected
            checked += 1
    assert checked == 5
