"""Every acquisition function on one model state: the zoo.

A :class:`State` is one learner at one round (an
:class:`alcore.loop.ActiveLoop`: its labeled set and fitted model), seen by
every function of :data:`FUNCTIONS`. Each function is called as
:mod:`alcore.scores` defines it, on model outputs computed once per state
and shared:

- least confidence, margin and entropy read the model's probabilities;
- expected gradient length reads them and the features the model's last,
  linear step sees (:func:`alcore.registry.linear_features`);
- vote entropy and average KL read a bootstrap committee of the same model;
- BALD reads posterior draws, so it needs a model that can sample them
  (:func:`alcore.registry.sampling_models`; :func:`functions_for` leaves it
  out for the others);
- expected error reduction refits the model once per (candidate, label): on
  the pool it scores :data:`EER_CANDIDATES` random candidates, and it
  measures the error on :data:`EER_POOL` random unlabeled points.

Every random draw (the committee's bootstraps, BALD's posterior draws, EER's
subsamples, a random pick) comes from a generator of its own, seeded by the
seed, the number of labels and what it is for (:func:`generator`). So a
function's scores at a state do not depend on which other functions were
scored, or on whether anyone looked at the state before: the same seed and
the same picks give the same history, and a page that shows every function
picks what a script that runs one of them picks.

:func:`run_seed` is one seed of the measurement behind the zoo's verdict.

Examples
--------
>>> from alcore.data import make_dataset
>>> race = learners(make_dataset("multiblobs", n_pool=200, n_classes=3), "logreg", seed=0, seed_size=6, budget=8)
>>> [int(i) for i in (step(race, "margin"), step(race, "entropy"))] == list(race.loops["zoo"].labeled_indices[6:])
True
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np
from scipy.stats import rankdata
from sklearn.pipeline import Pipeline

from alcore import scores
from alcore.data import Dataset
from alcore.loop import ActiveLoop, LoopConfig, Race, cached_property
from alcore.models import Committee, SoftmaxRegression, single_threaded
from alcore.registry import MODELS, STRATEGIES, linear_features, make_model

#: The functions, in the order the zoo shows them (names in ``alcore.registry.STRATEGIES``).
FUNCTIONS = ("least_confidence", "margin", "entropy", "vote_entropy", "kl_disagreement", "egl", "bald", "eer")
#: The baseline learner of the measurement: a uniformly random pick.
RANDOM = "random"
#: Expected error reduction on the pool scores this many random unlabeled candidates per state...
EER_CANDIDATES = 20
#: ... and measures the error on this many random unlabeled points (wherever it scores).
EER_POOL = 200

_PURPOSES = FUNCTIONS + ("committee", "eer_eval", RANDOM)
_PLACES = ("pool", "grid")
_LEARNER = "zoo"


def functions_for(model: str) -> tuple:
    """The functions a model can serve, in :data:`FUNCTIONS` order: all of them, but BALD
    only with a model that can sample its posterior.

    Examples
    --------
    >>> "bald" in functions_for("logreg"), "bald" in functions_for("laplace_logreg")
    (False, True)
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}.")
    can_sample = MODELS[model].samples_posterior
    return tuple(name for name in FUNCTIONS if can_sample or not STRATEGIES[name].needs_samples)


def linear_last_step(model: str) -> bool:
    """Whether a model's last step is softmax-linear, so that expected gradient length's closed form
    is its true expected gradient (for the others it is that formula on the raw features).

    Examples
    --------
    >>> linear_last_step("poly_logreg"), linear_last_step("knn")
    (True, False)
    """
    estimator = make_model(model)
    return isinstance(estimator[-1] if isinstance(estimator, Pipeline) else estimator, SoftmaxRegression)


def generator(seed: int, n_labels: int, purpose: str, place: str = "pool") -> np.random.Generator:
    """The generator of one kind of random draw at a state.

    Parameters
    ----------
    seed : int
        The learner's seed.
    n_labels : int
        Labels the learner has.
    purpose : str
        A function of :data:`FUNCTIONS`, ``"committee"`` (its bootstraps),
        ``"eer_eval"`` (where EER measures the error) or ``"random"``.
    place : {'pool', 'grid'}
        Where the draws are used: the pool or a map's grid.
    """
    if purpose not in _PURPOSES:
        raise ValueError(f"purpose must be one of {_PURPOSES}, got {purpose!r}.")
    if place not in _PLACES:
        raise ValueError(f"place must be one of {_PLACES}, got {place!r}.")
    return np.random.default_rng([int(seed), int(n_labels), _PURPOSES.index(purpose), _PLACES.index(place)])


