"""The failure-mode lab, computed: a failure's learner started without
stepping, a run to the end with its figures, the measurement over seeds (fix
off, fix on, random sampling) and a paired verdict.

Everything here builds on the records of :mod:`alcore.failures` (the
scenarios, their fixes and metrics); nothing here draws. A script can use it
as the app does::

    from alcore import lab

    mode = lab.tuned("sampling_bias", 0.3)                     # epsilon 0.3
    race = lab.start(mode, seed=0, condition="on")
    race.advance(mode.n_queries)
    print(mode.live(race.loops["learner"], race.dataset).value)  # "labeled" or "not labeled"
    off = lab.measure_condition(mode, "off", range(20))
    on = lab.measure_condition(mode, "on", range(20))
    print(lab.compare(off[mode.metric.key], on[mode.metric.key], mode.metric.higher_is_better))
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from alcore.data import Dataset, make_dataset
from alcore.failures import CONDITIONS, FailureMode, get_failure
from alcore.fixes import ReliabilityBins, apply_temperature, expected_calibration_error, reliability_bins
from alcore.loop import ActiveLoop, LoopConfig, Race
from alcore.registry import get_selector, get_strategy
from alcore.stats import Estimate, estimate

#: The scenarios' sizes: a live run and the measurement draw the same data.
N_POOL, N_TEST = 1000, 500


def tuned(mode, value=None) -> FailureMode:
    """A failure mode with its knob turned: the fix's number (epsilon, beta) or the seed-set size.

    Parameters
    ----------
    mode : str or FailureMode
    value : float or int, optional
        The knob's new value (see :attr:`alcore.failures.Fix.knob`); the mode
        as it is when None.

    Returns
    -------
    FailureMode
    """
    mode = get_failure(mode)
    if value is None:
        return mode
    knob = mode.fix.knob
    if knob is None:
        raise ValueError(f"{mode.name}'s fix ({mode.fix.name}) has no knob to turn; pass value=None.")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not knob.low <= value <= knob.high:
        raise ValueError(f"{knob.label.lower()} must be a number from {knob.low:g} to {knob.high:g}, got {value!r}.")
    if knob.is_count:
        if int(value) != value:
            raise ValueError(f"{knob.label.lower()} must be a whole number, got {value!r}.")
        return dataclasses.replace(mode, seed_size=int(value))
    setting = tuple((key, float(value) if key == knob.setting else old) for key, old in mode.fix.setting)
    return dataclasses.replace(mode, fix=dataclasses.replace(mode.fix, setting=setting))


def variant(mode, *, strategy: Optional[str] = None, selector: Optional[str] = None, fix=None) -> FailureMode:
    """A failure's scenario with another learner, or with another failure's fix.

    The scenario, its model, its starting labels, its queries and its metric
    stay; what changes is who picks (to ask which strategies fall for the
    failure) or which fix is switched on (to ask where a fix helps and where
    it costs).

    Parameters
    ----------
    mode : str or FailureMode
        The failure whose scenario runs.
    strategy, selector : str, optional
        The learner's strategy and batch selector (registry names) instead of
        the record's own.
    fix : str or FailureMode, optional
        A failure whose fix, at its own setting, replaces this one's.

    Returns
    -------
    FailureMode

    Examples
    --------
    >>> variant("outlier_attraction", strategy="entropy").settings("off")["strategy"]
    'entropy'
    >>> variant("cold_start", fix="sampling_bias").settings("on")["epsilon"]
    0.2
    """
    mode = get_failure(mode)
    changes = {}
    if strategy is not None:
        changes["strategy"] = get_strategy(strategy).name
    if selector is not None:
        changes["selector"] = get_selector(selector).name
    if fix is not None:
        changes["fix"] = get_failure(fix).fix
    return dataclasses.replace(mode, **changes)


def config(mode, condition: str) -> LoopConfig:
    """The learner's config in a condition: the failing learner, fix off or on, or random sampling."""
    return LoopConfig(**get_failure(mode).settings(condition))


def start(mode, seed: int, condition: str, *, data: Optional[Dataset] = None, n_pool: int = N_POOL,
          n_test: int = N_TEST) -> Race:
    """A failure's learner with its seed set taught and no query made yet.

    The same learner as :func:`run_failure` runs (``race.advance(mode.n_queries)``
    gives that run), so a live run and the measurement agree. Pass ``data``
    to put several conditions on one draw.

    Parameters
    ----------
    mode : str or FailureMode
    seed : int
        Seed of the data (when ``data`` is None), the seed set and the learner.
    condition : {'off', 'on', 'random'}
    data : Dataset, optional
        The scenario's data; drawn with ``seed`` when None.
    n_pool, n_test : int
        Scenario sizes when the data is drawn here.

    Returns
    -------
    Race
        One learner, ``"learner"``, with the mode's budget.
    """
    mode = get_failure(mode)
    if data is None:
        data = make_dataset(mode.dataset, n_pool=n_pool, n_test=n_test, random_state=seed)
    return Race(data, {"learner": config(mode, condition)}, seed=seed, seed_size=mode.seed_size,
                seed_method=mode.seed_method_for(condition), budget=mode.budget)


def run_failure(mode, seed: int, condition: str, *, n_pool: int = N_POOL, n_test: int = N_TEST) -> Race:
    """One learner on a failure's scenario, run for its ``n_queries``.

    Parameters
    ----------
    mode : str or FailureMode
        Key in :data:`alcore.failures.FAILURES`, or a failure mode.
    seed : int
        Seed of the data, the seed set and the learner.
    condition : {'off', 'on', 'random'}
        Fix off, fix on, or random sampling (fix off).
    n_pool, n_test : int
        Scenario sizes.

    Returns
    -------
    Race
        A race with one learner, ``"learner"``, that has made its queries.
    """
    race = start(mode, seed, condition, n_pool=n_pool, n_test=n_test)
    race.advance(get_failure(mode).n_queries)
    return race


