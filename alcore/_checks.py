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


# A probability may stray this far outside [0, 1] (rounding in the model).
PROBABILITY_SLACK = 1e-6
# How far a row sum may be from 1: the tolerance of numpy.allclose(sums, 1, atol=1e-3),
# whose default rtol adds 1e-5.
ROW_SUM_TOLERANCE = 1e-3 + 1e-5


def probability_array(probs, name: str = "probs", ndim: int = 2) -> np.ndarray:
    """Return ``probs`` as a non-empty float array with ``ndim`` dimensions.

    Only the type and the shape are checked; :func:`check_probability_values`
    and :func:`check_row_sums` check the numbers.

    Raises
    ------
    ValueError
        If ``probs`` is not numeric, has the wrong number of dimensions or is empty.
    """
    array = np.asarray(probs)
    if array.dtype.kind != "f":
        array = as_float_array(array, name, ndim)
    if array.ndim != ndim or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty {ndim}-D array of probabilities, got shape {array.shape}."
        )
    return array


def check_probability_values(values: np.ndarray, name: str = "probs") -> None:
    """Raise a ValueError unless every value lies in [0, 1] (within
    ``PROBABILITY_SLACK``); NaN fails. An empty array passes."""
    if values.size == 0:
        return
    # min and max propagate NaN, so two reductions check range and finiteness at once.
    low, high = values.min(), values.max()
    if not (low >= -PROBABILITY_SLACK and high <= 1 + PROBABILITY_SLACK):
        raise ValueError(
            f"{name} holds values outside [0, 1] (or NaN); pass probabilities, not logits."
        )


def check_row_sums(sums: np.ndarray, name: str = "probs") -> None:
    """Raise a ValueError unless every row sum is 1 within ``ROW_SUM_TOLERANCE``."""
    low, high = float(sums.min()), float(sums.max())
    # 1 - s and s - 1 are exact for the sums that matter (0.5 <= s <= 2), so this is
    # |s - 1| <= tolerance for every row, as numpy.allclose computes it; NaN fails.
    if not (1.0 - low <= ROW_SUM_TOLERANCE and high - 1.0 <= ROW_SUM_TOLERANCE):
        raise ValueError(
            f"{name} rows must sum to 1 (found sums from {low:.4g} to {high:.4g}); "
            "pass the output of predict_proba."
        )


def as_probabilities(probs, name: str = "probs", ndim: int = 2) -> np.ndarray:
    """Return ``probs`` as a float array of class probabilities (last axis = classes).

    Parameters
    ----------
    probs : array-like
        The input to check.
    name : str, default="probs"
        The argument's name, used in the error message.
    ndim : int, default=2
        The number of dimensions required.

    Returns
    -------
    numpy.ndarray
        The input as a float array (float32 inputs stay float32).

    Raises
    ------
    ValueError
        If the shape is wrong, a value lies outside [0, 1] (within 1e-6) or is
        NaN, or a row does not sum to 1 (within 1e-3).
    """
    array = probability_array(probs, name, ndim)
    check_probability_values(array, name)
    # A matrix-vector product sums short rows many times faster than sum(axis=-1).
    check_row_sums(array @ np.ones(array.shape[-1], dtype=array.dtype), name)
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