class _Outputs:
    """The model's outputs at points X, each computed on first use."""

    def __init__(self, state: "State", X: np.ndarray):
        self.state, self.X = state, X

    @cached_property
    def probs(self) -> np.ndarray:
        return self.state.loop.predict_proba(self.X)

    @cached_property
    def member_probs(self) -> np.ndarray:
        return self.state.committee.member_probs(self.X)


class State:
    """A learner at one round, seen by every acquisition function.

    Parameters
    ----------
    loop : alcore.loop.ActiveLoop
        The learner (fitted on its labels); read, never changed.
    seed : int
        The learner's seed: with the number of labels, it seeds every
        random draw at this state (:func:`generator`).

    Attributes
    ----------
    candidates : numpy.ndarray of int
        The unlabeled pool indices, in the order of :meth:`pool_scores`.
    """

    def __init__(self, loop: ActiveLoop, seed: int):
        self.loop = loop
        self.seed = int(seed)
        self.n_labels = loop.n_labeled
        self.candidates = np.flatnonzero(~loop.labeled_mask)
        self._pool: dict = {}
        self._pool_outputs = _Outputs(self, loop.X_pool[self.candidates])

    def _generator(self, purpose: str, place: str = "pool") -> np.random.Generator:
        return generator(self.seed, self.n_labels, purpose, place)

    @cached_property
    def committee(self) -> Committee:
        """The bootstrap committee of the learner's model (``config.n_members`` members) on its labels."""
        loop = self.loop
        committee = Committee(loop.model.estimator, loop.n_classes, loop.config.n_members,
                              rng=self._generator("committee"))
        with single_threaded():
            return committee.fit(loop.X_pool[loop.labeled_indices], loop.labels)

    @cached_property
    def eer_eval(self) -> np.ndarray:
        """Where expected error reduction measures the error: :data:`EER_POOL` random unlabeled points."""
        return self.loop.X_pool[self.candidates[_sample(self.candidates.size, EER_POOL, self._generator("eer_eval"))]]

    def _utilities(self, function: str, outputs: _Outputs, place: str) -> np.ndarray:
        """One function's utilities at the outputs' points (EER: at every one of them)."""
        loop = self.loop
        if function in ("least_confidence", "margin", "entropy"):
            return getattr(scores, function)(outputs.probs, check_input=False)
        if function == "egl":
            return scores.expected_gradient_length(outputs.probs, linear_features(loop.model, outputs.X),
                                                   check_input=False)
        if function == "vote_entropy":
            return scores.vote_entropy(outputs.member_probs.argmax(axis=2), loop.n_classes, check_input=False)
        if function == "kl_disagreement":
            return scores.kl_disagreement(outputs.member_probs, check_input=False)
        if function == "bald":
            draws = loop.model.sample_proba(outputs.X, loop.config.mc_samples, rng=self._generator("bald", place))
            return scores.bald(draws, check_input=False)
        if function == "eer":
            return scores.expected_error_reduction(loop.model, loop.X_pool[loop.labeled_indices], loop.labels,
                                                   outputs.X, X_eval=self.eer_eval, check_input=False)
        raise ValueError(f"function must be one of {FUNCTIONS}, got {function!r}.")

    def _check(self, functions: Sequence[str]) -> None:
        unknown = [name for name in functions if name not in FUNCTIONS]
        if unknown:
            raise ValueError(f"functions must be among {FUNCTIONS}, got {unknown}.")
        served = functions_for(self.loop.config.model)
        wrong = [name for name in functions if name not in served]
        if wrong:
            raise ValueError(f"{self.loop.config.model} cannot serve {wrong}; it serves {served}.")

    def scores(self, X, functions: Sequence[str] = FUNCTIONS) -> dict:
        """Each function's utilities at points X (a map's grid): every point is scored, by EER too.

        Parameters
        ----------
        X : array-like of shape (n, d)
        functions : sequence of str
            Functions of :data:`FUNCTIONS` the learner's model serves.

        Returns
        -------
        dict of str to numpy.ndarray of shape (n,)
        """
        self._check(functions)
        outputs = _Outputs(self, np.asarray(X, dtype=float))
        with single_threaded():
            return {name: self._utilities(name, outputs, "grid") for name in functions}

    def pool_scores(self, functions: Sequence[str] = FUNCTIONS) -> dict:
        """Each function's utilities at the unlabeled pool (:attr:`candidates` order), kept for the state.

        Expected error reduction scores :data:`EER_CANDIDATES` random
        candidates; the others are NaN (not scored, so never picked).

        Returns
        -------
        dict of str to numpy.ndarray of shape (n_candidates,)
        """
        self._check(functions)
        with single_threaded():
            for name in functions:
                if name in self._pool:
                    continue
                if self.candidates.size == 0:  # every point is labeled: nothing to score
                    self._pool[name] = np.empty(0)
                    continue
                if name == "eer":
                    rows = _sample(self.candidates.size, EER_CANDIDATES, self._generator("eer"))
                    utilities = np.full(self.candidates.size, np.nan)
                    utilities[rows] = self._utilities(name, _Outputs(self, self.loop.X_pool[self.candidates[rows]]),
                                                      "pool")
                else:
                    utilities = np.asarray(self._utilities(name, self._pool_outputs, "pool"), dtype=float)
                utilities.setflags(write=False)
                self._pool[name] = utilities
        return {name: self._pool[name] for name in functions}

    def pick(self, function: str) -> int:
        """The pool index a function asks for: its highest utility (the first of any tie);
        :data:`RANDOM` picks uniformly."""
        if self.candidates.size == 0:
            raise ValueError(f"The pool is exhausted: all {self.loop.X_pool.shape[0]} points are labeled.")
        if function == RANDOM:
            return int(self.candidates[self._generator(RANDOM).integers(self.candidates.size)])
        return int(self.candidates[np.nanargmax(self.pool_scores([function])[function])])


