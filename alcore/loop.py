"""The active-learning loop as a state machine, and races between loops.

One round is ``propose(k) -> indices`` (the loop scores the unlabeled pool and
picks a batch), an oracle's answer, and ``teach(indices, labels)`` (the loop
adds the labels, refits and evaluates on the held-out test split). The loop
never sees a label it did not ask for: the pool's labels stay with the oracle.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np

from alcore import fixes
from alcore._checks import as_float_array, check_fraction, check_k
from alcore.data import Dataset
from alcore.models import Committee, TaskModel, single_threaded
from alcore.registry import MODELS, get_selector, get_strategy, make_model, sampling_models
from alcore.stopping import StopRules, StopWatch, choose_stop_set


class cached_property:
    """Compute an attribute on first use, then keep it on the instance.

    Like :class:`functools.cached_property` without its lock: before Python
    3.12 that lock is shared by every instance of the class, so loops run in
    different threads (one per session of a web app) wait for each other's
    model predictions. Each loop and context here is used by one thread.
    """

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass(frozen=True)
class LoopConfig:
    """Everything that defines a learner, hashable so the app can cache on it.

    Attributes
    ----------
    model : str
        Model name in ``alcore.registry.MODELS``.
    strategy : str
        Strategy name in ``alcore.registry.STRATEGIES``.
    selector : str
        Batch selector name in ``alcore.registry.SELECTORS``.
    batch_size : int
        Labels asked per round.
    alpha : float
        Weight of utility against distance for the hybrid selector.
    n_members : int
        Committee size for query-by-committee strategies.
    mc_samples : int
        Posterior draws T for BALD and BatchBALD (models that can sample).
    epsilon : float
        Epsilon-greedy: the chance, per query slot, of a uniformly random
        unlabeled point instead of the selector's pick (0 = off).
    density_beta : float
        Density weighting: utilities are multiplied by the pool's k-NN
        density to this power before the selector (0 = off).
    temperature : bool
        Temperature scaling: the strategy sees the model's probabilities
        softened by a temperature fitted on held-out predictions of the
        labeled set. Strategies that read committee outputs are unaffected.
    """

    model: str = "logreg"
    strategy: str = "entropy"
    selector: str = "top_k"
    batch_size: int = 1
    alpha: float = 0.5
    n_members: int = 5
    mc_samples: int = 20
    epsilon: float = 0.0
    density_beta: float = 0.0
    temperature: bool = False

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {self.model!r}.")
        get_strategy(self.strategy)
        get_selector(self.selector)
        check_k(self.batch_size, "batch_size")
        check_fraction(self.alpha, "alpha")
        if isinstance(self.n_members, bool) or int(self.n_members) != self.n_members or self.n_members < 2:
            raise ValueError(f"n_members must be an integer of at least 2, got {self.n_members!r}.")
        check_k(self.mc_samples, "mc_samples")
        check_fraction(self.epsilon, "epsilon")
        if isinstance(self.density_beta, bool) or not isinstance(self.density_beta, (int, float, np.floating)) \
                or not 0 <= self.density_beta < np.inf:
            raise ValueError(f"density_beta must be a non-negative number (0 = off), got {self.density_beta!r}.")
        if not isinstance(self.temperature, bool):
            raise ValueError(f"temperature must be True or False, got {self.temperature!r}.")

    def with_(self, **changes) -> "LoopConfig":
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True, eq=False)
class Round:
    """What one round did.

    Attributes
    ----------
    n_labels : int
        Labeled points after the round.
    accuracy : float
        Test accuracy after the round's refit.
    queried : numpy.ndarray of int
        Pool indices labeled in this round (the seed set in round 0).
    utilities : numpy.ndarray of float32 or None
        The utility of every pool point when the batch was chosen (NaN on
        points that were already labeled); None for the seed round.
    """

    n_labels: int
    accuracy: float
    queried: np.ndarray
    utilities: Optional[np.ndarray] = None


class QueryContext:
    """What a strategy may look at: candidates, labeled set and fitted model.

    Model outputs are computed on first use and then kept, so a strategy and a
    selector that both need probabilities compute them once.
    """

    def __init__(self, loop: "ActiveLoop", X_candidates: np.ndarray, rng: np.random.Generator):
        self.loop = loop
        self.X_candidates = X_candidates
        self.rng = rng
        self.config = loop.config
        self.n_classes = loop.n_classes
        self.model = loop.model

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return self.X_candidates.shape[0]

    @property
    def X_labeled(self) -> np.ndarray:
        """Features of the labeled points."""
        return self.loop.X_pool[self.loop.labeled_indices]

    @property
    def y_labeled(self) -> np.ndarray:
        """Labels the loop has been taught."""
        return self.loop.labels

    @cached_property
    def probs(self) -> np.ndarray:
        """Model probabilities on the candidates, (n, C)."""
        return self.model.predict_proba(self.X_candidates)

    @cached_property
    def member_probs(self) -> np.ndarray:
        """Committee member probabilities on the candidates, (M, n, C)."""
        return self.loop.committee.member_probs(self.X_candidates)

    @cached_property
    def mc_probs(self) -> np.ndarray:
        """Posterior draws of the model's probabilities on the candidates, (T, n, C).

        T is the config's ``mc_samples``; the draws come from this context's
        generator. Only models with ``sample_proba`` can give them; others
        raise a ValueError that names the models that can.
        """
        return self.model.sample_proba(self.X_candidates, self.config.mc_samples, rng=self.rng)

    @cached_property
    def votes(self) -> np.ndarray:
        """Committee votes on the candidates, (M, n)."""
        return np.argmax(self.member_probs, axis=2)


class ActiveLoop:
    """A learner that asks for labels, one batch per round.

    Parameters
    ----------
    X_pool : array-like of shape (n_pool, d)
        Unlabeled candidates.
    X_test, y_test : array-like
        Held-out evaluation split.
    n_classes : int
        Number of classes of the task.
    config : LoopConfig, default=LoopConfig()
        Model, strategy, selector, batch size.
    random_state : int, default=0
        Seed of every random choice the loop makes (committee bootstraps,
        random strategies and batches): same seed, same history.
    keep_utilities : int, optional
        Keep the pool utilities (``Round.utilities``, one float32 per pool
        point) of the last ``keep_utilities`` rounds only; older rounds keep
        everything else and get ``utilities=None``. None (the default) keeps
        them all. A long session on a large pool otherwise grows by one pool
        vector per round (5,000 points x 300 rounds: 6 MB per learner).
    undo_depth : int, default=0
        How many of the last ``teach`` calls :meth:`undo` can take back. Each
        one keeps a copy of the model from before it (a few kilobytes for a
        linear model), so the default keeps none. The attribute can be
        changed later; lowering it forgets the oldest copies at once.

    Examples
    --------
    >>> from alcore.data import make_dataset
    >>> data = make_dataset("blobs", n_pool=200, n_test=100)
    >>> loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes)
    >>> oracle = PoolOracle(data.y_pool)
    >>> first = loop.teach([0, 1, 2, 3], oracle([0, 1, 2, 3]))
    >>> round_ = loop.step(oracle)
    >>> loop.n_labeled
    5
    """

    def __init__(self, X_pool, X_test, y_test, n_classes: int, config: LoopConfig = LoopConfig(),
                 *, random_state: int = 0, keep_utilities: Optional[int] = None, undo_depth: int = 0):
        if not isinstance(config, LoopConfig):
            raise ValueError(f"config must be a LoopConfig, got {type(config).__name__}.")
        if keep_utilities is not None and (isinstance(keep_utilities, bool) or int(keep_utilities) != keep_utilities
                                           or keep_utilities < 0):
            raise ValueError(f"keep_utilities must be None (keep all) or an integer >= 0, got {keep_utilities!r}.")
        self.keep_utilities = None if keep_utilities is None else int(keep_utilities)
        self.X_pool = as_float_array(X_pool, "X_pool", ndim=2)
        self.X_test = as_float_array(X_test, "X_test", ndim=2)
        self.y_test = np.asarray(y_test)
        if self.y_test.shape != (self.X_test.shape[0],):
            raise ValueError(f"y_test must have one label per row of X_test ({self.X_test.shape[0]}).")
        if self.X_test.shape[1] != self.X_pool.shape[1]:
            raise ValueError("X_test must have as many features as X_pool.")
        limit = MODELS[config.model].max_features
        if limit is not None and self.X_pool.shape[1] > limit:
            raise ValueError(f"{MODELS[config.model].label} takes at most {limit} features and this data has "
                             f"{self.X_pool.shape[1]}: pick another model.")
        self.n_classes = int(n_classes)
        self.config = config
        self.strategy = get_strategy(config.strategy)
        self.selector = get_selector(config.selector)
        for part in (self.strategy, self.selector):
            if part.needs_samples and not MODELS[config.model].samples_posterior:
                able = ", ".join(MODELS[name].label for name in sampling_models())
                raise ValueError(
                    f"{part.label} needs a model that can sample its posterior, and "
                    f"{MODELS[config.model].label} cannot; pick one of: {able}."
                )
        selection_seed, model_seed = np.random.SeedSequence(random_state).spawn(2)
        self.rng = np.random.default_rng(selection_seed)
        self._committee_rng = np.random.default_rng(model_seed)
        self.model = TaskModel(make_model(config.model, random_state), self.n_classes)
        self.labeled_mask = np.zeros(self.X_pool.shape[0], dtype=bool)
        self._order: list[int] = []
        self._labels: list[int] = []
        self._committee: Optional[Committee] = None
        self._temperature: Optional[float] = None
        self._pending: Optional[tuple] = None  # (proposed, their utilities, the choice state before)
        self._undo: list[_Snapshot] = []
        self.undo_depth = undo_depth
        self.history: list[Round] = []

    # -- state -------------------------------------------------------------
    @property
    def labeled_indices(self) -> np.ndarray:
        """Pool indices of the labeled points, in the order they were taught."""
        return np.asarray(self._order, dtype=np.intp)

    @property
    def labels(self) -> np.ndarray:
        """Labels taught so far, aligned with ``labeled_indices``."""
        return np.asarray(self._labels, dtype=np.intp)

    @property
    def n_labeled(self) -> int:
        """Number of labeled points."""
        return len(self._order)

    @property
    def n_unlabeled(self) -> int:
        """Number of points still in the pool."""
        return self.X_pool.shape[0] - self.n_labeled

    @property
    def undo_depth(self) -> int:
        """How many of the last ``teach`` calls :meth:`undo` can take back (0: none)."""
        return self._undo_depth

    @undo_depth.setter
    def undo_depth(self, depth: int) -> None:
        if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
            raise ValueError(f"undo_depth must be an integer >= 0 (0 = no undo), got {depth!r}.")
        self._undo_depth = int(depth)
        del self._undo[:max(0, len(self._undo) - self._undo_depth)]

    @property
    def undoable(self) -> int:
        """How many rounds :meth:`undo` can take back now."""
        return len(self._undo)

    @property
    def note(self) -> str:
        """A plain-words remark on the model's state (empty when all is normal)."""
        if not self._order:
            return "No labels yet: the model predicts equal probabilities for every class."
        return self.model.note

    @property
    def committee(self) -> Committee:
        """The query-by-committee ensemble for the current labeled set (fitted on first use)."""
        if self._committee is None:
            committee = Committee(self.model.estimator, self.n_classes, self.config.n_members,
                                  rng=self._committee_rng)
            with single_threaded():
                self._committee = committee.fit(self.X_pool[self.labeled_indices], self.labels)
        return self._committee

    @property
    def temperature(self) -> float:
        """The temperature the strategy's probabilities are softened by (1.0 when
        ``config.temperature`` is off), fitted on first use after each refit."""
        if not self.config.temperature:
            return 1.0
        if self._temperature is None:
            with single_threaded():
                self._temperature = fixes.calibration_temperature(
                    self.model.estimator, self.X_pool[self.labeled_indices], self.labels, self.n_classes)
        return self._temperature

    @cached_property
    def pool_density(self) -> np.ndarray:
        """k-NN density of every pool point (:func:`alcore.fixes.density`), in (0, 1]."""
        return fixes.density(self.X_pool)

    # -- the round -----------------------------------------------------------
    def context(self, X_candidates=None, rng: Optional[np.random.Generator] = None, *,
                temperature: bool = True) -> QueryContext:
        """A query context on the unlabeled pool, or on other points (for a score map).

        Parameters
        ----------
        X_candidates : array-like, optional
            Points to score; the unlabeled pool when None.
        rng : numpy.random.Generator, optional
            Randomness for the strategy; the loop's own when None. Pass a
            separate generator for displays, so drawing a map never changes
            the loop's history.
        temperature : bool, default=True
            Soften the probabilities by the loop's temperature (when its
            config has temperature scaling); False gives the raw model's.
        """
        if X_candidates is None:
            X_candidates = self.X_pool[~self.labeled_mask]
        ctx = QueryContext(self, X_candidates, self.rng if rng is None else rng)
        if temperature and self.temperature != 1.0:
            ctx.probs = fixes.apply_temperature(ctx.probs, self.temperature)
        return ctx

    def scores(self, X, rng: Optional[np.random.Generator] = None, *, temperature: bool = True) -> np.ndarray:
        """The utility at arbitrary points X (for an acquisition map), with the
        config's density weighting (density relative to the pool) and, unless
        ``temperature=False``, its temperature scaling."""
        if not self._order:
            return np.zeros(np.asarray(X).shape[0])
        X = np.asarray(X, dtype=float)
        with single_threaded():
            utilities = self.strategy.utility(self.context(X, rng or np.random.default_rng(0),
                                                           temperature=temperature))
        if self.config.density_beta:
            utilities = self._weight_by_density(utilities, fixes.density(self.X_pool, X))
        return utilities

    def _weight_by_density(self, utilities, density) -> np.ndarray:
        """Density weighting; utilities that can be negative (such as expected
        error reduction's) are first shifted to start at 0, which keeps their order."""
        utilities = np.asarray(utilities, dtype=np.float64)
        if utilities.min() < 0:
            utilities = utilities - utilities.min()
        return fixes.density_weighted(utilities, density, self.config.density_beta)

    def propose(self, k: Optional[int] = None, exclude=None) -> np.ndarray:
        """Choose the next batch.

        Parameters
        ----------
        k : int, optional
            Batch size; the config's ``batch_size`` when None. Larger than what
            is left in the pool returns all that is left.
        exclude : array-like of int, optional
            Pool indices not to propose (say, images a person skipped, or
            ones a machine labels instead); they are not scored either.

        Returns
        -------
        numpy.ndarray of int
            Pool indices to label, in pick order.

        Notes
        -----
        The fixes in the config compose with any strategy, in this order: the
        strategy scores the candidates (on temperature-scaled probabilities
        when ``temperature``), the utilities are weighted by density when
        ``density_beta > 0``, the selector picks, and with ``epsilon > 0``
        each picked slot may be swapped for a random candidate.
        """
        k = self.config.batch_size if k is None else check_k(k)
        before = (self.rng.bit_generator.state, self._committee_rng.bit_generator.state, self._committee,
                  self._temperature)
        open_ = ~self.labeled_mask
        excluded = np.asarray([] if exclude is None else exclude)
        if excluded.size:
            if excluded.ndim != 1 or excluded.dtype.kind not in "iu" or excluded.min() < 0 \
                    or excluded.max() >= open_.size:
                raise ValueError(f"exclude must be a 1-D array of pool indices in 0..{open_.size - 1}.")
            open_[excluded] = False
        candidates = np.flatnonzero(open_)
        if candidates.size == 0:
            if excluded.size and self.n_unlabeled:
                raise ValueError(f"No point left to propose: the {self.n_unlabeled} unlabeled points are all "
                                 "excluded.")
            raise ValueError(f"The pool is exhausted: all {self.X_pool.shape[0]} points are labeled.")
        with single_threaded():
            ctx = self.context(self.X_pool[candidates])
            utilities = np.asarray(self.strategy.utility(ctx), dtype=np.float64)
            if self.config.density_beta:
                utilities = self._weight_by_density(utilities, self.pool_density[candidates])
            picked = self.selector.select(utilities, ctx, min(k, candidates.size))
        if self.config.epsilon:
            picked, _ = fixes.epsilon_greedy(picked, candidates.size, self.config.epsilon, self.rng)
        chosen = candidates[picked]
        pool_utilities = np.full(self.X_pool.shape[0], np.nan, dtype=np.float32)
        pool_utilities[candidates] = utilities
        self._pending = (chosen, pool_utilities, before)
        return chosen

    def teach(self, indices, labels) -> Round:
        """Add labels for pool points, refit and evaluate.

        Parameters
        ----------
        indices : array-like of int
            Pool indices, unlabeled so far, each once.
        labels : array-like of int
            Their labels, ``0 .. n_classes - 1``.

        Returns
        -------
        Round
            The record appended to ``history``.
        """
        indices = np.asarray(indices)
        labels = np.asarray(labels)
        if indices.ndim != 1 or indices.size == 0 or indices.dtype.kind not in "iu":
            raise ValueError("indices must be a non-empty 1-D array of pool indices.")
        if labels.shape != indices.shape or labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be integers, one per index ({indices.size}).")
        if indices.min() < 0 or indices.max() >= self.X_pool.shape[0]:
            raise ValueError(f"indices must lie in 0..{self.X_pool.shape[0] - 1}.")
        if indices.size > 1 and np.unique(indices).size != indices.size:
            raise ValueError("indices must not repeat a point.")
        if self.labeled_mask[indices].any():
            raise ValueError("Some indices are labeled already; teach only unlabeled points.")
        if labels.min() < 0 or labels.max() >= self.n_classes:
            raise ValueError(f"labels must lie in 0..{self.n_classes - 1}.")
        snapshot = None
        if self._undo_depth:
            snapshot = _Snapshot(copy.deepcopy(self.model), self._committee, self._temperature, self._pending,
                                 self.rng.bit_generator.state, self._committee_rng.bit_generator.state)
            self._undo.append(snapshot)
            del self._undo[:max(0, len(self._undo) - self._undo_depth)]
        utilities = None
        if self._pending is not None and self._pending[0].shape == indices.shape \
                and (self._pending[0] == indices).all():
            utilities = self._pending[1]
        self._pending = None
        self.labeled_mask[indices] = True
        self._order.extend(indices.tolist())
        self._labels.extend(labels.tolist())
        self._committee = None
        self._temperature = None
        with single_threaded():
            self.model.fit(self.X_pool[self.labeled_indices], self.labels)
            accuracy = float(np.mean(self.model.predict(self.X_test) == self.y_test))
        record = Round(self.n_labeled, accuracy, indices.astype(np.intp), utilities)
        self.history.append(record)
        leaving = len(self.history) - 1 - (self.keep_utilities if self.keep_utilities is not None else len(self.history))
        if leaving >= 0 and self.history[leaving].utilities is not None:  # the round that left the window
            if snapshot is not None:
                snapshot.dropped = (leaving, self.history[leaving])
            self.history[leaving] = replace(self.history[leaving], utilities=None)
        return record

    def choices(self) -> tuple:
        """Where the loop's choices stand: its random generators and its latest proposal.

        Give it back to :meth:`restore_choices` to take back proposals made
        since, which change nothing else (say, a batch a person skipped before
        anything was taught). Use :meth:`undo` for what was taught.
        """
        return self.rng.bit_generator.state, self._committee_rng.bit_generator.state, self._pending

    def restore_choices(self, choices: tuple) -> None:
        """Put back what :meth:`choices` gave."""
        self.rng.bit_generator.state, self._committee_rng.bit_generator.state, self._pending = choices

    def undo(self, proposal: bool = False) -> Round:
        """Take back the last :meth:`teach`: its labels, its refit and its record.

        Exact: the loop is as it was just before that call (model, labeled
        set, history, random generators, the proposal it would have taught),
        so teaching the same labels again gives the same history, bit for
        bit. Needs ``undo_depth > 0`` when the labels were taught.

        Parameters
        ----------
        proposal : bool, default=False
            Also take back the :meth:`propose` that chose the round (its
            random choices), so that a :meth:`step` after the undo repeats
            the undone step exactly. The round must have taught the points
            as proposed.

        Returns
        -------
        Round
            The record taken back.

        Raises
        ------
        ValueError
            When there is nothing to take back (nothing taught since the loop
            began keeping copies, or beyond ``undo_depth`` rounds), or, with
            ``proposal``, when the round did not teach its proposal.
        """
        if not self._undo:
            raise ValueError("Nothing to undo: no round kept since undo_depth was set "
                             f"(it keeps the last {self._undo_depth}).")
        snapshot = self._undo[-1]
        if proposal and (snapshot.pending is None or not np.array_equal(snapshot.pending[0],
                                                                           self.history[-1].queried)):
            raise ValueError("The last round did not teach the points it proposed; undo it without proposal=True.")
        self._undo.pop()
        if snapshot.dropped is not None:  # first, as it may be the round taken back (keep_utilities=0)
            where, kept = snapshot.dropped
            self.history[where] = kept
        record = self.history.pop()
        taken = record.queried.size
        self.labeled_mask[self._order[-taken:]] = False
        del self._order[-taken:], self._labels[-taken:]
        self.model, self._committee, self._temperature = snapshot.model, snapshot.committee, snapshot.temperature
        self._pending = snapshot.pending
        self.rng.bit_generator.state = snapshot.rng
        self._committee_rng.bit_generator.state = snapshot.committee_rng
        if proposal:  # as before the proposal: its generators, and the models it fitted on first use
            self.rng.bit_generator.state, self._committee_rng.bit_generator.state, self._committee, \
                self._temperature = snapshot.pending[2]
            self._pending = None
        return record

    def step(self, oracle: Callable[[np.ndarray], np.ndarray], k: Optional[int] = None) -> Round:
        """One round: propose a batch, ask the oracle, teach its answers."""
        indices = self.propose(k)
        return self.teach(indices, oracle(indices))

    def predict_proba(self, X) -> np.ndarray:
        """Current model's probabilities at X, (n, n_classes)."""
        if not self._order:
            return np.full((np.asarray(X).shape[0], self.n_classes), 1.0 / self.n_classes)
        with single_threaded():
            return self.model.predict_proba(X)

    @property
    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(labels used, test accuracy) after each round."""
        return (np.array([r.n_labels for r in self.history]),
                np.array([r.accuracy for r in self.history]))


@dataclass(eq=False)
class _Snapshot:
    """What :meth:`ActiveLoop.undo` needs to restore: the loop's state just before a ``teach``."""

    model: TaskModel
    committee: Optional[Committee]
    temperature: Optional[float]
    pending: Optional[tuple]
    rng: dict
    committee_rng: dict
    dropped: Optional[tuple] = None  # (index, Round) whose utilities that teach dropped


