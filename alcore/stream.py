"""Stream-based selective sampling: points arrive one at a time, and the learner
labels or skips each as it comes, never to see it again.

The learner labels an arrival when its uncertainty reaches a threshold (or,
with probability epsilon, at random to explore), as long as its label budget
lasts: a total number of labels ("until spent"), and optionally a fixed
fraction of the arrivals so far. Like :class:`alcore.loop.ActiveLoop`, it sees
a label only when it asks an oracle for it.

A :class:`Stream` fixes the arrival order, and can drift: part-way through,
the whole picture turns by an angle, so the class boundary moves and the
learner is scored on the new picture from then on. A :class:`StreamRace`
runs three learners on one stream: the stream learner, random asking at the
same moments, and pool-based uncertainty sampling with as many labels, which
sees every point at once (an upper reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from alcore import scores
from alcore._checks import as_float_array, check_fraction, check_k
from alcore.data import Dataset
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle, _Stepping
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
        The points that will arrive.
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
    shuffle : bool, default=True
        Points arrive in a seeded random order; False: in the order of ``X_stream``.
    n_start : int, default=0
        The first ``n_start`` arrivals are labeled whatever their score (the
        starting labels of a cold start; they count against the budget).
    test_after : (int, X, y), optional
        ``(position, X_test_after, y_test_after)``: from that arrival on, the
        stream has drifted and accuracy is measured on this test split instead.

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
                 max_fraction: Optional[float] = None, epsilon: float = 0.0, random_state: int = 0,
                 shuffle: bool = True, n_start: int = 0, test_after: Optional[tuple] = None):
        self.X_stream = as_float_array(X_stream, "X_stream", ndim=2)
        self.X_test, self.y_test = _test_split(X_test, y_test, self.X_stream.shape[1])
        if model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}.")
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {sorted(MEASURES)}, got {measure!r}.")
        self.measure = measure
        self.threshold = check_fraction(threshold, "threshold")
        self.budget = check_k(budget, "budget")
        self.max_fraction = None if max_fraction is None else check_fraction(max_fraction, "max_fraction")
        self.epsilon = check_fraction(epsilon, "epsilon")
        if isinstance(n_start, bool) or int(n_start) != n_start or n_start < 0:
            raise ValueError(f"n_start must be an integer >= 0, got {n_start!r}.")
        self.n_start = int(n_start)
        self.drift_at, self.X_test_after, self.y_test_after = None, None, None
        if test_after is not None:
            position, X_after, y_after = test_after
            if isinstance(position, bool) or int(position) != position or position < 0:
                raise ValueError(f"test_after's position must be an integer >= 0, got {position!r}.")
            self.drift_at = int(position)
            self.X_test_after, self.y_test_after = _test_split(X_after, y_after, self.X_stream.shape[1])
        self.model = TaskModel(make_model(model, random_state), n_classes)
        order_seed, coin_seed = np.random.SeedSequence(random_state).spawn(2)
        n = self.X_stream.shape[0]
        self.order = np.random.default_rng(order_seed).permutation(n) if shuffle else np.arange(n)
        self.rng = np.random.default_rng(coin_seed)
        self.labeled_indices: list[int] = []
        self._labels: list[int] = []
        self._accuracy = np.nan
        self.history: list[Arrival] = []

    @classmethod
    def on(cls, stream: "Stream", **settings) -> "StreamLearner":
        """A learner on a :class:`Stream`: points arrive in its order, scored on its test split of the moment.

        ``settings`` are the other parameters (``model``, ``measure``, ``threshold``, ``budget``,
        ``max_fraction``, ``epsilon``, ``random_state``, ``n_start``).
        """
        after = None if stream.drift_at is None else (stream.drift_at, stream.X_test_after, stream.y_test_after)
        return cls(stream.X, stream.X_test, stream.y_test, stream.n_classes, shuffle=False, test_after=after,
                   **settings)

    @property
    def n_labeled(self) -> int:
        """Labels bought so far."""
        return len(self.labeled_indices)

    @property
    def labels(self) -> np.ndarray:
        """The labels bought, aligned with ``labeled_indices``."""
        return np.asarray(self._labels, dtype=np.intp)

    @property
    def finished(self) -> bool:
        """True when every point has arrived."""
        return len(self.history) == self.order.size

    @property
    def accuracy(self) -> float:
        """Test accuracy now, on the test split of the moment (NaN before the first label)."""
        return self._accuracy

    @property
    def note(self) -> str:
        """A plain-words remark on the model's state (empty when all is normal)."""
        if not self.labeled_indices:
            return "No labels yet: the model predicts equal probabilities for every class, so every arrival looks " \
                   "as uncertain as can be."
        return self.model.note

    @property
    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(labels bought, test accuracy) after each labeled arrival."""
        labeled = [a for a in self.history if a.labeled]
        return np.array([a.n_labels for a in labeled]), np.array([a.accuracy for a in labeled])

    def _can_buy(self, n_arrived: int) -> bool:
        if self.n_labeled >= self.budget:
            return False
        return self.max_fraction is None or self.n_labeled + 1 <= self.max_fraction * n_arrived

    def test_split(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """The test split accuracy is measured on at an arrival (the drifted one from ``drift_at`` on)."""
        if self.drift_at is not None and position >= self.drift_at:
            return self.X_test_after, self.y_test_after
        return self.X_test, self.y_test

    def predict_proba(self, X) -> np.ndarray:
        """The current model's probabilities at X (uniform before the first label)."""
        X = np.asarray(X, dtype=float)
        if not self.labeled_indices:
            return np.full((X.shape[0], self.model.n_classes), 1.0 / self.model.n_classes)
        with single_threaded():
            return self.model.predict_proba(X)

    def score(self, X) -> np.ndarray:
        """Uncertainty in [0, 1] of the current model at X (1 before any label)."""
        X = np.asarray(X, dtype=float)
        if not self.labeled_indices:
            return np.ones(X.shape[0])
        return MEASURES[self.measure](self.predict_proba(X))

    def _evaluate(self, position: int) -> None:
        X_test, y_test = self.test_split(position)
        with single_threaded():
            self._accuracy = float(np.mean(self.model.predict(X_test) == y_test))

    def step(self, oracle: Callable[[np.ndarray], np.ndarray], ask: Optional[bool] = None) -> Arrival:
        """The next point arrives; label it (asking ``oracle``) or skip it.

        Parameters
        ----------
        oracle : callable
            ``oracle(indices) -> labels`` for rows of ``X_stream``.
        ask : bool, optional
            Decide for the learner (for example random asking on a schedule);
            None applies its threshold and epsilon. The starting labels and
            the budget apply either way.

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
        explored = False
        if position < self.n_start:
            wanted = True
        elif ask is not None:
            wanted = bool(ask)
        else:
            wanted = score >= self.threshold
            explored = not wanted and self.epsilon > 0 and self.rng.random() < self.epsilon
            wanted = wanted or explored
        labeled = wanted and self._can_buy(position + 1)
        if labeled:
            self.labeled_indices.append(index)
            self._labels.append(int(np.asarray(oracle(np.array([index])))[0]))
            with single_threaded():
                self.model.fit(self.X_stream[self.labeled_indices], self.labels)
        if labeled or (position == self.drift_at and self.labeled_indices):
            self._evaluate(position)  # a new model, or the same model on the drifted test split
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


def _test_split(X_test, y_test, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    X_test = as_float_array(X_test, "X_test", ndim=2)
    y_test = np.asarray(y_test)
    if y_test.shape != (X_test.shape[0],):
        raise ValueError(f"y_test must have one label per row of X_test ({X_test.shape[0]}).")
    if X_test.shape[1] != n_features:
        raise ValueError("X_test must have as many features as X_stream.")
    return X_test, y_test


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
        ``epsilon``, ``n_start``, as for :class:`StreamLearner`.

    Returns
    -------
    StreamLearner
        With its ``history`` filled.
    """
    learner = StreamLearner(dataset.X_pool, dataset.X_test, dataset.y_test, dataset.n_classes,
                            random_state=random_state, **settings)
    learner.run(PoolOracle(dataset.y_pool), n_arrivals)
    return learner


