"""Unit and property tests for alcore.diagnostics (batch spread, coverage, mean score)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist, pdist

from alcore import batch
from alcore.diagnostics import BatchDiagnostics, batch_diagnostics, coverage_radius, mean_pairwise_distance

points = arrays(np.float64, st.tuples(st.integers(2, 30), st.just(2)),
                elements=st.floats(-100, 100, allow_nan=False, width=32))


# -- mean_pairwise_distance ------------------------------------------------------------------

def test_mean_pairwise_distance_by_hand():
    assert mean_pairwise_distance([[0, 0], [3, 4]]) == pytest.approx(5.0)
    # unit right triangle: sides 1, 1 and sqrt(2)
    assert mean_pairwise_distance([[0, 0], [1, 0], [0, 1]]) == pytest.approx((2 + np.sqrt(2)) / 3)
    # duplicates count as distance zero
    assert mean_pairwise_distance([[1, 1], [1, 1]]) == 0.0


def test_mean_pairwise_distance_needs_a_pair():
    assert np.isnan(mean_pairwise_distance([[1.0, 2.0]]))
    assert np.isnan(mean_pairwise_distance(np.zeros((0, 2))))


def test_mean_pairwise_distance_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        mean_pairwise_distance([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        mean_pairwise_distance([[0, 0], [np.nan, 1]])


@settings(max_examples=40, deadline=None)
@given(points, st.randoms(use_true_random=False))
def test_mean_pairwise_distance_matches_scipy_and_ignores_order(X, random):
    expected = pdist(X).mean()
    assert mean_pairwise_distance(X) == pytest.approx(expected, rel=1e-6, abs=1e-6)
    order = list(range(len(X)))
    random.shuffle(order)
    assert mean_pairwise_distance(X[order]) == pytest.approx(expected, rel=1e-6, abs=1e-6)


# -- coverage_radius -------------------------------------------------------------------------

def test_coverage_radius_by_hand():
    pool = [[0.0, 0.0], [4.0, 0.0], [10.0, 0.0]]
    assert coverage_radius(pool, [[0.0, 0.0], [5.0, 0.0]]) == pytest.approx(5.0)
    assert coverage_radius(pool, [[0.0, 0.0], [10.0, 0.0]]) == pytest.approx(4.0)
    assert coverage_radius(pool, pool) == 0.0


def test_coverage_radius_without_centres_is_nan():
    assert np.isnan(coverage_radius([[0.0, 0.0]], np.zeros((0, 2))))


def test_coverage_radius_checks_features():
    with pytest.raises(ValueError, match="same feature space"):
        coverage_radius([[0.0, 0.0]], [[0.0, 0.0, 0.0]])


@settings(max_examples=40, deadline=None)
@given(points, st.integers(1, 5))
def test_coverage_radius_matches_brute_force_and_shrinks_with_centres(X, m):
    centres = X[:m]
    expected = cdist(X, centres).min(axis=1).max()
    radius = coverage_radius(X, centres)
    assert radius == pytest.approx(expected, rel=1e-6, abs=1e-4)
    assert coverage_radius(X, X[: m + 1]) <= radius + 1e-6  # one more centre never hurts


def test_coverage_radius_blocks_agree(monkeypatch):
    from alcore import diagnostics
    rng = np.random.default_rng(0)
    X, C = rng.normal(size=(500, 3)), rng.normal(size=(7, 3))
    whole = coverage_radius(X, C)
    monkeypatch.setattr(diagnostics, "_BLOCK_CELLS", 50)  # 7 rows per block
    assert coverage_radius(X, C) == pytest.approx(whole)


# -- batch_diagnostics -----------------------------------------------------------------------

def test_batch_diagnostics_by_hand():
    X = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]]
    d = batch_diagnostics(X, [0], [1, 2], utilities=[np.nan, 0.5, 0.3, 0.1])
    assert d == BatchDiagnostics(size=2, mean_pairwise_distance=1.0, coverage_radius=7.0,
                                 mean_utility=pytest.approx(0.4))
    spread = batch_diagnostics(X, [0], [1, 3], utilities=[np.nan, 0.5, 0.3, 0.1])
    assert spread.mean_pairwise_distance == 8.0 and spread.coverage_radius == 1.0


def test_batch_diagnostics_without_scores_or_labels():
    X = [[0.0, 0.0], [3.0, 4.0]]
    d = batch_diagnostics(X, [], [1])
    assert d.size == 1 and np.isnan(d.mean_pairwise_distance) and np.isnan(d.mean_utility)
    assert d.coverage_radius == pytest.approx(5.0)


def test_batch_diagnostics_rejects_bad_indices_and_scores():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="batch_indices"):
        batch_diagnostics(X, [0], [3])
    with pytest.raises(ValueError, match="labeled_indices"):
        batch_diagnostics(X, [-1], [1])
    with pytest.raises(ValueError, match="one score per pool point"):
        batch_diagnostics(X, [0], [1], utilities=[0.1, 0.2])


def test_diverse_batch_spreads_more_and_covers_better_than_top_k():
    """The point of the lab, on a known picture: top-k bunches where utility peaks."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-3, 3, size=(2000, 2))
    utilities = np.exp(-X[:, 0] ** 2)  # a band of high utility along x = 0
    labeled = np.array([0, 1, 2, 3])
    candidates = np.setdiff1d(np.arange(len(X)), labeled)
    top = candidates[batch.top_k(utilities[candidates], 20)]
    centres = candidates[batch.k_center_greedy(X[candidates], X[labeled], 20)]
    d_top = batch_diagnostics(X, labeled, top, utilities)
    d_centres = batch_diagnostics(X, labeled, centres, utilities)
    assert d_centres.mean_pairwise_distance > 1.5 * d_top.mean_pairwise_distance
    assert d_centres.coverage_radius < d_top.coverage_radius
    assert d_top.mean_utility > d_centres.mean_utility