class PoolOracle:
    """A simulated annotator that reads the pool's hidden labels.

    Parameters
    ----------
    y_pool : array-like of int
        The true label of every pool point.

    Attributes
    ----------
    n_queries : int
        Labels handed out so far.
    """

    def __init__(self, y_pool):
        self._y_pool = np.asarray(y_pool)
        self.n_queries = 0

    def __call__(self, indices) -> np.ndarray:
        indices = np.asarray(indices)
        self.n_queries += indices.size
        return self._y_pool[indices]


def choose_seed_set(y_pool, size: int, rng: np.random.Generator, method: str = "per_class",
                    X_pool=None) -> np.ndarray:
    """Pick the initial labeled set, as the experimenter would.

    Parameters
    ----------
    y_pool : array-like of int
        Pool labels (the experimenter may use them to get every class).
    size : int
        Seed-set size; with ``per_class``, it is spread over the classes
        (at least one each where the pool has it).
    rng : numpy.random.Generator
    method : {'per_class', 'random', 'cluster'}, default='per_class'
        ``per_class``: a few of each class; ``random``: uniformly at random;
        ``cluster``: the point nearest each k-means centroid of ``X_pool``
        (:func:`alcore.fixes.cluster_seed`; uses no labels).
    X_pool : array-like of shape (n_pool, d), optional
        Pool features, needed by ``cluster`` only.

    Returns
    -------
    numpy.ndarray of int
        Distinct pool indices.
    """
    y_pool = np.asarray(y_pool)
    size = min(check_k(size, "size"), y_pool.size)
    if method == "random":
        return rng.choice(y_pool.size, size=size, replace=False)
    if method == "cluster":
        if X_pool is None:
            raise ValueError("method='cluster' clusters the pool's features; pass X_pool.")
        return fixes.cluster_seed(X_pool, size, rng)
    if method != "per_class":
        raise ValueError(f"method must be 'per_class', 'random' or 'cluster', got {method!r}.")
    classes = np.unique(y_pool)
    chosen: list[int] = []
    for position, cls in enumerate(rng.permutation(classes)):
        share = size // classes.size + (1 if position < size % classes.size else 0)
        rows = np.flatnonzero(y_pool == cls)
        chosen.extend(rng.choice(rows, size=min(share, rows.size), replace=False).tolist())
    if not chosen:  # fewer seeds than classes still gets one point
        chosen = [int(rng.integers(y_pool.size))]
    return np.asarray(chosen, dtype=np.intp)


