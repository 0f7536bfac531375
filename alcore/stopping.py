"""When to stop asking for labels: three rules, watched round by round, and
how far from the accuracy plateau each one stops.

- **Stabilizing predictions** (Bloodgood and Vijay-Shanker, 2009): Cohen's
  kappa between the predictions of successive models on a fixed *stop set*
  of unlabeled points; stop once it has stayed at or above ``kappa`` (0.99)
  for ``window`` (3) rounds in a row. It needs no labels, only predictions.
- **Overall uncertainty**: the mean normalized entropy of the model's
  predictions on the unlabeled pool (0: sure of every point, 1: a uniform
  guess everywhere); stop once it is below ``entropy``.
- **A label budget**: stop once ``budget`` labels are in.

A :class:`StopWatch` records what the rules read after every round of a
learner (through its predictions, or an ``alcore.loop.ActiveLoop``); the
rules are evaluated when asked, so a threshold can change afterwards.
:func:`summarize_stops` measures over many runs how far from the plateau of
the learning curve each rule stops: labels past it, and accuracy given up.
Plain numpy: no test labels are read by the rules; only the summaries,
which judge the rules, use the test accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from alcore._checks import check_fraction, check_k
from alcore.scores import entropy
from alcore.stats import Estimate, estimate

#: The rules, by name, in the words the app uses.
RULES = {"stable": "predictions stabilized", "uncertainty": "uncertainty low", "budget": "budget reached"}


@dataclass(frozen=True)
class StopRules:
    """The rules' settings.

    Attributes
    ----------
    kappa : float, default=0.99
        Agreement between successive models' predictions that counts as stable.
    window : int, default=3
        Rounds in a row the agreement must hold.
    entropy : float, default=0.3
        Mean normalized entropy of the unlabeled pool below which the model
        counts as sure enough.
    budget : int or None, default=None
        Labels after which to stop; None: no budget rule.
    stop_set : int, default=500
        Size of the stop set (pool points, fixed for the whole run).
    """

    kappa: float = 0.99
    window: int = 3
    entropy: float = 0.3
    budget: Optional[int] = None
    stop_set: int = 500

    def __post_init__(self):
        check_fraction(self.kappa, "kappa")
        check_k(self.window, "window")
        check_fraction(self.entropy, "entropy")
        if self.budget is not None:
            check_k(self.budget, "budget")
        check_k(self.stop_set, "stop_set")


def cohen_kappa(a, b, n_classes: Optional[int] = None) -> float:
    """Cohen's kappa: agreement between two labelings beyond what chance gives.

    ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the share of points labeled the
    same and ``p_e`` the agreement expected if each labeled independently at
    its own class rates. When both give one and the same class to every point
    (``p_e = 1``), the agreement is complete and kappa is 1.

    Parameters
    ----------
    a, b : array-like of int, shape (n,)
        Two labelings of the same points (class indices).
    n_classes : int, optional
        Number of classes; one more than the largest label when None.

    Returns
    -------
    float
        1 for identical labelings, 0 for chance agreement, negative below it.

    Examples
    --------
    >>> cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1])
    0.5
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0 or a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise ValueError("a and b must be non-empty 1-D integer arrays of the same length.")
    if min(a.min(), b.min()) < 0:
        raise ValueError("labels must be class indices (0 or more).")
    classes = int(max(a.max(), b.max())) + 1 if n_classes is None else int(n_classes)
    observed = float(np.mean(a == b))
    expected = float(np.bincount(a, minlength=classes) @ np.bincount(b, minlength=classes)) / a.size ** 2
    if expected >= 1.0:
        return 1.0
    return (observed - expected) / (1.0 - expected)


def mean_normalized_entropy(probs) -> float:
    """Mean over points of the predictive entropy divided by its largest value, log C.

    Examples
    --------
    >>> mean_normalized_entropy([[0.5, 0.5], [1.0, 0.0]])
    0.5
    """
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"probs must be (n, C) with C >= 2 classes, got shape {probs.shape}.")
    if probs.shape[0] == 0:
        return float("nan")
    return float(np.mean(entropy(probs)) / np.log(probs.shape[1]))


def first_stable(kappas, threshold: float = 0.99, window: int = 3) -> Optional[int]:
    """The first round at which the last ``window`` kappas are all at least ``threshold``.

    Parameters
    ----------
    kappas : array-like of float
        Kappa of each round against the round before (NaN where there is no
        round before, which never counts as stable).

    Returns
    -------
    int or None
        The round's index, or None if the rule never fires.

    Examples
    --------
    >>> first_stable([np.nan, 0.995, 0.98, 0.99, 1.0, 0.999, 0.5])
    5
    """
    stable = np.asarray(kappas, dtype=float) >= threshold  # NaN >= x is False
    run = 0
    for i, ok in enumerate(stable):
        run = run + 1 if ok else 0
        if run >= window:
            return i
    return None


def first_true(condition) -> Optional[int]:
    """Index of the first True, or None."""
    hits = np.flatnonzero(np.asarray(condition, dtype=bool))
    return int(hits[0]) if hits.size else None


