"""What a failure mode is made of: its scenario, its fix and the fix's knob,
its metric, and the figures a running learner shows. Each failure in this
package is one :class:`FailureMode` record in a module of its own; the lab
and the measurement loop over the records, so no code names a failure.

Nothing here runs a learner: :mod:`alcore.lab` builds and runs them. The
figures below read a learner (an :class:`alcore.loop.ActiveLoop`) through its
public attributes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

# The three learners a failure is measured with: its learner with the fix off
# and on, and random sampling with the same model (fix off) for reference.
CONDITIONS = ("off", "on", "random")


def check_condition(condition: str) -> str:
    """The condition, or a ValueError naming the valid ones."""
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {CONDITIONS}, got {condition!r}.")
    return condition


@dataclass(frozen=True)
class Metric:
    """A figure measured on each finished run.

    Attributes
    ----------
    key : str
        Name in the per-run figures (``"hidden_never_labeled"``).
    name : str
        What it is, in a sentence ("runs that never label the hidden cluster").
    head : str
        Short column head ("never found the cluster").
    scale, digits, unit
        How to show it: ``value * scale`` with ``digits`` decimals and ``unit``.
    higher_is_better : bool
    """

    key: str
    name: str
    head: str
    scale: float = 1.0
    digits: int = 3
    unit: str = ""
    higher_is_better: bool = True


ACCURACY = Metric("accuracy", "test accuracy after the last query", "final accuracy", 100, 1, "%", True)


@dataclass(frozen=True)
class Knob:
    """The number a visitor may turn: the fix's own setting, or the scenario's seed-set size.

    Attributes
    ----------
    setting : str
        ``"seed_size"`` (the starting labels, for every learner), or the name
        of the fix's numeric setting (``"epsilon"``, ``"density_beta"``).
    label : str
        Slider label.
    low, high, step : float
        Slider range and step.
    help, caption : str
        One line each: the slider's tooltip, and the caption under it.
    link : str
        Short name of the value in a link (URL).
    """

    setting: str
    label: str
    low: float
    high: float
    step: float
    help: str
    caption: str
    link: str

    @property
    def is_count(self) -> bool:
        """True for a whole number (the seed-set size)."""
        return self.setting == "seed_size"


@dataclass(frozen=True)
class Fix:
    """A fix: the setting that switches it on, and how to speak of it.

    Attributes
    ----------
    name : str
        In a sentence: "epsilon-greedy", "the clustered seed".
    toggle : str
        Label of its switch: "Epsilon-greedy".
    setting : tuple of (str, value) pairs
        ``LoopConfig`` fields, or ``seed_method`` for a fix that changes the
        starting labels (a pair tuple keeps the record hashable).
    knob : Knob, optional
        The number a visitor may turn.
    no_knob : str
        What to say where there is no knob.
    link : str
        Short name of its on/off switch in a link (URL).
    """

    name: str
    toggle: str
    setting: tuple
    knob: Optional[Knob] = None
    no_knob: str = ""
    link: str = ""

    @property
    def settings(self) -> dict:
        """The fix as keyword arguments."""
        return dict(self.setting)

    @property
    def changes_seed_set(self) -> bool:
        """True when the fix changes how the starting labels are chosen."""
        return "seed_method" in self.settings


@dataclass(frozen=True)
class LiveFigure:
    """What one running learner shows of its failure: a card and a panel subtitle.

    Attributes
    ----------
    label : str
        Card title, without the side ("Hidden cluster").
    value : str
        Card value ("labeled").
    note : str
        Card note ("first at label 17").
    subtitle : str
        A few words under the learner's panel title; may hold ** tags.
    """

    label: str
    value: str
    note: str
    subtitle: str = ""


@dataclass(frozen=True)
class FailureMode:
    """A failure of active learning, the scenario that shows it, and its fix.

    Attributes
    ----------
    name : str
        Key in :data:`alcore.failures.FAILURES`.
    label : str
        Short title for the UI.
    dataset : str
        Scenario key in ``alcore.data.DATASETS`` (drawn with its default noise).
    model, strategy : str
        The learner that fails.
    seed_size : int
        Initial labeled set size.
    seed_method : str
        How the seed set is chosen with the fix off.
    n_queries : int
        Queries a run makes after the seed set.
    fix : Fix
    cause, remedy : str
        One plain sentence each: why active learning fails here, what the fix does.
    story : str
        A plain paragraph (markdown) on the cause and the fix, for the lab.
    metric : Metric
        The figure that shows the failure; the verdict is about it.
    metrics : tuple of Metric
        Everything measured on a run (``metric`` among them; accuracy last).
    figures : callable
        ``figures(loop, data) -> {metric key: float}`` for one finished run.
    live : callable, optional
        ``live(loop, data) -> LiveFigure``: what a running learner shows.
    outline : str
        What the points in ``Dataset.marked`` are ("the hidden cluster"); empty
        when the picture outlines nothing.
    numbered_queries : int
        Number the first this-many queries in the picture (0: ring the newest).
    watch : callable, optional
        ``watch(loop) -> pool index or None``, called before each step of the
        fix-on learner: the point it would ask for without its fix, so the lab
        can count the queries the fix changed.
    view : str
        Name of an extra view the lab draws for this failure ("calibration"),
        or empty.
    selector : str
        The learner's batch selector (``"top_k"``: the top utility); random
        sampling always uses top-k.
    symptom : str
        What a learner that falls for the failure is, after "is" ("drawn to
        the outliers"), for sentences that compare learners.
    """

    name: str
    label: str
    dataset: str
    model: str
    strategy: str
    seed_size: int
    seed_method: str
    n_queries: int
    fix: Fix
    cause: str
    remedy: str
    story: str
    metric: Metric
    metrics: tuple
    figures: Callable = field(repr=False)
    live: Optional[Callable] = field(default=None, repr=False)
    outline: str = ""
    numbered_queries: int = 0
    watch: Optional[Callable] = field(default=None, repr=False)
    view: str = ""
    selector: str = "top_k"
    symptom: str = ""

    @property
    def budget(self) -> int:
        """Labels a run ends with: the seed set and the queries."""
        return self.seed_size + self.n_queries

    def settings(self, condition: str) -> dict:
        """The learner's ``LoopConfig`` arguments in a condition (see :data:`CONDITIONS`)."""
        condition = check_condition(condition)
        settings = dict(model=self.model, strategy="random" if condition == "random" else self.strategy,
                        selector="top_k" if condition == "random" else self.selector)
        if condition == "on":
            settings.update({key: value for key, value in self.fix.setting if key != "seed_method"})
        return settings

    def seed_method_for(self, condition: str) -> str:
        """How the seed set is chosen in a condition."""
        if check_condition(condition) == "on":
            return self.fix.settings.get("seed_method", self.seed_method)
        return self.seed_method

    @property
    def fix_value(self):
        """The fix's knob value (epsilon, beta) or the seed-set size; None without a knob."""
        knob = self.fix.knob
        if knob is None:
            return None
        return self.seed_size if knob.is_count else self.fix.settings[knob.setting]

    @property
    def fix_text(self) -> str:
        """The fix with its setting, in words: "epsilon-greedy (epsilon 0.2)"."""
        knob = self.fix.knob
        if knob is None or knob.is_count:
            return self.fix.name
        return f"{self.fix.name} ({knob.label.lower()} {self.fix_value:g})"

    @property
    def fix_is_idle(self) -> bool:
        """True when the fix's setting turns it off (epsilon 0, beta 0): fix on = fix off."""
        return any(not isinstance(value, (bool, str)) and value == 0 for _, value in self.fix.setting)


# -- figures of one learner (an ActiveLoop), shared by the failures -----------------------------------

def seed_count(loop) -> int:
    """Size of the learner's seed set (its first round)."""
    return int(loop.history[0].queried.size) if loop.history else 0


def first_marked(loop, marked) -> Optional[int]:
    """The label count at which the learner first labeled a marked point (None: not yet).

    A value up to the seed-set size means a marked point was in the seed set.
    """
    marked = np.asarray(marked, dtype=bool)
    hits = np.flatnonzero(marked[loop.labeled_indices])
    return int(hits[0]) + 1 if hits.size else None


def marked_queries(loop, marked) -> tuple[int, int]:
    """(queries that hit a marked point, queries made), the seed set not counted."""
    marked = np.asarray(marked, dtype=bool)
    queried = loop.labeled_indices[seed_count(loop):]
    return int(marked[queried].sum()), int(queried.size)


def queried_points(loop, first: Optional[int] = None) -> np.ndarray:
    """Pool indices the learner asked for after its seed set, in order (the first ``first`` only)."""
    queried = loop.labeled_indices[seed_count(loop):]
    return queried if first is None else queried[:first]


def accuracy_over_queries(loop, first: int = 20) -> float:
    """Mean test accuracy after each of the first ``first`` queries made so far (NaN before any)."""
    counts, accuracy = loop.curve
    n_seed = seed_count(loop)
    chosen = (counts > n_seed) & (counts <= n_seed + first)
    return float(accuracy[chosen].mean()) if chosen.any() else float("nan")