class _Stepping:
    """``advance(steps)`` for anything with ``step()`` and ``finished``."""

    def advance(self, steps: int) -> int:
        """Up to ``steps`` rounds (see ``step``), stopping when finished; returns the rounds taken."""
        taken = 0
        for _ in range(check_k(steps, "steps")):
            if self.finished:
                break
            self.step()
            taken += 1
        return taken


@dataclass
class Race(_Stepping):
    """Several learners on the same pool, seed set and test split, stepped together.

    Parameters
    ----------
    dataset : Dataset
    configs : dict of str to LoopConfig
        One learner per entry, keyed by a display name.
    seed : int, default=0
        Seed of the seed set and of every learner's randomness.
    seed_size : int, default=4
        Initial labeled set size.
    seed_method : {'per_class', 'random', 'cluster'}, default='per_class'
    keep_utilities : int, optional
        Passed to every learner (:class:`ActiveLoop`); None keeps all.
    budget : int, optional
        Labels each learner may have (seed set included); None: the whole pool.
    stop_rules : StopRules, optional
        Watch every learner with these stopping rules after each round
        (``watches``, and :meth:`stops`); None watches nothing.

    Examples
    --------
    >>> from alcore.data import make_dataset
    >>> race = Race(make_dataset("blobs", n_pool=100, n_test=50), {"A": LoopConfig(strategy="margin")},
    ...             budget=10)
    >>> race.advance(100), race.rounds, race.finished
    (6, 6, True)
    """

    dataset: Dataset
    configs: dict
    seed: int = 0
    seed_size: int = 4
    seed_method: str = "per_class"
    keep_utilities: Optional[int] = None
    budget: Optional[int] = None
    stop_rules: Optional[StopRules] = None
    loops: dict = field(init=False)
    oracle: PoolOracle = field(init=False)
    watches: dict = field(init=False, repr=False)

    def __post_init__(self):
        if not self.configs:
            raise ValueError("configs is empty; pass at least one LoopConfig.")
        if self.budget is not None:
            self.budget = check_k(self.budget, "budget")
        seed_rng, *loop_seeds = np.random.SeedSequence(self.seed).spawn(1 + len(self.configs))
        data = self.dataset
        self.oracle = PoolOracle(data.y_pool)
        self.seed_indices = choose_seed_set(data.y_pool, self.seed_size, np.random.default_rng(seed_rng),
                                            self.seed_method, X_pool=data.X_pool)
        self.loops = {}
        for (name, config), loop_seed in zip(self.configs.items(), loop_seeds):
            loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, config,
                              random_state=int(loop_seed.generate_state(1)[0]),
                              keep_utilities=self.keep_utilities)
            loop.teach(self.seed_indices, self.oracle(self.seed_indices))
            self.loops[name] = loop
        self.watches = {}
        if self.stop_rules is not None:
            stop_set = choose_stop_set(data.X_pool.shape[0], self.stop_rules.stop_set, self.seed)
            self.watches = {name: StopWatch(self.stop_rules, stop_set) for name in self.loops}
            self._watch()

    def _watch(self) -> None:
        for name, watch in self.watches.items():
            if watch.rounds < len(self.loops[name].history):
                watch.observe_loop(self.loops[name])

    def stops(self) -> dict:
        """Where each stopping rule fired for each watched learner, the race's budget as the label
        budget: learner -> {rule: ``alcore.stopping.Stop``}."""
        return {name: watch.stops(replace(watch.rules, budget=self.budget)) for name, watch in self.watches.items()}

    def _room(self, loop: ActiveLoop) -> int:
        """Labels a learner may still ask for: up to the budget, within the pool."""
        room = loop.n_unlabeled
        return room if self.budget is None else min(room, self.budget - loop.n_labeled)

    @property
    def finished(self) -> bool:
        """True when every learner has used its budget (or its whole pool)."""
        return all(self._room(loop) <= 0 for loop in self.loops.values())

    @property
    def rounds(self) -> int:
        """Rounds taken since the seed set (by the learner that took most)."""
        return max(len(loop.history) for loop in self.loops.values()) - 1

    def step(self, k: Optional[int] = None) -> dict:
        """One round for every learner that may still ask: a batch of its config's size (or
        ``k``), cut to what its budget and pool leave. Returns the rounds, by learner."""
        rounds = {}
        for name, loop in self.loops.items():
            room = self._room(loop)
            if room > 0:
                rounds[name] = loop.step(self.oracle, min(loop.config.batch_size if k is None else k, room))
        self._watch()
        return rounds



