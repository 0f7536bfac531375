"""Acquisition functions: hand-worked values, properties and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from alcore import _checks, scores


def random_probs(rng, n, n_classes):
    raw = rng.random((n, n_classes)) ** 3
    return raw / raw.sum(axis=1, keepdims=True)


@st.composite
def probability_matrices(draw, max_rows=30, max_classes=6):
    n = draw(st.integers(1, max_rows))
    n_classes = draw(st.integers(2, max_classes))
    raw = draw(arrays(np.float64, (n, n_classes), elements=st.floats(0.0, 1.0)))
    raw = raw + 1e-9
    return raw / raw.sum(axis=1, keepdims=True)


class TestHandWorked:
    def test_least_confidence(self):
        probs = [[0.9, 0.1], [0.5, 0.5], [0.2, 0.3, 0.5][:2] + [0.5]]
        np.testing.assert_allclose(scores.least_confidence(np.array(probs[:2])), [0.1, 0.5])
        np.testing.assert_allclose(scores.least_confidence([[0.2, 0.3, 0.5]]), [0.5])

    def test_margin(self):
        # 1 - (0.5 - 0.3) = 0.8; a tie gives the maximum, 1.
        np.testing.assert_allclose(scores.margin([[0.2, 0.3, 0.5], [0.4, 0.4, 0.2]]), [0.8, 1.0])
        np.testing.assert_allclose(scores.margin([[1.0, 0.0, 0.0]]), [0.0])

    def test_entropy(self):
        # -(0.5 ln 0.5 + 0.25 ln 0.25 * 2) = 1.5 ln 2
        np.testing.assert_allclose(scores.entropy([[0.5, 0.25, 0.25]]), [1.5 * np.log(2)])
        np.testing.assert_allclose(scores.entropy([[1.0, 0.0]]), [0.0])
        np.testing.assert_allclose(scores.entropy([[0.25] * 4]), [np.log(4)])

    def test_vote_entropy(self):
        votes = np.array([[0, 1, 2], [0, 1, 0], [0, 0, 1]])  # 3 members, 3 candidates
        # candidate 0: all agree -> 0; candidate 1: shares 2/3, 1/3; candidate 2: 1/3 each
        expected = [0.0, -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3)), np.log(3)]
        np.testing.assert_allclose(scores.vote_entropy(votes, n_classes=3), expected)

    def test_kl_disagreement(self):
        members = np.array([[[0.8, 0.2]], [[0.4, 0.6]]])  # consensus 0.6, 0.4
        kl_a = 0.8 * np.log(0.8 / 0.6) + 0.2 * np.log(0.2 / 0.4)
        kl_b = 0.4 * np.log(0.4 / 0.6) + 0.6 * np.log(0.6 / 0.4)
        np.testing.assert_allclose(scores.kl_disagreement(members), [(kl_a + kl_b) / 2])

    def test_agreeing_committee_scores_zero(self):
        same = np.repeat(random_probs(np.random.default_rng(0), 5, 3)[None], 4, axis=0)
        np.testing.assert_allclose(scores.kl_disagreement(same), 0.0, atol=1e-12)

    def test_matches_plain_expressions(self):
        probs = random_probs(np.random.default_rng(1), 200, 5)
        ordered = np.sort(probs, axis=1)
        np.testing.assert_allclose(scores.least_confidence(probs), 1 - ordered[:, -1])
        np.testing.assert_allclose(scores.margin(probs), 1 - (ordered[:, -1] - ordered[:, -2]))
        np.testing.assert_allclose(scores.entropy(probs), -(probs * np.log(probs)).sum(axis=1))


def plain_entropy(probs):
    """-sum p log p with numpy's einsum, taking 0 log 0 = 0."""
    return -np.einsum("ij,ij->i", probs, np.log(np.where(probs > 0, probs, 1.0)))


@pytest.mark.parametrize("n, n_classes", [(1, 1), (7, 2), (2_000, 3), (10_000, 10), (5, 40_000)])
@pytest.mark.parametrize("zero_share", [0.0, 0.3, 0.9])
def test_entropy_equals_the_plain_formula(n, n_classes, zero_share):
    # Sizes span entropy's row blocks (and a row longer than a block); zeros take 0 log 0 = 0.
    rng = np.random.default_rng(n + n_classes)
    raw = rng.random((n, n_classes)) ** 3
    raw[rng.random((n, n_classes)) < zero_share] = 0.0
    raw[raw.sum(axis=1) == 0, 0] = 1.0
    probs = raw / raw.sum(axis=1, keepdims=True)
    expected = plain_entropy(probs)
    for layout in (probs, np.asfortranarray(probs), probs[::-1]):
        values = scores.entropy(layout)
        assert values.dtype == np.float64 and not np.isnan(values).any()
        np.testing.assert_allclose(values, plain_entropy(layout), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(scores.entropy(layout, check_input=False), values)
    np.testing.assert_allclose(scores.entropy(probs.astype(np.float32)), expected, rtol=0, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(probability_matrices())
def test_uncertainty_ranges_and_permutation(probs):
    n, n_classes = probs.shape
    permutation = np.random.default_rng(n).permutation(n)
    for function, upper in ((scores.least_confidence, 1 - 1 / n_classes), (scores.margin, 1.0),
                            (scores.entropy, np.log(n_classes))):
        values = function(probs)
        assert values.shape == (n,)
        assert np.all(values >= -1e-12) and np.all(values <= upper + 1e-9)
        np.testing.assert_allclose(function(probs[permutation]), values[permutation])


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 7), st.integers(1, 40), st.integers(2, 5), st.integers(0, 10_000))
def test_vote_entropy_properties(n_members, n, n_classes, seed):
    votes = np.random.default_rng(seed).integers(0, n_classes, size=(n_members, n))
    values = scores.vote_entropy(votes, n_classes)
    assert values.shape == (n,)
    assert np.all(values >= 0) and np.all(values <= np.log(min(n_members, n_classes)) + 1e-12)
    unanimous = np.flatnonzero((votes == votes[0]).all(axis=0))
    np.testing.assert_allclose(values[unanimous], 0.0)
    permutation = np.random.default_rng(seed + 1).permutation(n)
    np.testing.assert_allclose(scores.vote_entropy(votes[:, permutation], n_classes), values[permutation])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(1, 20), st.integers(2, 4), st.integers(0, 10_000))
