"""Summaries over seeds: means with 95% intervals, and labels needed to reach
a target accuracy. Every number the app shows people comes through here."""

from __future__ import annotations

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

    def format(self, digits: int = 1, scale: float = 1.0, unit: str = "") -> str:
        """``"12.3 (10.1 to 14.5)"`` style text; ``"n/a"`` when the mean is NaN."""
        if np.isnan(self.mean):
            return "n/a"
        text = f"{self.mean * scale:.{digits}f}{unit}"
        if not np.isnan(self.low):
            text += f" ({self.low * scale:.{digits}f} to {self.high * scale:.{digits}f}{unit})"
        return text


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
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(values, axis=axis) if values.size else np.nan
        spread = np.nanstd(values, axis=axis, ddof=1) / np.sqrt(count)
        half = _t_quantiles(np.maximum(count - 1, 1)) * spread
    half = np.where(count >= 2, half, np.nan)
    return mean, mean - half, mean + half


def estimate(values) -> Estimate:
    """Mean and 95% interval of a 1-D sample (NaN entries are ignored)."""
    values = np.asarray(values, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Estimate(np.nan, np.nan, np.nan, 0)
    mean, low, high = mean_interval(finite)
    return Estimate(float(mean), float(low), float(high), int(finite.size))


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
