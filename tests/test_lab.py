"""alcore.lab and the failure records' figures, worked by hand where possible, and the
statistical claim the lab makes about epsilon-greedy (a count over fixed seeds, not a timing)."""

from __future__ import annotations

import numpy as np
import pytest

from alcore import lab
from alcore.data import make_dataset
from alcore.failures import FAILURES, accuracy_over_queries, first_marked, marked_queries, queried_points
from alcore.failures.miscalibration import pick_without_temperature
from alcore.lab import failure_metrics, run_failure
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle


def taught_loop(config=LoopConfig(model="logreg", strategy="margin"), order=(0, 1, 2, 3, 4, 5)):
    """A loop on blobs taught `order` in two rounds: the first four as its seed set, then one at a time."""
    data = make_dataset("blobs", n_pool=60, n_test=40, random_state=1)
    loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, config, random_state=0)
    oracle = PoolOracle(data.y_pool)
    seed = np.array(order[:4])
    loop.teach(seed, oracle(seed))
    for index in order[4:]:
        loop.teach(np.array([index]), oracle(np.array([index])))
    return loop, data


# -- tuned, fix_is_idle, start ------------------------------------------------------------------

def test_tuned_turns_the_knob():
    mode = lab.tuned("sampling_bias", 0.35)
    assert mode.fix.settings == {"epsilon": 0.35} and lab.config(mode, "on").epsilon == 0.35
    assert lab.config(mode, "off").epsilon == 0.0
    assert mode.fix_value == 0.35 and mode.fix_text == "epsilon-greedy (epsilon 0.35)"
    cold = lab.tuned("cold_start", 6)
    assert cold.seed_size == 6 and cold.fix_value == 6 and cold.budget == 6 + cold.n_queries
    assert lab.tuned("outlier_attraction") is FAILURES["outlier_attraction"]


def test_tuned_refuses_a_number_for_a_switch_and_a_bad_value():
    with pytest.raises(ValueError, match="has no knob"):
        lab.tuned("miscalibration", 2.0)
    with pytest.raises(ValueError, match="starting labels must be a number from 3 to 20"):
        lab.tuned("cold_start", 0)
    with pytest.raises(ValueError, match="whole number"):
        lab.tuned("cold_start", 4.5)
    with pytest.raises(ValueError, match="epsilon must be a number from 0 to 0.5"):
        lab.tuned("sampling_bias", 0.9)
    with pytest.raises(ValueError, match="FailureMode or one of"):
        lab.tuned("nonsense", 0.1)


def test_fix_is_idle_only_for_a_zero_setting():
    assert lab.tuned("sampling_bias", 0.0).fix_is_idle
    assert lab.tuned("outlier_attraction", 0.0).fix_is_idle
    assert not FAILURES["sampling_bias"].fix_is_idle
    assert not FAILURES["miscalibration"].fix_is_idle and not FAILURES["cold_start"].fix_is_idle


def test_start_shares_the_draw_and_the_seed_set_and_the_cold_start_fix_changes_it():
    data = make_dataset("hidden_cluster", n_pool=300, n_test=100, random_state=4)
    off = lab.start("sampling_bias", 4, "off", data=data).loops["learner"]
    on = lab.start("sampling_bias", 4, "on", data=data).loops["learner"]
    assert np.array_equal(off.labeled_indices, on.labeled_indices) and off.n_labeled == 4
    assert on.config.epsilon == 0.2 and off.config.epsilon == 0.0
    cold = make_dataset("many_clusters", n_pool=300, n_test=100, random_state=4)
    random_seed = lab.start("cold_start", 4, "off", data=cold).loops["learner"].labeled_indices
    clustered = lab.start("cold_start", 4, "on", data=cold).loops["learner"].labeled_indices
    assert random_seed.size == clustered.size == 12 and not np.array_equal(random_seed, clustered)


def test_start_then_step_is_run_failure():
    mode = lab.tuned("cold_start", 5)
    race = lab.start(mode, 2, "on", n_pool=200, n_test=100)
    assert race.advance(100) == mode.n_queries and race.finished
    reference = run_failure(mode, 2, "on", n_pool=200, n_test=100)
    assert np.array_equal(race.loops["learner"].labeled_indices, reference.loops["learner"].labeled_indices)


# -- figures of one learner -----------------------------------------------------------------------

def test_first_marked_marked_queries_and_queried_points_by_hand():
    loop, data = taught_loop(order=(0, 1, 2, 3, 10, 11, 12))
    marked = np.zeros(60, dtype=bool)
    assert first_marked(loop, marked) is None
    marked[[11, 12, 40]] = True
    assert first_marked(loop, marked) == 6        # the 6th label taught is point 11
    assert marked_queries(loop, marked) == (2, 3)  # queries 10, 11, 12: two marked
    assert queried_points(loop).tolist() == [10, 11, 12]
    assert queried_points(loop, 2).tolist() == [10, 11]
    marked[:] = False
    marked[2] = True                                   # in the seed set
    assert first_marked(loop, marked) == 3 and marked_queries(loop, marked) == (0, 3)