def fired(labels, kappas, entropies, rules: StopRules) -> dict:
    """The round at which each rule first fires (rules that never fire are left out).

    Parameters
    ----------
    labels, kappas, entropies : array-like, shape (n_rounds,)
        Labels after each round, kappa against the round before (NaN for the
        first), mean normalized entropy of the unlabeled pool (NaN when none
        is left, which never counts as low).
    rules : StopRules

    Returns
    -------
    dict of str to int
        Rule name (a key of :data:`RULES`) -> round index.
    """
    with np.errstate(invalid="ignore"):
        found = {"stable": first_stable(kappas, rules.kappa, rules.window),
                 "uncertainty": first_true(np.asarray(entropies, dtype=float) < rules.entropy),
                 "budget": None if rules.budget is None else first_true(np.asarray(labels) >= rules.budget)}
    return {rule: round_ for rule, round_ in found.items() if round_ is not None}


def choose_stop_set(n_pool: int, size: int, seed: int) -> np.ndarray:
    """A fixed stop set: ``min(size, n_pool)`` distinct pool indices, drawn from ``seed`` alone
    (so it never changes any other random choice of a run), sorted."""
    size = min(check_k(size, "size"), check_k(n_pool, "n_pool"))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5709,)))
    return np.sort(rng.choice(n_pool, size=size, replace=False)).astype(np.intp)


@dataclass(frozen=True)
class Stop:
    """Where a rule fired: the round, the labels then, and the test accuracy then."""

    rule: str
    round: int
    n_labels: int
    accuracy: float


class StopWatch:
    """What the stopping rules read, recorded after every round of one learner.

    Parameters
    ----------
    rules : StopRules
        Read when :meth:`stops` is called (``watch.rules`` may be replaced).
    stop_set : array-like of int
        Pool indices of the stop set (see :func:`choose_stop_set`).

    Attributes
    ----------
    labels, accuracy, kappa, entropy : list
        One entry per observed round (kappa NaN for the first).
    """

    def __init__(self, rules: StopRules, stop_set):
        self.rules = rules
        self.stop_set = np.asarray(stop_set, dtype=np.intp)
        self.labels: list[int] = []
        self.accuracy: list[float] = []
        self.kappa: list[float] = []
        self.entropy: list[float] = []
        self._predictions: Optional[np.ndarray] = None

    @property
    def rounds(self) -> int:
        """Rounds observed."""
        return len(self.labels)

    def observe(self, n_labels: int, accuracy: float, stop_probs, unlabeled_probs) -> None:
        """Record a round.

        Parameters
        ----------
        n_labels : int
            Labels the learner has now.
        accuracy : float
            Its test accuracy now (recorded to judge the rules; no rule reads it).
        stop_probs : array-like of shape (len(stop_set), C)
            The model's probabilities on the stop set.
        unlabeled_probs : array-like of shape (n_unlabeled, C)
            Its probabilities on the unlabeled pool (may have no rows).
        """
        stop_probs = np.asarray(stop_probs)
        predictions = np.argmax(stop_probs, axis=1)
        self.kappa.append(float("nan") if self._predictions is None else
                          cohen_kappa(self._predictions, predictions, stop_probs.shape[1]))
        self.entropy.append(mean_normalized_entropy(unlabeled_probs))
        self.labels.append(int(n_labels))
        self.accuracy.append(float(accuracy))
        self._predictions = predictions

    def observe_loop(self, loop) -> None:
        """Record a learner's latest round (an ``ActiveLoop``: its model on the pool, its test accuracy)."""
        probs = loop.predict_proba(loop.X_pool)
        self.observe(loop.n_labeled, loop.curve[1][-1], probs[self.stop_set], probs[~loop.labeled_mask])

    def truncate(self, rounds: int, predictions) -> None:
        """Forget the rounds after the first ``rounds`` (an undo); ``predictions`` are the stop set's
        predictions of the model of the last round kept."""
        for series in (self.labels, self.accuracy, self.kappa, self.entropy):
            del series[rounds:]
        self._predictions = None if not rounds else np.asarray(predictions)

    def stops(self, rules: Optional[StopRules] = None) -> dict:
        """Where each rule first fired (``rules``, or the watch's own): rule name -> :class:`Stop`."""
        rules = self.rules if rules is None else rules
        return {rule: Stop(rule, i, self.labels[i], self.accuracy[i])
                for rule, i in fired(self.labels, self.kappa, self.entropy, rules).items()}


# -- how far from the plateau a rule stops ------------------------------------------------------------