# -- a stream, and drift ----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Stream:
    """Points in the order they arrive, their hidden labels, and the test split of each moment.

    Attributes
    ----------
    name : str
        The dataset it was drawn from.
    X, y : numpy.ndarray
        Arrivals in order, shape (n, d), and their labels.
    X_test, y_test : numpy.ndarray
        Test split of the stream before any drift.
    n_classes : int
    bounds : tuple of 4 floats or None
        ``(x_min, x_max, y_min, y_max)`` around every point, drifted ones included (2-D only).
    drift_at : int or None
        Arrival from which the stream has drifted; None for a still stream.
    X_test_after, y_test_after : numpy.ndarray or None
        Test split after the drift.
    angle : float
        How far the picture turned at the drift, in degrees.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    bounds: Optional[tuple] = None
    drift_at: Optional[int] = None
    X_test_after: Optional[np.ndarray] = None
    y_test_after: Optional[np.ndarray] = None
    angle: float = 0.0

    @property
    def n(self) -> int:
        """Number of arrivals."""
        return self.X.shape[0]


def rotate(X, angle: float, centre) -> np.ndarray:
    """Points turned anticlockwise by ``angle`` degrees about ``centre`` (2-D)."""
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"only 2-D points can be turned, got {X.shape[1]} features.")
    theta = np.deg2rad(angle)
    turn = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    centre = np.asarray(centre, dtype=float)
    return (X - centre) @ turn.T + centre


def make_stream(dataset: Dataset, *, drift_at: Optional[int] = None, angle: float = 90.0,
                random_state: int = 0) -> Stream:
    """A dataset's pool as a stream in a seeded random order, drifting part-way if asked.

    From arrival ``drift_at`` on, every arriving point and the test split are
    turned by ``angle`` degrees about the pool's mean: the class boundary
    turns with them (a real change of concept, not only of where points
    fall), and a model fitted before the drift is wrong wherever the old and
    the new picture disagree.

    Parameters
    ----------
    dataset : Dataset
        A 2-D dataset when it drifts.
    drift_at : int, optional
        First drifted arrival (1 to n - 1); None for a still stream.
    angle : float, default=90.0
        Turn at the drift, in degrees.
    random_state : int, default=0
        Seed of the arrival order.

    Returns
    -------
    Stream
    """
    n = dataset.X_pool.shape[0]
    order = np.random.default_rng(random_state).permutation(n)
    X, y = dataset.X_pool[order], dataset.y_pool[order]
    X_after = y_after = None
    if drift_at is not None:
        if isinstance(drift_at, bool) or int(drift_at) != drift_at or not 1 <= drift_at < n:
            raise ValueError(f"drift_at must be an arrival from 1 to {n - 1}, got {drift_at!r}.")
        if dataset.n_features != 2:
            raise ValueError("Only a 2-D stream can drift (its picture turns); pass a 2-D dataset or drift_at=None.")
        drift_at = int(drift_at)
        centre = dataset.X_pool.mean(axis=0)
        X = X.copy()
        X[drift_at:] = rotate(X[drift_at:], angle, centre)
        X_after, y_after = rotate(dataset.X_test, angle, centre), dataset.y_test
    bounds = None
    if dataset.n_features == 2:
        every = np.vstack([X, dataset.X_test] + ([X_after] if X_after is not None else []))
        low, high = every.min(axis=0) - 0.5, every.max(axis=0) + 0.5
        bounds = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
    for array in (X, y, X_after, y_after):
        if array is not None:
            array.setflags(write=False)
    return Stream(dataset.name, X, y, dataset.X_test, dataset.y_test, dataset.n_classes, bounds, drift_at,
                  X_after, y_after, float(angle) if drift_at is not None else 0.0)


# -- three learners on one stream ---------------------------------------------------------------------

#: The learners of a :class:`StreamRace`, in drawing order.
LEARNERS = ("stream", "random", "pool")


class StreamRace(_Stepping):
    """The stream learner, random asking at the same moments, and pool-based sampling with as many labels.

    - ``stream``: a :class:`StreamLearner` with the given threshold, budget and epsilon.
    - ``random``: asks for the arrival after each of the stream learner's labels
      (its starting labels are the same), so it spends labels at the same rate
      and the same moments, on points nobody chose.
    - ``pool``: an :class:`alcore.loop.ActiveLoop` with the same uncertainty
      measure over the whole stream as a pool, seeing every point at once
      (future ones too): an upper reference. It has the same starting labels,
      and takes its next label (the most uncertain point it has not labeled)
      whenever the stream learner does. On a drifting stream it picks from the
      points of the picture of the moment: the first part before the drift,
      the turned part after it.

    Every learner is scored after every arrival on the stream's test split
    of that moment (the drifted one after a drift).

    Parameters
    ----------
    stream : Stream
    model : str, default='logreg'
    measure : {'margin', 'entropy', 'least_confidence'}, default='margin'
    threshold, budget, epsilon
        The stream learner's, as for :class:`StreamLearner`.
    n_start : int, default=4
        Starting labels: the first arrivals, labeled for every learner.
    with_pool : bool, default=True
        Include the pool-based reference (it costs a scan of the pool per label).
    random_state : int, default=0

    Attributes
    ----------
    loops : dict of str to learner
        By name (:data:`LEARNERS`).
    dataset : Stream
    table : dict of str to dict
        Per learner, lists ``labels`` and ``accuracy`` with one entry per arrival.
    """

    def __init__(self, stream: Stream, *, model: str = "logreg", measure: str = "margin", threshold: float = 0.5,
                 budget: int = 50, epsilon: float = 0.0, n_start: int = 4, with_pool: bool = True,
                 random_state: int = 0):
        self.dataset = stream
        self.oracle = PoolOracle(stream.y)
        seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(random_state).spawn(3)]
        shared = dict(model=model, measure=measure, budget=budget, n_start=n_start)
        self.loops = {"stream": StreamLearner.on(stream, threshold=threshold, epsilon=epsilon, random_state=seeds[0],
                                                 **shared),
                      "random": StreamLearner.on(stream, random_state=seeds[1], **shared)}
        if with_pool:
            self.loops["pool"] = ActiveLoop(stream.X, stream.X_test, stream.y_test, stream.n_classes,
                                            LoopConfig(model=model, strategy=measure), random_state=seeds[2])
        self._pool_accuracy = np.nan
        self.table = {name: {"labels": [], "accuracy": []} for name in self.loops}

    @property
    def rounds(self) -> int:
        """Arrivals seen."""
        return len(self.loops["stream"].history)

    @property
    def finished(self) -> bool:
        """True when every point has arrived."""
        return self.loops["stream"].finished

    def step(self) -> Arrival:
        """The next point arrives for every learner; returns what the stream learner did with it."""
        stream, random = self.loops["stream"], self.loops["random"]
        behind = random.n_labeled < stream.n_labeled  # it asks right after each of the stream learner's labels
        arrival = stream.step(self.oracle)
        random.step(self.oracle, ask=behind)
        if "pool" in self.loops:
            self._pool_step(arrival.position)
        for name, loop in self.loops.items():
            self.table[name]["labels"].append(loop.n_labeled)
            self.table[name]["accuracy"].append(self._pool_accuracy if name == "pool" else loop.accuracy)
        return arrival

    def _pool_step(self, position: int) -> None:
        """The pool learner takes as many labels as the stream learner has (the same starting labels first)."""
        stream, pool = self.loops["stream"], self.loops["pool"]
        drift_at = stream.drift_at
        if drift_at is None:
            current = np.ones(self.dataset.n, dtype=bool)
        else:  # the points of the picture of the moment
            current = (np.arange(self.dataset.n) >= drift_at) == (position >= drift_at)
        taught = False
        while pool.n_labeled < stream.n_labeled:
            if pool.n_labeled < min(stream.n_start, stream.n_labeled):
                chosen = np.array(stream.labeled_indices[pool.n_labeled:min(stream.n_start, stream.n_labeled)])
            else:
                candidates = np.flatnonzero(current & ~pool.labeled_mask)
                if candidates.size == 0:
                    break
                chosen = candidates[[int(np.argmax(pool.scores(self.dataset.X[candidates])))]]
            pool.teach(chosen, self.oracle(chosen))
            taught = True
        if pool.n_labeled and (taught or position == stream.drift_at):
            X_test, y_test = stream.test_split(position)
            with single_threaded():
                self._pool_accuracy = float(np.mean(pool.model.predict(X_test) == y_test))

    def run(self) -> "StreamRace":
        """Every arrival that is left."""
        while not self.finished:
            self.step()
        return self

    def summary(self, n_points: int = 40) -> dict:
        """What a measurement keeps of a finished race: flat keys, small arrays.

        Parameters
        ----------
        n_points : int, default=40
            Arrival counts the curves are sampled at (evenly spaced from 1 to
            the stream's length; with a drift, the last arrival before it and
            the first after it too).

        Returns
        -------
        dict of str to numpy.ndarray or float
            ``arrivals``: the sampled arrival counts. Per learner ``name``:
            ``name.accuracy`` and ``name.labels`` at those counts,
            ``name.by_labels`` (:func:`accuracy_by_labels` up to the budget),
            ``name.final`` (accuracy at the end) and ``name.spent`` (labels
            bought). With a drift, for the stream learner: ``drift.before``
            (accuracy just before it), ``drift.left`` (budget left then) and
            ``drift.asked`` (labels bought after it).
        """
        stream = self.loops["stream"]
        n = self.rounds
        if n == 0:
            raise ValueError("No point has arrived yet; step the race first.")
        counts = np.linspace(1, n, min(check_k(n_points, "n_points"), n)).round()
        if stream.drift_at is not None and stream.drift_at < n:
            counts = np.append(counts, [stream.drift_at, stream.drift_at + 1])
        counts = np.unique(counts).astype(int)
        out = {"arrivals": counts.astype(float)}
        for name, columns in self.arrays().items():
            labels, accuracy = columns["labels"], columns["accuracy"]
            out[f"{name}.accuracy"] = accuracy[counts - 1]
            out[f"{name}.labels"] = labels[counts - 1]
            out[f"{name}.by_labels"] = accuracy_by_labels(labels, accuracy, stream.budget)
            out[f"{name}.final"] = float(accuracy[-1])
            out[f"{name}.spent"] = float(labels[-1])
        if stream.drift_at is not None and stream.drift_at < n:
            before = self.table["stream"]
            out["drift.before"] = float(before["accuracy"][stream.drift_at - 1])
            out["drift.left"] = float(stream.budget - before["labels"][stream.drift_at - 1])
            out["drift.asked"] = float(before["labels"][-1] - before["labels"][stream.drift_at - 1])
        return out

    def arrays(self) -> dict:
        """Per learner: ``labels`` and ``accuracy`` after each arrival, as arrays of shape (arrivals,)."""
        return {name: {key: np.asarray(values, dtype=float) for key, values in columns.items()}
                for name, columns in self.table.items()}


def accuracy_by_labels(labels, accuracy, budget: int) -> np.ndarray:
    """Accuracy when a learner first held 1, 2, ..., ``budget`` labels (NaN for counts never held).

    Parameters
    ----------
    labels, accuracy : array-like of shape (arrivals,)
        Labels held and accuracy after each arrival (as in :meth:`StreamRace.arrays`).
    budget : int

    Returns
    -------
    numpy.ndarray of shape (budget,)

    Examples
    --------
    >>> accuracy_by_labels([1, 1, 2, 4], [0.5, 0.5, 0.7, 0.9], 5)
    array([0.5, 0.7, nan, 0.9, nan])
    """
    labels = np.asarray(labels, dtype=int)
    accuracy = np.asarray(accuracy, dtype=float)
    out = np.full(check_k(budget, "budget"), np.nan)
    counts, first = np.unique(labels, return_index=True)
    held = (counts >= 1) & (counts <= budget)
    out[counts[held] - 1] = accuracy[first[held]]
    return out


def threshold_sweep(stream: Stream, thresholds: Sequence[float], **settings) -> dict:
    """The stream learner at each threshold, and random asking at its rate, to the end of the stream.

    Parameters
    ----------
    stream : Stream
    thresholds : sequence of float
    **settings
        The other :class:`StreamRace` settings (``model``, ``measure``,
        ``budget``, ``epsilon``, ``n_start``, ``random_state``).

    Returns
    -------
    dict of str to numpy.ndarray of shape (len(thresholds),)
        ``labels`` bought, final ``accuracy`` of the stream learner, and
        ``random``: final accuracy of random asking with the same labels.
    """
    labels, accuracy, random = [], [], []
    for threshold in thresholds:
        race = StreamRace(stream, threshold=float(threshold), with_pool=False, **settings).run()
        labels.append(race.loops["stream"].n_labeled)
        accuracy.append(race.loops["stream"].accuracy)
        random.append(race.loops["random"].accuracy)
    return {"labels": np.array(labels, dtype=float), "accuracy": np.array(accuracy), "random": np.array(random)}
