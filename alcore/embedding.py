"""A 2-D picture of data with more than two features: where to draw each pool point.

A model's map (its prediction at every point of the plane) can only be drawn
for 2-D data. For anything wider, the labs draw the pool on a 2-D embedding
instead, each point coloured by what the model predicts for it, and say which
embedding it is:

- the handwritten digits use a t-SNE map of all 1,797 images, computed once
  (``python bench/make_digits_map.py``) and kept in ``alcore/digits_tsne.npy``,
  so no visitor waits for t-SNE (half a minute on this machine); a pool's
  points are looked up in it by image;
- any other data uses PCA fitted on the pool: the two directions of largest
  spread, with the share of the variance they keep.

Nothing here imports Streamlit or plotly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from alcore._checks import as_float_array

DIGITS_MAP = Path(__file__).with_name("digits_tsne.npy")


@dataclass(frozen=True, eq=False)
class Embedding:
    """Where each pool point sits in a 2-D picture.

    Attributes
    ----------
    points : numpy.ndarray of shape (n_pool, 2)
        The pool's coordinates in the picture.
    bounds : tuple of 4 floats
        ``(x_min, x_max, y_min, y_max)`` with a margin around the points.
    method : str
        ``"t-SNE"`` or ``"PCA"``.
    kept : float or None
        For PCA, the share of the pool's variance the two directions keep
        (0 to 1); None for t-SNE, which keeps neighbours, not variance.
    """

    points: np.ndarray
    bounds: tuple
    method: str
    kept: float | None = None


def _bounds(points: np.ndarray, pad: float = 0.06) -> tuple:
    low, high = points.min(axis=0), points.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-9)
    return (float(low[0] - margin[0]), float(high[0] + margin[0]), float(low[1] - margin[1]),
            float(high[1] + margin[1]))


def pca(X) -> Embedding:
    """The two principal directions of X: X's rows as points of a 2-D picture.

    Parameters
    ----------
    X : array-like of shape (n, d), d >= 2
        The points (for example a pool of standardised features).

    Returns
    -------
    Embedding
        ``method="PCA"``; ``kept`` is the share of the variance the two
        directions keep (1.0 when the points have no spread at all).

    Examples
    --------
    >>> embedding = pca([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    >>> embedding.points.shape, round(embedding.kept, 6)
    ((3, 2), 1.0)
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] < 2 or X.shape[1] < 2:
        raise ValueError(f"pca needs at least 2 points with at least 2 features each, got shape {X.shape}.")
    centred = X - X.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    # a direction's sign is arbitrary: fix it so the same data always gives the same picture
    directions = directions[:2] * np.where(directions[:2].sum(axis=1, keepdims=True) < 0, -1.0, 1.0)
    points = centred @ directions.T
    total = float((singular ** 2).sum())
    kept = float((singular[:2] ** 2).sum() / total) if total > 0 else 1.0
    return Embedding(points, _bounds(points), "PCA", kept)


@lru_cache(maxsize=1)
def _digits_lookup() -> tuple[dict, np.ndarray]:
    """(image bytes -> row of the map, the map), read once per process."""
    from sklearn.datasets import load_digits

    images = load_digits().data / 16.0  # as alcore.data.make_dataset scales them
    coordinates = np.load(DIGITS_MAP)
    if coordinates.shape != (images.shape[0], 2):
        raise ValueError(f"{DIGITS_MAP.name} has shape {coordinates.shape}, expected ({images.shape[0]}, 2): "
                         "run `python bench/make_digits_map.py`.")
    return {row.tobytes(): i for i, row in enumerate(images.astype(np.float64))}, coordinates.astype(np.float64)


def digits_map(X) -> Embedding:
    """The stored t-SNE map of the digits, for digit images X (rows as :func:`alcore.data.make_dataset` gives).

    Raises
    ------
    ValueError
        When a row of X is not one of scikit-learn's 1,797 digit images.
    """
    X = as_float_array(X, "X", ndim=2)
    index, coordinates = _digits_lookup()
    rows = [index.get(row.tobytes()) for row in X]
    if any(row is None for row in rows):
        raise ValueError("X holds rows that are not scikit-learn's digit images (scaled to 0..1); use pca(X).")
    points = coordinates[rows]
    return Embedding(points, _bounds(coordinates), "t-SNE")


#: Datasets with a stored map, by name; every other dataset gets PCA of its pool.
STORED_MAPS = {"digits": digits_map}


def pool_embedding(data) -> Embedding:
    """Where to draw a dataset's pool: its stored map (digits) or PCA of the pool.

    Parameters
    ----------
    data : alcore.data.Dataset
        Any dataset; meant for those with more than two features.
    """
    return STORED_MAPS.get(data.name, lambda X: pca(X))(data.X_pool)


def compute_digits_map(random_state: int = 0) -> np.ndarray:
    """t-SNE of all 1,797 digit images (perplexity 30, PCA start), float32 (1797, 2): what
    ``alcore/digits_tsne.npy`` holds. Takes about half a minute."""
    from sklearn.datasets import load_digits
    from sklearn.manifold import TSNE

    images = load_digits().data / 16.0
    return TSNE(n_components=2, perplexity=30.0, init="pca", random_state=random_state).fit_transform(
        images).astype(np.float32)
