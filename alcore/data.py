"""Datasets for the labs: each one a pool to label, a held-out test split and
its hidden labels, all drawn deterministically from a seed.

The 2-D sets are Gaussian mixtures (or noisy shapes) with plot bounds; the
mixtures also expose their true class posterior, so a label can be drawn for
any point (membership-query synthesis needs that). ``digits`` is
scikit-learn's bundled 8x8 digit images (real data, no download).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy.special import logsumexp
from sklearn.datasets import load_digits, make_moons

# Colour-blind-safe Okabe-Ito palette: the classes' colours on every page.
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                 "#999999", "#882255")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A pool, a test split and their labels.

    Attributes
    ----------
    name : str
        Registry key of the generator.
    X_pool, y_pool : numpy.ndarray
        Candidates to label, shape (n_pool, d), and their hidden labels.
    X_test, y_test : numpy.ndarray
        Held-out evaluation split; never labeled or scored.
    n_classes : int
        Number of classes; labels are ``0 .. n_classes - 1``.
    bounds : tuple of 4 floats or None
        ``(x_min, x_max, y_min, y_max)`` for plotting 2-D sets; None otherwise.
    posterior : callable or None
        ``posterior(X) -> (n, n_classes)`` true class probabilities of the
        generating distribution, where it is known in closed form.
    note : str
        One line on what the dataset shows.
    """

    name: str
    X_pool: np.ndarray
    y_pool: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    bounds: Optional[tuple] = None
    posterior: Optional[Callable[[np.ndarray], np.ndarray]] = field(default=None, repr=False)
    note: str = ""

    def __post_init__(self):
        for array in (self.X_pool, self.y_pool, self.X_test, self.y_test):
            array.setflags(write=False)  # shared between loops and sessions: never mutated

    @property
    def n_features(self) -> int:
        """Number of features per point."""
        return self.X_pool.shape[1]

    def sample_labels(self, X, rng: np.random.Generator) -> np.ndarray:
        """Draw a label for each row of X from the true posterior.

        Raises
        ------
        ValueError
            If this dataset has no closed-form posterior.
        """
        if self.posterior is None:
            raise ValueError(f"Dataset {self.name!r} has no known posterior; use a mixture dataset.")
        probs = self.posterior(np.asarray(X, dtype=float))
        cumulative = probs.cumsum(axis=1)
        draws = rng.random((probs.shape[0], 1))
        return np.minimum((draws > cumulative).sum(axis=1), self.n_classes - 1)


@dataclass(frozen=True)
class GaussianMixture:
    """Isotropic Gaussian components, each owned by one class, equally likely."""

    means: np.ndarray
    std: float
    component_class: np.ndarray

    def sample(self, n: int, rng: np.random.Generator):
        """Draw n points and their labels, components as equal in count as possible."""
        components = np.arange(n) % len(self.means)
        rng.shuffle(components)
        X = self.means[components] + self.std * rng.standard_normal((n, self.means.shape[1]))
        return X, self.component_class[components]

    def posterior(self, X) -> np.ndarray:
        """True class probabilities p(y | x)."""
        X = np.asarray(X, dtype=float)
        sq = ((X[:, None, :] - self.means[None, :, :]) ** 2).sum(axis=2)
        log_density = -0.5 * sq / self.std**2
        n_classes = int(self.component_class.max()) + 1
        per_class = np.stack(
            [logsumexp(log_density[:, self.component_class == c], axis=1) for c in range(n_classes)],
            axis=1,
        )
        return np.exp(per_class - logsumexp(per_class, axis=1, keepdims=True))


def _blobs_mixture(noise: float, n_classes: int) -> GaussianMixture:
    if n_classes == 2:
        means = np.array([[-1.0, -0.5], [1.0, 0.5]])
    else:
        angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
        means = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return GaussianMixture(means, noise, np.arange(n_classes))


