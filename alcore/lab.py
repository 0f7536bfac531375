"""What the failure-mode lab shows, computed: a failure's learner started
without stepping, the figures one running learner shows live, and the
per-condition measurement over seeds with a plain verdict.

Everything here builds on :mod:`alcore.failures` (the scenarios and their
fixes); nothing here draws. A script can use it as the app does::

    from alcore.failures import FAILURES
    from alcore import lab

    mode = lab.tuned(FAILURES["sampling_bias"], 0.3)           # epsilon 0.3
    race = lab.start(mode, seed=0, condition="on")
    for _ in range(mode.n_queries):
        race.step()
    loop = race.loops["learner"]
    print(lab.first_marked(loop, race.dataset.marked))         # label count, or None
    off = lab.measure_condition(mode, "off", range(20))
    on = lab.measure_condition(mode, "on", range(20))
    print(lab.compare(off["hidden_never_labeled"], on["hidden_never_labeled"], higher_is_better=False))
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from alcore.data import Dataset, make_dataset
from alcore.failures import FailureMode, failure_metrics, get_failure, run_failure
from alcore.fixes import (ReliabilityBins, apply_temperature, density_weighted, expected_calibration_error,
                          reliability_bins)
from alcore.loop import ActiveLoop, QueryContext, Race
from alcore.models import single_threaded
from alcore.stats import Estimate, estimate

#: Which way is better for each figure of :data:`alcore.failures.METRICS`.
HIGHER_IS_BETTER = {
    "hidden_never_labeled": False,
    "outlier_query_share": False,
    "mean_accuracy_first_20": True,
    "ece": False,
    "ece_raw": False,
    "accuracy": True,
}


def tuned(mode, value=None, *, seed_size: Optional[int] = None) -> FailureMode:
    """A failure mode with its fix's number (epsilon, beta) or its seed-set size changed.

    Parameters
    ----------
    mode : str or FailureMode
    value : float, optional
        New value of the fix's numeric setting; unchanged when None.
    seed_size : int, optional
        New seed-set size; unchanged when None.

    Returns
    -------
    FailureMode
    """
    mode = get_failure(mode)
    changes = {}
    if value is not None:
        ((key, old),) = mode.fix
        if isinstance(old, (bool, str)):
            raise ValueError(f"{mode.name}'s fix is {key}={old!r}, which has no number to tune; pass value=None.")
        changes["fix"] = ((key, float(value)),)
    if seed_size is not None:
        if isinstance(seed_size, bool) or int(seed_size) != seed_size or seed_size < 1:
            raise ValueError(f"seed_size must be a positive integer, got {seed_size!r}.")
        changes["seed_size"] = int(seed_size)
    return dataclasses.replace(mode, **changes) if changes else mode


def fix_is_idle(mode) -> bool:
    """True when the fix's setting turns it off (epsilon 0, beta 0): fix on = fix off."""
    ((key, value),) = get_failure(mode).fix
    return not isinstance(value, (bool, str)) and value == 0


def start(mode, seed: int, condition: str, *, data: Optional[Dataset] = None, n_pool: int = 1000,
          n_test: int = 500) -> Race:
    """A failure's learner with its seed set taught and no query made yet.

    The same learner as :func:`alcore.failures.run_failure` builds (step it
    ``mode.n_queries`` times to get that run), so a live run and the
    measurement agree. Pass ``data`` to put several conditions on one draw.

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
        One learner, ``"learner"``.
    """
    mode = get_failure(mode)
    if data is None:
        data = make_dataset(mode.dataset, n_pool=n_pool, n_test=n_test, random_state=seed)
    return Race(data, {"learner": mode.config(condition)}, seed=seed, seed_size=mode.seed_size,
                seed_method=mode.seed_method_for(condition))


# -- figures of one running learner ---------------------------------------------------------------

def _seed_count(loop: ActiveLoop) -> int:
    return int(loop.history[0].queried.size) if loop.history else 0