def _sample(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` of ``range(n)`` drawn without replacement, sorted (all of them when n <= size)."""
    return np.arange(n) if n <= size else np.sort(rng.choice(n, size=size, replace=False))


def learners(data: Dataset, model: str, *, seed: int, seed_size: int, budget: int) -> Race:
    """The zoo's learner: one :class:`ActiveLoop` with ``model`` on ``data``, taught the seed set.

    A :class:`Race` of one (its loop is ``race.loops["zoo"]``), so it has a
    budget, an oracle and the seed set every lab uses. Its config's strategy
    is never asked: :func:`step` picks.
    """
    return Race(data, {_LEARNER: LoopConfig(model=model)}, seed=int(seed), seed_size=int(seed_size),
                budget=int(budget))


def step(race: Race, function: str, state: Optional[State] = None) -> int:
    """One label for the zoo's learner: the point ``function`` asks for, with its true label.

    Parameters
    ----------
    race : Race
        From :func:`learners`.
    function : str
        A function of :data:`FUNCTIONS` (or :data:`RANDOM`).
    state : State, optional
        The learner's current state, if it was already scored (its scores are reused).

    Returns
    -------
    int
        The pool index taught.
    """
    loop = race.loops[_LEARNER]
    if state is None or state.loop is not loop or state.n_labels != loop.n_labeled:
        state = State(loop, race.seed)
    index = state.pick(function)
    loop.teach(np.array([index]), race.oracle(np.array([index])))
    return index


def rank_agreement(utilities: Mapping[str, np.ndarray]) -> np.ndarray:
    """Spearman's rank correlation of every pair of functions over the points both scored.

    Parameters
    ----------
    utilities : mapping of str to numpy.ndarray of shape (n,)
        Each function's utilities at the same points; NaN where it did not
        score a point (EER on the pool).

    Returns
    -------
    numpy.ndarray of shape (F, F)
        In the mapping's order; 1 on the diagonal of a function that ranks
        anything; NaN for a pair where either is constant on the shared
        points, or that shares fewer than 3 (a flat map ranks nothing).

    Examples
    --------
    >>> rank_agreement({"a": np.array([1.0, 2, 3]), "b": np.array([3.0, 1, 2])}).round(2)
    array([[ 1. , -0.5],
           [-0.5,  1. ]])
    """
    columns = [np.asarray(u, dtype=float) for u in utilities.values()]
    finite = [np.isfinite(column) for column in columns]
    own = [_centred_ranks(column, mask) for column, mask in zip(columns, finite)]  # each over all it scored
    size = len(columns)
    result = np.full((size, size), np.nan)
    for i in range(size):
        for j in range(i, size):
            if np.array_equal(finite[i], finite[j]):
                a, b = own[i], own[j]
            else:
                shared = finite[i] & finite[j]
                a, b = _centred_ranks(columns[i], shared), _centred_ranks(columns[j], shared)
            spread = np.sqrt(np.dot(a, a) * np.dot(b, b))
            if a.size >= 3 and spread > 0:
                result[i, j] = result[j, i] = float(np.clip(np.dot(a, b) / spread, -1.0, 1.0))
    return result


def _centred_ranks(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The ranks of the values under the mask (ties share their mean rank), minus their mean."""
    ranks = rankdata(values[mask])
    return ranks - ranks.mean()


def same_pick(utilities: Mapping[str, np.ndarray]) -> np.ndarray:
    """Whether two functions pick the same point (their highest utility), (F, F) bool, in the mapping's order."""
    picks = np.array([np.nanargmax(u) for u in utilities.values()])
    return picks[:, None] == picks[None, :]


def run_seed(data: Dataset, model: str, *, seed: int, seed_size: int, budget: int, every: int = 10,
             functions: Optional[Sequence[str]] = None) -> dict:
    """One seed of the zoo's measurement.

    Every function the model serves, and random picks, each teach their own
    learner from the same seed set up to ``budget`` labels. Along random's
    path (which favours no function), at the seed set and every ``every``
    labels after it, every function scores the pool: how their rankings
    correlate and whether they pick the same point.

    Parameters
    ----------
    data : Dataset
        This seed's draw of the data.
    model : str
        A model of ``alcore.registry.MODELS``.
    seed, seed_size, budget : int
        As for :func:`learners`.
    every : int, default=10
        Labels between two looks at the agreement.
    functions : sequence of str, optional
        The functions compared, in :data:`FUNCTIONS` order; every one the
        model serves (:func:`functions_for`) when None.

    Returns
    -------
    dict
        ``curves``: {name: (labels, test accuracy)} for each function and
        :data:`RANDOM`; ``functions``: the functions, in order; ``checkpoints``:
        the label counts of the looks; ``rho`` and ``same``: arrays of shape
        (n_looks, F, F) of :func:`rank_agreement` and :func:`same_pick`.
    """
    functions = functions_for(model) if functions is None else tuple(functions)
    curves, rho, same, checkpoints = {}, [], [], []
    for name in functions + (RANDOM,):
        race = learners(data, model, seed=seed, seed_size=seed_size, budget=budget)
        loop = race.loops[_LEARNER]
        start = loop.n_labeled
        while True:
            state = State(loop, race.seed)
            if name == RANDOM and (loop.n_labeled - start) % every == 0 and state.candidates.size:
                utilities = state.pool_scores(functions)
                rho.append(rank_agreement(utilities))
                same.append(same_pick(utilities))
                checkpoints.append(loop.n_labeled)
            if race.finished:
                break
            step(race, name, state)
        curves[name] = loop.curve
    return dict(curves=curves, functions=functions, checkpoints=np.array(checkpoints), rho=np.array(rho),
                same=np.array(same))


# -- the uncertainty measures on the probability simplex ---------------------------------------------------

#: The three measures that read only the probabilities (the post's comparison).
UNCERTAINTY = ("least_confidence", "margin", "entropy")


def lattice(n_classes: int, steps: int) -> np.ndarray:
    """Every probability vector of ``n_classes`` whose entries are multiples of ``1 / steps``.

    Examples
    --------
    >>> lattice(2, 2)
    array([[0. , 1. ],
           [0.5, 0.5],
           [1. , 0. ]])
    """
    if n_classes not in (2, 3):
        raise ValueError(f"n_classes must be 2 or 3, got {n_classes!r}.")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}.")
    first = np.arange(steps + 1)
    if n_classes == 2:
        counts = np.column_stack([first, steps - first])
    else:
        a, b = np.meshgrid(first, first, indexing="ij")
        keep = a + b <= steps
        counts = np.column_stack([a[keep], b[keep], steps - a[keep] - b[keep]])
    return counts / steps


def order_disagreement(a, b, *, tolerance: float = 1e-9) -> tuple:
    """How many pairs of points two measures order differently.

    A pair is ordered the same way when both measures say the same of it:
    the first higher, the second higher, or a tie (values within
    ``tolerance`` of each other, relative to the measure's largest magnitude,
    count as a tie, so rounding never makes a disagreement).

    Parameters
    ----------
    a, b : array-like of shape (n,)
        Two measures at the same points.
    tolerance : float, default=1e-9

    Returns
    -------
    (int, int)
        Pairs ordered differently, and pairs in all (n (n - 1) / 2).

    Examples
    --------
    >>> order_disagreement([0.1, 0.2, 0.3], [1.0, 3.0, 2.0])
    (1, 3)
    """
    signs = []
    for values in (a, b):
        values = np.asarray(values, dtype=float)
        scale = max(float(np.abs(values).max()), np.finfo(float).tiny) if values.size else 1.0
        difference = values[:, None] - values[None, :]
        signs.append(np.where(np.abs(difference) <= tolerance * scale, 0, np.sign(difference)).astype(np.int8))
    n = signs[0].shape[0]
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    return int(((signs[0] != signs[1]) & upper).sum()), n * (n - 1) // 2
