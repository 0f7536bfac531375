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


@dataclass(frozen=True)
class PrefixDiagnostics:
    """Diagnostics of every prefix of one batch: entry ``j`` describes its first ``j + 1`` picks.

    Greedy selectors (top-k, k-center, hybrid) build a batch of ``k`` as the
    first ``k`` picks of a larger batch, so one call describes every batch
    size at once (a batch-size slider then costs nothing).

    Attributes
    ----------
    mean_pairwise_distance : numpy.ndarray of shape (k,)
        NaN for the first entry (one point has no pair).
    coverage_radius : numpy.ndarray of shape (k,)
    mean_utility : numpy.ndarray of shape (k,)
        NaN throughout when no utilities were given.
    """

    mean_pairwise_distance: np.ndarray
    coverage_radius: np.ndarray
    mean_utility: np.ndarray

    def at(self, size: int) -> BatchDiagnostics:
        """The :class:`BatchDiagnostics` of the first ``size`` picks (1 <= size <= k)."""
        k = self.coverage_radius.shape[0]
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= k:
            raise ValueError(f"size must be an integer from 1 to {k}, got {size!r}.")
        j = int(size) - 1
        return BatchDiagnostics(int(size), float(self.mean_pairwise_distance[j]),
                                float(self.coverage_radius[j]), float(self.mean_utility[j]))


def prefix_diagnostics(X_pool, labeled_indices, batch_indices, utilities=None) -> PrefixDiagnostics:
    """Spread, coverage radius and mean score of each prefix of a batch, in O(k (n + k) d).

    Same numbers as calling :func:`batch_diagnostics` on ``batch_indices[:j]``
    for every ``j``, but the coverage keeps a running nearest-centre distance
    for the pool, updated with one column per pick, and the spreads come from
    cumulative sums of the batch's distance matrix.

    Parameters
    ----------
    X_pool : array-like of shape (n, d)
    labeled_indices : array-like of int, shape (L,)
        Pool indices labeled before the batch (may be empty).
    batch_indices : array-like of int, shape (k,)
        Pool indices of the batch, in pick order (at least one).
    utilities : array-like of shape (n,), optional
        Acquisition score of every pool point.

    Returns
    -------
    PrefixDiagnostics

    Examples
    --------
    >>> X = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]]
    >>> p = prefix_diagnostics(X, [0], [3, 1], utilities=[0.0, 0.5, 0.3, 0.1])
    >>> p.coverage_radius.tolist(), float(p.mean_pairwise_distance[1]), p.mean_utility.tolist()
    ([2.0, 1.0], 8.0, [0.1, 0.3])
    """
    X = as_float_array(X_pool, "X_pool", ndim=2).astype(np.float64)
    labeled = np.asarray(labeled_indices, dtype=np.intp).ravel()
    batch = np.asarray(batch_indices, dtype=np.intp).ravel()
    if batch.size == 0:
        raise ValueError("batch_indices is empty; pass at least one pick.")
    for name, index in (("labeled_indices", labeled), ("batch_indices", batch)):
        if index.size and (index.min() < 0 or index.max() >= X.shape[0]):
            raise ValueError(f"{name} must lie in 0..{X.shape[0] - 1}; pass indices into X_pool.")
    k = batch.size
    counts = np.arange(1, k + 1)

    if utilities is None:
        mean_utility = np.full(k, np.nan)
    else:
        values = np.asarray(utilities, dtype=float)
        if values.shape != (X.shape[0],):
            raise ValueError(f"utilities has shape {values.shape} but X_pool has {X.shape[0]} rows; "
                             "pass one score per pool point (NaN allowed where there is none).")
        mean_utility = np.cumsum(values[batch]) / counts

    B = X[batch]
    b_sq = np.einsum("ij,ij->i", B, B)
    pair = np.sqrt(np.maximum(b_sq[:, None] - 2.0 * (B @ B.T) + b_sq[None, :], 0.0))
    # sum over pairs within the first j+1 picks: each new pick adds its distances to the earlier ones
    added = np.tril(pair, -1).sum(axis=1)
    n_pairs = counts * (counts - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(n_pairs > 0, np.cumsum(added) / np.maximum(n_pairs, 1), np.nan)

    offset = X.mean(axis=0)
    Xc = X - offset
    x_sq = np.einsum("ij,ij->i", Xc, Xc)
    if labeled.size:
        L = Xc[labeled]
        l_sq = np.einsum("ij,ij->i", L, L)
        block = max(1, _BLOCK_CELLS // L.shape[0])
        nearest = np.empty(X.shape[0])
        for start in range(0, X.shape[0], block):
            rows = slice(start, start + block)
            nearest[rows] = (x_sq[rows, None] - 2.0 * (Xc[rows] @ L.T) + l_sq[None, :]).min(axis=1)
    else:
        nearest = np.full(X.shape[0], np.inf)
    radius = np.empty(k)
    for j, index in enumerate(batch):
        c = Xc[index]
        np.minimum(nearest, x_sq - 2.0 * (Xc @ c) + c @ c, out=nearest)
        radius[j] = nearest.max()
    return PrefixDiagnostics(spread, np.sqrt(np.maximum(radius, 0.0)), mean_utility)