def test_kl_disagreement_properties(n_members, n, n_classes, seed):
    rng = np.random.default_rng(seed)
    members = np.stack([random_probs(rng, n, n_classes) for _ in range(n_members)])
    values = scores.kl_disagreement(members)
    assert values.shape == (n,) and np.all(values >= -1e-12)
    permutation = rng.permutation(n)
    np.testing.assert_allclose(scores.kl_disagreement(members[:, permutation]), values[permutation])


def with_row(row, n=10_000, at=9_000):
    """Valid probabilities, 10,000 x len(row), with ``row`` at row 9,000 (past the first blocks)."""
    probs = random_probs(np.random.default_rng(2), n, len(row))
    probs[at] = row
    return probs


@pytest.mark.parametrize("function", [scores.least_confidence, scores.margin, scores.entropy])
@pytest.mark.parametrize("bad, words", [
    (np.array([0.5, 0.5]), "2-D"),
    (np.array([[0.5, np.nan]]), "NaN"),
    (np.array([[2.0, -1.0]]), "outside"),
    (np.array([[0.2, 0.2]]), "sum to 1"),
    (np.zeros((0, 2)), "non-empty"),
    (np.array([[0.5, 0.5]], dtype=complex), "numeric"),
    (with_row([0.5, np.nan, 0.5]), "NaN"),
    (with_row([np.inf, 0.0, 0.0]), "outside"),
    (with_row([1.0, -np.inf, 0.0]), "outside"),
    (with_row([1.0 + 1e-5, 1e-9, 1e-9]), "outside"),  # every value positive, one above 1
    (with_row([1.0 + 1e-5, 0.0, -1e-5]), "outside"),  # sums to 1
    (with_row([0.5, 0.5, 0.002]), "sum to 1"),
    (with_row([0.5, 0.3, 0.198]), "sum to 1"),
])
def test_bad_probabilities(function, bad, words):
    with pytest.raises(ValueError, match=words):
        function(bad)


@pytest.mark.parametrize("function", [scores.least_confidence, scores.margin, scores.entropy])
@pytest.mark.parametrize("good", [
    [[1, 0]],  # integers
    with_row([0.5, 0.5, 0.0009]),  # sums within 1e-3 of 1
    with_row([1.0 + 1e-7, 0.0, 0.0]),  # within 1e-6 of [0, 1]
    with_row([1.0, 1e-7, -1e-7]),
])
def test_tolerated_probabilities(function, good):
    assert function(good).shape == (np.shape(good)[0],)


@settings(max_examples=200, deadline=None)
@given(probability_matrices(max_rows=20, max_classes=5), st.data())
def test_entropy_rejects_what_as_probabilities_rejects(probs, data):
    # entropy checks its input from its own sums and logs; it must agree with the shared check.
    n, n_classes = probs.shape
    for _ in range(data.draw(st.integers(1, 3))):
        row, column = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n_classes - 1))
        probs[row, column] = data.draw(st.sampled_from(
            [np.nan, np.inf, -np.inf, 0.0, -0.0, -2e-6, -5e-7, 1 + 5e-7, 1 + 2e-6, 1.0005, 1.002]))
        if data.draw(st.booleans()):
            probs[row] *= data.draw(st.sampled_from([0.9985, 0.9995, 1.0005, 1.0015]))
    outcomes = []
    for function in (_checks.as_probabilities, scores.entropy):
        try:
            with np.errstate(all="ignore"):
                function(probs)
            outcomes.append(None)
        except ValueError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_bad_votes():
    with pytest.raises(ValueError, match="votes must lie"):
        scores.vote_entropy([[0, 3]], n_classes=2)
    with pytest.raises(ValueError, match="integer"):
        scores.vote_entropy([[0.0, 1.0]], n_classes=2)
    with pytest.raises(ValueError, match="n_classes"):
        scores.vote_entropy([[0, 1]], n_classes=0)
    with pytest.raises(ValueError, match="3-D"):
        scores.kl_disagreement([[0.5, 0.5]])