def first_marked(loop: ActiveLoop, marked) -> Optional[int]:
    """The label count at which the learner first labeled a marked point (None: not yet).

    A value up to the seed-set size means a marked point was in the seed set.
    """
    marked = np.asarray(marked, dtype=bool)
    hits = np.flatnonzero(marked[loop.labeled_indices])
    return int(hits[0]) + 1 if hits.size else None


def marked_queries(loop: ActiveLoop, marked) -> tuple[int, int]:
    """(queries that hit a marked point, queries made), the seed set not counted."""
    marked = np.asarray(marked, dtype=bool)
    queried = loop.labeled_indices[_seed_count(loop):]
    return int(marked[queried].sum()), int(queried.size)


def queried_points(loop: ActiveLoop, first: Optional[int] = None) -> np.ndarray:
    """Pool indices the learner asked for after its seed set, in order (the first ``first`` only)."""
    queried = loop.labeled_indices[_seed_count(loop):]
    return queried if first is None else queried[:first]


def accuracy_over_queries(loop: ActiveLoop, first: int = 20) -> float:
    """Mean test accuracy after each of the first ``first`` queries made so far (NaN before any).

    The live counterpart of ``mean_accuracy_first_20`` in :func:`alcore.failures.failure_metrics`.
    """
    counts, accuracy = loop.curve
    n_seed = _seed_count(loop)
    chosen = (counts > n_seed) & (counts <= n_seed + first)
    return float(accuracy[chosen].mean()) if chosen.any() else float("nan")


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


def pick_without_temperature(loop: ActiveLoop) -> Optional[int]:
    """The pool point the learner's strategy would rank first on its unscaled probabilities.

    Compare with the point it does pick (temperature scaling on) to see
    whether the temperature changed the query. The strategy's top utility,
    as the top-k selector picks for a batch of one, after density weighting
    when the config has it; random strategies get a separate generator, so
    calling this never changes the loop's history. None when the pool is used up.
    """
    candidates = np.flatnonzero(~loop.labeled_mask)
    if candidates.size == 0:
        return None
    ctx = QueryContext(loop, loop.X_pool[candidates], np.random.default_rng(0))
    with single_threaded():
        utilities = np.asarray(loop.strategy.utility(ctx), dtype=np.float64)
    if loop.config.density_beta:
        utilities = density_weighted(utilities, loop.pool_density[candidates], loop.config.density_beta)
    return int(candidates[int(np.argmax(utilities))])


# -- the measurement over seeds ----------------------------------------------------------------------

def measure_condition(mode, condition: str, seeds: Sequence[int], *, n_pool: int = 1000, n_test: int = 500,
                      progress: Optional[Callable[[float], None]] = None) -> dict:
    """One condition of :func:`alcore.failures.measure_failure`, over seeds.

    Split out so an app can cache the conditions apart: moving the fix's
    slider re-runs only ``"on"``. Same runs, same figures, seed for seed.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{metric: one value per seed}`` (see :data:`alcore.failures.METRICS`).
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


def summarise(values) -> Estimate:
    """Mean and 95% interval of a figure of :data:`alcore.failures.METRICS` over seeds.

    Every such figure is a share, an accuracy or an ECE, so it lies in
    [0, 1]; with few seeds a Student-t interval can spill past the ends
    (a share of 98% with "90 to 106%"), so the interval is cut there.
    """
    with warnings.catch_warnings():  # one seed has no interval (NaN); numpy warns about it
        warnings.simplefilter("ignore", RuntimeWarning)
        return _clipped(estimate(values), 0.0, 1.0)


def _clipped(value: Estimate, low: float, high: float) -> Estimate:
    if np.isnan(value.low):
        return value
    return Estimate(value.mean, max(value.low, low), min(value.high, high), value.n)


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
        difference = _clipped(estimate(on - off), -1.0, 1.0)
    finite = np.isfinite(on - off)
    if finite.any() and np.all((on - off)[finite] == 0):
        verdict = "same"
    elif np.isnan(difference.low) or difference.low <= 0 <= difference.high:
        verdict = "no clear effect"
    else:
        verdict = "helps" if (difference.mean > 0) == higher_is_better else "hurts"
    return Comparison(summarise(off), summarise(on), difference, verdict)