def failure_metrics(mode, race: Race) -> dict:
    """The figures that show a failure, for one finished run: ``{metric key: value}``."""
    return get_failure(mode).figures(race.loops["learner"], race.dataset)


def measure_condition(mode, condition: str, seeds: Sequence[int], *, n_pool: int = N_POOL, n_test: int = N_TEST,
                      progress: Optional[Callable[[float], None]] = None) -> dict:
    """One condition over seeds: ``{metric key: one value per seed}``.

    Conditions are measured apart so an app can cache them apart: moving the
    fix's knob re-runs only ``"on"``.
    """
    mode = get_failure(mode)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed.")
    rows = []
    for done, seed in enumerate(seeds, start=1):
        rows.append(failure_metrics(mode, run_failure(mode, seed, condition, n_pool=n_pool, n_test=n_test)))
        if progress is not None:
            progress(done / len(seeds))
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def measure_failure(mode, seeds: Sequence[int], *, n_pool: int = N_POOL, n_test: int = N_TEST,
                    progress: Optional[Callable[[float], None]] = None) -> dict:
    """Fix off, fix on and random sampling over many seeds, paired (the same draws).

    Returns
    -------
    dict
        ``{condition: {metric key: array}}`` for each of
        :data:`alcore.failures.CONDITIONS`, one value per seed; summarise
        with :func:`summarise` and :func:`compare`.
    """
    def part(offset):
        return None if progress is None else (lambda fraction: progress((offset + fraction) / len(CONDITIONS)))

    return {condition: measure_condition(mode, condition, seeds, n_pool=n_pool, n_test=n_test, progress=part(i))
            for i, condition in enumerate(CONDITIONS)}


@dataclass(frozen=True, eq=False)
class Calibration:
    """How well a learner's probabilities match how often it is right, before and after its temperature.

    Attributes
    ----------
    temperature : float
        The learner's temperature (1.0 when its config has temperature scaling off).
    raw, scaled : ReliabilityBins
        Reliability bins of the model's probabilities, and of them divided by the temperature.
    ece_raw, ece_scaled : float
        Expected calibration error of each.
    """

    temperature: float
    raw: ReliabilityBins
    scaled: ReliabilityBins
    ece_raw: float
    ece_scaled: float


def calibration(loop: ActiveLoop, X, y, n_bins: int = 10) -> Calibration:
    """Reliability bins and ECE of a learner on (X, y), before and after its temperature."""
    raw = loop.predict_proba(X)
    temperature = float(loop.temperature) if loop.n_labeled else 1.0
    scaled = apply_temperature(raw, temperature) if temperature != 1.0 else raw
    return Calibration(temperature, reliability_bins(raw, y, n_bins), reliability_bins(scaled, y, n_bins),
                       expected_calibration_error(raw, y, n_bins), expected_calibration_error(scaled, y, n_bins))


# -- the measurement over seeds ----------------------------------------------------------------------

def summarise(values) -> Estimate:
    """Mean and 95% interval of a figure of :data:`alcore.failures.METRICS` over seeds.

    Every such figure is a share, an accuracy or an ECE, so it lies in
    [0, 1]; with few seeds a Student-t interval can spill past the ends
    (a share of 98% with "90 to 106%"), so the interval is cut there.
    """
    with warnings.catch_warnings():  # one seed has no interval (NaN); numpy warns about it
        warnings.simplefilter("ignore", RuntimeWarning)
        return estimate(values, 0.0, 1.0)


@dataclass(frozen=True)
class Comparison:
    """Fix off against fix on over the same seeds (paired).

    Attributes
    ----------
    off, on : Estimate
        Mean and 95% interval of each (:func:`summarise`).
    difference : Estimate
        Of ``on - off``, seed by seed (interval cut at -1 and 1).
    verdict : str
        ``"helps"`` or ``"hurts"`` when the difference's interval excludes 0,
        ``"same"`` when every seed gave the same value, else ``"no clear effect"``.
    """

    off: Estimate
    on: Estimate
    difference: Estimate
    verdict: str


def compare(off, on, higher_is_better: bool) -> Comparison:
    """Paired comparison of per-seed figures with the fix off and on, with a verdict.

    Examples
    --------
    >>> compare([0.5, 0.6, 0.7], [0.7, 0.8, 0.9], higher_is_better=True).verdict
    'helps'
    """
    off = np.asarray(off, dtype=float)
    on = np.asarray(on, dtype=float)
    if off.shape != on.shape or off.ndim != 1:
        raise ValueError(f"off and on must be 1-D with one value per seed each, got {off.shape} and {on.shape}.")
    with warnings.catch_warnings():  # one seed has no interval (NaN); numpy warns about it
        warnings.simplefilter("ignore", RuntimeWarning)
        difference = estimate(on - off, -1.0, 1.0)
    finite = np.isfinite(on - off)
    if finite.any() and np.all((on - off)[finite] == 0):
        verdict = "same"
    elif np.isnan(difference.low) or difference.low <= 0 <= difference.high:
        verdict = "no clear effect"
    else:
        verdict = "helps" if (difference.mean > 0) == higher_is_better else "hurts"
    return Comparison(summarise(off), summarise(on), difference, verdict)
