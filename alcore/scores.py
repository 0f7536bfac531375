"""Acquisition functions: one utility per candidate, higher = ask first.

Every function takes model outputs, never a model: class probabilities
``probs`` of shape (n, C), committee ``votes`` of shape (M, n), or member
probabilities of shape (M, n, C) (members first, as baal lays out MC samples
as [T, n, C]). Entropies use the natural logarithm, with 0 log 0 = 0.

``check_input=False`` skips validation for callers (such as the loop) that
pass arrays they produced themselves; the result is then only defined for
valid input.
"""

from __future__ import annotations

import numpy as np
from scipy.special import entr, rel_entr

from alcore._checks import as_float_array, as_probabilities


def least_confidence(probs, *, check_input: bool = True) -> np.ndarray:
    """Least-confidence utility: ``1 - max_c p(c | x)``.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities, rows summing to 1.
    check_input : bool, default=True
        Validate ``probs`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, 1 - 1/C].

    Examples
    --------
    >>> least_confidence([[0.9, 0.1], [0.5, 0.5]])
    array([0.1, 0.5])
    """
    probs = as_probabilities(probs) if check_input else np.asarray(probs)
    return 1.0 - probs.max(axis=1)


def margin(probs, *, check_input: bool = True) -> np.ndarray:
    """Margin utility: ``1 - (p1 - p2)`` with p1, p2 the two largest probabilities.

    A single-class column has no runner-up, so p2 = 0 there.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities, rows summing to 1.
    check_input : bool, default=True
        Validate ``probs`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, 1]; 1 where the top two classes tie.

    Examples
    --------
    >>> margin([[0.7, 0.2, 0.1]])
    array([0.5])
    """
    probs = as_probabilities(probs) if check_input else np.asarray(probs)
    if probs.shape[1] == 1:
        return 1.0 - probs[:, 0]
    top_two = np.partition(probs, probs.shape[1] - 2, axis=1)[:, -2:]
    return 1.0 - (top_two[:, 1] - top_two[:, 0])


def entropy(probs, *, check_input: bool = True) -> np.ndarray:
    """Predictive entropy: ``-sum_c p(c | x) log p(c | x)`` (nats).

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities, rows summing to 1.
    check_input : bool, default=True
        Validate ``probs`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, log C].

    Examples
    --------
    >>> entropy([[0.5, 0.5], [1.0, 0.0]]).round(4)
    array([0.6931, 0.    ])
    """
    probs = as_probabilities(probs) if check_input else np.asarray(probs)
    return entr(probs).sum(axis=1)


def vote_entropy(votes, n_classes: int, *, check_input: bool = True) -> np.ndarray:
    """Vote entropy of a committee: the entropy of the vote shares per candidate.

    Parameters
    ----------
    votes : array-like of int, shape (M, n)
        The class each of M committee members predicts for each candidate.
    n_classes : int
        Number of classes of the task (votes lie in ``0 .. n_classes - 1``).
    check_input : bool, default=True
        Validate ``votes`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, log min(M, C)]; 0 where all members agree.

    Examples
    --------
    >>> vote_entropy([[0, 0], [0, 1]], n_classes=2).round(4)
    array([0.    , 0.6931])
    """
    if check_input:
        votes = np.asarray(votes)
        if votes.ndim != 2 or votes.shape[0] == 0 or votes.shape[1] == 0:
            raise ValueError(
                f"votes must be a non-empty (M, n) array of class labels, got shape {votes.shape}."
            )
        if votes.dtype.kind not in "iu":
            raise ValueError(f"votes must hold integer class labels, got dtype {votes.dtype}.")
        if isinstance(n_classes, bool) or int(n_classes) != n_classes or n_classes < 1:
            raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}.")
        if votes.min() < 0 or votes.max() >= n_classes:
            raise ValueError(
                f"votes must lie in 0..{n_classes - 1} (n_classes={n_classes}), "
                f"found {votes.min()}..{votes.max()}."
            )
    votes = np.asarray(votes)
    n_members = votes.shape[0]
    # sum_c s_c log s_c over vote shares s_c equals the mean over members of
    # log(share of the member's own vote), so count, for each member, the
    # members that agree with it: M x M comparisons, whatever the classes.
    agreeing = np.zeros(votes.shape)
    for member_votes in votes:  # a loop over the M members, not over points
        agreeing += votes == member_votes
    return np.log(n_members / agreeing).mean(axis=0)


def kl_disagreement(member_probs, *, check_input: bool = True) -> np.ndarray:
    """Average KL divergence of each committee member from the consensus.

    ``mean_m KL(p_m || p_bar)`` with ``p_bar = mean_m p_m`` (McCallum and
    Nigam's query-by-committee disagreement).

    Parameters
    ----------
    member_probs : array-like of shape (M, n, C)
        Class probabilities of each of M members for each candidate.
    check_input : bool, default=True
        Validate ``member_probs`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Non-negative utilities; 0 where all members agree.

    Examples
    --------
    >>> kl_disagreement([[[1.0, 0.0]], [[0.0, 1.0]]]).round(4)
    array([0.6931])
    """
    if check_input:
        member_probs = as_probabilities(member_probs, "member_probs", ndim=3)
    member_probs = np.asarray(member_probs)
    consensus = member_probs.mean(axis=0)
    return rel_entr(member_probs, consensus[None, :, :]).sum(axis=2).mean(axis=0)


def check_utilities(utilities, name: str = "utilities") -> np.ndarray:
    """Return ``utilities`` as a finite 1-D float array, or raise a ValueError."""
    return as_float_array(utilities, name, ndim=1)
