"""Batch selectors: which candidates to label next, ``min(k, n_candidates)`` of them.

Every selector returns unique indices into the candidates, in pick order.
BADGE and BatchBALD ignore utilities: BADGE works on gradient embeddings,
BatchBALD on posterior draws laid out [T, n, C].
The greedy ones (k-center, hybrid) keep a running nearest-centre distance for
every candidate and update it with one new distance column per pick, skipping
candidates that the triangle inequality proves cannot get closer: if the new
centre ``c`` is at least twice as far from a candidate's current nearest centre
``a`` as the candidate is, ``d(x, c) >= d(a, c) - d(x, a) >= d(x, a)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import entr, softmax

from alcore._checks import as_float_array, as_probabilities, check_fraction, check_generator, check_k
from alcore.scores import check_utilities

# Candidate rows per block when distances to the labeled set are computed at
# once, so that the block of distances stays a few MB whatever the sizes.
_BLOCK_CELLS = 4_000_000
# Cells per block of BatchBALD's configuration x candidate mixtures (float32, 4 MB).
_MIX_CELLS = 1 << 20


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
    if k == 1:
        return np.array([np.argmax(utilities)])  # the first of any tied maxima
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
    mean (which keeps that expansion accurate in float32). Where a distance is
    tiny next to the norms, the expansion leaves rounding noise of about
    ``eps |x|^2`` (a duplicate of a centre would not get 0); below
    ``sqrt(eps) (|x|^2 + |c|^2)`` it is recomputed as ``|x - c|^2``.
    """

    def __init__(self, X_candidates, X_labeled, n_picks: int, dtype):
        offset = X_candidates.mean(axis=0)
        self.X = np.ascontiguousarray(X_candidates - offset, dtype=dtype)
        self.sq_norms = np.einsum("ij,ij->i", self.X, self.X)
        self.resolution = np.sqrt(np.finfo(dtype).eps)
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
            self.min_sq[rows] = d2[np.arange(d2.shape[0]), self.owner[rows]]
        unresolved = np.flatnonzero(
            self.min_sq < self.resolution * (self.sq_norms + labeled_sq[self.owner])
        )
        block = max(1, _BLOCK_CELLS // labeled.size)
        for start in range(0, unresolved.size, block):
            rows = unresolved[start:start + block]
            gap = self.X[rows, None, :] - labeled[None, :, :]
            d2 = np.einsum("ijk,ijk->ij", gap, gap)
            self.owner[rows] = d2.argmin(axis=1)
            self.min_sq[rows] = d2[np.arange(rows.size), self.owner[rows]]

    def _resolve(self, d2, points, sq_norms, centre, centre_sq) -> None:
        """Recompute as ``|x - c|^2``, in place, the entries of the expansion's
        ``d2`` (for ``points``, of squared norms ``sq_norms``) too small for it."""
        unresolved = np.flatnonzero(d2 < self.resolution * (sq_norms + centre_sq))
        if unresolved.size:
            gap = points[unresolved] - centre
            d2[unresolved] = np.einsum("ij,ij->i", gap, gap)

    def add(self, index: int) -> np.ndarray:
        """Make candidate ``index`` a centre, update the distances it shortens
        and return the rows whose distance changed."""
        centre = self.X[index]
        centre_sq = centre @ centre
        if self.n_centres == 0:
            rows = np.arange(self.X.shape[0])
        else:
            gap = self.centres[: self.n_centres] - centre
            centre_gaps = np.einsum("ij,ij->i", gap, gap)
            # Keep a candidate only if the new centre may be closer than its owner
            # (a small slack covers rounding).
            rows = np.flatnonzero(centre_gaps[self.owner] < 4.0 * 1.001 * self.min_sq)
        if rows.size > self.X.shape[0] // 4:
            # Pruning keeps too many rows to pay for gathering them: update all.
            d2 = self.sq_norms - 2.0 * (self.X @ centre) + centre_sq
            self._resolve(d2, self.X, self.sq_norms, centre, centre_sq)
            updated = np.flatnonzero(d2 < self.min_sq)
            self.min_sq[updated] = d2[updated]
        else:
            points, sq_norms = self.X[rows], self.sq_norms[rows]
            d2 = sq_norms - 2.0 * (points @ centre) + centre_sq
            self._resolve(d2, points, sq_norms, centre, centre_sq)
            closer = d2 < self.min_sq[rows]
            updated = rows[closer]
            self.min_sq[updated] = d2[closer]
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


def hybrid(utilities, X_candidates, X_labeled, k: int, alpha: float = 0.5, *, dtype=np.float64) -> np.ndarray:
    """Uncertainty x diversity: greedily pick the best mix of utility and distance.

    The rule is the blog post's, pick by pick. Let ``d`` be every candidate's
    Euclidean distance to its nearest labeled or already-picked point (0 for
    a picked candidate; 0 everywhere before the first pick if there are no
    labeled points) and ``u`` the utilities. Both are min-max scaled over all
    ``n`` candidates, picked ones included::

        norm_d = (d - d.min()) / (d.max() - d.min() + 1e-10)
        norm_u = (u - u.min()) / (u.max() - u.min() + 1e-10)
        score = alpha * norm_u + (1 - alpha) * norm_d

    Picked candidates score -1, and the pick is the highest score (the lowest
    index among ties). ``alpha = 1`` is top-k. With no labeled points the
    first pick is the highest utility (for ``alpha = 0``, where every score is
    0, candidate 0). Distances are updated with one new column per pick and
    agree with a direct computation to rounding, which may settle an exact
    tie between different points at equal distances (points on a grid, say)
    otherwise than by the lowest index.

    Parameters
    ----------
    utilities : array-like of shape (n,)
        Acquisition utilities of the candidates.
    X_candidates : array-like of shape (n, d)
    X_labeled : array-like of shape (L, d)
        May be empty.
    k : int
        Batch size; more than ``n`` returns all ``n``.
    alpha : float in [0, 1], default=0.5
        Weight of uncertainty against diversity.
    dtype : numpy dtype, default=numpy.float64
        Precision of the distance computations. numpy.float32 is faster on
        large pools but can break a near-tie the other way than the rule does.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
        Candidate indices in pick order.

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> hybrid([0.9, 1.0, 0.1, 0.0], X, [[0.0]], 2, alpha=0.5)
    array([1, 3])
    """
    utilities = check_utilities(utilities)
    X_candidates, X_labeled = _check_geometry(X_candidates, X_labeled)
    if utilities.shape[0] != X_candidates.shape[0]:
        raise ValueError(
            f"utilities has {utilities.shape[0]} entries but X_candidates has "
            f"{X_candidates.shape[0]} rows; pass one utility per candidate."
        )
    alpha = check_fraction(alpha, "alpha")
    n = X_candidates.shape[0]
    k = min(check_k(k), n)
    state = _NearestCentre(X_candidates, X_labeled, k, dtype)
    u = utilities.astype(np.float64)
    weighted_utility = alpha * ((u - u.min()) / (u.max() - u.min() + 1e-10))
    if state.n_centres:
        distance = np.sqrt(state.min_sq, dtype=np.float64)
    else:
        distance = np.zeros(n)
    picks = np.empty(k, dtype=np.intp)
    for step in range(k):
        low, high = distance.min(), distance.max()
        score = weighted_utility + (1.0 - alpha) * ((distance - low) / (high - low + 1e-10))
        score[picks[:step]] = -1.0
        pick = int(np.argmax(score))
        picks[step] = pick
        changed = state.add(pick)
        distance[changed] = np.sqrt(state.min_sq[changed])
        distance[pick] = 0.0
    return picks


def softmax_gradient_embedding(probs, X, *, dtype=np.float32) -> np.ndarray:
    """BADGE's gradient embeddings for a softmax-linear model with bias.

    The gradient of the cross-entropy at the model's own guess
    ``yhat = argmax p`` with respect to the weights: ``(p - e_yhat) outer [x, 1]``,
    flattened. Its norm is large where the model is unsure, and its direction
    says what the point would teach.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Class probabilities at the candidates.
    X : array-like of shape (n, d)
        The features the model is linear in.
    dtype : numpy dtype, default=numpy.float32
        Precision of the result (n * C * (d + 1) numbers).

    Returns
    -------
    numpy.ndarray of shape (n, C * (d + 1))

    Examples
    --------
    >>> softmax_gradient_embedding([[0.75, 0.25]], [[2.0]])
    array([[-0.5 , -0.25,  0.5 ,  0.25]], dtype=float32)
    """
    probs = as_probabilities(probs)
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] != probs.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows but probs has {probs.shape[0]}; pass one row per candidate."
        )
    residual = probs.astype(dtype)
    residual[np.arange(probs.shape[0]), probs.argmax(axis=1)] -= 1.0
    X1 = np.hstack([X, np.ones((X.shape[0], 1))]).astype(dtype)
    return (residual[:, :, None] * X1[:, None, :]).reshape(X.shape[0], -1)


