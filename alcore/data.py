"""Datasets for the labs: each one a pool to label, a held-out test split and
its hidden labels, all drawn deterministically from a seed.

The 2-D sets are Gaussian mixtures (or noisy shapes) with plot bounds; the
mixtures also expose their true class posterior, so a label can be drawn for
any point (membership-query synthesis needs that). ``digits`` is
scikit-learn's bundled 8x8 digit images (real data, no download).

Four scenario sets each show a way active learning fails (see
``alcore.fixes.FAILURES``): ``hidden_cluster`` (sampling bias), ``outliers``
(outlier attraction), ``many_clusters`` (cold start) and ``overlap``
(miscalibration). The first two mark the points they are about in
``Dataset.marked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy.special import logsumexp
from sklearn.datasets import load_digits, make_moons


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
    marked : numpy.ndarray of bool or None
        For scenarios: which pool points the scenario is about (the hidden
        cluster, the outliers), to highlight and count; None otherwise.
    class_names : tuple of str or None
        What the data calls each class (``"0"`` .. ``"9"`` for digits, a
        file's labels for a table); None when classes are just numbered.
    source : numpy.ndarray of int or None
        For data drawn from a fixed collection (digits: scikit-learn's
        ``load_digits()``): each pool point's row in it, so an answer about a
        pool point can be traced back to the original image; None otherwise.
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
    marked: Optional[np.ndarray] = field(default=None, repr=False)
    class_names: Optional[tuple] = None
    source: Optional[np.ndarray] = field(default=None, repr=False)

    def __post_init__(self):
        for array in (self.X_pool, self.y_pool, self.X_test, self.y_test, self.marked, self.source):
            if array is not None:
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
    """Isotropic Gaussian components, each owned by one class.

    Components are equally likely unless ``weights`` (summing to 1) says otherwise.
    """

    means: np.ndarray
    std: float
    component_class: np.ndarray
    weights: Optional[np.ndarray] = None

    def _counts_order(self, n: int) -> np.ndarray:
        if self.weights is None:
            return np.arange(n) % len(self.means)
        counts = np.floor(self.weights * n).astype(int)
        short = n - counts.sum()  # largest remainders get the last few points
        counts[np.argsort(counts - self.weights * n, kind="stable")[:short]] += 1
        return np.repeat(np.arange(len(self.means)), counts)

    def sample(self, n: int, rng: np.random.Generator):
        """Draw n points and their labels, component counts as close to their weights as possible.

        Returns
        -------
        X, y, component : numpy.ndarray
            Points, their classes and the component each came from.
        """
        components = self._counts_order(n)
        rng.shuffle(components)
        X = self.means[components] + self.std * rng.standard_normal((n, self.means.shape[1]))
        return X, self.component_class[components], components

    def log_density(self, X) -> np.ndarray:
        """log of weight x Gaussian density, per point and component, (n, n_components)."""
        X = np.asarray(X, dtype=float)
        sq = ((X[:, None, :] - self.means[None, :, :]) ** 2).sum(axis=2)
        dim = self.means.shape[1]
        log_density = -0.5 * sq / self.std**2 - 0.5 * dim * np.log(2 * np.pi * self.std**2)
        weights = np.full(len(self.means), 1.0 / len(self.means)) if self.weights is None else self.weights
        return log_density + np.log(weights)

    def posterior(self, X) -> np.ndarray:
        """True class probabilities p(y | x)."""
        log_density = self.log_density(X)
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


# hidden_cluster: two overlapping blobs and, beyond class 0's blob, a small
# cluster of class 1 (component 2), as in Dasgupta's example of sampling bias.
_HIDDEN_COMPONENT = 2


def _hidden_cluster_mixture(noise: float) -> GaussianMixture:
    means = np.array([[-2.0, 0.0], [2.0, 0.0], [-6.0, 0.0]])
    return GaussianMixture(means, noise, np.array([0, 1, 1]), weights=np.array([0.5, 0.42, 0.08]))


def _many_clusters_mixture(noise: float) -> GaussianMixture:
    # A 4 x 3 grid of small clusters, 3 classes, no two side-by-side clusters alike.
    column, row = np.meshgrid(np.arange(4), np.arange(3))
    means = 3.0 * np.column_stack([column.ravel(), row.ravel()]).astype(float)
    return GaussianMixture(means, noise, ((column + row) % 3).ravel())


@dataclass(frozen=True)
class MixtureWithOutliers:
    """A Gaussian mixture plus a share of points uniform over a box, with random labels.

    Attributes
    ----------
    mixture : GaussianMixture
        The inliers.
    share : float
        Fraction of points that are outliers.
    box : tuple of 4 floats
        ``(x_min, x_max, y_min, y_max)`` of the uniform outliers.
    """

    mixture: GaussianMixture
    share: float
    box: tuple

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return int(self.mixture.component_class.max()) + 1

    def sample(self, n: int, rng: np.random.Generator):
        """Draw n points; returns X, y and a mask of the outliers (the last rows)."""
        n_out = int(round(self.share * n))
        X, y, _ = self.mixture.sample(n - n_out, rng)
        low, high = np.array(self.box[::2]), np.array(self.box[1::2])
        outliers = low + (high - low) * rng.random((n_out, 2))
        labels = rng.integers(self.n_classes, size=n_out)
        mask = np.arange(n) >= n - n_out
        return np.vstack([X, outliers]), np.concatenate([y, labels]), mask

    def posterior(self, X) -> np.ndarray:
        """True class probabilities p(y | x), outliers included."""
        X = np.asarray(X, dtype=float)
        log_density = self.mixture.log_density(X) + np.log1p(-self.share)
        inside = np.all((X >= np.array(self.box[::2])) & (X <= np.array(self.box[1::2])), axis=1)
        area = (self.box[1] - self.box[0]) * (self.box[3] - self.box[2])
        with np.errstate(divide="ignore"):
            log_outlier = np.where(inside, np.log(self.share / (area * self.n_classes)), -np.inf)
        per_class = np.stack(
            [np.logaddexp(logsumexp(log_density[:, self.mixture.component_class == c], axis=1), log_outlier)
             for c in range(self.n_classes)], axis=1)
        return np.exp(per_class - logsumexp(per_class, axis=1, keepdims=True))


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
    n_points: Optional[int] = None     # real data: how many points there are (pool + test), None for generators
    image_shape: Optional[tuple] = None  # images: (height, width) of one point's pixels


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
        DatasetInfo("digits", "Handwritten digits", "1,797 real handwritten digits, 10 classes, "
                    "64 pixel features.", "(no noise setting)", (0.0, 0.0), 0.0, two_d=False,
                    max_pool=1400, n_points=1797, image_shape=(8, 8)),
        DatasetInfo("rings", "Disk in a ring", "Points spread evenly over a disk and a wide ring around it (the "
                    "ring holds most of them): no straight line separates the two.", "Noise", (0.0, 0.5), 0.1),
        DatasetInfo("hidden_cluster", "Hidden cluster", "Two overlapping blobs and, beyond class 0's "
                    "blob, far from the boundary, a small cluster (8%) of class 1: sampling bias.",
                    "Cluster spread", (0.3, 1.5), 1.0),
        DatasetInfo("outliers", "Blobs with outliers", "Two overlapping blobs plus points scattered "
                    "uniformly with random labels: outlier attraction.", "Outlier share", (0.0, 0.3), 0.1),
        DatasetInfo("many_clusters", "Many small clusters", "Twelve small clusters on a grid, three "
                    "classes, neighbours never alike: a cold start with few first labels.",
                    "Cluster spread", (0.2, 1.0), 0.5),
        DatasetInfo("overlap", "Overlapping classes", "Three classes that overlap heavily: no model "
                    "should be sure, so a confident one is miscalibrated.", "Cluster spread",
                    (0.5, 2.0), 1.3),
    )
}


def _disk_in_ring(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform over a disk (radius 1, class 0) and a ring around it (radii 1.5 to 2.5, class 1), plus
    Gaussian noise: the ring's area is four times the disk's, so it holds about 80% of the points."""
    areas = np.array([1.0, 2.5**2 - 1.5**2])
    ring = rng.random(n) < areas[1] / areas.sum()
    radius = np.sqrt(np.where(ring, rng.uniform(1.5**2, 2.5**2, n), rng.uniform(0.0, 1.0, n)))  # uniform by area
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) + noise * rng.standard_normal((n, 2))
    return X, ring.astype(np.intp)


