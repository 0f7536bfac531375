"""Membership-query synthesis: the learner makes up the point it wants labeled.

The query is built at the model's current boundary: take two points the model
puts in different classes and bisect the segment between them to where the
prediction changes. In 2-D the answer comes from the generating distribution
(``Dataset.sample_labels`` draws it from the true posterior). On digits the
same construction blends two images of different predicted classes, which
shows why synthetic queries can be hard for a person to label: the blend is
often no digit at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from alcore._checks import as_float_array
from alcore.data import Dataset
from alcore.loop import choose_seed_set
from alcore.models import TaskModel, single_threaded
from alcore.registry import MODELS, make_model


def bisect_to_boundary(predict_proba: Callable[[np.ndarray], np.ndarray], a, b, *, tol: float = 1e-6) -> float:
    """Where, on the segment from a to b, the predicted class first changes from a's.

    A bisection with 32 sections per round instead of 2: each round predicts
    33 evenly spaced points of the current bracket in one call, and keeps the
    section where a's class first gives way, so the answer is the change
    nearest to a, found in a few vectorised calls.

    Parameters
    ----------
    predict_proba : callable
        ``predict_proba(X) -> (n, C)`` of the current model.
    a, b : array-like of shape (d,)
        End points that the model puts in different classes.
    tol : float, default=1e-6
        Width of the final bracket, in units of the segment's length.

    Returns
    -------
    float
        t in (0, 1): the point ``(1 - t) a + t b`` sits on the boundary.
    """
    a = as_float_array(a, "a", ndim=1)
    b = as_float_array(b, "b", ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}.")
    if not 0 < tol < 1:
        raise ValueError(f"tol must lie between 0 and 1 (a share of the segment), got {tol!r}.")
    start_class, end_class = np.argmax(predict_proba(np.vstack([a, b])), axis=1)
    if start_class == end_class:
        raise ValueError("a and b are predicted to be the same class; pass points on both sides of the boundary.")
    low, high = 0.0, 1.0  # the class at low is a's; at high it is not
    while high - low > tol:
        grid = np.linspace(low, high, 33)
        classes = np.argmax(predict_proba((1 - grid)[:, None] * a + grid[:, None] * b), axis=1)
        first = int(np.argmax(classes[1:] != start_class)) + 1  # grid[-1] = high always qualifies
        low, high = grid[first - 1], grid[first]
    return 0.5 * (low + high)


@dataclass(frozen=True, eq=False)
class Synthesis:
    """A synthesised query.

    Attributes
    ----------
    point : numpy.ndarray of shape (d,)
        The query: ``(1 - t) * X_from[start] + t * X_from[end]``.
    start, end : int
        Rows of ``X_from`` it was blended from (different predicted classes).
    t : float
        Blend weight of ``end``.
    """

    point: np.ndarray
    start: int
    end: int
    t: float


def synthesise(predict_proba: Callable[[np.ndarray], np.ndarray], X_from, rng: np.random.Generator, *,
               tol: float = 1e-6) -> Synthesis:
    """A query on the model's boundary, between two points of different predicted classes.

    The first end point is drawn uniformly from ``X_from``, the second
    uniformly from the rows predicted to be another class; the segment
    between them is bisected to the boundary (:func:`bisect_to_boundary`).
    For 2-D data that is a new point where the model is unsure; for images
    (digits) it is a pixel-wise blend of two images.

    Parameters
    ----------
    predict_proba : callable
        ``predict_proba(X) -> (n, C)`` of the current model.
    X_from : array-like of shape (n, d)
        Points to blend (for example the labeled set).
    rng : numpy.random.Generator
        Chooses the end points.
    tol : float, default=1e-6
        Precision of the boundary, as a share of the segment.

    Returns
    -------
    Synthesis

    Raises
    ------
    ValueError
        If the model predicts one class for every row of ``X_from``.
    """
    X_from = as_float_array(X_from, "X_from", ndim=2)
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator; pass np.random.default_rng(seed).")
    predicted = np.argmax(predict_proba(X_from), axis=1)
    if np.unique(predicted).size < 2:
        raise ValueError("The model predicts one class for every row of X_from; there is no boundary "
                         "between them to synthesise a query on. Pass points of two predicted classes.")
    start = int(rng.integers(X_from.shape[0]))
    end = int(rng.choice(np.flatnonzero(predicted != predicted[start])))
    t = bisect_to_boundary(predict_proba, X_from[start], X_from[end], tol=tol)
    return Synthesis((1 - t) * X_from[start] + t * X_from[end], start, end, t)


@dataclass(frozen=True, eq=False)
class SynthesisRound:
    """One synthesised query, its answer, and the model after learning it.

    Attributes
    ----------
    query : Synthesis
        The point and how it was made (``start`` and ``end`` index the pool).
    label : int
        The oracle's answer, drawn from the true posterior at the point.
    n_labels : int
        Labels after this round.
    accuracy : float
        Test accuracy after the refit.
    """

    query: Synthesis
    label: int
    n_labels: int
    accuracy: float


class SynthesisLearner:
    """Membership-query synthesis on a dataset with a known posterior (the 2-D mixtures).

    It starts from a seed set of pool points (a few per class); each round it
    synthesises a query on the boundary between two pool points of different
    predicted classes (the pool serves only as a supply of realistic end
    points; its labels are never read), gets a label drawn from the dataset's
    true posterior at that point, and refits. When the model predicts one
    class over the whole pool there is no boundary to find, and the query is
    a random pool point instead (``start == end``, ``t = 0``).

    Parameters
    ----------
    dataset : Dataset
        Must have a ``posterior`` (blobs, multiblobs, xor and the scenarios).
    model : str, default='logreg'
        Model name in ``alcore.registry.MODELS``.
    seed_size : int, default=4
        Pool points labeled first, spread over the classes.
    random_state : int, default=0
        Seed of the seed set, the end points and the oracle's draws.

    Attributes
    ----------
    X_labeled : numpy.ndarray
        Every labeled point so far, seed set first, then the synthetic ones.
    y_labeled : numpy.ndarray
    history : list of SynthesisRound
    """

    def __init__(self, dataset: Dataset, *, model: str = "logreg", seed_size: int = 4, random_state: int = 0):
        if dataset.posterior is None:
            raise ValueError(f"Dataset {dataset.name!r} has no known posterior, so no oracle can label a "
                             "synthetic point; use a Gaussian-mixture dataset (blobs, multiblobs, xor).")
        if model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}.")
        self.dataset = dataset
        self.rng = np.random.default_rng(random_state)
        self.model = TaskModel(make_model(model, random_state), dataset.n_classes)
        seed = choose_seed_set(dataset.y_pool, seed_size, self.rng, "per_class")
        self.X_labeled = dataset.X_pool[seed]
        self.y_labeled = dataset.y_pool[seed]
        self.history: list[SynthesisRound] = []
        self._fit()

    def _fit(self) -> float:
        with single_threaded():
            self.model.fit(self.X_labeled, self.y_labeled)
            return float(np.mean(self.model.predict(self.dataset.X_test) == self.dataset.y_test))

    def propose(self) -> Synthesis:
        """The next query, between two pool points of different predicted classes."""
        X_pool = self.dataset.X_pool
        with single_threaded():
            if np.unique(self.model.predict(X_pool)).size > 1:
                return synthesise(self.model.predict_proba, X_pool, self.rng)
        index = int(self.rng.integers(X_pool.shape[0]))
        return Synthesis(X_pool[index].copy(), index, index, 0.0)

    def step(self) -> SynthesisRound:
        """Synthesise a query, label it from the true posterior, refit."""
        query = self.propose()
        label = int(self.dataset.sample_labels(query.point[None, :], self.rng)[0])
        self.X_labeled = np.vstack([self.X_labeled, query.point])
        self.y_labeled = np.append(self.y_labeled, label)
        record = SynthesisRound(query, label, self.y_labeled.size, self._fit())
        self.history.append(record)
        return record
