"""Stream-based selective sampling: points arrive one at a time, and the learner
labels or skips each as it comes, never to see it again.

The learner labels an arrival when its uncertainty reaches a threshold (or,
with probability epsilon, at random to explore), as long as its label budget
lasts: a total number of labels ("until spent"), and optionally a fixed
fraction of the arrivals so far. Like :class:`alcore.loop.ActiveLoop`, it sees
a label only when it asks an oracle for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from alcore import scores
from alcore._checks import as_float_array, check_fraction, check_k
from alcore.data import Dataset
from alcore.loop import PoolOracle
from alcore.models import TaskModel, single_threaded
from alcore.registry import MODELS, make_model

# Uncertainty measures, each scaled to [0, 1] (1 = the uniform prediction).
MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "least_confidence": lambda p: scores.least_confidence(p, check_input=False) / (1 - 1 / p.shape[1]),
    "margin": lambda p: scores.margin(p, check_input=False),
    "entropy": lambda p: scores.entropy(p, check_input=False) / np.log(p.shape[1]),
}


@dataclass(frozen=True)
class Arrival:
    """What happened to one arriving point.

    Attributes
    ----------
    position : int
        Arrival number, from 0.
    index : int
        The point's row in the stream's data.
    score : float
        Its uncertainty in [0, 1] under the model of that moment.
    labeled : bool
        Whether the learner asked for its label.
    explored : bool
        True when the label was asked by the epsilon coin, not the threshold.
    n_labels : int
        Labels bought so far, this one included.
    accuracy : float
        Test accuracy after this arrival (NaN before the first label).
    """

    position: int
    index: int
    score: float
    labeled: bool
    explored: bool
    n_labels: int
    accuracy: float


class StreamLearner:
    """A learner that decides, for each arriving point, whether to buy its label.

    Parameters
    ----------
    X_stream : array-like of shape (n, d)
        The points that will arrive, in a seeded random order.
    X_test, y_test : array-like
        Held-out evaluation split.
    n_classes : int
        Number of classes of the task.
    model : str, default='logreg'
        Model name in ``alcore.registry.MODELS``.
    measure : {'margin', 'entropy', 'least_confidence'}, default='margin'
        Uncertainty, scaled to [0, 1].
    threshold : float, default=0.5
        Label an arrival whose uncertainty is at least this (0 labels
        everything the budget allows; before any label every score is 1).
    budget : int, default=50
        Labels at most, in all ("until spent").
    max_fraction : float, optional
        Also never hold more labels than this share of the arrivals so far
        (a fixed-fraction budget); no such limit when None.
    epsilon : float, default=0.0
        Chance of labeling an arrival below the threshold anyway (exploration).
    random_state : int, default=0
        Seed of the arrival order, the epsilon coin and the model.

    Examples
    --------
    >>> from alcore.data import make_dataset
    >>> data = make_dataset("blobs", n_pool=300, n_test=100)
    >>> learner = StreamLearner(data.X_pool, data.X_test, data.y_test, data.n_classes, budget=20)
    >>> history = learner.run(PoolOracle(data.y_pool))
    >>> learner.n_labeled <= 20
    True
    """

    def __init__(self, X_stream, X_test, y_test, n_classes: int, *, model: str = "logreg",
                 measure: str = "margin", threshold: float = 0.5, budget: int = 50,
                 max_fraction: Optional[float] = None, epsilon: float = 0.0, random_state: int = 0):
        self.X_stream = as_float_array(X_stream, "X_stream", ndim=2)
        self.X_test = as_float_array(X_test, "X_test", ndim=2)
        self.y_test = np.asarray(y_test)
        if self.y_test.shape != (self.X_test.shape[0],):
            raise ValueError(f"y_test must have one label per row of X_test ({self.X_test.shape[0]}).")
        if self.X_test.shape[1] != self.X_stream.shape[1]:
            raise ValueError("X_test must have as many features as X_stream.")
        if model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}.")
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {sorted(MEASURES)}, got {measure!r}.")
        self.measure = measure
        self.threshold = check_fraction(threshold, "threshold")
        self.budget = check_k(budget, "budget")
        self.max_fraction = None if max_fraction is None else check_fraction(max_fraction, "max_fraction")
        self.epsilon = check_fraction(epsilon, "epsilon")
        self.model = TaskModel(make_model(model, random_state), n_classes)
        order_seed, coin_seed = np.random.SeedSequence(random_state).spawn(2)
        self.order = np.random.default_rng(order_seed).permutation(self.X_stream.shape[0])
        self.rng = np.random.default_rng(coin_seed)
        self.labeled_indices: list[int] = []
        self._labels: list[int] = []
        self._accuracy = np.nan
        self.history: list[Arrival] = []

    @property
    def n_labeled(self) -> int:
        """Labels bought so far."""
        return len(self.labeled_indices)

    @property
    def finished(self) -> bool:
        """True when every point has arrived."""
        return len(self.history) == self.order.size

    def _can_buy(self, n_arrived: int) -> bool:
        if self.n_labeled >= self.budget:
            return False
        return self.max_fraction is None or self.n_labeled + 1 <= self.max_fraction * n_arrived

    def score(self, X) -> np.ndarray:
        """Uncertainty in [0, 1] of the current model at X (1 before any label)."""
        X = np.asarray(X, dtype=float)
        if not self.labeled_indices:
            return np.ones(X.shape[0])
        with single_threaded():
            return MEASURES[self.measure](self.model.predict_proba(X))

    def step(self, oracle: Callable[[np.ndarray], np.ndarray]) -> Arrival:
        """The next point arrives; label it (asking ``oracle``) or skip it.

        Parameters
        ----------
        oracle : callable
            ``oracle(indices) -> labels`` for rows of ``X_stream``.

        Returns
        -------
        Arrival
            The record appended to ``history``.
        """
        if self.finished:
            raise ValueError(f"The stream is over: all {self.order.size} points have arrived.")
        position = len(self.history)
        index = int(self.order[position])
        score = float(self.score(self.X_stream[index:index + 1])[0])
        above = score >= self.threshold
        explored = not above and self.epsilon > 0 and self.rng.random() < self.epsilon
        labeled = (above or explored) and self._can_buy(position + 1)
        if labeled:
            self.labeled_indices.append(index)
            self._labels.append(int(np.asarray(oracle(np.array([index])))[0]))
            with single_threaded():
                self.model.fit(self.X_stream[self.labeled_indices], np.asarray(self._labels, dtype=np.intp))
                self._accuracy = float(np.mean(self.model.predict(self.X_test) == self.y_test))
        record = Arrival(position, index, score, bool(labeled), bool(labeled and explored), self.n_labeled,
                         self._accuracy)
        self.history.append(record)
        return record

    def run(self, oracle: Callable[[np.ndarray], np.ndarray], n_arrivals: Optional[int] = None) -> list:
        """Let ``n_arrivals`` more points arrive (all that are left when None); returns ``history``."""
        left = self.order.size - len(self.history)
        n_arrivals = left if n_arrivals is None else min(check_k(n_arrivals, "n_arrivals"), left)
        for _ in range(n_arrivals):
            self.step(oracle)
        return self.history

    def arrays(self) -> dict:
        """The history as arrays, one entry per arrival: ``position``, ``index``,
        ``score``, ``labeled``, ``explored``, ``n_labels``, ``accuracy``."""
        fields = ("position", "index", "score", "labeled", "explored", "n_labels", "accuracy")
        return {name: np.array([getattr(arrival, name) for arrival in self.history]) for name in fields}


def run_stream(dataset: Dataset, *, n_arrivals: Optional[int] = None, random_state: int = 0,
               **settings) -> StreamLearner:
    """Stream a dataset's pool past a :class:`StreamLearner`, labels from its hidden labels.

    Parameters
    ----------
    dataset : Dataset
    n_arrivals : int, optional
        How many points arrive; the whole pool when None.
    random_state : int, default=0
    **settings
        ``model``, ``measure``, ``threshold``, ``budget``, ``max_fraction``,
        ``epsilon``, as for :class:`StreamLearner`.

    Returns
    -------
    StreamLearner
        With its ``history`` filled.
    """
    learner = StreamLearner(dataset.X_pool, dataset.X_test, dataset.y_test, dataset.n_classes,
                            random_state=random_state, **settings)
    learner.run(PoolOracle(dataset.y_pool), n_arrivals)
    return learner
