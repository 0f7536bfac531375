"""A person as the oracle: a learner taught answer by answer, a machine tier, and the same
learner taught by the dataset's labels for comparison.

:class:`PersonLoop` wraps an :class:`alcore.loop.ActiveLoop` for a person at
the keyboard. It shows one pool point at a time (``current``) with the
model's guess and confidence, takes an ``answer``, a ``skip`` or an
``undo``, and refits after every answer, or after a batch of them
(``per_refit``). The loop's own ``propose`` / ``teach`` split does the work:
a person is just another oracle. With a ``threshold``, a machine tier labels
every unlabeled point the model is at least that sure of at each refit, and
only the rest come to the person. A :class:`alcore.stopping.StopWatch`
follows the learner, so the page can say when a stopping rule fires.

:class:`Classroom` keeps, beside the person's learner, the same strategy and
random sampling taught by the dataset's labels, at the same label counts: how
well does the person teach? :func:`simulate` answers with the dataset's
labels (for measurements over seeds), and :func:`summarize_tiers` says what a
machine tier does over many seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Sequence

import numpy as np

from alcore._checks import check_k
from alcore.data import Dataset
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle, choose_seed_set
from alcore.stats import Estimate, estimate, labels_to_reach, paired_saving
from alcore.stopping import StopRules, StopWatch, choose_stop_set

#: Answers an undo can go back by default.
UNDO_DEPTH = 50


@dataclass(frozen=True)
class Answer:
    """One answer of the person.

    Attributes
    ----------
    index : int
        Pool index of the point asked about.
    label : int or None
        The person's answer; None for a skip.
    truth : int
        The dataset's label (kept for the comparison; the learner never reads it).
    guess : int
        The model's guess before the answer.
    confidence : float
        Its probability of the guess.
    when : float or None
        When the answer was given (the caller's clock, say ``time.time()``).
    """

    index: int
    label: Optional[int]
    truth: int
    guess: int
    confidence: float
    when: Optional[float] = None

    @property
    def skipped(self) -> bool:
        """True for a skip."""
        return self.label is None

    @property
    def disagrees(self) -> bool:
        """True when the person's answer differs from the dataset's label."""
        return self.label is not None and self.label != self.truth


@dataclass(frozen=True, eq=False)
class _Checkpoint:
    """A PersonLoop's own state before an answer (the learners keep theirs: ``ActiveLoop.undo``)."""

    queue: tuple
    batch_start: int
    skipped: frozenset
    top: np.ndarray
    guess: np.ndarray
    teaches: int
    choices: tuple
    machine: int
    n_people: int
    observed: int


def starting_labels(dataset: Dataset, seed: int, size: int) -> tuple[np.ndarray, int]:
    """The starting labels (a few of each class, from the dataset) and the learners' random state for a seed."""
    labels_seed, loop_seed = np.random.SeedSequence(int(seed)).spawn(2)
    indices = choose_seed_set(dataset.y_pool, size, np.random.default_rng(labels_seed))
    return indices, int(loop_seed.generate_state(1)[0])


class PersonLoop:
    """An active learner taught by a person, one answer at a time.

    Parameters
    ----------
    dataset : Dataset
    config : LoopConfig, default=LoopConfig()
        Model and strategy (its ``batch_size`` is not used: see ``per_refit``).
    seed_indices : array-like of int
        Starting labels, taught from the dataset's labels.
    random_state : int, default=0
        The learner's randomness (see :class:`alcore.loop.ActiveLoop`).
    per_refit : int, default=1
        Answers per refit: 1 refits after every answer; 10 shows ten points
        chosen together and refits when all ten are answered or skipped.
    threshold : float or None, default=None
        The machine tier: at each refit, every unlabeled point the model
        (the one that chose the batch) gives at least this probability is
        labeled with its guess, and the person is asked only about the rest.
        None: no machine tier. May be changed between answers.
    stop_rules : StopRules, default=StopRules()
        The stopping rules to watch (their budget counts labels from people).
    stop_seed : int, default=0
        Draws the stop set.
    undo_depth : int, default=UNDO_DEPTH
        Answers :meth:`undo` can take back.

    Attributes
    ----------
    answers : list of Answer
        Every answer and skip, in order.
    queue : list of int
        The points of this batch still to ask about; the first is ``current``.
    n_people : int
        Labels from people so far: the starting labels and the answers taught.
    watch : alcore.stopping.StopWatch
        What the stopping rules read, after every refit (labels from people).
    """

    def __init__(self, dataset: Dataset, config: LoopConfig = LoopConfig(), seed_indices=(), *, random_state: int = 0,
                 per_refit: int = 1, threshold: Optional[float] = None, stop_rules: StopRules = StopRules(),
                 stop_seed: int = 0, undo_depth: int = UNDO_DEPTH):
        seed_indices = np.asarray(seed_indices, dtype=np.intp)
        if seed_indices.ndim != 1 or seed_indices.size == 0:
            raise ValueError("seed_indices must hold at least one pool index (the starting labels).")
        if isinstance(undo_depth, bool) or not isinstance(undo_depth, (int, np.integer)) or undo_depth < 0:
            raise ValueError(f"undo_depth must be an integer >= 0, got {undo_depth!r}.")
        self.dataset = dataset
        self.loop = ActiveLoop(dataset.X_pool, dataset.X_test, dataset.y_test, dataset.n_classes, config,
                               random_state=random_state, keep_utilities=0)
        self.per_refit = check_k(per_refit, "per_refit")
        self.threshold = threshold
        self.undo_depth = int(undo_depth)
        self.watch = StopWatch(stop_rules, choose_stop_set(dataset.X_pool.shape[0], stop_rules.stop_set, stop_seed))
        self.answers: list[Answer] = []
        self.queue: list[int] = []
        self.skipped: set[int] = set()
        self._machine: list[tuple[np.ndarray, np.ndarray]] = []
        self._batch_start = 0
        self._checkpoints: list[_Checkpoint] = []
        self.loop.teach(seed_indices, dataset.y_pool[seed_indices])
        self.n_seed = self.n_people = int(seed_indices.size)
        self._look()
        self._next_batch()

    # -- what the page shows ----------------------------------------------------------------------------
    @property
    def threshold(self) -> Optional[float]:
        """The machine tier's confidence threshold (None: off)."""
        return self._threshold

    @threshold.setter
    def threshold(self, value: Optional[float]) -> None:
        if value is not None and (isinstance(value, bool) or not 0.0 < float(value) <= 1.0):
            raise ValueError(f"threshold must be None (no machine tier) or a probability in (0, 1], got {value!r}.")
        self._threshold = None if value is None else float(value)

    @property
    def current(self) -> Optional[int]:
        """The pool index asked about now, or None when nothing is left to ask."""
        return self.queue[0] if self.queue else None

    @property
    def finished(self) -> bool:
        """True when nothing is left to ask (every point labeled, or only skipped ones left)."""
        return not self.queue

    @property
    def pending(self) -> list[Answer]:
        """Answers of this batch, taught when the batch ends."""
        return self.answers[self._batch_start:]

    def guess(self, index: int) -> tuple[int, float]:
        """The model's guess for a pool point and its probability (the model of the last refit)."""
        return int(self._guess[index]), float(self._top[index])

    @property
    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(labels from people, test accuracy) after each refit."""
        return np.asarray(self.watch.labels), np.asarray(self.watch.accuracy)

    @property
    def machine_labeled(self) -> tuple[np.ndarray, np.ndarray]:
        """Pool indices the machine tier labeled, and its labels."""
        if not self._machine:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        return (np.concatenate([i for i, _ in self._machine]), np.concatenate([y for _, y in self._machine]))

    def machine_counts(self) -> tuple[int, int]:
        """(labels the machine tier gave, how many of them differ from the dataset's)."""
        indices, labels = self.machine_labeled
        return int(indices.size), int(np.sum(labels != self.dataset.y_pool[indices]))

    def confident(self) -> np.ndarray:
        """Unlabeled points the machine tier would label now (none when it is off)."""
        if self._threshold is None:
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(~self.loop.labeled_mask & (self._top >= self._threshold))

    @property
    def can_undo(self) -> bool:
        """True when :meth:`undo` has an answer to take back."""
        return bool(self._checkpoints)

    def stops(self) -> dict:
        """Where each stopping rule fired (labels from people): rule -> ``alcore.stopping.Stop``."""
        return self.watch.stops()

    # -- the person's moves -------------------------------------------------------------------------------
    def answer(self, label: int, when: Optional[float] = None) -> Answer:
        """Answer the current point; the last answer of a batch refits and asks the next batch."""
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
                or not 0 <= label < self.dataset.n_classes:
            raise ValueError(f"label must be a class from 0 to {self.dataset.n_classes - 1}, got {label!r}.")
        return self._move(int(label), when)

    def skip(self, when: Optional[float] = None) -> Answer:
        """Skip the current point: it is not asked again (the machine tier may still label it)."""
        return self._move(None, when)

    def undo(self) -> Answer:
        """Take back the last answer or skip; the point is asked again, exactly as before.

        Raises
        ------
        ValueError
            When there is nothing to take back (no answer yet, or beyond
            ``undo_depth`` answers).
        """
        if not self._checkpoints:
            raise ValueError("Nothing to undo." if not self.answers else
                             f"Undo goes back {self.undo_depth} answers at most.")
        checkpoint = self._checkpoints.pop()
        answer = self.answers.pop()
        while len(self.loop.history) > checkpoint.teaches:
            self.loop.undo()
        self.loop.restore_choices(checkpoint.choices)  # and what it proposed since without teaching
        del self._machine[checkpoint.machine:]
        self.watch.truncate(checkpoint.observed, checkpoint.guess[self.watch.stop_set])
        self.queue, self._batch_start = list(checkpoint.queue), checkpoint.batch_start
        self.skipped, self.n_people = set(checkpoint.skipped), checkpoint.n_people
        self._top, self._guess = checkpoint.top, checkpoint.guess
        return answer

    def _move(self, label: Optional[int], when: Optional[float]) -> Answer:
        index = self.current
        if index is None:
            raise ValueError("Nothing is left to ask: every point is labeled or skipped.")
        if self.undo_depth:
            self._checkpoints.append(_Checkpoint(
                tuple(self.queue), self._batch_start, frozenset(self.skipped), self._top, self._guess,
                len(self.loop.history), self.loop.choices(), len(self._machine), self.n_people, self.watch.rounds))
            del self._checkpoints[:max(0, len(self._checkpoints) - self.undo_depth)]
        guess, confidence = self.guess(index)
        answer = Answer(index, label, int(self.dataset.y_pool[index]), guess, confidence, when)
        self.answers.append(answer)
        self.queue.pop(0)
        if label is None:
            self.skipped.add(index)
        if not self.queue:
            self._end_batch()
        return answer

    # -- refits --------------------------------------------------------------------------------------------
    def _look(self) -> None:
        """After a refit: the model's view of the pool (guesses, confidence) and the stopping rules' round."""
        probs = self.loop.predict_proba(self.dataset.X_pool)
        self._top = probs.max(axis=1).astype(np.float32)
        self._guess = probs.argmax(axis=1).astype(np.int16)
        self.watch.observe(self.n_people, self.loop.history[-1].accuracy, probs[self.watch.stop_set],
                           probs[~self.loop.labeled_mask])

    def _teach(self, indices: np.ndarray, labels: np.ndarray, machine: np.ndarray) -> None:
        """Teach the person's answers and the machine tier's labels in one refit."""
        machine_labels = self._guess[machine].astype(np.intp)
        oldest = self._checkpoints[0].teaches if self._checkpoints else None
        # keep exactly the learner's copies that the kept answers' undo needs, and this teach's
        self.loop.undo_depth = 0 if oldest is None else len(self.loop.history) - oldest + 1
        self.loop.teach(np.concatenate([indices, machine]), np.concatenate([labels, machine_labels]))
        if machine.size:
            self._machine.append((machine, machine_labels))
        self.n_people += int(indices.size)
        self._look()

    def _end_batch(self) -> None:
        batch, self._batch_start = self.pending, len(self.answers)
        given = [a for a in batch if not a.skipped]
        indices = np.array([a.index for a in given], dtype=np.intp)
        labels = np.array([a.label for a in given], dtype=np.intp)
        machine = np.setdiff1d(self.confident(), indices)
        if indices.size or machine.size:
            self._teach(indices, labels, machine)
        self._next_batch()

    def _next_batch(self) -> None:
        """Choose the next batch among the points neither skipped nor left to the machine tier; when
        the machine tier would take every point left, it labels them first."""
        while True:
            confident = self.confident()
            excluded = np.union1d(np.fromiter(self.skipped, dtype=np.intp, count=len(self.skipped)), confident)
            open_ = ~self.loop.labeled_mask
            open_[excluded] = False
            left = int(open_.sum())
            if left:
                self.queue = self.loop.propose(min(self.per_refit, left), exclude=excluded).tolist()
                return
            if not confident.size:
                self.queue = []
                return
            self._teach(np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), confident)


class Classroom:
    """The person's learner, and the same strategy and random sampling taught by the dataset's labels.

    All three start from the same starting labels. After every refit of the
    person's learner, the other two ask for as many labels as the person has
    given (the dataset answers), so the three are compared at the same label
    counts; an undo takes theirs back too. Offers what the live-lab machinery
    needs of learners: ``loops``, ``dataset``, ``step()`` (the dataset answers
    the current point for the person), ``finished``, ``rounds`` and ``budget``.

    Parameters
    ----------
    dataset : Dataset
    config : LoopConfig, default=LoopConfig()
        The person's model and strategy (the random learner has the same model).
    seed : int, default=0
        Seed of the starting labels, the stop set and the learners' randomness.
    seed_size : int, default=10
        Starting labels, from the dataset, a few of each class.
    per_refit, threshold, stop_rules, undo_depth
        As for :class:`PersonLoop`.
    """

    def __init__(self, dataset: Dataset, config: LoopConfig = LoopConfig(), *, seed: int = 0, seed_size: int = 10,
                 per_refit: int = 1, threshold: Optional[float] = None, stop_rules: StopRules = StopRules(),
                 undo_depth: int = UNDO_DEPTH):
        seed_indices, random_state = starting_labels(dataset, seed, seed_size)
        self.dataset, self.seed = dataset, int(seed)
        self.person = PersonLoop(dataset, config, seed_indices, random_state=random_state, per_refit=per_refit,
                                 threshold=threshold, stop_rules=stop_rules, stop_seed=seed, undo_depth=undo_depth)
        self.oracle = PoolOracle(dataset.y_pool)
        self.others = {}
        for name, strategy in (("truth", config.strategy), ("random", "random")):
            loop = ActiveLoop(dataset.X_pool, dataset.X_test, dataset.y_test, dataset.n_classes,
                              config.with_(strategy=strategy), random_state=random_state, keep_utilities=0,
                              undo_depth=undo_depth)
            loop.teach(seed_indices, self.oracle(seed_indices))
            self.others[name] = loop

    @property
    def loops(self) -> dict:
        """The learners: ``you`` (the person's), ``truth`` (same strategy) and ``random`` (the dataset's labels)."""
        return {"you": self.person.loop, **self.others}

    @property
    def rounds(self) -> int:
        """Refits of the person's learner since the starting labels."""
        return len(self.person.loop.history) - 1

    @property
    def finished(self) -> bool:
        """True when nothing is left to ask the person."""
        return self.person.finished

    @property
    def budget(self) -> Optional[int]:
        """The label budget of the stopping rules (labels from people)."""
        return self.person.watch.rules.budget

    @budget.setter
    def budget(self, value: Optional[int]) -> None:
        self.person.watch.rules = replace(self.person.watch.rules, budget=value)

    def answer(self, label: int, when: Optional[float] = None) -> Answer:
        """The person answers the current point (see :meth:`PersonLoop.answer`)."""
        answer = self.person.answer(label, when)
        self._follow()
        return answer

    def skip(self, when: Optional[float] = None) -> Answer:
        """The person skips the current point."""
        answer = self.person.skip(when)
        self._follow()
        return answer

    def undo(self) -> Answer:
        """Take back the person's last answer or skip, and what the others asked since."""
        answer = self.person.undo()
        self._follow()
        return answer

    def step(self) -> Answer:
        """The dataset answers the current point for the person."""
        if self.person.current is None:
            raise ValueError("Nothing is left to ask: every point is labeled or skipped.")
        return self.answer(int(self.dataset.y_pool[self.person.current]))

    def _follow(self) -> None:
        """Bring the other learners to the person's label count."""
        target = self.person.n_people
        for loop in self.others.values():
            while loop.n_labeled > target:
                loop.undo(proposal=True)
            if loop.n_labeled < target and loop.n_unlabeled:
                loop.step(self.oracle, min(target - loop.n_labeled, loop.n_unlabeled))


def simulate(dataset: Dataset, config: LoopConfig = LoopConfig(), *, seed: int = 0, seed_size: int = 10,
             per_refit: int = 1, people: int = 100, threshold: Optional[float] = None,
             stop_rules: StopRules = StopRules()) -> PersonLoop:
    """A person's learner answered by the dataset's labels, until it has ``people`` labels from people
    (or nothing is left to ask): the same learner as :class:`Classroom`'s, with a perfect person."""
    seed_indices, random_state = starting_labels(dataset, seed, seed_size)
    learner = PersonLoop(dataset, config, seed_indices, random_state=random_state, per_refit=per_refit,
                         threshold=threshold, stop_rules=stop_rules, stop_seed=seed, undo_depth=0)
    while not learner.finished and learner.n_people < people:
        learner.answer(int(dataset.y_pool[learner.current]))
    return learner


def on_grid(labels, accuracy, grid) -> np.ndarray:
    """A curve read at given label counts: at each, the accuracy after the last refit with at most
    that many labels (NaN before the first).

    Examples
    --------
    >>> on_grid([10, 11, 11, 12], [0.5, 0.6, 0.7, 0.8], [10, 11, 12, 13])
    array([0.5, 0.7, 0.8, 0.8])
    """
    labels, accuracy = np.asarray(labels), np.asarray(accuracy, dtype=float)
    where = np.searchsorted(labels, np.asarray(grid), side="right") - 1
    return np.where(where >= 0, accuracy[np.maximum(where, 0)], np.nan)


@dataclass(frozen=True)
class TierSummary:
    """What a machine tier at one threshold does over many seeds, against no machine tier.

    Attributes
    ----------
    threshold : float or None
        None for the run without a machine tier.
    needed : Estimate
        Labels from people to first reach the target accuracy.
    reached : int
        Seeds that reach it.
    saving : Estimate
        Share of those labels saved against no machine tier (paired; negative: more needed).
    machine : Estimate
        Labels the machine tier gave.
    error : Estimate
        Share of them that differ from the dataset's labels (over seeds where it gave any).
    final : Estimate
        Test accuracy at the end.
    change : Estimate
        Final accuracy minus that without a machine tier (paired).
    """

    threshold: Optional[float]
    needed: Estimate
    reached: int
    saving: Estimate
    machine: Estimate
    error: Estimate
    final: Estimate
    change: Estimate


def summarize_tiers(thresholds: Sequence[Optional[float]], labels, accuracy, machine, wrong,
                    target: float) -> list[TierSummary]:
    """Summarise the machine tier over seeds, each threshold against the first (no machine tier).

    Parameters
    ----------
    thresholds : sequence of float or None
        The conditions, the first None (no machine tier).
    labels : array-like of shape (n_points,)
        Labels from people at each point of the curves.
    accuracy : array-like of shape (n_seeds, n_conditions, n_points)
    machine, wrong : array-like of shape (n_seeds, n_conditions)
        Labels the machine tier gave, and how many differ from the dataset's.
    target : float
        The accuracy to reach.

    Returns
    -------
    list of TierSummary
        One per condition, in order.
    """
    if not thresholds or thresholds[0] is not None:
        raise ValueError("thresholds must start with None: the run without a machine tier, the reference.")
    accuracy = np.asarray(accuracy, dtype=float)
    machine, wrong = np.asarray(machine, dtype=float), np.asarray(wrong, dtype=float)
    needed = [labels_to_reach(labels, accuracy[:, c], target) for c in range(len(thresholds))]
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.where(machine > 0, wrong / machine, np.nan)
    final = accuracy[:, :, -1]
    first = float(np.asarray(labels)[0])
    return [TierSummary(threshold, estimate(needed[c], low=first), int(np.isfinite(needed[c]).sum()),
                        paired_saving(needed[c], needed[0]), estimate(machine[:, c], low=0.0),
                        estimate(error[:, c], 0.0, 1.0), estimate(final[:, c], 0.0, 1.0),
                        estimate(final[:, c] - final[:, 0], -1.0, 1.0))
            for c, threshold in enumerate(thresholds)]