def badge(gradient_embeddings, k: int, rng: np.random.Generator) -> np.ndarray:
    """BADGE (Ash et al., 2020): k-means++ seeding over gradient embeddings.

    The first pick is the embedding with the largest norm (the point the model
    is least sure of, weighted by its size); each next pick is drawn with
    probability proportional to its squared distance to the nearest pick, so
    the batch is both uncertain and diverse. Distances are kept as a running
    minimum, updated once per pick (O(k n D)).

    Parameters
    ----------
    gradient_embeddings : array-like of shape (n, D)
        One embedding per candidate, e.g. from :func:`softmax_gradient_embedding`.
    k : int
        Batch size; more than ``n`` returns all ``n``.
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
        Candidate indices in pick order. Once every remaining candidate sits
        on a pick (all distances zero), the rest are drawn uniformly.
    """
    embeddings = as_float_array(gradient_embeddings, "gradient_embeddings", ndim=2)
    rng = check_generator(rng)
    k = min(check_k(k), embeddings.shape[0])
    n, width = embeddings.shape
    state = _NearestCentre(embeddings, np.empty((0, width)), k, embeddings.dtype)
    remaining = np.ones(n, dtype=bool)
    picks = np.empty(k, dtype=np.intp)
    picks[0] = int(np.argmax(np.einsum("ij,ij->i", embeddings, embeddings)))
    for step in range(k):
        if step:
            cumulative = np.cumsum(state.min_sq, dtype=np.float64)
            if cumulative[-1] > 0:
                # The first index whose share of the running sum passes a draw in
                # [0, 1): zero-weight candidates (the picks) are never drawn.
                cumulative /= cumulative[-1]
                picks[step] = np.searchsorted(cumulative, rng.random(), side="right")
            else:
                picks[step] = rng.choice(np.flatnonzero(remaining))
        remaining[picks[step]] = False
        state.add(picks[step])
    return picks