def _xor_mixture(noise: float) -> GaussianMixture:
    means = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    return GaussianMixture(means, noise, np.array([0, 0, 1, 1]))


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI needs to offer a dataset: a label, a note and its knobs."""

    name: str
    label: str
    note: str
    noise_label: str
    noise_range: tuple
    default_noise: float
    two_d: bool = True
    max_pool: int = 5000


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("blobs", "Overlapping blobs", "Two Gaussian clusters that overlap; a straight "
                    "boundary is nearly optimal.", "Cluster spread", (0.3, 2.0), 1.0),
        DatasetInfo("multiblobs", "Many blobs", "k Gaussian clusters around a circle, one class each.",
                    "Cluster spread", (0.3, 2.0), 0.9),
        DatasetInfo("moons", "Two moons", "Two interleaved half circles: the boundary must bend.",
                    "Noise", (0.0, 0.5), 0.2),
        DatasetInfo("xor", "XOR", "Four clusters, opposite corners share a class: no straight line works.",
                    "Cluster spread", (0.2, 1.2), 0.5),
        DatasetInfo("digits", "Digits (8x8 images)", "1,797 real handwritten digits, 10 classes, "
                    "64 pixel features.", "(no noise setting)", (0.0, 0.0), 0.0, two_d=False,
                    max_pool=1400),
    )
}


def _check_int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}.")
    return int(value)


def _bounds(X: np.ndarray, pad: float = 0.5) -> tuple:
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    return (float(low[0]), float(high[0]), float(low[1]), float(high[1]))


def make_dataset(
    name: str = "blobs",
    *,
    n_pool: int = 1000,
    n_test: int = 500,
    noise: Optional[float] = None,
    n_classes: int = 4,
    random_state: int = 0,
) -> Dataset:
    """Draw a dataset's pool and test split.

    Parameters
    ----------
    name : str, default='blobs'
        One of ``alcore.data.DATASETS``.
    n_pool : int, default=1000
        Pool size (candidates to label).
    n_test : int, default=500
        Held-out test size.
    noise : float, optional
        Cluster spread (blobs, multiblobs, xor) or noise (moons); the
        dataset's default when None. Ignored by digits.
    n_classes : int, default=4
        Number of classes, for ``multiblobs`` only (2 to 10).
    random_state : int, default=0
        Seed: the same seed gives the same arrays.

    Returns
    -------
    Dataset
    """
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}.")
    info = DATASETS[name]
    n_pool = _check_int(n_pool, "n_pool", 10, info.max_pool)
    n_test = _check_int(n_test, "n_test", 10, 5000)
    noise = info.default_noise if noise is None else noise
    low, high = info.noise_range
    if not isinstance(noise, (int, float, np.floating)) or not low <= noise <= high:
        raise ValueError(f"noise for {name} must be a number from {low} to {high}, got {noise!r}.")
    noise = float(noise)
    rng = np.random.default_rng(random_state)
    n_total = n_pool + n_test
    posterior = None
    if name in ("blobs", "multiblobs", "xor"):
        classes = 2 if name == "blobs" else _check_int(n_classes, "n_classes", 2, 10)
        mixture = _xor_mixture(noise) if name == "xor" else _blobs_mixture(noise, classes)
        X, y = mixture.sample(n_total, rng)
        posterior = mixture.posterior
        n_classes = int(mixture.component_class.max()) + 1
    elif name == "moons":
        X, y = make_moons(n_samples=n_total, noise=noise, random_state=int(rng.integers(2**31)))
        n_classes = 2
    else:
        digits = load_digits()
        if n_total > digits.target.size:
            raise ValueError(
                f"digits has {digits.target.size} images; n_pool + n_test = {n_total} is too many."
            )
        chosen = rng.permutation(digits.target.size)[:n_total]
        X, y = digits.data[chosen] / 16.0, digits.target[chosen]
        n_classes = 10
    order = rng.permutation(n_total)
    pool, test = order[:n_pool], order[n_pool:]
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.intp)
    return Dataset(
        name=name,
        X_pool=X[pool],
        y_pool=y[pool],
        X_test=X[test],
        y_test=y[test],
        n_classes=n_classes,
        bounds=_bounds(X) if info.two_d else None,
        posterior=posterior,
        note=info.note,
    )
