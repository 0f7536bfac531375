"""Fixes for four ways active learning fails, and the tools to measure them.

- Miscalibration: :func:`fit_temperature` and :func:`apply_temperature`
  (temperature scaling, fitted on held-out predictions of the labeled set:
  :func:`cross_val_probs`, :func:`calibration_temperature`), measured with
  :func:`expected_calibration_error` and :func:`reliability_bins`.
- Sampling bias: :func:`epsilon_greedy`, a random query slot now and then.
- Outlier attraction: :func:`density` and :func:`density_weighted`, which
  discount utilities where the pool is sparse.
- Cold start: :func:`cluster_seed`, a first labeled set that covers the pool.

Each is a plain function; :class:`alcore.loop.LoopConfig` switches them on for
any strategy (fields ``temperature``, ``density_beta``, ``epsilon``, and the
``"cluster"`` seed method of :class:`alcore.loop.Race`);
:mod:`alcore.failures` pairs each failure with the scenario that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

from alcore._checks import as_float_array, check_fraction, check_k
from alcore.models import TaskModel
from alcore.scores import check_utilities

# The temperature search range: T from 1/100 to 100.
_LOG_T_BOUNDS = (-np.log(100.0), np.log(100.0))


# -- miscalibration --------------------------------------------------------------
def _as_logits(logits_or_probs, name: str) -> np.ndarray:
    """Logits for scores that are either probabilities or logits.

    Rows in [0, 1] that sum to 1 are read as probabilities and turned into
    log-probabilities (a valid set of logits: softmax ignores a shift per
    row); anything else is read as logits. A zero probability becomes -inf,
    so it stays zero at every temperature.
    """
    scores = as_float_array(logits_or_probs, name, ndim=2)
    if scores.shape[1] < 2:
        raise ValueError(f"{name} must have one column per class (at least 2), got shape {scores.shape}.")
    is_probs = scores.min() >= 0 and scores.max() <= 1 and np.allclose(scores.sum(axis=1), 1.0, atol=1e-6)
    if not is_probs:
        return scores.astype(np.float64)
    with np.errstate(divide="ignore"):
        return np.log(scores.astype(np.float64))


def _check_labels(y, n_rows: int, n_classes: int, name: str = "y") -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n_rows,) or y.dtype.kind not in "iu":
        raise ValueError(f"{name} must be {n_rows} integer labels (one per row), got shape {y.shape}.")
    if n_rows and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must lie in 0..{n_classes - 1} (one column per class).")
    return y.astype(np.intp)


def _check_temperature(temperature) -> float:
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}.") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}.")
    return value


def apply_temperature(logits_or_probs, temperature: float) -> np.ndarray:
    """Soften (T > 1) or sharpen (T < 1) predictions: ``softmax(logits / T)``.

    Parameters
    ----------
    logits_or_probs : array-like of shape (n, C)
        Logits, or probabilities (rows in [0, 1] summing to 1), which are used
        as ``log p``: the result is then ``p ** (1 / T)`` renormalised.
    temperature : float
        T > 0; T = 1 returns the probabilities unchanged.

    Returns
    -------
    numpy.ndarray of shape (n, C)
        Probabilities. The predicted class never changes, and a class with
        probability 0 keeps probability 0.

    Examples
    --------
    >>> apply_temperature([[0.8, 0.2]], 2.0).round(3)
    array([[0.667, 0.333]])
    """
    logits = _as_logits(logits_or_probs, "logits_or_probs")
    return softmax(logits / _check_temperature(temperature), axis=1)


def _nll(log_t: float, logits: np.ndarray, y: np.ndarray) -> float:
    log_probs = log_softmax(logits / np.exp(log_t), axis=1)
    return -float(np.mean(log_probs[np.arange(y.size), y]))


def fit_temperature(logits_or_probs, y) -> float:
    """The temperature that minimises the negative log-likelihood of held-out labels.

    Fit it on predictions for points the model was not trained on (see
    :func:`cross_val_probs`): on its own training points a model looks better
    calibrated than it is. The search is over log T (bounded scalar search,
    T from 0.01 to 100), so T stays positive.

    Parameters
    ----------
    logits_or_probs : array-like of shape (n, C)
        Held-out logits or probabilities (see :func:`apply_temperature`).
    y : array-like of int, shape (n,)
        The true labels of those points.

    Returns
    -------
    float
        T > 1 when the predictions are overconfident, T < 1 when underconfident.

    Raises
    ------
    ValueError
        If a row gives its true label probability 0 (no temperature can fix
        that: drop the row, as :func:`calibration_temperature` does).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> logits = rng.normal(size=(4000, 3)) * 2
    >>> y = (rng.random((4000, 1)) > softmax(logits, axis=1).cumsum(axis=1)).sum(axis=1)
    >>> round(fit_temperature(3 * logits, y), 1)  # logits made 3 x too confident
    3.0
    """
    logits = _as_logits(logits_or_probs, "logits_or_probs")
    y = _check_labels(y, logits.shape[0], logits.shape[1])
    if not np.all(np.isfinite(logits[np.arange(y.size), y])):
        raise ValueError("Some rows give their true label probability 0; drop them before fitting a temperature.")
    result = minimize_scalar(_nll, bounds=_LOG_T_BOUNDS, args=(logits, y), method="bounded",
                             options={"xatol": 1e-6})
    return float(np.exp(result.x))


def cross_val_probs(estimator, X, y, n_classes: int, n_splits: int = 5) -> np.ndarray:
    """Held-out probabilities of a labeled set, by k-fold cross-validation.

    Folds are dealt round-robin within each class, in the order of the rows,
    so every fold gets its share of each class; no randomness is involved.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Cloned for each fold (through :class:`alcore.models.TaskModel`).
    X : array-like of shape (n, d)
    y : array-like of int, shape (n,)
    n_classes : int
        Number of classes of the task.
    n_splits : int, default=5
        Number of folds, at most ``n``.

    Returns
    -------
    numpy.ndarray of shape (n, n_classes)
        Row i predicted by a model that never saw row i. A class missing from
        a fold's training rows gets probability 0 on that fold.
    """
    X = as_float_array(X, "X", ndim=2)
    y = _check_labels(y, X.shape[0], int(n_classes))
    n_splits = check_k(n_splits, "n_splits")
    if X.shape[0] < 2 or n_splits < 2:
        raise ValueError(f"cross-validation needs at least 2 rows and n_splits >= 2, got {X.shape[0]} rows "
                         f"and n_splits={n_splits}.")
    n_splits = min(n_splits, X.shape[0])
    folds = np.empty(y.size, dtype=np.intp)
    offset = 0
    for cls in np.unique(y):
        rows = np.flatnonzero(y == cls)
        folds[rows] = (offset + np.arange(rows.size)) % n_splits
        offset += rows.size
    held_out = np.empty((y.size, int(n_classes)))
    for fold in range(n_splits):
        test = folds == fold
        model = TaskModel(estimator, n_classes).fit(X[~test], y[~test])
        held_out[test] = model.predict_proba(X[test])
    return held_out


def calibration_temperature(estimator, X, y, n_classes: int, n_splits: int = 5) -> float:
    """Fit a temperature for ``estimator`` on held-out predictions of (X, y).

    :func:`cross_val_probs` then :func:`fit_temperature`, leaving out rows
    whose class their fold's model never saw (probability 0 for the truth).

    Returns
    -------
    float
        The fitted temperature; 1.0 when fewer than two classes are labeled or
        fewer than two held-out rows are usable.
    """
    y = np.asarray(y)
    if y.size < 2 or np.unique(y).size < 2:
        return 1.0
    held_out = cross_val_probs(estimator, X, y, n_classes, n_splits)
    usable = held_out[np.arange(y.size), y] > 0
    if usable.sum() < 2:
        return 1.0
    return fit_temperature(held_out[usable], y[usable])


@dataclass(frozen=True, eq=False)
class ReliabilityBins:
    """A reliability diagram: accuracy against confidence in equal-width bins.

    Attributes
    ----------
    edges : numpy.ndarray, shape (n_bins + 1,)
        Bin edges on the confidence (the top probability), 0 to 1.
    confidence : numpy.ndarray, shape (n_bins,)
        Mean confidence of the points in each bin (NaN where empty).
    accuracy : numpy.ndarray, shape (n_bins,)
        Share of those points whose top class is right (NaN where empty).
    counts : numpy.ndarray of int, shape (n_bins,)
        Points per bin.
    """

    edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray


def reliability_bins(probs, y, n_bins: int = 10) -> ReliabilityBins:
    """Bin predictions by confidence and measure the accuracy in each bin.

    Parameters
    ----------
    probs : array-like of shape (n, C)
        Predicted probabilities.
    y : array-like of int, shape (n,)
        True labels.
    n_bins : int, default=10
        Equal-width bins on [0, 1]; a confidence of exactly 1 falls in the last.

    Returns
    -------
    ReliabilityBins
    """
    probs = as_float_array(probs, "probs", ndim=2)
    y = _check_labels(y, probs.shape[0], probs.shape[1])
    n_bins = check_k(n_bins, "n_bins")
    confidence = probs.max(axis=1)
    correct = np.argmax(probs, axis=1) == y
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore"):
        mean_confidence = np.bincount(which, weights=confidence, minlength=n_bins) / counts
        accuracy = np.bincount(which, weights=correct, minlength=n_bins) / counts
    return ReliabilityBins(edges, mean_confidence, accuracy, counts)


def expected_calibration_error(probs, y, n_bins: int = 10) -> float:
    """Expected calibration error: ``sum_b (n_b / n) |accuracy_b - confidence_b|``.

    The gap between how sure the model says it is and how often it is right,
    averaged over equal-width confidence bins weighted by their size
    (Guo et al., 2017). 0 is perfectly calibrated.

    Parameters
    ----------
    probs : array-like of shape (n, C)
    y : array-like of int, shape (n,)
    n_bins : int, default=10

    Returns
    -------
    float

    Examples
    --------
    >>> expected_calibration_error([[0.9, 0.1], [0.9, 0.1]], [0, 1])  # 90% sure, 50% right
    0.4
    """
    bins = reliability_bins(probs, y, n_bins)
    full = bins.counts > 0
    gaps = np.abs(bins.accuracy[full] - bins.confidence[full])
    return float(np.sum(bins.counts[full] * gaps) / bins.counts.sum())


# -- sampling bias -----------------------------------------------------------------
def epsilon_greedy(picked, n_candidates: int, epsilon: float, rng: np.random.Generator):
    """Replace each query slot, independently with probability epsilon, by a random candidate.

    Parameters
    ----------
    picked : array-like of int, shape (k,)
        The selector's picks (distinct indices into the candidates).
    n_candidates : int
        Number of candidates.
    epsilon : float
        Chance, per slot, of a uniform random pick instead; in [0, 1].
    rng : numpy.random.Generator
        Source of the coin flips and the random picks.

    Returns
    -------
    indices : numpy.ndarray of int, shape (k,)
        Distinct candidate indices, slot order kept: a random slot holds a
        candidate drawn uniformly from those not kept in the batch.
    explored : numpy.ndarray of bool, shape (k,)
        True for the slots drawn at random.
    """
    picked = np.asarray(picked)
    if picked.ndim != 1 or picked.size == 0 or picked.dtype.kind not in "iu":
        raise ValueError("picked must be a non-empty 1-D array of candidate indices.")
    n_candidates = check_k(n_candidates, "n_candidates")
    if picked.min() < 0 or picked.max() >= n_candidates or np.unique(picked).size != picked.size:
        raise ValueError(f"picked must hold distinct indices in 0..{n_candidates - 1}.")
    epsilon = check_fraction(epsilon, "epsilon")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator; pass np.random.default_rng(seed).")
    explored = rng.random(picked.size) < epsilon
    indices = picked.astype(np.intp)
    if explored.any():
        free = np.setdiff1d(np.arange(n_candidates), indices[~explored])
        indices[explored] = rng.choice(free, size=int(explored.sum()), replace=False)
    return indices, explored


# -- outlier attraction -------------------------------------------------------------
def _neighbour_distances(X_pool: np.ndarray, X, k: int) -> np.ndarray:
    """Mean distance from each row of X (the pool, self excluded, when None) to its k nearest pool points."""
    k = min(k, X_pool.shape[0] - (1 if X is None else 0))
    if k < 1:
        raise ValueError("density needs at least 2 pool points.")
    search = NearestNeighbors(n_neighbors=k + (1 if X is None else 0)).fit(X_pool)
    distances, _ = search.kneighbors(X_pool if X is None else X)
    return distances[:, 1:].mean(axis=1) if X is None else distances.mean(axis=1)


def density(X_pool, X=None, *, method: str = "knn", k: int = 10, bandwidth=None) -> np.ndarray:
    """How crowded the pool is around each point, in (0, 1], 1 = densest.

    Two estimates, each divided by its largest value over the pool:

    - ``"knn"``: ``1 / r``, with r the mean distance to the k nearest pool
      points (the point itself excluded when scoring the pool). Fast
      (a neighbour search) and local: an isolated point scores low even next
      to a big cluster.
    - ``"rbf"``: the mean Gaussian similarity ``exp(-|x - x'|^2 / (2 h^2))``
      to every pool point (Settles and Craven's information density with an
      RBF kernel). Smoother and global; costs O(n_pool) per point.

    Parameters
    ----------
    X_pool : array-like of shape (n_pool, d)
        The pool whose density is measured.
    X : array-like of shape (n, d), optional
        Points to score (for a map); the pool itself when None.
    method : {'knn', 'rbf'}, default='knn'
    k : int, default=10
        Neighbours for ``knn``; also sets the default bandwidth.
    bandwidth : float, optional
        h for ``rbf``; when None, the median over the pool of the mean
        distance to the k nearest neighbours.

    Returns
    -------
    numpy.ndarray of shape (n,)
        Positive densities relative to the densest pool point (values of X
        outside the pool may exceed 1).
    """
    X_pool = as_float_array(X_pool, "X_pool", ndim=2)
    if X is not None:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != X_pool.shape[1]:
            raise ValueError(f"X must have {X_pool.shape[1]} features like X_pool, got {X.shape[1]}.")
    k = check_k(k, "k")
    if method == "knn":
        pool_r = _neighbour_distances(X_pool, None, k)
        r = pool_r if X is None else _neighbour_distances(X_pool, X, k)
        scale = pool_r.min()
        if scale == 0:  # duplicated pool points: measure against the closest distinct spacing
            scale = pool_r[pool_r > 0].min() if np.any(pool_r > 0) else 1.0
        return scale / np.maximum(r, scale * 1e-6)
    if method != "rbf":
        raise ValueError(f"method must be 'knn' or 'rbf', got {method!r}.")
    if bandwidth is None:
        bandwidth = float(np.median(_neighbour_distances(X_pool, None, k))) or 1.0
    elif not np.isfinite(bandwidth) or bandwidth <= 0:
        raise ValueError(f"bandwidth must be a positive number, got {bandwidth!r}.")

    def mean_similarity(points):
        rows = max(1, 2_000_000 // X_pool.shape[0])  # a few MB of distances per block
        out = np.empty(points.shape[0])
        for start in range(0, points.shape[0], rows):
            block = points[start:start + rows]
            sq = (block**2).sum(1)[:, None] + (X_pool**2).sum(1)[None, :] - 2 * block @ X_pool.T
            out[start:start + rows] = np.exp(-np.maximum(sq, 0) / (2 * bandwidth**2)).mean(axis=1)
        return out

    pool_density = mean_similarity(X_pool)
    values = pool_density if X is None else mean_similarity(X)
    return values / pool_density.max()


def density_weighted(utilities, density, beta: float) -> np.ndarray:
    """Utilities discounted where the pool is sparse: ``utility * density ** beta``.

    Parameters
    ----------
    utilities : array-like of shape (n,)
        Non-negative utilities (rounding errors down to -1e-9 are read as 0;
        shift utilities that can be negative, such as expected error
        reduction's, before weighting them).
    density : array-like of shape (n,)
        Positive densities, for example from :func:`density`.
    beta : float
        0 leaves the utilities unchanged; larger values favour dense regions
        more strongly.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Examples
    --------
    >>> density_weighted([0.5, 0.5], [1.0, 0.25], beta=1.0)
    array([0.5  , 0.125])
    """
    utilities = check_utilities(utilities)
    density = as_float_array(density, "density", ndim=1)
    if density.shape != utilities.shape:
        raise ValueError(f"density must have one value per utility ({utilities.size}), got {density.size}.")
    if utilities.min() < -1e-9:
        raise ValueError("utilities must be non-negative to be weighted by density; shift them first.")
    utilities = np.maximum(utilities, 0.0)  # rounding can leave a utility at -1e-17
    if density.min() <= 0:
        raise ValueError("density must be positive; pass the output of alcore.fixes.density.")
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        raise ValueError(f"beta must be a non-negative number, got {beta!r}.") from None
    if not np.isfinite(beta) or beta < 0:
        raise ValueError(f"beta must be a non-negative finite number, got {beta!r}.")
    return utilities * density**beta


# -- cold start ------------------------------------------------------------------------
def cluster_seed(X, n: int, rng: np.random.Generator) -> np.ndarray:
    """A first labeled set that covers the pool: k-means, then the point nearest each centroid.

    Parameters
    ----------
    X : array-like of shape (n_pool, d)
        The pool (no labels needed).
    n : int
        Seed-set size = number of clusters (at most ``n_pool``).
    rng : numpy.random.Generator
        Seeds k-means' initialisation.

    Returns
    -------
    numpy.ndarray of int, shape (n,)
        Distinct pool indices, one per cluster; when two centroids share a
        nearest point, the later one takes its nearest unused point.
    """
    X = as_float_array(X, "X", ndim=2)
    n = check_k(n, "n")
    if n > X.shape[0]:
        raise ValueError(f"n must be at most the number of points ({X.shape[0]}), got {n}.")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator; pass np.random.default_rng(seed).")
    kmeans = KMeans(n_clusters=n, n_init=3, random_state=int(rng.integers(2**31))).fit(X)
    sq = ((kmeans.cluster_centers_[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    chosen: list[int] = []
    for row in sq:  # one pass per centroid (n is small)
        for index in np.argsort(row, kind="stable"):
            if index not in chosen:
                chosen.append(int(index))
                break
    return np.asarray(chosen, dtype=np.intp)