class RaceGroup(_Stepping):
    """Races on the same data stepped together, when learners need seed sets of their own.

    A failure's fix-off and fix-on learners share the draw of the data but
    not always the seed set (the clustered seed is the fix), and each runs
    exactly as it does alone, so the live pair and the measurement agree
    seed for seed. Offers what a :class:`Race` offers: ``loops`` (one per
    race, by the race's name; each race's first learner), ``dataset``,
    ``step``, ``advance``, ``finished`` and ``rounds``.

    Parameters
    ----------
    races : dict of str to Race
        Races on one dataset, each with one learner.
    """

    def __init__(self, races: dict):
        if not races:
            raise ValueError("races is empty; pass at least one Race.")
        datasets = {id(race.dataset) for race in races.values()}
        if len(datasets) != 1:
            raise ValueError("races must share one Dataset object (draw it once, pass it to each).")
        self.races = dict(races)
        self.dataset = next(iter(races.values())).dataset
        self.loops = {name: next(iter(race.loops.values())) for name, race in races.items()}

    @property
    def finished(self) -> bool:
        """True when every race is finished."""
        return all(race.finished for race in self.races.values())

    @property
    def rounds(self) -> int:
        """Rounds taken by the race that took most."""
        return max(race.rounds for race in self.races.values())

    def step(self) -> dict:
        """One round of every race that is not finished; returns the rounds, by race."""
        return {name: next(iter(race.step().values())) for name, race in self.races.items() if not race.finished}



