"""Summaries over seeds: means with 95% intervals, and labels needed to reach
a target accuracy. Every number the app shows people comes through here."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats as scipy_stats

from alcore._checks import as_float_array


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% interval over ``n`` runs (interval NaN when n < 2)."""

    mean: float
    low: float
    high: float
    n: int

    def format(self, digits: int = 1, scale: float = 1.0, unit: str = "", *, signed: bool = False) -> str:
        """The one number format of the app: ``"12.3 (10.1 to 14.5)"``; ``"n/a"`` when the mean is NaN.

        Parameters
        ----------
        digits : int, default=1
            Decimals.
        scale : float, default=1.0
            Multiply by this first (100 for percentages).
        unit : str, default=''
            Written after the mean and after the interval's high end.
        signed : bool, default=False
            Write a + before positive numbers (for differences).

        Examples
        --------
        >>> Estimate(0.123, 0.101, 0.145, 20).format(1, 100, "%")
        '12.3% (10.1 to 14.5%)'
        >>> Estimate(-0.0001, -0.002, 0.003, 20).format(1, 100, signed=True)
        '0.0 (-0.2 to +0.3)'
        """
        if np.isnan(self.mean):
            return "n/a"
        text = number(self.mean * scale, digits, signed) + unit
        if not np.isnan(self.low):
            text += (f" ({number(self.low * scale, digits, signed)} to "
                     f"{number(self.high * scale, digits, signed)}{unit})")
        return text


def number(value: float, digits: int = 1, signed: bool = False) -> str:
    """A number with ``digits`` decimals, never "-0.0"; with ``signed``, "+" before positive ones.

    Examples
    --------
    >>> number(-0.04), number(2.25, 1, signed=True), number(0.0, 0, signed=True)
    ('0.0', '+2.2', '0')
    """
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return ("+" + text) if signed and value > 0 else text


@lru_cache(maxsize=512)
def _t_quantile(degrees_of_freedom: int) -> float:
    return float(scipy_stats.t.ppf(0.975, degrees_of_freedom))


def _t_quantiles(degrees_of_freedom: np.ndarray) -> np.ndarray:
    """Student-t 97.5% quantiles for integer degrees of freedom, any shape.

    The counts are whole numbers and repeat (every round of a race has the
    same number of seeds), so each distinct one is looked up once: scipy's
    ``t.ppf`` costs about half a millisecond per call, every page rerun.
    """
    degrees_of_freedom = np.asarray(degrees_of_freedom)
    distinct, where = np.unique(degrees_of_freedom, return_inverse=True)
    quantiles = np.array([_t_quantile(int(df)) for df in distinct])
    return quantiles[where].reshape(degrees_of_freedom.shape)