def test_accuracy_over_queries_is_the_mean_after_each_query():
    loop, _ = taught_loop(order=(0, 1, 2, 3, 10, 11, 12))
    accuracy = loop.curve[1]
    assert accuracy_over_queries(loop, 20) == pytest.approx(accuracy[1:].mean())
    assert accuracy_over_queries(loop, 2) == pytest.approx(accuracy[1:3].mean())
    seed_only, _ = taught_loop(order=(0, 1, 2, 3))
    assert np.isnan(accuracy_over_queries(seed_only))


def test_calibration_without_temperature_is_the_raw_model():
    loop, data = taught_loop(order=tuple(range(12)))
    report = lab.calibration(loop, data.X_test, data.y_test)
    assert report.temperature == 1.0 and report.ece_raw == report.ece_scaled
    assert report.raw.counts.sum() == data.y_test.size


def test_calibration_with_temperature_scales_the_probabilities():
    config = LoopConfig(model="poly_logreg", strategy="margin", temperature=True)
    data = make_dataset("overlap", n_pool=300, n_test=200, random_state=0)
    loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, config, random_state=0)
    chosen = np.arange(30)
    loop.teach(chosen, data.y_pool[chosen])
    report = lab.calibration(loop, data.X_test, data.y_test)
    assert report.temperature == pytest.approx(loop.temperature) and report.temperature > 0
    if report.temperature != 1.0:
        assert report.ece_scaled != report.ece_raw
    # the scaled confidences are the raw ones softened (T > 1) or sharpened (T < 1), same predictions
    assert report.scaled.counts.sum() == report.raw.counts.sum() == 200


def test_pick_without_temperature_is_the_plain_pick_and_leaves_the_loop_alone():
    loop, _ = taught_loop()
    state = loop.rng.bit_generator.state
    unscaled = pick_without_temperature(loop)
    assert loop.rng.bit_generator.state == state
    assert unscaled == int(loop.propose(1)[0])  # temperature off: the same point
    everything, _ = taught_loop(order=tuple(range(60)))
    assert pick_without_temperature(everything) is None


# -- measurement and verdicts --------------------------------------------------------------------------

def test_measure_condition_is_measure_failure_seed_for_seed():
    mode = lab.tuned("cold_start", 5)
    got = lab.measure_condition(mode, "on", [3], n_pool=200, n_test=100, progress=(seen := []).append)
    expected = [failure_metrics(mode, run_failure(mode, 3, "on", n_pool=200, n_test=100))]
    for key in expected[0]:
        assert got[key].tolist() == [row[key] for row in expected]
    assert seen == [1.0]
    with pytest.raises(ValueError, match="seeds is empty"):
        lab.measure_condition(mode, "on", [])


def test_summarise_cuts_the_interval_at_0_and_1():
    value = lab.summarise([1.0, 1.0, 0.9])
    assert value.high == 1.0 and value.low < value.mean < 1.0
    assert lab.summarise([0.0, 0.0]).low == 0.0


@pytest.mark.parametrize("off, on, higher, verdict", [
    ([0.5, 0.6, 0.7], [0.7, 0.8, 0.9], True, "helps"),
    ([0.5, 0.6, 0.7], [0.7, 0.8, 0.9], False, "hurts"),
    ([0.5, 0.6, 0.7], [0.5, 0.6, 0.7], True, "same"),
    ([0.5, 0.6, 0.7], [0.6, 0.5, 0.75], True, "no clear effect"),
    ([0.5], [0.9], True, "no clear effect"),  # one seed: no interval, no claim
])
def test_compare_verdicts(off, on, higher, verdict):
    result = lab.compare(off, on, higher)
    assert result.verdict == verdict
    assert result.difference.mean == pytest.approx(np.mean(np.subtract(on, off)))


def test_compare_refuses_unpaired_figures():
    with pytest.raises(ValueError, match="one value per seed"):
        lab.compare([0.1, 0.2], [0.1], True)


# -- the statistical claim ------------------------------------------------------------------------------

def hidden_cluster_found(condition: str, seed: int) -> bool:
    """Does the learner label the hidden cluster within its queries? (Stops once it has.)"""
    mode = FAILURES["sampling_bias"]
    race = lab.start(mode, seed, condition)
    loop = race.loops["learner"]
    while not race.finished:
        if first_marked(loop, race.dataset.marked) is not None:
            return True
        race.step()
    return first_marked(loop, race.dataset.marked) is not None


def test_epsilon_greedy_labels_the_hidden_cluster_in_more_seeds_than_pure_entropy():
    """Default scenario (hidden cluster, cubic logistic regression + entropy, epsilon 0.2), seeds 0-19.

    Measured: pure entropy labels the hidden cluster in 6 of 20 seeds, epsilon-greedy in 9, and
    in every seed where entropy finds it, epsilon-greedy does too. The paired difference is not
    significant at 20 seeds (bench/bench_failures.py: -15 points, -32 to +2), which the page says.
    """
    seeds = range(20)
    pure = np.array([hidden_cluster_found("off", s) for s in seeds])
    epsilon = np.array([hidden_cluster_found("on", s) for s in seeds])
    assert epsilon.sum() > pure.sum()
    assert not np.any(pure & ~epsilon)