def batchbald(mc_probs, k: int, rng=None, *, n_configs: int = 128, check_input: bool = True) -> np.ndarray:
    """BatchBALD (Kirsch et al., 2019): greedily grow the batch whose labels
    jointly tell most about the model parameters.

    Each pick maximises the mutual information between the batch's joint
    labels and the parameters, ``H[y_1..y_m] - sum_i E_w H[y_i | w]``, over T
    posterior draws. The joint entropy is ``H[y_1..y_{m-1}]`` (the same for
    every candidate) plus ``E_c H[y | c]`` over configurations c of the labels
    picked so far, where ``p(y | c)`` mixes the draws weighted by how well
    each explains c. The configurations are enumerated exactly while there
    are at most ``n_configs`` of them (``C^(m-1)``); beyond that,
    ``n_configs`` of them are drawn by their probability and each extended by
    one label per pick (then drawn again), the usual sampling estimate. The
    first pick is BALD's argmax.

    Parameters
    ----------
    mc_probs : array-like of shape (T, n, C)
        Class probabilities of T posterior draws, each draw one function
        (the same draw across candidates), as ``sample_proba`` gives.
    k : int
        Batch size; more than ``n`` returns all ``n``.
    rng : numpy.random.Generator, optional
        Source of the sampled configurations; required only when
        ``C^(k-1) > n_configs``.
    n_configs : int, default=128
        Most configurations kept; cost per pick is O(n_configs * T * n * C).
    check_input : bool, default=True
        Validate ``mc_probs`` first.

    Returns
    -------
    numpy.ndarray of int, shape (min(k, n),)
        Candidate indices in pick order.
    """
    if check_input:
        mc_probs = as_probabilities(mc_probs, "mc_probs", ndim=3)
    probs = np.asarray(mc_probs, dtype=np.float64)
    n_draws, n, n_classes = probs.shape
    k = min(check_k(k), n)
    n_configs = check_k(n_configs, "n_configs")
    if n_classes ** (k - 1) > n_configs:
        rng = check_generator(rng)
    conditional = entr(probs).sum(axis=2).mean(axis=0)  # E_w H[y | w] per candidate
    log_probs = np.log(np.maximum(probs, np.finfo(np.float64).tiny))
    # The mixtures and their entropies, the bulk of the work, run in float32.
    flat = probs.reshape(n_draws, n * n_classes).astype(np.float32)
    tiny = np.finfo(np.float32).tiny
    log_joint = np.zeros((1, n_draws))  # log p(c | draw t), one row per configuration c
    config_weights = np.ones(1)
    available = np.ones(n, dtype=bool)
    picks = np.empty(k, dtype=np.intp)
    for step in range(k):
        mix = softmax(log_joint, axis=1).astype(np.float32)  # p(draw t | c)
        weights32 = config_weights.astype(np.float32)
        block = max(1, _MIX_CELLS // (mix.shape[0] * n_classes))
        joint = np.empty(n)
        for start in range(0, n, block):
            stop = min(start + block, n)
            given_c = mix @ flat[:, start * n_classes:stop * n_classes]  # p(y | c), (configs, b * C)
            plogp = np.maximum(given_c, tiny)
            np.log(plogp, out=plogp)
            plogp *= given_c
            # Average over configurations first (one matrix-vector product), then sum over y.
            joint[start:stop] = -(weights32 @ plogp).reshape(-1, n_classes).sum(axis=1)
        gain = np.where(available, joint - conditional, -np.inf)
        pick = int(np.argmax(gain))
        picks[step] = pick
        available[pick] = False
        if step == k - 1:
            break
        # Extend every configuration by the pick's label, then draw if too many.
        config_weights = (config_weights[:, None] * (mix @ probs[:, pick, :])).ravel()
        log_joint = (log_joint[:, None, :] + log_probs[:, pick, :].T[None, :, :]).reshape(-1, n_draws)
        if config_weights.size > n_configs:
            kept = rng.choice(config_weights.size, size=n_configs, p=config_weights / config_weights.sum())
            log_joint = log_joint[kept]
            config_weights = np.full(n_configs, 1.0 / n_configs)
    return picks