def plateau(labels, accuracy, *, tail: int, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Each run's plateau: its level and where the run reaches it.

    Parameters
    ----------
    labels : array-like of shape (n_points,)
        Label counts, increasing, shared by the runs.
    accuracy : array-like of shape (n_runs, n_points)
    tail : int
        The level is the mean test accuracy over the run's last ``tail`` labels.
    tolerance : float
        The plateau is reached at the first label count whose accuracy is
        within ``tolerance`` of the level.

    Returns
    -------
    level : numpy.ndarray of shape (n_runs,)
    reached : numpy.ndarray of shape (n_runs,)
        Label counts.

    Examples
    --------
    >>> plateau([10, 20, 30, 40], [[0.5, 0.9, 0.95, 0.95]], tail=15, tolerance=0.01)
    (array([0.95]), array([30.]))
    """
    labels = np.asarray(labels, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)
    level = accuracy[:, labels > labels[-1] - check_k(tail, "tail")].mean(axis=1)
    reached = labels[np.argmax(accuracy >= (level - tolerance)[:, None], axis=1)]
    return level, reached


def stop_costs(labels, accuracy, stop_labels, *, tail: int, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """How far from its plateau (:func:`plateau`) each run stopped.

    Parameters
    ----------
    labels : array-like of shape (n_points,)
    accuracy : array-like of shape (n_runs, n_points)
    stop_labels : array-like of shape (n_runs,)
        Where a rule stopped each run (a label count in ``labels``); NaN when
        it never fired.
    tail, tolerance
        As for :func:`plateau`.

    Returns
    -------
    past : numpy.ndarray of shape (n_runs,)
        Labels asked for after the plateau was reached (negative: stopped
        before it); NaN where the rule never fired.
    given_up : numpy.ndarray of shape (n_runs,)
        The plateau's accuracy minus the accuracy at the stop (positive:
        accuracy the early stop gave up); NaN where the rule never fired.

    Examples
    --------
    >>> stop_costs([10, 20, 30, 40], [[0.5, 0.9, 0.95, 0.95]], [20], tail=15, tolerance=0.01)
    (array([-10.]), array([0.05]))
    """
    labels = np.asarray(labels, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)
    stop_labels = np.asarray(stop_labels, dtype=float)
    level, reached = plateau(labels, accuracy, tail=tail, tolerance=tolerance)
    fired_ = np.isfinite(stop_labels)
    where = np.searchsorted(labels, np.where(fired_, stop_labels, labels[0]))
    at_stop = accuracy[np.arange(accuracy.shape[0]), np.minimum(where, labels.size - 1)]
    past = np.where(fired_, stop_labels - reached, np.nan)
    given_up = np.where(fired_, level - at_stop, np.nan)
    return past, given_up


@dataclass(frozen=True)
class RuleSummary:
    """How one rule stopped over many runs.

    Attributes
    ----------
    rule : str
    fired : int
        Runs in which it fired.
    at : Estimate
        Labels at which it stopped.
    past : Estimate
        Labels past the plateau (negative: before it).
    given_up : Estimate
        Accuracy given up against the plateau (a fraction; negative: above it).
    """

    rule: str
    fired: int
    at: Estimate
    past: Estimate
    given_up: Estimate


@dataclass(frozen=True)
class StopSummary:
    """The rules over many runs, against the runs' plateau.

    Attributes
    ----------
    rules : dict of str to RuleSummary
    plateau : Estimate
        The plateau's accuracy.
    reached : Estimate
        Labels at which the plateau is reached.
    n_runs : int
    horizon : int
        Labels the runs went to.
    tail, tolerance
        As passed to :func:`summarize_stops`.
    """

    rules: dict
    plateau: Estimate
    reached: Estimate
    n_runs: int
    horizon: int
    tail: int
    tolerance: float


def summarize_stops(labels, accuracy, kappa, entropies, rules: StopRules, *, tail: int = 50,
                    tolerance: float = 0.01) -> StopSummary:
    """Where each rule stops over many runs, and how far from the plateau.

    Parameters
    ----------
    labels : array-like of shape (n_points,)
        Label counts after each round, shared by the runs.
    accuracy, kappa, entropies : array-like of shape (n_runs, n_points)
        Each run's test accuracy and what the rules read (see :func:`fired`).
    rules : StopRules
    tail : int, default=50
        Labels at the end of the runs that make the plateau.
    tolerance : float, default=0.01
        How close to the plateau counts as reached.

    Returns
    -------
    StopSummary
    """
    labels = np.asarray(labels)
    accuracy = np.asarray(accuracy, dtype=float)
    found = [fired(labels, kappa[run], entropies[run], rules) for run in range(accuracy.shape[0])]
    per_rule = {}
    for rule in RULES:
        if rule == "budget" and rules.budget is None:
            continue
        stop_labels = np.array([labels[stops[rule]] if rule in stops else np.nan for stops in found], dtype=float)
        past, given_up = stop_costs(labels, accuracy, stop_labels, tail=tail, tolerance=tolerance)
        per_rule[rule] = RuleSummary(rule, int(np.isfinite(stop_labels).sum()), estimate(stop_labels),
                                     estimate(past), estimate(given_up, high=1.0))
    level, reached = plateau(labels, accuracy, tail=tail, tolerance=tolerance)
    return StopSummary(per_rule, estimate(level, 0.0, 1.0), estimate(reached, float(labels[0])),
                       int(accuracy.shape[0]), int(labels[-1]), int(tail), float(tolerance))