#: The held-out test split's size unless a caller asks for another.
N_TEST = 500


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
    n_test: int = N_TEST,
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
        Cluster spread (blobs, multiblobs, xor, hidden_cluster,
        many_clusters, overlap), noise (moons, rings) or the share of outliers
        (outliers); the dataset's default when None. Ignored by digits.
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
    marked = None
    source = None
    if name in ("blobs", "multiblobs", "xor", "hidden_cluster", "many_clusters", "overlap"):
        if name == "blobs":
            mixture = _blobs_mixture(noise, 2)
        elif name == "multiblobs":
            mixture = _blobs_mixture(noise, _check_int(n_classes, "n_classes", 2, 10))
        elif name == "overlap":
            mixture = _blobs_mixture(noise, 3)
        elif name == "xor":
            mixture = _xor_mixture(noise)
        elif name == "hidden_cluster":
            mixture = _hidden_cluster_mixture(noise)
        else:
            mixture = _many_clusters_mixture(noise)
        X, y, component = mixture.sample(n_total, rng)
        posterior = mixture.posterior
        n_classes = int(mixture.component_class.max()) + 1
        if name == "hidden_cluster":
            marked = component == _HIDDEN_COMPONENT
    elif name == "outliers":
        scene = MixtureWithOutliers(_blobs_mixture(0.8, 2), noise, (-6.0, 6.0, -6.0, 6.0))
        X, y, marked = scene.sample(n_total, rng)
        posterior = scene.posterior
        n_classes = scene.n_classes
    elif name == "rings":
        X, y = _disk_in_ring(n_total, noise, rng)
        n_classes = 2
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
        X, y, source = digits.data[chosen] / 16.0, digits.target[chosen], chosen
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
        marked=None if marked is None else marked[pool],
        class_names=tuple(str(c) for c in range(10)) if name == "digits" else None,
        source=None if source is None else source[pool],
    )
