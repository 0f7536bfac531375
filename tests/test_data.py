"""Datasets: shapes, determinism, read-only arrays, posteriors, bad input."""

import numpy as np
import pytest

from alcore.data import DATASETS, make_dataset


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_shapes_labels_and_determinism(name):
    data = make_dataset(name, n_pool=300, n_test=120, random_state=3)
    assert data.X_pool.shape[0] == 300 and data.X_test.shape[0] == 120
    assert data.X_pool.shape[1] == data.n_features == (2 if DATASETS[name].two_d else 64)
    assert set(np.unique(data.y_pool)) <= set(range(data.n_classes))
    assert np.unique(data.y_pool).size == data.n_classes  # every class is in the pool
    again = make_dataset(name, n_pool=300, n_test=120, random_state=3)
    np.testing.assert_array_equal(again.X_pool, data.X_pool)
    np.testing.assert_array_equal(again.y_test, data.y_test)
    other = make_dataset(name, n_pool=300, n_test=120, random_state=4)
    assert not np.array_equal(other.X_pool, data.X_pool)
    assert (data.bounds is not None) == DATASETS[name].two_d


def test_arrays_are_read_only():
    data = make_dataset("blobs")
    with pytest.raises(ValueError):
        data.X_pool[0, 0] = 1.0
    with pytest.raises(ValueError):
        data.y_pool[0] = 1


def test_pool_and_test_are_disjoint_draws():
    data = make_dataset("digits", n_pool=500, n_test=300)
    pool_rows = {row.tobytes() for row in data.X_pool}
    # Digits has a few duplicate images; almost no test row can also be a pool row.
    assert sum(row.tobytes() in pool_rows for row in data.X_test) < 10


@pytest.mark.parametrize("name", ["blobs", "multiblobs", "xor"])
def test_mixture_posterior(name):
    data = make_dataset(name, n_pool=400, n_test=10)
    posterior = data.posterior(data.X_pool)
    np.testing.assert_allclose(posterior.sum(axis=1), 1.0)
    # The Bayes classifier beats chance by far on the default spread.
    assert np.mean(np.argmax(posterior, axis=1) == data.y_pool) > 0.75
    labels = data.sample_labels(data.X_pool, np.random.default_rng(0))
    assert labels.shape == (400,) and set(np.unique(labels)) <= set(range(data.n_classes))


def test_blobs_posterior_is_one_half_between_the_centres():
    data = make_dataset("blobs")
    np.testing.assert_allclose(data.posterior(np.array([[0.0, 0.0]])), [[0.5, 0.5]])


def test_overlap_grows_with_spread():
    tight = make_dataset("blobs", noise=0.4, n_pool=2000)
    loose = make_dataset("blobs", noise=1.6, n_pool=2000)

    def bayes_accuracy(data):
        return np.mean(np.argmax(data.posterior(data.X_pool), axis=1) == data.y_pool)

    assert bayes_accuracy(tight) > bayes_accuracy(loose) + 0.1


def test_no_posterior_for_digits():
    with pytest.raises(ValueError, match="no known posterior"):
        make_dataset("digits", n_pool=50, n_test=20).sample_labels(np.zeros((1, 64)), np.random.default_rng())


@pytest.mark.parametrize("kwargs, words", [
    ({"name": "spirals"}, "dataset must be one of"),
    ({"n_pool": 5}, "n_pool must be an integer"),
    ({"n_pool": 100.5}, "n_pool must be an integer"),
    ({"noise": 9.0}, "noise for blobs"),
    ({"name": "multiblobs", "n_classes": 1}, "n_classes"),
    ({"name": "digits", "n_pool": 1400, "n_test": 1000}, "too many"),
])
def test_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        make_dataset(**kwargs)
