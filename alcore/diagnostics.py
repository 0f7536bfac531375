"""Batch diagnostics: numbers that make a batch's redundancy visible.

A batch of near-duplicates has a small spread (mean pairwise distance) and
leaves the pool poorly covered (a large coverage radius); a batch chosen for
diversity spreads out and shrinks the radius, usually at the price of a lower
mean acquisition score. All functions are pure numpy and vectorised over the
pool; distances are Euclidean in the feature space the selectors use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alcore._checks import as_float_array

# Pool rows x centres per block of the coverage computation, so memory stays a few MB.
_BLOCK_CELLS = 4_000_000


def mean_pairwise_distance(X_batch) -> float:
    """Mean Euclidean distance over all pairs of points in a batch.

    Parameters
    ----------
    X_batch : array-like of shape (k, d)
        The batch's features.

    Returns
    -------
    float
        Mean over the ``k (k - 1) / 2`` pairs; NaN when the batch has fewer
        than two points (a single point has no pair).

    Examples
    --------
    >>> mean_pairwise_distance([[0.0, 0.0], [3.0, 4.0]])
    5.0
    >>> round(mean_pairwise_distance([[0, 0], [1, 0], [0, 1]]), 4)  # (1 + 1 + sqrt 2) / 3
    1.1381
    """
    X = as_float_array(X_batch, "X_batch", ndim=2, allow_empty=True).astype(np.float64)
    k = X.shape[0]
    if k < 2:
        return float("nan")
    sq = np.einsum("ij,ij->i", X, X)
    d2 = sq[:, None] - 2.0 * (X @ X.T) + sq[None, :]
    upper = np.triu_indices(k, 1)
    return float(np.sqrt(np.maximum(d2[upper], 0.0)).mean())


def coverage_radius(X_pool, X_centres) -> float:
    """Largest distance from any pool point to its nearest centre.

    With the labeled set plus a batch as centres, this is the radius of the
    smallest balls around them that cover the whole pool: the quantity greedy
    k-center tries to shrink. Smaller = the batch leaves no region unvisited.

    Parameters
    ----------
    X_pool : array-like of shape (n, d)
        Every pool point (labeled or not).
    X_centres : array-like of shape (m, d)
        Labeled points and the batch.

    Returns
    -------
    float
        ``max_i min_j |x_i - c_j|``; NaN when there are no centres.

    Examples
    --------
    >>> coverage_radius([[0.0, 0.0], [4.0, 0.0], [10.0, 0.0]], [[0.0, 0.0], [5.0, 0.0]])
    5.0
    """
    X = as_float_array(X_pool, "X_pool", ndim=2).astype(np.float64)
    C = as_float_array(X_centres, "X_centres", ndim=2, allow_empty=True).astype(np.float64)
    if C.shape[0] == 0:
        return float("nan")
    if C.shape[1] != X.shape[1]:
        raise ValueError(f"X_centres has {C.shape[1]} features but X_pool has {X.shape[1]}; "
                         "pass both in the same feature space.")
    offset = X.mean(axis=0)  # centring keeps the |x|^2 - 2x.c + |c|^2 expansion accurate
    X, C = X - offset, C - offset
    c_sq = np.einsum("ij,ij->i", C, C)
    block = max(1, _BLOCK_CELLS // C.shape[0])
    worst = 0.0
    for start in range(0, X.shape[0], block):
        rows = X[start:start + block]
        d2 = np.einsum("ij,ij->i", rows, rows)[:, None] - 2.0 * (rows @ C.T) + c_sq[None, :]
        worst = max(worst, float(np.maximum(d2.min(axis=1), 0.0).max()))
    return float(np.sqrt(worst))


@dataclass(frozen=True)
class BatchDiagnostics:
    """What one batch looks like, in three numbers.

    Attributes
    ----------
    size : int
        Points in the batch.
    mean_pairwise_distance : float
        Spread of the batch (NaN for a single point). Small = redundant picks.
    coverage_radius : float
        Largest distance from a pool point to the labeled set plus the batch.
        Small = the pool is well covered.
    mean_utility : float
        Mean acquisition score of the batch (NaN when a score is missing).
        High = the batch is what the strategy most wanted.
    """

    size: int
    mean_pairwise_distance: float
    coverage_radius: float
    mean_utility: float


def batch_diagnostics(X_pool, labeled_indices, batch_indices, utilities=None) -> BatchDiagnostics:
    """Spread, coverage radius and mean acquisition score of a batch.

    Parameters
    ----------
    X_pool : array-like of shape (n, d)
        The whole pool.
    labeled_indices : array-like of int, shape (L,)
        Pool indices labeled before the batch (may be empty).
    batch_indices : array-like of int, shape (k,)
        Pool indices of the batch.
    utilities : array-like of shape (n,), optional
        Acquisition score of every pool point (only the batch's are read);
        ``mean_utility`` is NaN when None.

    Returns
    -------
    BatchDiagnostics

    Examples
    --------
    >>> X = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]]
    >>> d = batch_diagnostics(X, [0], [1, 2], utilities=[0.0, 0.5, 0.3, 0.1])
    >>> d.mean_pairwise_distance, d.coverage_radius, round(d.mean_utility, 2)
    (1.0, 7.0, 0.4)
    """
    X = as_float_array(X_pool, "X_pool", ndim=2)
    labeled = np.asarray(labeled_indices, dtype=np.intp).ravel()
    batch = np.asarray(batch_indices, dtype=np.intp).ravel()
    for name, index in (("labeled_indices", labeled), ("batch_indices", batch)):
        if index.size and (index.min() < 0 or index.max() >= X.shape[0]):
            raise ValueError(f"{name} must lie in 0..{X.shape[0] - 1}; pass indices into X_pool.")
    mean_utility = float("nan")
    if utilities is not None:
        values = np.asarray(utilities, dtype=float)
        if values.shape != (X.shape[0],):
            raise ValueError(f"utilities has shape {values.shape} but X_pool has {X.shape[0]} rows; "
                             "pass one score per pool point (NaN allowed where there is none).")
        if batch.size:
            mean_utility = float(values[batch].mean())  # NaN if a batch point has no score
    centres = np.concatenate([labeled, batch])
    return BatchDiagnostics(
        size=int(batch.size),
        mean_pairwise_distance=mean_pairwise_distance(X[batch]),
        coverage_radius=coverage_radius(X, X[centres]),
        mean_utility=mean_utility,
    )
