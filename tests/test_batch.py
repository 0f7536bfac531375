"""Batch selectors: exactness against a plain reference, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from alcore import batch


def reference_k_center(X_candidates, X_labeled, k):
    """The plain definition: distances recomputed with cdist at every pick;
    without labels the first pick is the candidate nearest the mean."""
    picks = []
    for _ in range(min(k, len(X_candidates))):
        centres = np.vstack([X_labeled, X_candidates[picks]])
        if len(centres) == 0:
            offsets = X_candidates - X_candidates.mean(axis=0)
            picks.append(int(np.argmin((offsets ** 2).sum(axis=1))))
            continue
        distance = cdist(X_candidates, centres).min(axis=1)
        distance[picks] = -np.inf
        picks.append(int(np.argmax(distance)))
    return np.array(picks)


def post_hybrid(utilities, X_candidates, X_labeled, k, alpha):
    """The blog post's hybrid loop, transcribed: float64, cdist recomputed at every pick."""
    utilities = np.asarray(utilities, dtype=np.float64)
    X_candidates = np.asarray(X_candidates, dtype=np.float64)
    X_labeled = np.asarray(X_labeled, dtype=np.float64).reshape(-1, X_candidates.shape[1])
    selected = []
    for _ in range(min(k, len(X_candidates))):
        centres = np.vstack([X_labeled, X_candidates[selected]])
        if len(centres):
            dists = cdist(X_candidates, centres).min(axis=1)
        else:
            dists = np.zeros(len(X_candidates))
        norm_dists = (dists - dists.min()) / (dists.max() - dists.min() + 1e-10)
        norm_scores = (utilities - utilities.min()) / (utilities.max() - utilities.min() + 1e-10)
        combined = alpha * norm_scores + (1 - alpha) * norm_dists
        combined[selected] = -1
        selected.append(int(np.argmax(combined)))
    return np.array(selected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("trial", range(25))
def test_k_center_matches_reference(trial, dtype):
    rng = np.random.default_rng(trial)
    n, d, n_labeled = rng.integers(5, 250), rng.integers(1, 9), rng.integers(0, 12)
    k = int(rng.integers(1, n + 3))
    X, L = rng.normal(size=(n, d)) * 3 + 10, rng.normal(size=(n_labeled, d)) * 3 + 10
    expected = reference_k_center(X, L, k)
    np.testing.assert_array_equal(batch.k_center_greedy(X, L, k, dtype=dtype), expected)


@pytest.mark.parametrize("seed", range(40))
def test_hybrid_matches_the_post(seed):
    # Every fourth case has no labeled points; alpha cycles through 0, 1 and values in between.
    rng = np.random.default_rng(100 + seed)
    n, d = int(rng.integers(2, 250)), int(rng.integers(1, 9))
    n_labeled = 0 if seed % 4 == 0 else int(rng.integers(1, 12))
    alpha = (0.0, 1.0, 0.5, 0.1, float(rng.random()))[seed % 5]
    k = n + 2 if seed % 10 == 9 else int(rng.integers(1, n + 1))
    X, L, u = rng.normal(size=(n, d)) * 3 + 10, rng.normal(size=(n_labeled, d)) * 3 + 10, rng.random(n)
    picks = batch.hybrid(u, X, L, k, alpha=alpha)
    np.testing.assert_array_equal(picks, post_hybrid(u, X, L, k, alpha))


def test_hybrid_scales_distances_over_all_candidates_as_the_post_does():
    # A labeled point at 0; candidates at 10, 4 and 6 with utilities 0, 0.7 and 1; alpha = 0.5.
    # Pick 1: d = (10, 4, 6) scales to (1, 0, 1/3), u to (0, 0.7, 1): scores (0.5, 0.35, 0.67),
    #   candidate 2.
    # Pick 2: d = (4, 2, 0). Over all candidates, the pick's 0 included, d scales to (1, 0.5, 0):
    #   scores (0.5, 0.6, -1), candidate 1. Scaled over the remaining two only, d would be (1, 0):
    #   scores (0.5, 0.35), candidate 0 (the old rule, which picked 2, 0, 1).
    X, L, u = [[10.0], [4.0], [6.0]], [[0.0]], [0.0, 0.7, 1.0]
    np.testing.assert_array_equal(batch.hybrid(u, X, L, 3, alpha=0.5), [2, 1, 0])
    np.testing.assert_array_equal(post_hybrid(u, X, L, 3, alpha=0.5), [2, 1, 0])


def test_hybrid_without_labels():
    # No labeled point and no pick yet: every distance is 0, so the first pick is the best
    # utility, or candidate 0 when alpha = 0 makes every score 0.
    rng = np.random.default_rng(5)
    X, u, L = rng.normal(size=(30, 2)), rng.random(30), np.zeros((0, 2))
    assert batch.hybrid(u, X, L, 1, alpha=0.5)[0] == np.argmax(u)
    assert batch.hybrid(u, X, L, 1, alpha=0.0)[0] == 0
    np.testing.assert_array_equal(np.sort(batch.hybrid(u, X, L, 40)), np.arange(30))


def test_hybrid_with_equal_utilities_picks_on_distance():
    # u.max() - u.min() = 0: the 1e-10 makes every scaled utility 0, so distance alone decides.
    rng = np.random.default_rng(6)
    X, L, u = rng.normal(size=(50, 3)), rng.normal(size=(4, 3)), np.full(50, 0.3)
    picks = batch.hybrid(u, X, L, 10, alpha=0.7)
    np.testing.assert_array_equal(picks, post_hybrid(u, X, L, 10, alpha=0.7))
    np.testing.assert_array_equal(picks, batch.hybrid(u, X, L, 10, alpha=0.0))


def test_k_center_on_clustered_data_matches_reference():
    # Pruning skips most candidates here; the picks must not change.
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, 16)) * 10
    X = centres[rng.integers(0, 20, 3000)] + rng.normal(size=(3000, 16))
    L = X[:5] + 0.1
    np.testing.assert_array_equal(batch.k_center_greedy(X, L, 60), reference_k_center(X, L, 60))


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
    for select in (
        lambda X_, u_: batch.top_k(u_, k),
        lambda X_, u_: batch.k_center_greedy(X_, L, k, dtype=np.float64),
        lambda X_, u_: batch.hybrid(u_, X_, L, k, alpha=0.5),
    ):
        picks = select(X, u)
        check_picks(picks, n, k)
        np.testing.assert_array_equal(select(X, u), picks)  # deterministic
        # Permuting the pool permutes the picks (the same points are chosen).
        permuted = select(X[permutation], u[permutation])
        assert set(permutation[permuted]) == set(picks)
    random_picks = batch.random_batch(n, k, np.random.default_rng(1))
    check_picks(random_picks, n, k)
    np.testing.assert_array_equal(batch.random_batch(n, k, np.random.default_rng(1)), random_picks)


@settings(max_examples=80, deadline=None)
@given(geometry(), st.sampled_from([0.0, 0.25, 0.5, 0.8, 1.0]))
def test_hybrid_follows_the_post(case, alpha):
    _, X, L, u, k = case
    np.testing.assert_array_equal(batch.hybrid(u, X, L, k, alpha=alpha), post_hybrid(u, X, L, k, alpha))


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
