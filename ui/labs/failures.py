"""The failure lab's settings, learners and measurement (page: app_pages/failures.py).

One variant (tab) per failure record of :mod:`alcore.failures`; each record
brings its own switch and knob, so nothing here names a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from alcore import lab
from alcore.data import make_dataset
from alcore.failures import FAILURES, FailureMode, Metric
from alcore.loop import RaceGroup
from alcore.registry import STRATEGIES
from alcore.stats import Estimate
from ui.controls import run_params
from ui.measure import failure_args, variant_args
from ui.params import Param, defaults

NAME = "failures"
VARIANTS = tuple(FAILURES)


def _fix_params() -> tuple:
    params = []
    for mode in FAILURES.values():
        params.append(Param(mode.fix.link, True, label=f"{mode.fix.toggle.lower()} switch"))
        knob = mode.fix.knob
        if knob is not None:
            default = mode.fix_value
            params.append(Param(knob.link, int(default) if knob.is_count else float(default), low=knob.low,
                                high=knob.high, digits=None if knob.is_count else 2, label=knob.label.lower()))
    return tuple(params)


PARAMS = (Param("tab", VARIANTS[0], choices=VARIANTS, label="failure",
                labels={name: mode.label for name, mode in FAILURES.items()}),) + _fix_params() + (
    Param("seeds", 20, low=3, high=50, label="number of seeds"),) + run_params(n_high=60)

#: Settings that build new learners when they change (the open failure's switch and knob among them).
REBUILD_ON = tuple(param.name for param in _fix_params())


def mode(values) -> FailureMode:
    """The open failure with the page's knob value."""
    record = FAILURES[values["tab"]]
    knob = record.fix.knob
    if knob is None:
        return record
    value = values[knob.link]
    return lab.tuned(record, int(value) if knob.is_count else round(float(value), 2))


def fix_on(values) -> bool:
    """Whether the open failure's fix is switched on (for the right-hand learner)."""
    return bool(values[FAILURES[values["tab"]].fix.link])


def build(values, seed: int) -> RaceGroup:
    """The fix-off and the fix-on learner (fix off too when switched off), on one draw of the data."""
    failure = mode(values)
    data = make_dataset(failure.dataset, n_pool=lab.N_POOL, n_test=lab.N_TEST, random_state=int(seed))
    group = RaceGroup({"off": lab.start(failure, int(seed), "off", data=data),
                       "on": lab.start(failure, int(seed), "on" if fix_on(values) else "off", data=data)})
    for loop in group.loops.values():
        loop.keep_utilities = 0  # past rounds' pool utilities are never read here
    return group


def measurement(values) -> dict:
    """Fix off, fix on and random sampling over seeds.

    The fix-off and random learners do not depend on the fix's own setting
    (only a knob that changes the scenario, such as the seed-set size, changes
    them), so they are measured once for all its values.
    """
    failure = mode(values)
    knob, seeds = failure.fix.knob, int(values["seeds"])
    value = None if knob is None else failure.fix_value
    shared = value if knob is not None and knob.is_count else None
    return {condition: ("failure", failure_args(failure.name, value if condition == "on" else shared, condition,
                                                seeds))
            for condition in ("off", "on", "random")}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: every failure at its defaults."""
    return [{**defaults(PARAMS), "tab": variant} for variant in VARIANTS]


# -- beyond the tab's own learner and fix: stored tables at the defaults -------------------------------

TABLE_SEEDS = 20

#: The learners of the table "which strategies fall for it": (strategy, selector), None keeping the
#: tab's own. K-centers ignores scores (its strategy is random, the cheapest to compute); the hybrid
#: mixes the tab's own strategy with distance.
TABLE_LEARNERS = (("random", None), ("least_confidence", None), ("margin", None), ("entropy", None),
                  ("vote_entropy", None), ("kl_disagreement", None), ("egl", None), ("random", "k_center"),
                  (None, "hybrid"))


def _own_keys(name: str) -> dict:
    """The tab's own measurement at its defaults and :data:`TABLE_SEEDS` seeds: fix off, on, random."""
    return measurement({**defaults(PARAMS), "tab": name, "seeds": TABLE_SEEDS})


def learner_label(name: str, strategy, selector) -> str:
    """How a row of the strategy table names its learner."""
    record = FAILURES[name]
    if selector == "k_center":
        return "K-centers (distance only)"
    if selector == "hybrid":
        return f"Hybrid ({STRATEGIES[strategy or record.strategy].label} + distance)"
    return STRATEGIES[strategy].label


