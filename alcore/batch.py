"""Batch selectors: which candidates to label next, ``min(k, n_candidates)`` of them.

Every selector returns unique indices into the candidates, in pick order.
The greedy ones (k-center, hybrid) keep a running nearest-centre distance for
every candidate and update it with one new distance column per pick, skipping
candidates that the triangle inequality proves cannot get closer: if the new
centre ``c`` is at least twice as far from a candidate's current nearest centre
``a`` as the candidate is, ``d(x, c) >= d(a, c) - d(x, a) >= d(x, a)``.
"""

from __future__ import annotations

import numpy as np

from alcore._checks import as_float_array, check_fraction, check_k
from alcore.scores import check_utilities

# Candidate rows per block when distances to the labeled set are computed at
# once, so that the block of distances stays a few MB whatever the sizes.
_BLOCK_CELLS = 4_000_000


def top_k(utilities, k: int) -> np.ndarray:
    """Indices of the ``k`` highest utilities, best first (ties: lower index first).

    Parameters
    ----------
    utilities : array-like of shape (n,)
        One utility per candidate, higher = more worth a label.
    k : int
        Batch size; more than ``n`` returns all ``n``.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)

    Examples
    --------
    >>> top_k([0.1, 0.9, 0.5], 2)
    array([1, 2])
    """
    utilities = check_utilities(utilities)
    k = min(check_k(k), utilities.shape[0])
    if k < utilities.shape[0]:
        chosen = np.argpartition(-utilities, k - 1)[:k]
        # argpartition breaks ties at the cut arbitrarily; include every tie, then cut.
        threshold = utilities[chosen].min()
        chosen = np.flatnonzero(utilities >= threshold)
    else:
        chosen = np.arange(utilities.shape[0])
    order = np.lexsort((chosen, -utilities[chosen]))
    return chosen[order][:k]


def random_batch(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``min(k, n)`` distinct indices drawn uniformly from ``range(n)``.

    Parameters
    ----------
    n : int
        Number of candidates.
    k : int
        Batch size.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"n must be a positive number of candidates, got {n!r}; the pool is empty.")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator; pass np.random.default_rng(seed).")
    k = min(check_k(k), int(n))
    return rng.choice(int(n), size=k, replace=False)


