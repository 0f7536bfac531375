"""Input checks shared by the engine: each raises a ValueError that names the
argument, says what was wrong and what to pass instead."""

from __future__ import annotations

import numpy as np


def as_float_array(value, name: str, ndim: int, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a finite float array with ``ndim`` dimensions.

    Parameters
    ----------
    value : array-like
        The input to check.
    name : str
        The argument's name, used in the error message.
    ndim : int
        The number of dimensions required.
    allow_empty : bool, default=False
        Whether an array with zero rows is acceptable.

    Returns
    -------
    numpy.ndarray
        The input as a float array (float32 inputs stay float32).

    Raises
    ------
    ValueError
        If the array has the wrong number of dimensions, is empty, or holds
        NaN or infinite values.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}; pass a numeric array.")
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got shape {array.shape}; "
            f"pass an array with {ndim} dimensions."
        )
    if not allow_empty and array.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); pass at least one row.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; pass finite numbers only.")
    return array


def as_probabilities(probs, name: str = "probs", ndim: int = 2) -> np.ndarray:
    """Return ``probs`` as a float array of class probabilities (last axis = classes).

    Raises
    ------
    ValueError
        If the shape is wrong, a value lies outside [0, 1], or a row does not
        sum to 1 (within 1e-3).
    """
    array = np.asarray(probs)
    if array.dtype.kind != "f":
        array = as_float_array(array, name, ndim)
    if array.ndim != ndim or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty {ndim}-D array of probabilities, got shape {array.shape}."
        )
    # min and max propagate NaN, so two reductions check range and finiteness at once.
    low, high = array.min(), array.max()
    if not (low >= -1e-6 and high <= 1 + 1e-6):
        raise ValueError(
            f"{name} holds values outside [0, 1] (or NaN); pass probabilities, not logits."
        )
    sums = array.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(
            f"{name} rows must sum to 1 (found sums from {sums.min():.4g} to {sums.max():.4g}); "
            "pass the output of predict_proba."
        )
    return array


def check_k(k, name: str = "k") -> int:
    """Return ``k`` as a positive int, or raise a ValueError saying what to pass."""
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"{name} must be a positive integer, got {k!r}.")
    if k <= 0:
        raise ValueError(f"{name} must be a positive integer (1 or more), got {k}.")
    return int(k)


def check_fraction(value, name: str) -> float:
    """Return ``value`` as a float in [0, 1], or raise a ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.") from None
    if not 0.0 <= number <= 1.0 or np.isnan(number):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}.")
    return number


def check_generator(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a numpy Generator, or raise a ValueError saying what to pass."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{name} must be a numpy.random.Generator; pass np.random.default_rng(seed).")
    return rng
