"""Membership-query synthesis: the learner makes up the point it wants labeled.

The query is built at the model's current boundary: take two points the model
puts in different classes (two real points, or two random points of a 2-D
picture) and bisect the segment between them to where the prediction
changes; there the two top classes tie, so the query is a point of highest
uncertainty. In 2-D the answer comes from the generating distribution
(``Dataset.sample_labels`` draws it from the true posterior). On digits the
same construction blends two images of different predicted classes, which
shows why synthetic queries can be hard for a person to label: the blend is
often no digit at all. There the ground truth is the label of the image the
blend is mostly made of. :class:`SynthesisRace` puts a synthesis learner
beside pool-based ones; :func:`far_from_data` says which of its queries
land outside the real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from scipy.spatial import cKDTree

from alcore._checks import as_float_array, check_k
from alcore.data import Dataset
from alcore.loop import LoopConfig, Race, _Stepping, choose_seed_set
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


#: Where the two end points of a query's segment come from, in words.
ENDS = {"pool": "between two real points", "plane": "between two random points of the picture"}
#: Who answers a synthetic query, in words.
ORACLES = {"posterior": "a label drawn from the true class probabilities at the point",
           "source": "the label of the real point the blend is mostly made of"}
PLANE_CANDIDATES = 64  # random points of the picture a "plane" query draws its two end points from


def uniform_points(bounds, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points drawn uniformly over ``bounds = (x_min, x_max, y_min, y_max)``, shape (n, 2)."""
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    return np.column_stack([rng.uniform(x_min, x_max, n), rng.uniform(y_min, y_max, n)])


def far_from_data(points, X_real, quantile: float = 0.99) -> np.ndarray:
    """Which points lie outside the real data.

    A point is outside when it is farther from every real point than
    ``quantile`` of the real points are from their own nearest neighbour:
    with the default, only 1% of the real points themselves would count.

    Parameters
    ----------
    points : array-like of shape (m, d)
    X_real : array-like of shape (n, d), n >= 2
    quantile : float, default=0.99

    Returns
    -------
    numpy.ndarray of bool, shape (m,)

    Examples
    --------
    >>> far_from_data([[0.5, 0.0], [10.0, 0.0]], [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    array([False,  True])
    """
    X_real = as_float_array(X_real, "X_real", ndim=2)
    points = as_float_array(points, "points", ndim=2, allow_empty=True)
    if X_real.shape[0] < 2:
        raise ValueError("X_real needs at least two points to measure how far apart they lie.")
    if not 0 < quantile <= 1:
        raise ValueError(f"quantile must lie in (0, 1], got {quantile!r}.")
    tree = cKDTree(X_real)
    limit = np.quantile(tree.query(X_real, k=2)[0][:, 1], quantile)
    if points.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    return tree.query(points)[0] > limit


