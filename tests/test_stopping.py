"""alcore.stopping against examples worked by hand: Cohen's kappa, normalized entropy, when each rule
fires, the stop watch, and how far from the plateau a rule stops."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alcore.stopping import (RULES, StopRules, StopWatch, choose_stop_set, cohen_kappa, fired, first_stable,
                             mean_normalized_entropy, plateau, stop_costs, summarize_stops)

# -- Cohen's kappa ---------------------------------------------------------------------------------------


def test_kappa_worked_by_hand():
    # two classes: p_o = 3/4; rates (1/2, 1/2) and (1/4, 3/4) give p_e = 1/2: kappa = (3/4 - 1/2) / (1/2)
    assert cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1]) == pytest.approx(0.5)
    # three classes: p_o = 5/6; rates (1/3, 1/3, 1/3) and (1/3, 1/2, 1/6): p_e = 1/3; kappa = (1/2) / (2/3)
    assert cohen_kappa([0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 1]) == pytest.approx(0.75)
    # always disagreeing at equal rates: p_o = 0, p_e = 1/2: kappa = -1
    assert cohen_kappa([0, 1], [1, 0]) == pytest.approx(-1.0)
    # agreement at chance: p_o = 1/2 = p_e
    assert cohen_kappa([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)


def test_kappa_of_identical_predictions_is_one_even_for_a_single_class():
    assert cohen_kappa([3, 1, 4, 1, 5], [3, 1, 4, 1, 5]) == 1.0
    assert cohen_kappa([2, 2, 2], [2, 2, 2], n_classes=10) == 1.0  # p_e = 1: no chance to beat, full agreement


def test_kappa_refuses_what_is_not_two_labelings():
    for a, b in (([0, 1], [0]), ([], []), ([0.5, 1], [0, 1]), ([-1, 0], [0, 0]), ([[0]], [[0]])):
        with pytest.raises(ValueError):
            cohen_kappa(a, b)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40))
def test_kappa_is_symmetric_at_most_one_and_one_only_for_identical(pairs):
    a, b = np.array(pairs).T
    kappa = cohen_kappa(a, b, 5)
    assert kappa == pytest.approx(cohen_kappa(b, a, 5))
    assert kappa <= 1.0 + 1e-12
    assert (kappa == pytest.approx(1.0)) == bool(np.all(a == b))


# -- uncertainty ----------------------------------------------------------------------------------------

def test_mean_normalized_entropy_by_hand():
    assert mean_normalized_entropy([[0.25] * 4]) == pytest.approx(1.0)
    assert mean_normalized_entropy([[1.0, 0.0, 0.0]]) == pytest.approx(0.0)
    assert mean_normalized_entropy([[0.5, 0.5, 0.0, 0.0]]) == pytest.approx(0.5)  # ln 2 / ln 4
    assert mean_normalized_entropy([[0.5, 0.5, 0.0, 0.0], [0.25] * 4]) == pytest.approx(0.75)
    assert np.isnan(mean_normalized_entropy(np.empty((0, 3))))
    with pytest.raises(ValueError):
        mean_normalized_entropy([0.5, 0.5])


# -- when the rules fire ---------------------------------------------------------------------------------

def test_first_stable_needs_the_window_in_a_row():
    kappas = [np.nan, 0.995, 0.98, 0.99, 1.0, 0.999, 0.5]
    assert first_stable(kappas, 0.99, 3) == 5  # rounds 3, 4, 5; round 1 alone is broken by round 2
    assert first_stable(kappas, 0.99, 1) == 1
    assert first_stable(kappas, 0.99, 4) is None
    assert first_stable([np.nan] * 5, 0.0, 1) is None  # the first round has no kappa and never counts


def test_fired_by_hand():
    labels = [10, 11, 12, 13, 14, 15]
    kappas = [np.nan, 0.999, 0.999, 0.999, 0.9, 1.0]
    entropies = [0.9, 0.5, 0.31, 0.29, 0.2, np.nan]
    assert fired(labels, kappas, entropies, StopRules(budget=12)) == {"stable": 3, "uncertainty": 3, "budget": 2}
    assert fired(labels, kappas, entropies, StopRules(entropy=0.1, budget=None)) == {"stable": 3}
    assert fired(labels, kappas, entropies, StopRules(kappa=0.9995, window=1, budget=16)) == {"stable": 5,
                                                                                              "uncertainty": 3}
    assert set(RULES) == {"stable", "uncertainty", "budget"}


def test_stop_rules_refuse_bad_settings():
    for bad in (dict(kappa=1.5), dict(window=0), dict(entropy=-0.1), dict(budget=0), dict(stop_set=0)):
        with pytest.raises(ValueError):
            StopRules(**bad)


def test_stop_set_is_fixed_by_its_seed_and_within_the_pool():
    one, again, other = choose_stop_set(1000, 500, 3), choose_stop_set(1000, 500, 3), choose_stop_set(1000, 500, 4)
    assert np.array_equal(one, again) and not np.array_equal(one, other)
    assert np.unique(one).size == 500 and one.min() >= 0 and one.max() < 1000
    assert np.array_equal(choose_stop_set(50, 500, 0), np.arange(50))  # a small pool: all of it


def test_stop_watch_records_rounds_and_says_where_each_rule_fired():
    watch = StopWatch(StopRules(window=2, entropy=0.4, budget=3), stop_set=[0, 1])
    sure = np.array([[0.9, 0.1], [0.2, 0.8]])
    watch.observe(1, 0.5, sure, [[0.5, 0.5]])           # kappa NaN, entropy 1
    watch.observe(2, 0.6, sure, [[1.0, 0.0]])           # same predictions: kappa 1, entropy 0
    watch.observe(3, 0.7, sure[::-1], np.empty((0, 2)))  # flipped: kappa -1; nothing unlabeled: NaN
    watch.observe(4, 0.8, sure[::-1], [[0.5, 0.5]])
    assert watch.kappa[1:] == [1.0, -1.0, 1.0] and np.isnan(watch.kappa[0])
    assert watch.entropy[:2] == [1.0, 0.0] and np.isnan(watch.entropy[2])
    stops = watch.stops()
    assert set(stops) == {"uncertainty", "budget"}
    assert (stops["uncertainty"].round, stops["uncertainty"].n_labels, stops["uncertainty"].accuracy) == (1, 2, 0.6)
    assert stops["budget"].n_labels == 3
    assert watch.stops(StopRules(window=1, entropy=0.0))["stable"].round == 1  # other rules, same record
    watch.truncate(2, sure.argmax(axis=1))  # an undo back to round 2: its predictions are the model's again
    watch.observe(3, 0.7, sure, [[0.5, 0.5]])
    assert watch.rounds == 3 and watch.kappa[2] == 1.0 and watch.labels == [1, 2, 3]


# -- how far from the plateau --------------------------------------------------------------------------

def test_plateau_and_stop_costs_by_hand():
    labels = [10, 20, 30, 40, 50]
    accuracy = [[0.5, 0.8, 0.9, 0.9, 0.9],    # plateau 0.9 (labels 40, 50), reached at 30
                [0.6, 0.7, 0.8, 0.85, 0.95]]  # plateau 0.9, reached at 50 (0.85 is not within 0.01)
    level, reached = plateau(labels, accuracy, tail=15, tolerance=0.01)
    assert level == pytest.approx([0.9, 0.9]) and list(reached) == [30, 50]
    past, given_up = stop_costs(labels, accuracy, [50, 20], tail=15, tolerance=0.01)
    assert past == pytest.approx([20, -30]) and given_up == pytest.approx([0.0, 0.2])
    past, given_up = stop_costs(labels, accuracy, [np.nan, 40], tail=15, tolerance=0.01)
    assert np.isnan(past[0]) and np.isnan(given_up[0]) and past[1] == -10 and given_up[1] == pytest.approx(0.05)


def test_summarize_stops_by_hand():
    labels = [10, 20, 30, 40, 50]
    accuracy = np.array([[0.5, 0.8, 0.9, 0.9, 0.9], [0.6, 0.7, 0.8, 0.85, 0.95]])
    kappa = np.array([[np.nan, 0.999, 0.999, 1.0, 1.0],   # stable at round 2 (window 2): 30 labels
                      [np.nan, 0.9, 0.999, 1.0, 1.0]])    # stable at round 3: 40 labels
    entropies = np.array([[0.9, 0.5, 0.4, 0.2, 0.1],      # below 0.3 at 40 labels
                          [0.9, 0.8, 0.7, 0.6, 0.5]])     # never
    summary = summarize_stops(labels, accuracy, kappa, entropies, StopRules(window=2, budget=20), tail=15,
                              tolerance=0.01)
    assert summary.n_runs == 2 and summary.horizon == 50 and (summary.tail, summary.tolerance) == (15, 0.01)
    stable, uncertainty, budget = (summary.rules[r] for r in ("stable", "uncertainty", "budget"))
    assert stable.fired == 2 and stable.at.mean == 35 and stable.past.mean == pytest.approx((0 - 10) / 2)
    assert stable.given_up.mean == pytest.approx((0.0 + 0.05) / 2)
    assert uncertainty.fired == 1 and uncertainty.at.mean == 40 and np.isnan(uncertainty.at.low)  # one run
    assert uncertainty.past.mean == 10 and uncertainty.given_up.mean == pytest.approx(0.0)
    assert budget.fired == 2 and budget.at.mean == 20 and budget.past.mean == pytest.approx((-10 - 30) / 2)
    assert summary.plateau.mean == pytest.approx(0.9) and summary.reached.mean == 40
    assert "budget" not in summarize_stops(labels, accuracy, kappa, entropies, StopRules(window=2)).rules