def _race_one_seed(make_data, configs, seed, budget, seed_size, seed_method):
    """Run one seed of a race to ``budget`` labels; return each learner's curve."""
    with single_threaded():
        race = Race(make_data(seed), configs, seed=seed, seed_size=seed_size, seed_method=seed_method,
                    budget=budget)
        race.advance(budget)
    return {name: loop.curve for name, loop in race.loops.items()}


def race_curves(make_data: Callable[[int], Dataset], configs: dict, seeds: Sequence[int], budget: int,
                *, seed_size: int = 4, seed_method: str = "per_class",
                progress: Optional[Callable[[float], None]] = None) -> tuple[np.ndarray, dict]:
    """Run the same race over many seeds and return every learning curve.

    Parameters
    ----------
    make_data : callable
        ``make_data(seed) -> Dataset``: a fresh draw of the data for each seed.
    configs : dict of str to LoopConfig
    seeds : sequence of int
    budget : int
        Labels to reach (seed set included); the last batch may be cut short.
    seed_size, seed_method
        As for :class:`Race`.
    progress : callable, optional
        Called with the fraction done (0 to 1) after each seed.

    Returns
    -------
    labels : numpy.ndarray of int, shape (n_points,)
        Label counts at which accuracy is recorded: the seed set's size, then
        one entry per round.
    accuracy : dict of str to numpy.ndarray, shape (n_seeds, n_points)
        Test accuracy of each learner for each seed (a run that exhausted its
        pool early keeps its last value).
    """
    budget = check_k(budget, "budget")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed.")
    runs = []
    for done, seed in enumerate(seeds, start=1):
        runs.append(_race_one_seed(make_data, configs, seed, budget, seed_size, seed_method))
        if progress is not None:
            progress(done / len(seeds))
    labels = max((curve[0] for run in runs for curve in run.values()), key=len)
    return labels, {
        name: np.array([np.pad(run[name][1], (0, labels.size - run[name][1].size), mode="edge")
                        for run in runs])
        for name in configs
    }
