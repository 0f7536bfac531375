"""Acquisition functions: one utility per candidate, higher = ask first.

Every function takes model outputs: class probabilities ``probs`` of shape
(n, C), committee ``votes`` of shape (M, n), member probabilities of shape
(M, n, C) or posterior draws ``mc_probs`` of shape (T, n, C) (draws first, as
baal lays out MC samples as [T, n, C]). Expected gradient length also takes
the features; expected error reduction is the one function that takes a model,
since it must refit it. Entropies use the natural logarithm, with 0 log 0 = 0.

``check_input=False`` skips validation for callers (such as the loop) that
pass arrays they produced themselves; the result is then only defined for
valid input.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy.special import entr, rel_entr

from alcore._checks import (
    PROBABILITY_SLACK,
    as_float_array,
    as_probabilities,
    check_k,
    check_probability_values,
    check_row_sums,
    probability_array,
)
from alcore.models import single_threaded

# Cells per row block of entropy (256 KB in float64).
_ENTROPY_BLOCK_CELLS = 1 << 15


def _class_major(probs: np.ndarray) -> np.ndarray:
    """A (C, n) contiguous copy: numpy reduces over a short leading axis many
    times faster than over a short last one (about 10x for 2,000 x 2)."""
    return np.ascontiguousarray(probs.T)


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
    return 1.0 - _class_major(probs).max(axis=0)


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
    if probs.shape[1] == 2:
        return 1.0 - np.abs(probs[:, 0] - probs[:, 1])
    top_two = np.partition(probs, probs.shape[1] - 2, axis=1)[:, -2:]
    return 1.0 - (top_two[:, 1] - top_two[:, 0])


def entropy(probs, *, check_input: bool = True) -> np.ndarray:
    """Predictive entropy: ``-sum_c p(c | x) log p(c | x)`` (nats), with 0 log 0 = 0.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities, rows summing to 1.
    check_input : bool, default=True
        Validate ``probs`` first (the checks of ``as_probabilities``).

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, log C].

    Examples
    --------
    >>> entropy([[0.5, 0.5], [1.0, 0.0]]).round(4)
    array([0.6931, 0.    ])
    """
    probs = probability_array(probs) if check_input else np.asarray(probs)
    if probs.dtype not in (np.float32, np.float64):
        probs = probs.astype(np.float64)
    n, n_classes = probs.shape
    # Row blocks small enough that a block and its p log p stay in cache between
    # the passes over them; a matrix-vector product then sums the short rows.
    step = max(1, _ENTROPY_BLOCK_CELLS // n_classes)
    terms_buffer = np.empty((min(step, n), n_classes), dtype=probs.dtype)
    ones = np.ones(n_classes, dtype=probs.dtype)
    p_log_p = np.empty(n, dtype=probs.dtype)
    sums = np.empty(n, dtype=probs.dtype) if check_input else None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(0, n, step):
            block = probs[start:start + step]
            terms = np.log(block, out=terms_buffer[: block.shape[0]])
            terms *= block
            np.matmul(terms, ones, out=p_log_p[start:start + step])
            if check_input:
                np.matmul(block, ones, out=sums[start:start + step])
    # 0 log 0 came out as 0 * -inf = NaN, and so did a negative or a NaN input.
    nan_rows = np.isnan(p_log_p)
    if check_input:
        # Where a row's p log p is not NaN, its values are all positive (+inf
        # included), so none exceeds the row sum: only rows with a NaN or a sum
        # above 1 can hold a value outside [0, 1], and only theirs need looking at.
        check_probability_values(probs[nan_rows | (sums > 1 + PROBABILITY_SLACK)])
        check_row_sums(sums)
    values = np.negative(p_log_p, out=p_log_p)
    if nan_rows.any():
        values[nan_rows] = entr(probs[nan_rows]).sum(axis=1)
    return values


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


def expected_gradient_length(probs, X, *, check_input: bool = True) -> np.ndarray:
    """Expected gradient length (EGL) for a softmax-linear model with bias.

    For label y, the gradient of the cross-entropy with respect to the weights
    is ``(p - e_y) outer [x, 1]``, whose norm is ``|p - e_y| * |[x, 1]|``;
    the utility is its expectation under the model, ``sum_y p_y |p - e_y| |[x, 1]|``.
    ``|p - e_y|^2`` is built from the other classes' probabilities
    (``sum_{c != y} p_c^2 + (sum_{c != y} p_c)^2``), which stays accurate when
    ``p_y`` is close to 1, where ``|p|^2 - 2 p_y + 1`` cancels.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities of the model at the candidates.
    X : array-like of shape (n, d)
        The features the model is linear in (after any transform it applies).
    check_input : bool, default=True
        Validate ``probs`` and ``X`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Non-negative utilities; 0 where the model is certain.

    Examples
    --------
    >>> expected_gradient_length([[0.5, 0.5]], [[0.0]]).round(4)
    array([0.7071])
    """
    if check_input:
        probs = as_probabilities(probs)
        X = as_float_array(X, "X", ndim=2)
        if X.shape[0] != probs.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but probs has {probs.shape[0]}; pass one row per candidate."
            )
    probs = np.asarray(probs, dtype=np.float64)
    X = np.asarray(X)
    rows = np.arange(probs.shape[0])
    top = probs.argmax(axis=1)
    p_top = probs[rows, top]
    rest = probs.copy()
    rest[rows, top] = 0.0  # every class but the most probable one
    rest_sum = rest.sum(axis=1)
    rest_sq = np.einsum("ij,ij->i", rest, rest)
    # For y other than the top class, the other classes hold at least p_top >= p_y,
    # so subtracting p_y loses little; the top class uses the sums without it.
    complement = (rest_sum + p_top)[:, None] - probs
    others_sq = (rest_sq + p_top * p_top)[:, None] - probs * probs
    complement[rows, top] = rest_sum
    others_sq[rows, top] = rest_sq
    label_norms = np.sqrt(others_sq + complement * complement)
    feature_norms = np.sqrt(1.0 + np.einsum("ij,ij->i", X, X, dtype=np.float64))
    return np.einsum("ij,ij->i", probs, label_norms) * feature_norms


def bald(mc_probs, *, check_input: bool = True) -> np.ndarray:
    """BALD: mutual information between a candidate's label and the model parameters.

    ``H[mean_t p_t] - mean_t H[p_t]`` over T posterior draws: the spread of
    the averaged prediction minus the spread each draw has on its own. High
    where the draws are confident but disagree (Houlsby et al., 2011).

    Parameters
    ----------
    mc_probs : array-like of shape (T, n, C)
        Class probabilities of each of T posterior draws (MC dropout, Laplace
        samples or committee members) for each candidate.
    check_input : bool, default=True
        Validate ``mc_probs`` first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities in [0, log min(T, C)]; 0 where all draws agree.

    Examples
    --------
    >>> bald([[[1.0, 0.0]], [[0.0, 1.0]]]).round(4)
    array([0.6931])
    """
    if check_input:
        mc_probs = as_probabilities(mc_probs, "mc_probs", ndim=3)
    mc_probs = np.asarray(mc_probs)
    predictive = entr(mc_probs.mean(axis=0)).sum(axis=1)
    expected = entr(mc_probs).sum(axis=2).mean(axis=0)
    return np.maximum(predictive - expected, 0.0)  # rounding can dip just below 0


def _risk(probs: np.ndarray, loss: str) -> float:
    """Expected error on the evaluation points, judged by the model's own probabilities."""
    if loss == "zero_one":
        return float(np.mean(1.0 - probs.max(axis=1)))
    return float(np.mean(entr(probs).sum(axis=1)))


def _subsample(n: int, size, name: str, rng) -> np.ndarray:
    """All of ``range(n)``, or ``size`` of them drawn without replacement, sorted."""
    if size is None:
        return np.arange(n)
    size = check_k(size, name)
    if size >= n:
        return np.arange(n)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{name} draws at random: pass rng=np.random.default_rng(seed).")
    return np.sort(rng.choice(n, size=size, replace=False))


def expected_error_reduction(model, X_labeled, y_labeled, X_candidates, *, X_eval=None,
                             loss: str = "zero_one", candidate_subsample=None, pool_subsample=None,
                             rng=None, check_input: bool = True) -> np.ndarray:
    """Expected error reduction (Roy and McCallum, 2001): how much lower the
    error on the pool is expected to be once a candidate is labeled.

    For each candidate x and each label y with ``p(y | x) > 0``, a copy of
    the model is refitted on the labeled set plus (x, y) (a model that warm
    starts, such as :class:`alcore.models.SoftmaxRegression`, starts from the
    current fit), and its expected error on the evaluation points is measured
    with its own probabilities: ``mean(1 - max_c p'(c | u))`` for
    ``loss='zero_one'``, ``mean(H[p'(. | u)])`` (the expected log loss) for
    ``loss='log'``. The utility is the current error minus the average of
    those errors weighted by ``p(y | x)``: higher = the label is expected to
    remove more error. Cost: one refit per (candidate, label) pair; the
    refits run with one BLAS thread, since thread start-up would dominate them.

    Parameters
    ----------
    model : alcore.models.TaskModel
        The fitted model (anything with ``fit(X, y)`` and a ``predict_proba``
        that has one column per class). It is copied, never changed.
    X_labeled : array-like of shape (L, d)
    y_labeled : array-like of int, shape (L,)
        The labeled set the model was fitted on.
    X_candidates : array-like of shape (n, d)
        The candidates to score.
    X_eval : array-like of shape (m, d), optional
        Where the error is measured (the unlabeled pool); ``X_candidates`` when None.
    loss : {'zero_one', 'log'}, default='zero_one'
        Which expected error to reduce.
    candidate_subsample : int, optional
        Score only this many candidates, drawn at random (None: all, the
        exact mode). The others are ranked below every scored candidate: they
        get the lowest scored utility minus one.
    pool_subsample : int, optional
        Measure the error on this many evaluation points, drawn at random
        (None: all of them). The cost is the number of refits times the
        evaluation size, so the two options multiply.
    rng : numpy.random.Generator, optional
        Source of the subsamples; required when either option draws.
    check_input : bool, default=True
        Validate the arrays first.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Utilities (expected error reductions; may be negative).
    """
    if loss not in ("zero_one", "log"):
        raise ValueError(f"loss must be 'zero_one' or 'log', got {loss!r}.")
    if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise ValueError("model must be a fitted alcore.models.TaskModel (with fit and predict_proba).")
    X_eval = X_candidates if X_eval is None else X_eval
    if check_input:
        X_candidates = as_float_array(X_candidates, "X_candidates", ndim=2)
        X_labeled = as_float_array(X_labeled, "X_labeled", ndim=2)
        X_eval = as_float_array(X_eval, "X_eval", ndim=2)
        y_labeled = np.asarray(y_labeled)
        if y_labeled.shape != (X_labeled.shape[0],) or y_labeled.dtype.kind not in "iu":
            raise ValueError(
                f"y_labeled must hold one integer label per row of X_labeled ({X_labeled.shape[0]}), "
                f"got shape {y_labeled.shape} and dtype {y_labeled.dtype}."
            )
        if not X_labeled.shape[1] == X_candidates.shape[1] == X_eval.shape[1]:
            raise ValueError("X_labeled, X_candidates and X_eval must have the same number of features.")
    scored = _subsample(X_candidates.shape[0], candidate_subsample, "candidate_subsample", rng)
    X_eval = X_eval[_subsample(X_eval.shape[0], pool_subsample, "pool_subsample", rng)]
    X_plus = np.vstack([X_labeled, X_candidates[:1]])
    y_plus = np.append(y_labeled, 0)
    expected = np.zeros(scored.size)
    with single_threaded():
        probs = model.predict_proba(X_candidates[scored])
        for row, candidate in enumerate(scored):
            X_plus[-1] = X_candidates[candidate]
            for label in np.flatnonzero(probs[row] > 0):
                y_plus[-1] = label
                refit = copy.deepcopy(model).fit(X_plus, y_plus)
                expected[row] += probs[row, label] * _risk(refit.predict_proba(X_eval), loss)
        scored_utilities = _risk(model.predict_proba(X_eval), loss) - expected
    utilities = np.full(X_candidates.shape[0], scored_utilities.min() - 1.0)
    utilities[scored] = scored_utilities
    return utilities


def check_utilities(utilities, name: str = "utilities") -> np.ndarray:
    """Return ``utilities`` as a finite 1-D float array, or raise a ValueError."""
    return as_float_array(utilities, name, ndim=1)