class _NearestCentre:
    """Running squared distance from every candidate to its nearest centre.

    Centres are the labeled points plus the picks so far. Distances are
    computed as ``|x|^2 - 2 x.c + |c|^2`` on data centred at the candidates'
    mean (which keeps that expansion accurate in float32).
    """

    def __init__(self, X_candidates, X_labeled, n_picks: int, dtype):
        offset = X_candidates.mean(axis=0)
        self.X = np.ascontiguousarray(X_candidates - offset, dtype=dtype)
        self.sq_norms = np.einsum("ij,ij->i", self.X, self.X)
        labeled = np.asarray(X_labeled - offset, dtype=dtype)
        n, d = self.X.shape
        self.centres = np.empty((labeled.shape[0] + n_picks, d), dtype=dtype)
        self.centres[: labeled.shape[0]] = labeled
        self.n_centres = labeled.shape[0]
        self.min_sq = np.full(n, np.inf, dtype=dtype)
        self.owner = np.zeros(n, dtype=np.intp)
        if self.n_centres:
            self._init_from_labeled(labeled)

    def _init_from_labeled(self, labeled):
        labeled_sq = np.einsum("ij,ij->i", labeled, labeled)
        block = max(1, _BLOCK_CELLS // labeled.shape[0])
        for start in range(0, self.X.shape[0], block):
            rows = slice(start, start + block)
            d2 = self.sq_norms[rows, None] - 2.0 * (self.X[rows] @ labeled.T) + labeled_sq[None, :]
            self.owner[rows] = d2.argmin(axis=1)
            self.min_sq[rows] = np.maximum(d2[np.arange(d2.shape[0]), self.owner[rows]], 0.0)

    def add(self, index: int) -> np.ndarray:
        """Make candidate ``index`` a centre, update the distances it shortens
        and return the rows whose distance changed."""
        centre = self.X[index]
        if self.n_centres == 0:
            rows = np.arange(self.X.shape[0])
        else:
            gap = self.centres[: self.n_centres] - centre
            centre_sq = np.einsum("ij,ij->i", gap, gap)
            # Keep a candidate only if the new centre may be closer than its owner
            # (a small slack covers rounding).
            rows = np.flatnonzero(centre_sq[self.owner] < 4.0 * 1.001 * self.min_sq)
        if rows.size > self.X.shape[0] // 4:
            # Pruning keeps too many rows to pay for gathering them: update all.
            d2 = self.sq_norms - 2.0 * (self.X @ centre) + centre @ centre
            updated = np.flatnonzero(d2 < self.min_sq)
            self.min_sq[updated] = np.maximum(d2[updated], 0.0)
            self.owner[updated] = self.n_centres
        else:
            d2 = self.sq_norms[rows] - 2.0 * (self.X[rows] @ centre) + centre @ centre
            closer = d2 < self.min_sq[rows]
            updated = rows[closer]
            self.min_sq[updated] = np.maximum(d2[closer], 0.0)
            self.owner[updated] = self.n_centres
        self.centres[self.n_centres] = centre
        self.n_centres += 1
        self.min_sq[index] = 0.0
        return updated


def _check_geometry(X_candidates, X_labeled):
    X_candidates = as_float_array(X_candidates, "X_candidates", ndim=2)
    X_labeled = as_float_array(X_labeled, "X_labeled", ndim=2, allow_empty=True)
    if X_labeled.shape[0] and X_labeled.shape[1] != X_candidates.shape[1]:
        raise ValueError(
            f"X_labeled has {X_labeled.shape[1]} features but X_candidates has "
            f"{X_candidates.shape[1]}; pass both in the same feature space."
        )
    if X_labeled.shape[0] == 0:
        X_labeled = X_labeled.reshape(0, X_candidates.shape[1])
    return X_candidates, X_labeled


def k_center_greedy(X_candidates, X_labeled, k: int, *, dtype=np.float32) -> np.ndarray:
    """Greedy k-center (core-set) selection: repeatedly pick the candidate
    farthest from its nearest labeled or already-picked point.

    Parameters
    ----------
    X_candidates : array-like of shape (n, d)
        Unlabeled candidates.
    X_labeled : array-like of shape (L, d)
        Labeled points (may have L = 0; the first pick is then the candidate
        nearest the candidates' mean).
    k : int
        Batch size; more than ``n`` returns all ``n``.
    dtype : numpy dtype, default=numpy.float32
        Precision of the distance computations. float32 halves memory traffic;
        use numpy.float64 to break near-ties exactly as a float64 reference does.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
        Candidate indices in pick order.
    """
    X_candidates, X_labeled = _check_geometry(X_candidates, X_labeled)
    k = min(check_k(k), X_candidates.shape[0])
    state = _NearestCentre(X_candidates, X_labeled, k, dtype)
    picks = np.empty(k, dtype=np.intp)
    for step in range(k):
        if state.n_centres == 0:
            pick = int(np.argmin(state.sq_norms))
        else:
            pick = int(np.argmax(state.min_sq))
        picks[step] = pick
        state.add(pick)
        state.min_sq[pick] = -np.inf  # never picked again, never updated again
    return picks


def _min_max(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] by min and max; a constant vector maps to zeros."""
    low, high = values.min(), values.max()
    if high - low <= 0:
        return np.zeros_like(values)
    return (values - low) / (high - low)


def hybrid(utilities, X_candidates, X_labeled, k: int, alpha: float = 0.5, *, dtype=np.float32) -> np.ndarray:
    """Uncertainty x diversity: greedily pick the best mix of utility and distance.

    At every pick the score of a remaining candidate is
    ``alpha * u + (1 - alpha) * d`` where ``u`` is its utility min-max scaled
    over all candidates and ``d`` its Euclidean distance to the nearest labeled
    or already-picked point, min-max scaled over the remaining candidates.
    Distances are updated after each pick. ``alpha = 1`` is top-k;
    ``alpha = 0`` is k-center (up to the first pick).

    Parameters
    ----------
    utilities : array-like of shape (n,)
        Acquisition utilities of the candidates.
    X_candidates : array-like of shape (n, d)
    X_labeled : array-like of shape (L, d)
        May be empty: the first pick is then the highest utility.
    k : int
        Batch size; more than ``n`` returns all ``n``.
    alpha : float in [0, 1], default=0.5
        Weight of uncertainty against diversity.
    dtype : numpy dtype, default=numpy.float32
        Precision of the distance computations.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
        Candidate indices in pick order.
    """
    utilities = check_utilities(utilities)
    X_candidates, X_labeled = _check_geometry(X_candidates, X_labeled)
    if utilities.shape[0] != X_candidates.shape[0]:
        raise ValueError(
            f"utilities has {utilities.shape[0]} entries but X_candidates has "
            f"{X_candidates.shape[0]} rows; pass one utility per candidate."
        )
    alpha = check_fraction(alpha, "alpha")
    k = min(check_k(k), X_candidates.shape[0])
    state = _NearestCentre(X_candidates, X_labeled, k, dtype)
    # Picked points leave the race: -inf utility, and +inf / -inf distance in the
    # two copies used for the minimum and for the maximum and the score.
    utility_left = alpha * _min_max(utilities.astype(np.float64))
    distance_for_min = np.sqrt(np.maximum(state.min_sq, 0.0), dtype=np.float64)
    distance_for_max = distance_for_min.copy()
    picks = np.empty(k, dtype=np.intp)
    for step in range(k):
        score = utility_left
        if state.n_centres and alpha < 1.0:
            # alpha u + (1 - alpha) (d - low) / span ranks like alpha u + (1 - alpha) d / span.
            span = distance_for_max.max() - distance_for_min.min()
            if span > 0:
                score = utility_left + ((1.0 - alpha) / span) * distance_for_max
        pick = int(np.argmax(score))
        picks[step] = pick
        utility_left[pick] = -np.inf
        changed = state.add(pick)
        distance_for_min[changed] = np.sqrt(np.maximum(state.min_sq[changed], 0.0))
        distance_for_max[changed] = distance_for_min[changed]
        distance_for_min[pick] = np.inf
        distance_for_max[pick] = -np.inf
    return picks