@dataclass(frozen=True, eq=False)
class SynthesisRound:
    """One synthesised query, its answer, and the model after learning it.

    Attributes
    ----------
    query : Synthesis
        The point and how it was made (with ``ends="pool"``, ``start`` and
        ``end`` index the pool; with ``"plane"``, random points of the picture).
    label : int
        The oracle's answer.
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
    """Membership-query synthesis: each query is made up on the model's current boundary.

    It starts from a seed set of pool points (a few per class). Each round
    it synthesises a query on the boundary between two points the model puts
    in different classes (:func:`synthesise`), gets its label from an oracle,
    and refits. The end points are real pool points (``ends="pool"``: the pool
    serves only as a supply of end points; its labels are never read) or
    random points of the picture (``ends="plane"``: every boundary point ties
    the two top classes, so it is a point of highest uncertainty, wherever it
    lies). When the model predicts one class over all the candidates there is
    no boundary to find, and the query is a random pool point instead
    (``start == end``, ``t = 0``).

    The loop is split like :class:`alcore.loop.ActiveLoop`'s: :meth:`propose`
    makes the query (the same one until it is answered), :meth:`teach` adds its
    label, :meth:`skip` drops it ("can't tell", counted), and :meth:`step` is
    propose, the oracle, teach.

    Parameters
    ----------
    dataset : Dataset
    model : str, default='logreg'
        Model name in ``alcore.registry.MODELS``.
    seed_size : int, default=4
        Pool points labeled first, spread over the classes.
    random_state : int, default=0
        Seed of the seed set, the end points and the oracle's draws.
    ends : {'pool', 'plane'}, default='pool'
        Where the end points come from (``plane`` needs a 2-D dataset).
    oracle : {'posterior', 'source'}, default='posterior'
        ``posterior``: a label drawn from the dataset's true class
        probabilities at the point (the 2-D mixtures); ``source``: the true
        label of the end point the blend is mostly made of (t <= 0.5: the
        start's), which any dataset has, with ``ends="pool"``.
    seed_indices : array-like of int, optional
        The seed set (for example a :class:`alcore.loop.Race`'s, so the
        learners start alike); drawn per class when None.

    Attributes
    ----------
    seed_accuracy : float
        Test accuracy on the seed set alone.
    X_labeled : numpy.ndarray
        Every labeled point so far, seed set first, then the synthetic ones.
    y_labeled : numpy.ndarray
    history : list of SynthesisRound
    skipped : list of Synthesis
        Queries dropped unanswered ("can't tell").
    """

    def __init__(self, dataset: Dataset, *, model: str = "logreg", seed_size: int = 4, random_state: int = 0,
                 ends: str = "pool", oracle: str = "posterior", seed_indices=None):
        if ends not in ENDS:
            raise ValueError(f"ends must be one of {sorted(ENDS)}, got {ends!r}.")
        if oracle not in ORACLES:
            raise ValueError(f"oracle must be one of {sorted(ORACLES)}, got {oracle!r}.")
        if oracle == "posterior" and dataset.posterior is None:
            raise ValueError(f"Dataset {dataset.name!r} has no known posterior, so no oracle can label a "
                             "synthetic point; use a Gaussian-mixture dataset (blobs, multiblobs, xor), or "
                             "oracle='source' with ends='pool'.")
        if oracle == "source" and ends != "pool":
            raise ValueError("oracle='source' labels a blend by the real point it is mostly made of, so it needs "
                             "ends='pool'.")
        if ends == "plane" and dataset.bounds is None:
            raise ValueError("ends='plane' draws end points over a 2-D picture; this dataset has none. "
                             "Use ends='pool'.")
        if model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}.")
        self.dataset, self.ends, self.oracle = dataset, ends, oracle
        self.rng = np.random.default_rng(random_state)
        self.model = TaskModel(make_model(model, random_state), dataset.n_classes)
        if seed_indices is None:
            seed_indices = choose_seed_set(dataset.y_pool, seed_size, self.rng, "per_class")
        self.seed_indices = np.asarray(seed_indices, dtype=np.intp)
        self.X_labeled = dataset.X_pool[self.seed_indices]
        self.y_labeled = dataset.y_pool[self.seed_indices]
        self.history: list[SynthesisRound] = []
        self.skipped: list[Synthesis] = []
        self.pending: Optional[Synthesis] = None
        self.seed_accuracy = self._fit()

    def _fit(self) -> float:
        with single_threaded():
            self.model.fit(self.X_labeled, self.y_labeled)
            return float(np.mean(self.model.predict(self.dataset.X_test) == self.dataset.y_test))

    @property
    def n_labeled(self) -> int:
        """Labels so far, seed set included."""
        return int(self.y_labeled.size)

    @property
    def n_questions(self) -> int:
        """Queries made so far: answered or skipped."""
        return len(self.history) + len(self.skipped)

    @property
    def note(self) -> str:
        """The model's remark on its state (empty when all is normal)."""
        return self.model.note

    @property
    def queries(self) -> np.ndarray:
        """The synthetic points labeled so far, shape (rounds, d)."""
        return self.X_labeled[self.seed_indices.size:]

    @property
    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(labels, test accuracy) after the seed set and after each round."""
        return (np.array([self.seed_indices.size] + [r.n_labels for r in self.history]),
                np.array([self.seed_accuracy] + [r.accuracy for r in self.history]))

    def predict_proba(self, X) -> np.ndarray:
        """The current model's probabilities at X."""
        with single_threaded():
            return self.model.predict_proba(np.asarray(X, dtype=float))

    def propose(self) -> Synthesis:
        """The next query, on the boundary between two points of different predicted classes.

        The same query until it is answered (:meth:`teach`) or dropped (:meth:`skip`).
        """
        if self.pending is None:
            self.pending = self._synthesise()
        return self.pending

    def _synthesise(self) -> Synthesis:
        X_pool = self.dataset.X_pool
        X_from = X_pool if self.ends == "pool" else uniform_points(self.dataset.bounds, PLANE_CANDIDATES, self.rng)
        with single_threaded():
            if np.unique(self.model.predict(X_from)).size > 1:
                return synthesise(self.model.predict_proba, X_from, self.rng)
        index = int(self.rng.integers(X_pool.shape[0]))
        return Synthesis(X_pool[index].copy(), index, index, 0.0)

    def is_fallback(self, query: Synthesis) -> bool:
        """True for a random pool point taken because the model saw no boundary."""
        return query.start == query.end

    def answer(self, query: Synthesis) -> int:
        """The oracle's label for a query (a draw from the true posterior, or the source's label)."""
        if self.oracle == "source":
            return int(self.dataset.y_pool[query.start if query.t <= 0.5 else query.end])
        return int(self.dataset.sample_labels(query.point[None, :], self.rng)[0])

    def teach(self, label: int) -> SynthesisRound:
        """Label the pending query and refit.

        Raises
        ------
        ValueError
            Without a pending query, or for a label outside ``0 .. n_classes - 1``.
        """
        if self.pending is None:
            raise ValueError("There is no query to label; call propose() first.")
        if isinstance(label, bool) or int(label) != label or not 0 <= label < self.dataset.n_classes:
            raise ValueError(f"label must be a class from 0 to {self.dataset.n_classes - 1}, got {label!r}.")
        query, self.pending = self.pending, None
        self.X_labeled = np.vstack([self.X_labeled, query.point])
        self.y_labeled = np.append(self.y_labeled, int(label))
        record = SynthesisRound(query, int(label), self.n_labeled, self._fit())
        self.history.append(record)
        return record

    def skip(self) -> Synthesis:
        """Drop the pending query unanswered ("can't tell"); returns it."""
        if self.pending is None:
            raise ValueError("There is no query to skip; call propose() first.")
        query, self.pending = self.pending, None
        self.skipped.append(query)
        return query

    def step(self) -> SynthesisRound:
        """Synthesise a query (or take the pending one), label it by the oracle, refit."""
        return self.teach(self.answer(self.propose()))


class SynthesisRace(_Stepping):
    """A synthesis learner beside pool-based learners, on the same data and the same starting labels.

    Offers what :class:`alcore.loop.Race` offers: ``loops`` (``"synthesis"``,
    then the pool-based learners by strategy name), ``dataset``, ``budget``,
    ``step``, ``advance``, ``finished`` and ``rounds`` (queries made by the
    synthesis learner).

    Parameters
    ----------
    dataset : Dataset
    model : str, default='logreg'
    ends, oracle
        The synthesis learner's, as for :class:`SynthesisLearner`.
    strategies : tuple of str, default=('margin',)
        One pool-based learner per strategy (``"random"`` for random sampling).
    seed_size : int, default=4
    budget : int, optional
        Labels each learner may have, seed set included; None: no limit.
    random_state : int, default=0
    """

    def __init__(self, dataset: Dataset, *, model: str = "logreg", ends: str = "pool", oracle: str = "posterior",
                 strategies: tuple = ("margin",), seed_size: int = 4, budget: Optional[int] = None,
                 random_state: int = 0):
        self.race = Race(dataset, {name: LoopConfig(model=model, strategy=name) for name in strategies},
                         seed=random_state, seed_size=seed_size, budget=budget, keep_utilities=0)
        self.synthesis = SynthesisLearner(dataset, model=model, ends=ends, oracle=oracle, random_state=random_state,
                                          seed_indices=self.race.seed_indices)
        self.dataset = dataset
        self.loops = {"synthesis": self.synthesis, **self.race.loops}

    @property
    def budget(self) -> Optional[int]:
        """Labels each learner may have (seed set included); None: no limit."""
        return self.race.budget

    @budget.setter
    def budget(self, value: Optional[int]) -> None:
        self.race.budget = None if value is None else check_k(value, "budget")

    @property
    def synthesis_done(self) -> bool:
        """True when the synthesis learner has used its budget."""
        return self.budget is not None and self.synthesis.n_labeled >= self.budget

    @property
    def finished(self) -> bool:
        """True when every learner has used its budget."""
        return self.synthesis_done and self.race.finished

    @property
    def rounds(self) -> int:
        """Queries the synthesis learner has made (answered or skipped)."""
        return self.synthesis.n_questions

    def step(self, label: Optional[int] = None, *, skip: bool = False) -> None:
        """One query for every learner that may still ask.

        The synthesis learner's pending query is answered by its oracle, or by
        ``label`` (a person's answer), or dropped when ``skip`` ("can't tell").
        """
        if not self.synthesis_done:
            if skip:
                self.synthesis.propose()
                self.synthesis.skip()
            elif label is None:
                self.synthesis.step()
            else:
                self.synthesis.propose()
                self.synthesis.teach(label)
        self.race.step()
