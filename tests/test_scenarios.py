"""Scenario datasets (alcore.data) and the failure-mode table (alcore.failures)."""

import dataclasses

import numpy as np
import pytest

from alcore.data import DATASETS, GaussianMixture, make_dataset
from alcore.failures import CONDITIONS, FAILURES, METRICS, get_failure
from alcore.lab import config, failure_metrics, measure_failure, run_failure
from alcore.loop import LoopConfig
from alcore.registry import MODELS
from alcore.registry import STRATEGIES

SCENARIOS = ("hidden_cluster", "outliers", "many_clusters", "overlap")


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_datasets_are_well_formed_and_deterministic(name):
    data = make_dataset(name, n_pool=200, n_test=80, random_state=4)
    again = make_dataset(name, n_pool=200, n_test=80, random_state=4)
    assert data.X_pool.shape == (200, 2) and data.X_test.shape == (80, 2)
    assert np.array_equal(data.X_pool, again.X_pool) and np.array_equal(data.y_test, again.y_test)
    assert set(np.unique(data.y_pool)) == set(range(data.n_classes))
    assert data.bounds is not None and data.note
    probs = data.posterior(data.X_test)
    assert probs.shape == (80, data.n_classes) and np.allclose(probs.sum(axis=1), 1.0)
    assert not data.X_pool.flags.writeable
    assert name in DATASETS


def test_hidden_cluster_is_a_small_far_group_of_class_1():
    data = make_dataset("hidden_cluster", n_pool=1000, n_test=100, random_state=0)
    assert data.marked.shape == (1000,) and not data.marked.flags.writeable
    assert 0.05 < data.marked.mean() < 0.11
    assert np.all(data.y_pool[data.marked] == 1)
    # It lies beyond class 0's blob, far from class 1's main blob.
    assert data.X_pool[data.marked, 0].mean() < data.X_pool[(data.y_pool == 0), 0].mean() - 2


def test_outliers_are_spread_out_with_random_labels():
    data = make_dataset("outliers", n_pool=1000, n_test=100, noise=0.2, random_state=0)
    assert data.marked.mean() == pytest.approx(0.2, abs=0.03)
    outliers = data.X_pool[data.marked]
    assert outliers.min() >= -6 and outliers.max() <= 6 and outliers.std(axis=0).min() > 2.5
    assert 0.35 < data.y_pool[data.marked].mean() < 0.65
    # Far out, the true posterior is the outliers' coin flip.
    assert data.posterior(np.array([[5.5, -5.5]])) == pytest.approx(np.array([[0.5, 0.5]]), abs=1e-3)
    assert make_dataset("outliers", n_pool=100, n_test=20, noise=0.0).marked.sum() == 0


def test_many_clusters_has_twelve_clusters_and_three_classes():
    data = make_dataset("many_clusters", n_pool=1200, n_test=100, random_state=0)
    assert data.n_classes == 3 and data.marked is None
    cells, counts = np.unique(np.round(data.X_pool / 3.0) + 0.0, axis=0, return_counts=True)
    assert (counts >= 50).sum() == 12 and counts[counts >= 50].sum() > 0.98 * 1200


def test_weighted_mixture_by_hand():
    mixture = GaussianMixture(np.array([[0.0], [10.0]]), 1.0, np.array([0, 1]), weights=np.array([0.75, 0.25]))
    X, y, component = mixture.sample(8, np.random.default_rng(0))
    assert np.bincount(component).tolist() == [6, 2] and np.array_equal(y, component)
    # Half way, the prior decides: 3 to 1.
    assert mixture.posterior(np.array([[5.0]])) == pytest.approx(np.array([[0.75, 0.25]]))


def test_scenario_noise_is_checked():
    with pytest.raises(ValueError, match="noise for outliers must be a number from 0.0 to 0.3"):
        make_dataset("outliers", noise=0.5)


def test_plain_datasets_have_no_marks():
    assert make_dataset("blobs", n_pool=50, n_test=20).marked is None


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failure_modes_are_consistent(name):
    mode = FAILURES[name]
    assert mode.dataset in DATASETS and mode.model in MODELS and mode.strategy in STRATEGIES
    assert mode.cause and mode.remedy and mode.label and mode.story and mode.fix.name and mode.fix.link
    assert config(mode, "off") == LoopConfig(model=mode.model, strategy=mode.strategy)
    assert config(mode, "random").strategy == "random"
    assert config(mode, "on") != config(mode, "off") or mode.seed_method_for("on") != mode.seed_method
    assert mode.metric in mode.metrics and mode.metrics[-1].key == "accuracy"
    assert (mode.fix.knob is None) == bool(mode.fix.no_knob)
    if mode.outline:
        assert make_dataset(mode.dataset, n_pool=50, n_test=20).marked is not None
    hash(mode)


def test_failure_records_live_figures():
    mode = FAILURES["sampling_bias"]
    race = run_failure(mode, 0, "off", n_pool=200, n_test=50)
    figure = mode.live(race.loops["learner"], race.dataset)
    assert figure.label == "Hidden cluster" and figure.value in ("labeled", "not labeled")


def test_get_failure_errors_and_custom_modes():
    with pytest.raises(ValueError, match="failure must be a FailureMode or one of"):
        get_failure("boredom")
    custom = dataclasses.replace(FAILURES["sampling_bias"], n_queries=5)
    assert get_failure(custom).budget == custom.seed_size + 5
    with pytest.raises(ValueError, match="condition must be one of"):
        custom.settings("maybe")


def test_run_failure_and_its_figures():
    mode = dataclasses.replace(FAILURES["outlier_attraction"], n_queries=6)
    race = run_failure(mode, 0, "off", n_pool=150, n_test=50)
    loop = race.loops["learner"]
    assert loop.n_labeled == mode.seed_size + 6
    figures = failure_metrics(mode, race)
    assert set(figures) == {"outlier_query_share", "accuracy"} and set(figures) <= set(METRICS)
    assert 0 <= figures["outlier_query_share"] <= 1


@pytest.mark.parametrize("name, keys", [
    ("sampling_bias", {"hidden_never_labeled", "accuracy"}),
    ("cold_start", {"mean_accuracy_first_20", "accuracy"}),
    ("miscalibration", {"ece", "ece_raw", "accuracy"}),
])
def test_measure_failure_shapes(name, keys):
    mode = dataclasses.replace(FAILURES[name], n_queries=3, model="logreg")
    fractions = []
    runs = measure_failure(mode, [0, 1], n_pool=120, n_test=40, progress=fractions.append)
    assert set(runs) == set(CONDITIONS)
    assert set(runs["on"]) == keys
    assert all(values.shape == (2,) for values in runs["off"].values())
    assert fractions == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0])  # three conditions, two seeds


def test_measure_failure_needs_seeds():
    with pytest.raises(ValueError, match="seeds is empty"):
        measure_failure("sampling_bias", [])


def test_outlier_attraction_shows_and_density_weighting_fixes_it():
    # One seed, a short run: the committee goes for outliers, density weighting does not.
    mode = dataclasses.replace(FAILURES["outlier_attraction"], n_queries=10)
    off = failure_metrics(mode, run_failure(mode, 0, "off", n_pool=300, n_test=50))
    on = failure_metrics(mode, run_failure(mode, 0, "on", n_pool=300, n_test=50))
    assert off["outlier_query_share"] >= 0.5 > on["outlier_query_share"]