# -- greedy selectors are prefix-consistent (the page slices one big batch) -------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 40), st.floats(0, 1))
def test_greedy_batches_are_prefixes_of_larger_ones(seed, k, alpha):
    rng = np.random.default_rng(seed)
    X, L, u = rng.normal(size=(200, 2)), rng.normal(size=(3, 2)), rng.random(200)
    assert np.array_equal(batch.top_k(u, k), batch.top_k(u, 60)[:k])
    assert np.array_equal(batch.k_center_greedy(X, L, k), batch.k_center_greedy(X, L, 60)[:k])
    assert np.array_equal(batch.hybrid(u, X, L, k, alpha), batch.hybrid(u, X, L, 60, alpha)[:k])


# -- prefix_diagnostics ----------------------------------------------------------------------

from alcore.diagnostics import prefix_diagnostics  # noqa: E402


def test_prefix_diagnostics_by_hand():
    X = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]]
    p = prefix_diagnostics(X, [0], [3, 1], utilities=[0.0, 0.5, 0.3, 0.1])
    assert np.isnan(p.mean_pairwise_distance[0]) and p.mean_pairwise_distance[1] == pytest.approx(8.0)
    assert p.coverage_radius.tolist() == pytest.approx([2.0, 1.0])
    assert p.mean_utility.tolist() == pytest.approx([0.1, 0.3])
    assert p.at(2) == BatchDiagnostics(2, 8.0, pytest.approx(1.0), pytest.approx(0.3))


def test_prefix_diagnostics_checks_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="empty"):
        prefix_diagnostics(X, [0], [])
    with pytest.raises(ValueError, match="batch_indices"):
        prefix_diagnostics(X, [0], [5])
    with pytest.raises(ValueError, match="one score per pool point"):
        prefix_diagnostics(X, [0], [1], utilities=[1.0])
    with pytest.raises(ValueError, match="size must be"):
        prefix_diagnostics(X, [0], [1, 2]).at(3)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 6), st.integers(1, 15), st.booleans())
def test_prefix_diagnostics_match_batch_diagnostics(seed, n_labeled, k, with_scores):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    order = rng.permutation(60)
    labeled, picks = order[:n_labeled], order[n_labeled:n_labeled + k]
    scores = rng.random(60) if with_scores else None
    prefix = prefix_diagnostics(X, labeled, picks, scores)
    for size in range(1, k + 1):
        expected = batch_diagnostics(X, labeled, picks[:size], scores)
        got = prefix.at(size)
        assert got.size == expected.size
        for field in ("mean_pairwise_distance", "coverage_radius", "mean_utility"):
            a, b = getattr(got, field), getattr(expected, field)
            assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-7, abs=1e-7), field
