"""Gradient embeddings, BADGE and BatchBALD."""

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import entr, softmax

from alcore.batch import badge, batchbald, softmax_gradient_embedding
from alcore.scores import bald

FAST = settings(max_examples=25, deadline=None)


def _random_mc(seed, n_draws=8, n=30, n_classes=2, spread=2.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(1, n, n_classes)) + spread * rng.normal(size=(n_draws, n, n_classes))
    return softmax(logits, axis=2)


# -- gradient embeddings -----------------------------------------------------------

def test_embedding_hand_worked():
    # p = (0.75, 0.25), guess 0: p - e_0 = (-0.25, 0.25); [x, 1] = (2, 1).
    np.testing.assert_allclose(softmax_gradient_embedding([[0.75, 0.25]], [[2.0]]),
                               [[-0.5, -0.25, 0.5, 0.25]])


def test_embedding_norm_is_gradient_norm():
    rng = np.random.default_rng(0)
    probs = softmax(rng.normal(size=(20, 4)), axis=1)
    X = rng.normal(size=(20, 3))
    embeddings = softmax_gradient_embedding(probs, X, dtype=np.float64)
    assert embeddings.shape == (20, 4 * 4)
    residual = probs - np.eye(4)[probs.argmax(axis=1)]
    expected = np.linalg.norm(residual, axis=1) * np.sqrt(1 + (X**2).sum(axis=1))
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), expected)


def test_embedding_bad_input():
    with pytest.raises(ValueError, match="one row per candidate"):
        softmax_gradient_embedding([[0.5, 0.5]], [[1.0], [2.0]])


# -- BADGE ------------------------------------------------------------------------

def test_badge_first_pick_is_largest_gradient_and_picks_spread():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [50.0, 0.0], [0.0, 50.0], [50.0, 50.0]]) + 1.0
    embeddings = np.repeat(centres, 25, axis=0) + 0.01 * rng.normal(size=(100, 2))
    embeddings[80] = [52.0, 52.5]  # the largest norm, in the last cluster
    picks = badge(embeddings, 4, np.random.default_rng(1))
    assert picks[0] == 80
    assert sorted(picks // 25) == [0, 1, 2, 3]  # one pick per cluster


@FAST
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 4)), elements=st.floats(-3, 3)),
       st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_badge_unique_and_counted(embeddings, k, seed):
    picks = badge(embeddings, k, np.random.default_rng(seed))
    assert picks.shape == (min(k, embeddings.shape[0]),)
    assert np.unique(picks).size == picks.size
    assert picks.min() >= 0 and picks.max() < embeddings.shape[0]
    np.testing.assert_array_equal(picks, badge(embeddings, k, np.random.default_rng(seed)))


def test_badge_identical_embeddings_still_unique():
    picks = badge(np.ones((10, 3)), 10, np.random.default_rng(0))
    assert sorted(picks) == list(range(10))


def test_badge_bad_input():
    embeddings = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(ValueError, match="rng"):
        badge(embeddings, 2, 0)
    with pytest.raises(ValueError, match="k must be a positive"):
        badge(embeddings, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="gradient_embeddings"):
        badge(embeddings[0], 2, np.random.default_rng(0))


# -- BatchBALD ----------------------------------------------------------------------

def _joint_mutual_information(mc, chosen):
    """I(y_chosen; w) by enumerating every joint label configuration."""
    n_classes = mc.shape[2]
    joint = 0.0
    for config in product(range(n_classes), repeat=len(chosen)):
        p = np.mean(np.prod([mc[:, i, y] for i, y in zip(chosen, config)], axis=0))
        joint += entr(p)
    return joint - sum(entr(mc[:, i]).sum(axis=1).mean() for i in chosen)


def _brute_force_batchbald(mc, k):
    picks = []
    for _ in range(k):
        gains = [_joint_mutual_information(mc, picks + [j]) if j not in picks else -np.inf
                 for j in range(mc.shape[1])]
        picks.append(int(np.argmax(gains)))
    return picks


@pytest.mark.parametrize("seed, n_classes", [(0, 2), (1, 2), (2, 3), (3, 3)])
def test_batchbald_matches_brute_force_greedy(seed, n_classes):
    mc = _random_mc(seed, n=12, n_classes=n_classes)
    np.testing.assert_array_equal(batchbald(mc, 3), _brute_force_batchbald(mc, 3))


def test_batchbald_k1_is_bald_argmax():
    for seed in range(5):
        mc = _random_mc(seed, n=200, n_classes=4)
        assert batchbald(mc, 1)[0] == np.argmax(bald(mc))


@FAST
@given(st.integers(1, 6), st.integers(1, 12), st.integers(2, 4), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_batchbald_properties(n_draws, n, n_classes, k, seed):
    rng = np.random.default_rng(seed)
    mc = softmax(3 * rng.normal(size=(n_draws, n, n_classes)), axis=2)
    picks = batchbald(mc, k, np.random.default_rng(seed), n_configs=8)
    assert picks.shape == (min(k, n),)
    assert np.unique(picks).size == picks.size
    np.testing.assert_array_equal(picks, batchbald(mc, k, np.random.default_rng(seed), n_configs=8))
    utilities = bald(mc)
    assert utilities[picks[0]] >= utilities.max() - 1e-5  # float32 mixing: near-ties may swap


def test_batchbald_skips_a_duplicate_that_top_k_would_take():
    # Candidates 0 and 1 are the same point (the draws split confidently on it);
    # candidate 2 is independent and slightly less informative.
    split = np.array([[0.99, 0.01], [0.01, 0.99]] * 4)
    other = np.array([[0.97, 0.03], [0.97, 0.03], [0.03, 0.97], [0.03, 0.97]] * 2)
    mc = np.stack([split, split, other], axis=1)
    assert list(np.argsort(-bald(mc), kind="stable")[:2]) == [0, 1]
    assert list(batchbald(mc, 2)) == [0, 2]


def test_batchbald_sampled_mode_tracks_the_exact_joint():
    # Past n_configs configurations BatchBALD samples them; its batch should still
    # carry more joint information than BALD's top k on a pool full of duplicates.
    base = _random_mc(7, n_draws=10, n=8, n_classes=2, spread=3.0)
    mc = np.repeat(base, 3, axis=1)
    k = 6
    sampled = batchbald(mc, k, np.random.default_rng(0), n_configs=8)
    top = np.argsort(-bald(mc), kind="stable")[:k]
    assert _joint_mutual_information(mc, list(sampled)) > _joint_mutual_information(mc, list(top)) + 0.1


def test_batchbald_bad_input():
    mc = _random_mc(0, n=10, n_classes=3)
    with pytest.raises(ValueError, match="mc_probs"):
        batchbald(mc[0], 2)
    with pytest.raises(ValueError, match="rng"):
        batchbald(mc, 4, n_configs=4)  # 3^3 configurations > 4: sampling needs a generator
    with pytest.raises(ValueError, match="n_configs"):
        batchbald(mc, 2, n_configs=0)
