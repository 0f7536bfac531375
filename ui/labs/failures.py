"""The failure lab's settings, learners and measurement (page: app_pages/failures.py).

One variant (tab) per failure record of :mod:`alcore.failures`; each record
brings its own switch and knob, so nothing here names a failure.
"""

from __future__ import annotations

from alcore import lab
from alcore.data import make_dataset
from alcore.failures import FAILURES, FailureMode
from alcore.loop import RaceGroup
from ui.controls import run_params
from ui.measure import failure_args
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