def is_own(name: str, strategy, selector) -> bool:
    """Whether a table learner is the tab's own."""
    record = FAILURES[name]
    return strategy in (None, record.strategy) and selector in (None, record.selector)


def strategy_keys(name: str) -> dict:
    """``{(strategy, selector): {"off": key, "on": key}}`` for :data:`TABLE_LEARNERS` on a failure's scenario
    (the tab's own learner, and random sampling with the fix off, share the tab's measurement)."""
    own = _own_keys(name)
    keys = {}
    for strategy, selector in TABLE_LEARNERS:
        pair = {}
        for condition in ("off", "on"):
            if is_own(name, strategy, selector):
                pair[condition] = own[condition]
            elif (strategy, selector, condition) == ("random", None, "off"):
                pair[condition] = own["random"]
            else:
                pair[condition] = ("failure_variant", variant_args(name, condition, TABLE_SEEDS, strategy=strategy,
                                                                   selector=selector))
        keys[(strategy, selector)] = pair
    return keys


def elsewhere_keys(name: str) -> dict:
    """``{scenario: {"off": key, "on": key}}``: a failure's fix on every failure's scenario (its own
    first), each run by that scenario's own learner, fix off and on."""
    keys = {name: {condition: key for condition, key in _own_keys(name).items() if condition != "random"}}
    for other in VARIANTS:
        if other != name:
            keys[other] = {"off": _own_keys(other)["off"],
                           "on": ("failure_variant", variant_args(other, "on", TABLE_SEEDS, fix=name))}
    return keys


def stored_keys() -> list:
    """Every key of the tables above, for every failure (the lab store keeps them)."""
    keys = []
    for name in VARIANTS:
        for table in (strategy_keys(name), elsewhere_keys(name)):
            keys += [key for pair in table.values() for key in pair.values()]
    return keys


@dataclass(frozen=True)
class StrategyRow:
    """One learner of the strategy table: the failure's metric with the fix off and on, and against random.

    Attributes
    ----------
    label : str
    own : bool
        The tab's own learner.
    off, on : Estimate
        The metric over the seeds, fix off and on.
    versus_random : str
        With the fix off, paired with random sampling on the same seeds (:func:`alcore.lab.compare`):
        ``"worse"`` (falls for the failure more), ``"better"``, ``"same"`` (no clear difference), or
        ``"reference"`` for random sampling itself.
    fix : str
        What the fix does for this learner (:attr:`alcore.lab.Comparison.verdict`).
    """

    label: str
    own: bool
    off: Estimate
    on: Estimate
    versus_random: str
    fix: str


def strategy_rows(name: str, results: dict) -> list:
    """The strategy table from its measurements (``results[(strategy, selector)][condition]``, as keyed
    by :func:`strategy_keys`)."""
    metric = FAILURES[name].metric
    random_off = results[("random", None)]["off"][metric.key]
    rows = []
    for strategy, selector in TABLE_LEARNERS:
        off, on = (results[(strategy, selector)][c][metric.key] for c in ("off", "on"))
        against = lab.compare(random_off, off, metric.higher_is_better).verdict
        fix = lab.compare(off, on, metric.higher_is_better)
        versus = "reference" if (strategy, selector) == ("random", None) else \
            {"helps": "better", "hurts": "worse"}.get(against, "same")
        rows.append(StrategyRow(learner_label(name, strategy, selector), is_own(name, strategy, selector),
                                fix.off, fix.on, versus, fix.verdict))
    return rows


@dataclass(frozen=True)
class ElsewhereRow:
    """A fix on one failure's scenario, run by that scenario's learner.

    Attributes
    ----------
    scenario : str
        The failure whose scenario it is.
    metric : Metric
        That failure's metric.
    effect, cost : alcore.lab.Comparison
        Fix off against on, paired, on the metric and on final accuracy.
    """

    scenario: str
    metric: Metric
    effect: lab.Comparison
    cost: lab.Comparison


def elsewhere_rows(results: dict) -> list:
    """The where-it-helps table from its measurements (``results[scenario][condition]``, as keyed by
    :func:`elsewhere_keys`)."""
    rows = []
    for scenario, pair in results.items():
        metric = FAILURES[scenario].metric
        rows.append(ElsewhereRow(scenario, metric,
                                 lab.compare(pair["off"][metric.key], pair["on"][metric.key], metric.higher_is_better),
                                 lab.compare(pair["off"]["accuracy"], pair["on"]["accuracy"], True)))
    return rows
