"""2-D pictures of wide data (alcore.embedding): PCA worked by hand, and the stored t-SNE map of the digits,
looked up by image and keeping the digits' neighbourhoods."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

from alcore.data import make_dataset
from alcore.embedding import DIGITS_MAP, digits_map, pca, pool_embedding
from alcore.tabular import make_table_dataset, prepare, read_table


def test_pca_by_hand():
    # points along (1, 1, 0) with a little spread along (0, 0, 1), uncorrelated: the directions are those two
    X = np.array([[-2.0, -2.0, 0.1], [-1.0, -1.0, -0.1], [1.0, 1.0, -0.1], [2.0, 2.0, 0.1]])
    embedding = pca(X)
    np.testing.assert_allclose(np.abs(embedding.points[:, 0]), np.sqrt(2) * np.array([2, 1, 1, 2]), atol=1e-12)
    np.testing.assert_allclose(np.abs(embedding.points[:, 1]), 0.1, atol=1e-12)
    assert embedding.method == "PCA" and embedding.kept == pytest.approx(1.0)
    x_min, x_max, y_min, y_max = embedding.bounds
    assert x_min < embedding.points[:, 0].min() and x_max > embedding.points[:, 0].max() and y_min < y_max


def test_pca_keeps_the_share_of_variance_and_a_stable_sign():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5)) * np.array([3.0, 2.0, 1.0, 1.0, 1.0])
    embedding = pca(X)
    total = ((X - X.mean(axis=0)) ** 2).sum()
    assert embedding.kept == pytest.approx((embedding.points ** 2).sum() / total)
    np.testing.assert_array_equal(pca(X).points, embedding.points)
    with pytest.raises(ValueError, match="at least 2 points with at least 2 features"):
        pca(np.ones((5, 1)))


def test_the_stored_digits_map_keeps_neighbourhoods():
    digits = load_digits()
    coordinates = np.load(DIGITS_MAP)
    assert coordinates.shape == (digits.target.size, 2) and np.isfinite(coordinates).all()
    # on a faithful map, a digit's nearest neighbours on the map are mostly the same digit
    knn = KNeighborsClassifier(n_neighbors=5).fit(coordinates[::2], digits.target[::2])
    assert knn.score(coordinates[1::2], digits.target[1::2]) > 0.9


def test_a_digits_pool_is_looked_up_in_the_map():
    data = make_dataset("digits", n_pool=300, random_state=4)
    embedding = pool_embedding(data)
    assert embedding.method == "t-SNE" and embedding.points.shape == (300, 2)
    coordinates = np.load(DIGITS_MAP)
    images = load_digits().data / 16.0
    first = int(np.flatnonzero((images == data.X_pool[0]).all(axis=1))[0])
    np.testing.assert_allclose(embedding.points[0], coordinates[first], rtol=1e-6)
    with pytest.raises(ValueError, match="not scikit-learn's digit images"):
        digits_map(data.X_pool + 0.01)


def test_other_wide_data_gets_pca():
    rows = "\n".join(f"{i},{i % 4},{(i * 7) % 5},{i % 2}" for i in range(60))
    data = make_table_dataset(prepare(read_table(f"a,b,c,label\n{rows}\n".encode())), n_pool=40)
    embedding = pool_embedding(data)
    assert embedding.method == "PCA" and embedding.points.shape == (40, 2) and 0 < embedding.kept <= 1
