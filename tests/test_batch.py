"""Batch selectors: exactness against a plain reference, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from alcore import batch


def reference_greedy(utilities, X_candidates, X_labeled, k, alpha):
    """The plain definition: distances recomputed with cdist at every pick.

    alpha=None is k-center (the first pick without labels: nearest the mean);
    otherwise the hybrid score alpha * u + (1 - alpha) * d, both min-max scaled
    (utility over all candidates, distance over the remaining ones).
    """
    picks = []
    for _ in range(min(k, len(X_candidates))):
        centres = np.vstack([X_labeled, X_candidates[picks]])
        remaining = np.setdiff1d(np.arange(len(X_candidates)), picks)
        if alpha is None:
            if len(centres) == 0:
                offsets = X_candidates - X_candidates.mean(axis=0)
                picks.append(int(np.argmin((offsets ** 2).sum(axis=1))))
                continue
            distance = cdist(X_candidates, centres).min(axis=1)
            distance[picks] = -np.inf
            picks.append(int(np.argmax(distance)))
            continue
        u = utilities - utilities.min()
        u = u / u.max() if u.max() > 0 else np.zeros_like(u)
        if len(centres) == 0:
            score = alpha * u
        else:
            distance = cdist(X_candidates, centres).min(axis=1)
            low, high = distance[remaining].min(), distance.max()
            d = (distance - low) / (high - low) if high > low else np.zeros_like(distance)
            score = alpha * u + (1 - alpha) * d
        score[picks] = -np.inf
        picks.append(int(np.argmax(score)))
    return np.array(picks)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("trial", range(25))
def test_k_center_matches_reference(trial, dtype):
    rng = np.random.default_rng(trial)
    n, d, n_labeled = rng.integers(5, 250), rng.integers(1, 9), rng.integers(0, 12)
    k = int(rng.integers(1, n + 3))
    X, L = rng.normal(size=(n, d)) * 3 + 10, rng.normal(size=(n_labeled, d)) * 3 + 10
    expected = reference_greedy(None, X, L, k, None)
    np.testing.assert_array_equal(batch.k_center_greedy(X, L, k, dtype=dtype), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("trial", range(25))
def test_hybrid_matches_reference(trial, dtype):
    rng = np.random.default_rng(100 + trial)
    n, d, n_labeled = rng.integers(5, 250), rng.integers(1, 9), rng.integers(0, 12)
    k, alpha = int(rng.integers(1, n + 3)), float(rng.choice([0.0, 0.3, 0.5, 0.9, 1.0]))
    X, L, u = rng.normal(size=(n, d)), rng.normal(size=(n_labeled, d)), rng.random(n)
    expected = reference_greedy(u, X, L, k, alpha)
    np.testing.assert_array_equal(batch.hybrid(u, X, L, k, alpha=alpha, dtype=dtype), expected)


def test_k_center_on_clustered_data_matches_reference():
    # Pruning skips most candidates here; the picks must not change.
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, 16)) * 10
    X = centres[rng.integers(0, 20, 3000)] + rng.normal(size=(3000, 16))
    L = X[:5] + 0.1
    np.testing.assert_array_equal(batch.k_center_greedy(X, L, 60), reference_greedy(None, X, L, 60, None))


def test_top_k_hand_worked():
    np.testing.assert_array_equal(batch.top_k([0.2, 0.9, 0.5, 0.9], 3), [1, 3, 2])
    np.testing.assert_array_equal(batch.top_k([0.2, 0.9], 5), [1, 0])


def test_k_center_picks_the_far_point():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [0.0, 0.2]])
    L = np.array([[0.0, 0.1]])
    assert batch.k_center_greedy(X, L, 1)[0] == 2


def test_hybrid_alpha_one_is_top_k():
    rng = np.random.default_rng(3)
    X, u = rng.normal(size=(50, 2)), rng.random(50)
    np.testing.assert_array_equal(batch.hybrid(u, X, X[:0], 10, alpha=1.0), batch.top_k(u, 10))


def test_hybrid_spreads_a_batch_that_top_k_clumps():
    # Ten near-duplicates carry the top utilities; the hybrid takes one of them, then moves on.
    rng = np.random.default_rng(4)
    clump = rng.normal(size=(10, 2)) * 0.01
    spread = rng.uniform(-5, 5, size=(40, 2))
    X = np.vstack([clump, spread])
    u = np.concatenate([rng.uniform(0.95, 1.0, 10), rng.uniform(0.5, 0.9, 40)])
    L = np.array([[8.0, 8.0]])
    assert set(batch.top_k(u, 5)) <= set(range(10))
    assert len(set(batch.hybrid(u, X, L, 5, alpha=0.5)) & set(range(10))) == 1


@st.composite
def geometry(draw):
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 60))
    d = draw(st.integers(1, 4))
    n_labeled = draw(st.integers(0, 6))
    k = draw(st.integers(1, 70))
    return rng, rng.normal(size=(n, d)), rng.normal(size=(n_labeled, d)), rng.random(n), k


def check_picks(picks, n, k):
    assert picks.shape == (min(k, n),)
    assert np.unique(picks).size == picks.size
    assert picks.min() >= 0 and picks.max() < n


@settings(max_examples=80, deadline=None)
@given(geometry())
def test_selector_properties(case):
    rng, X, L, u, k = case
    n = len(X)
    permutation = rng.permutation(n)
    for name, select in (
        ("top_k", lambda X_, u_: batch.top_k(u_, k)),
        ("k_center", lambda X_, u_: batch.k_center_greedy(X_, L, k, dtype=np.float64)),
        ("hybrid", lambda X_, u_: batch.hybrid(u_, X_, L, k, alpha=0.5, dtype=np.float64)),
    ):
        picks = select(X, u)
        check_picks(picks, n, k)
        np.testing.assert_array_equal(select(X, u), picks)  # deterministic
        if name == "hybrid" and n == 2:
            # Min-max scaling maps two candidates' utilities and distances to {0, 1}
            # each, so their scores tie exactly whenever the more useful one is nearer.
            continue
        # Permuting the pool permutes the picks (the same points are chosen).
        permuted = select(X[permutation], u[permutation])
        assert set(permutation[permuted]) == set(picks)
    random_picks = batch.random_batch(n, k, np.random.default_rng(1))
    check_picks(random_picks, n, k)
    np.testing.assert_array_equal(batch.random_batch(n, k, np.random.default_rng(1)), random_picks)


@pytest.mark.parametrize("call, words", [
    (lambda: batch.top_k([0.1, 0.2], 0), "k must be a positive integer"),
    (lambda: batch.top_k([0.1, np.inf], 1), "NaN or infinite"),
    (lambda: batch.top_k([], 1), "empty"),
    (lambda: batch.k_center_greedy(np.zeros((3, 2)), np.zeros((1, 3)), 1), "features"),
    (lambda: batch.k_center_greedy(np.zeros(3), np.zeros((1, 3)), 1), "X_candidates must be a 2-D"),
    (lambda: batch.k_center_greedy(np.full((3, 2), np.nan), np.zeros((0, 2)), 1), "NaN"),
    (lambda: batch.hybrid([0.1, 0.2], np.zeros((2, 2)), np.zeros((0, 2)), 1, alpha=1.5), "alpha"),
    (lambda: batch.hybrid([0.1], np.zeros((2, 2)), np.zeros((0, 2)), 1), "one utility per candidate"),
    (lambda: batch.random_batch(0, 1, np.random.default_rng()), "empty"),
    (lambda: batch.random_batch(3, 1, 42), "Generator"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()