def mean_interval(values, axis: int = 0):
    """Mean and Student-t 95% interval along an axis, ignoring NaN.

    Parameters
    ----------
    values : array-like
        Runs along ``axis`` (for example seeds x rounds).
    axis : int, default=0

    Returns
    -------
    mean, low, high : numpy.ndarray
        Arrays with ``axis`` removed; low and high are NaN where fewer than
        two runs are finite.
    """
    values = np.asarray(values, dtype=float)
    count = np.sum(np.isfinite(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fewer than two runs: no interval (NaN), said below
        mean = np.nanmean(values, axis=axis) if values.size else np.nan
        spread = np.nanstd(values, axis=axis, ddof=1) / np.sqrt(count)
        half = _t_quantiles(np.maximum(count - 1, 1)) * spread
    half = np.where(count >= 2, half, np.nan)
    return mean, mean - half, mean + half


def estimate(values, low: float = -np.inf, high: float = np.inf) -> Estimate:
    """Mean and 95% interval of a 1-D sample (NaN entries are ignored).

    Parameters
    ----------
    values : array-like
        One value per run.
    low, high : float, optional
        The range every value lies in (a share in [0, 1], a label count at
        least the seed set's size): with few runs a Student-t interval can
        spill past it ("90 to 106%"), so the interval is cut there.

    Examples
    --------
    >>> estimate([1.0, 1.0, 0.9], high=1.0).high
    1.0
    """
    values = np.asarray(values, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Estimate(np.nan, np.nan, np.nan, 0)
    mean, lower, upper = mean_interval(finite)
    if np.isfinite(lower):
        lower, upper = max(float(lower), low), min(float(upper), high)
    return Estimate(float(mean), float(lower), float(upper), int(finite.size))


def labels_to_reach(labels, accuracy, target: float) -> np.ndarray:
    """Labels each run needs before its accuracy first reaches ``target``.

    Parameters
    ----------
    labels : array-like of shape (n_points,)
        Label counts at which accuracy was recorded (increasing).
    accuracy : array-like of shape (n_runs, n_points)
        One learning curve per run.
    target : float
        Accuracy to reach.

    Returns
    -------
    numpy.ndarray of shape (n_runs,)
        Label counts, NaN for runs that never reach the target.

    Examples
    --------
    >>> labels_to_reach([2, 3, 4], [[0.5, 0.8, 0.9], [0.5, 0.6, 0.7]], 0.8)
    array([ 3., nan])
    """
    labels = as_float_array(labels, "labels", ndim=1)
    accuracy = np.atleast_2d(as_float_array(accuracy, "accuracy", ndim=np.ndim(accuracy)))
    if accuracy.shape[1] != labels.size:
        raise ValueError(f"accuracy has {accuracy.shape[1]} points per run but labels has {labels.size}.")
    reached = accuracy >= target
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), labels[first], np.nan)


def paired_saving(needed_active, needed_baseline, rng=None, n_boot: int = 2000) -> Estimate:
    """Share of labels the active learner saves over the baseline, with a 95% interval.

    The saving is ``1 - mean(active) / mean(baseline)`` over the runs where
    both reached the target; its interval is a paired bootstrap over runs.
    Positive = active needs fewer labels.

    Parameters
    ----------
    needed_active, needed_baseline : array-like of shape (n_runs,)
        Labels each learner needed per run (NaN = never reached).
    rng : numpy.random.Generator, optional
        For the bootstrap; a fixed seed when None, so the figure is stable.
    n_boot : int, default=2000

    Returns
    -------
    Estimate
        Mean saving as a fraction; NaN when no run has both reaching the target.
    """
    active = np.asarray(needed_active, dtype=float)
    baseline = np.asarray(needed_baseline, dtype=float)
    both = np.isfinite(active) & np.isfinite(baseline)
    active, baseline = active[both], baseline[both]
    if active.size == 0 or baseline.sum() == 0:
        return Estimate(np.nan, np.nan, np.nan, 0)
    saving = 1.0 - active.mean() / baseline.mean()
    if active.size < 2:
        return Estimate(float(saving), np.nan, np.nan, 1)
    rng = np.random.default_rng(0) if rng is None else rng
    rows = rng.integers(0, active.size, size=(n_boot, active.size))
    boot = 1.0 - active[rows].mean(axis=1) / np.maximum(baseline[rows].mean(axis=1), 1e-12)
    low, high = np.percentile(boot, [2.5, 97.5])
    return Estimate(float(saving), float(low), float(high), int(active.size))


@dataclass(frozen=True)
class RaceSummary:
    """What a race between two learners over many seeds shows at one target accuracy.

    Attributes
    ----------
    labels : numpy.ndarray of shape (n_points,)
        Label counts at which accuracy was recorded.
    bands : dict of str to (mean, low, high)
        Each learner's mean accuracy per point, with its 95% interval.
    needed : dict of str to Estimate
        Labels each learner needs to first reach the target, over the seeds
        where it does.
    reached : dict of str to int
        Seeds in which each learner reaches the target.
    saving : Estimate
        Share of labels the first learner saves over the second
        (:func:`paired_saving`; negative when it needs more).
    final : Estimate
        First minus second learner's accuracy at the last point.
    n_seeds : int
    """

    labels: np.ndarray
    bands: dict
    needed: dict
    reached: dict
    saving: Estimate
    final: Estimate
    n_seeds: int


def summarize_race(labels, accuracy: dict, target: float, first: str, second: str) -> RaceSummary:
    """Summarise a multi-seed race (as from :func:`alcore.loop.race_curves`) at a target accuracy.

    Parameters
    ----------
    labels : array-like of shape (n_points,)
    accuracy : dict of str to array-like of shape (n_seeds, n_points)
        Every learner's curves; NaN where a seed has no value.
    target : float
        Accuracy to reach.
    first, second : str
        The learners compared by ``saving`` and ``final`` (first minus second).

    Returns
    -------
    RaceSummary
    """
    for name in (first, second):
        if name not in accuracy:
            raise ValueError(f"{name!r} is not one of the learners {sorted(accuracy)}.")
    labels = as_float_array(labels, "labels", ndim=1)
    with warnings.catch_warnings():  # a point or a sample with fewer than two finite runs has no interval
        warnings.simplefilter("ignore", RuntimeWarning)
        bands = {name: mean_interval(acc) for name, acc in accuracy.items()}
        per_seed = {name: labels_to_reach(labels, acc, target) for name, acc in accuracy.items()}
        needed = {name: estimate(n, low=float(labels[0])) for name, n in per_seed.items()}  # never below the seed set
        final = estimate(np.asarray(accuracy[first])[:, -1] - np.asarray(accuracy[second])[:, -1])
    return RaceSummary(
        labels=labels.astype(int), bands=bands, needed=needed,
        reached={name: int(np.isfinite(n).sum()) for name, n in per_seed.items()},
        saving=paired_saving(per_seed[first], per_seed[second]), final=final,
        n_seeds=int(np.asarray(accuracy[first]).shape[0]),
    )
