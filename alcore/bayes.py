"""Models that can sample their own posterior, for BALD and BatchBALD.

Both expose ``sample_proba(X, T) -> (T, n, C)``: T draws of the model's
predictive probabilities, each draw one whole function (the same draw for every
row of X), so that joint quantities over several points, as BatchBALD needs,
are well defined. MC samples are laid out [T, n, C] throughout the engine.

- :class:`MCDropoutMLP`: a small numpy MLP trained with dropout; a draw keeps
  dropout on at inference (Gal and Ghahramani, 2016).
- :class:`LaplaceLogistic`: multinomial logistic regression with a Gaussian
  posterior from the Hessian at the MAP (a Laplace approximation); a draw is
  one weight matrix from that Gaussian.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cholesky, solve_triangular
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin

from alcore._checks import as_float_array, check_generator, check_k
from alcore.models import SoftmaxRegression


def _sampling_inputs(X, T, rng, random_state):
    """Checked ``sample_proba`` arguments: X as floats, T a positive count, and the generator
    (one seeded with the model's ``random_state`` when ``rng`` is None)."""
    X, T = as_float_array(X, "X", ndim=2), check_k(T, "T")
    return X, T, np.random.default_rng(random_state) if rng is None else check_generator(rng)


class MCDropoutMLP(ClassifierMixin, BaseEstimator):
    """A small multilayer perceptron trained with dropout, in numpy.

    ReLU hidden layers, inverted dropout after each of them, a softmax output,
    cross-entropy loss with an L2 penalty, Adam on mini-batches. Inputs are
    standardised internally. ``predict_proba`` is the deterministic network
    (dropout off); ``sample_proba`` keeps dropout on, one mask per draw.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(64,)
        Units of each hidden layer (one or two layers).
    dropout : float in [0, 1), default=0.2
        Probability of dropping a hidden unit, in training and in draws.
    alpha : float, default=1e-3
        L2 penalty on the weights, as in scikit-learn's ``MLPClassifier``
        (``0.5 * alpha * |W|^2 / n_samples`` added to the mean loss).
    learning_rate : float, default=0.01
        Adam step size.
    max_iter : int, default=300
        Adam steps.
    batch_size : int, default=256
        Rows per step (all rows when there are fewer).
    random_state : int or None, default=None
        Seed of the initial weights, the batches, the training masks, and of
        ``sample_proba`` when it is given no generator.

    Attributes
    ----------
    classes_ : numpy.ndarray
        Class labels seen in ``fit``.
    weights_ : list of numpy.ndarray
        Weight matrices, input layer first.
    biases_ : list of numpy.ndarray
        Bias vectors, input layer first.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> model = MCDropoutMLP(random_state=0).fit(X, y)
    >>> model.sample_proba(X[:5], 10).shape
    (10, 5, 2)
    """

    def __init__(self, hidden_layer_sizes=(64,), dropout: float = 0.2, alpha: float = 1e-3,
                 learning_rate: float = 0.01, max_iter: int = 300, batch_size: int = 256,
                 random_state=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.random_state = random_state

    def _check_params(self):
        sizes = tuple(np.atleast_1d(self.hidden_layer_sizes).tolist())
        if not 1 <= len(sizes) <= 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be one or two positive integers, got {self.hidden_layer_sizes!r}."
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}.")
        check_k(self.max_iter, "max_iter")
        check_k(self.batch_size, "batch_size")
        return sizes

    def _hidden(self, X, masks=None):
        """Activations of the last hidden layer; ``masks`` (one per layer, or None) scale the units."""
        h = (X - self.mean_) / self.scale_
        for layer in range(len(self.weights_) - 1):
            h = np.maximum(h @ self.weights_[layer] + self.biases_[layer], 0.0)
            if masks is not None:
                h = h * masks[layer]
        return h

    def _draw_masks(self, shapes, rng):
        """Inverted-dropout masks: 0 with probability ``dropout``, else 1 / (1 - dropout)."""
        keep = 1.0 - self.dropout
        return [(rng.random(shape) < keep) / keep for shape in shapes]

    def fit(self, X, y):
        """Train by Adam on the penalised cross-entropy, with dropout.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
            At least two distinct labels.

        Returns
        -------
        self
        """
        sizes = self._check_params()
        X = as_float_array(X, "X", ndim=2)
        classes, codes = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError("MCDropoutMLP needs at least two classes in y.")
        rng = np.random.default_rng(self.random_state)
        n, d = X.shape
        self.classes_ = classes
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        widths = (d, *sizes, classes.size)
        self.weights_ = [rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(widths, widths[1:])]
        self.biases_ = [np.zeros(b) for b in widths[1:]]
        params = self.weights_ + self.biases_
        first = [np.zeros_like(p) for p in params]
        second = [np.zeros_like(p) for p in params]
        onehot = np.eye(classes.size)[codes]
        Z = (X - self.mean_) / self.scale_
        batch = min(self.batch_size, n)
        beta1, beta2 = 0.9, 0.999
        for step in range(1, self.max_iter + 1):
            rows = rng.choice(n, size=batch, replace=False) if batch < n else slice(None)
            grads = self._gradients(Z[rows], onehot[rows], n, rng)
            for p, g, m, v in zip(params, grads, first, second):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                p -= self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
        return self

    def _gradients(self, Z, onehot, n_total, rng):
        """Gradients of the mean penalised loss on one batch (inputs already standardised)."""
        n_layers = len(self.weights_)
        inputs, masks = [Z], []
        h = Z
        for layer in range(n_layers - 1):
            pre = h @ self.weights_[layer] + self.biases_[layer]
            (mask,) = self._draw_masks([pre.shape], rng)
            mask = mask * (pre > 0)  # ReLU derivative folded into the dropout mask
            h = pre * mask
            masks.append(mask)
            inputs.append(h)
        delta = (softmax(h @ self.weights_[-1] + self.biases_[-1], axis=1) - onehot) / Z.shape[0]
        weight_grads, bias_grads = [None] * n_layers, [None] * n_layers
        for layer in reversed(range(n_layers)):
            weight_grads[layer] = inputs[layer].T @ delta + self.alpha / n_total * self.weights_[layer]
            bias_grads[layer] = delta.sum(axis=0)
            if layer:
                delta = (delta @ self.weights_[layer].T) * masks[layer - 1]
        return weight_grads + bias_grads

    def predict_proba(self, X):
        """Probabilities of the deterministic network (dropout off), shape (n, n_classes_seen)."""
        X = as_float_array(X, "X", ndim=2)
        return softmax(self._hidden(X) @ self.weights_[-1] + self.biases_[-1], axis=1)

    def predict(self, X):
        """Most probable class."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def sample_proba(self, X, T: int = 20, *, rng=None):
        """MC-dropout draws of the probabilities, shape (T, n, n_classes_seen).

        Each draw drops hidden units with one mask shared by every row of X
        (one thinned network per draw), so draws are whole functions.

        Parameters
        ----------
        X : array-like of shape (n, d)
        T : int, default=20
            Number of draws.
        rng : numpy.random.Generator, optional
            Source of the masks; a generator seeded with ``random_state`` when None.

        Returns
        -------
        numpy.ndarray of shape (T, n, n_classes_seen)
        """
        X, T, rng = _sampling_inputs(X, T, rng, self.random_state)
        widths = [w.shape[1] for w in self.weights_[:-1]]
        draws = np.empty((T, X.shape[0], self.classes_.size))
        for t in range(T):
            hidden = self._hidden(X, self._draw_masks(widths, rng))
            draws[t] = softmax(hidden @ self.weights_[-1] + self.biases_[-1], axis=1)
        return draws


class LaplaceLogistic(SoftmaxRegression):
    """Multinomial logistic regression with a Laplace (Gaussian) posterior.

    The fit is :class:`alcore.models.SoftmaxRegression`'s MAP. Read as a
    posterior ``exp(-objective)``, the penalty ``0.5 |W|^2`` is a standard
    normal prior on the weights and ``C`` tempers the likelihood; the
    posterior is approximated by a Gaussian at the MAP whose precision is the
    Hessian of the objective there. The bias, unpenalised in the fit, gets a
    weak normal prior of precision ``bias_precision`` so that the covariance
    exists (softmax ignores a shift shared by all classes, which no data can
    pin down). ``predict_proba`` is the MAP's; ``sample_proba`` draws weights.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength.
    max_iter : int, default=500
        L-BFGS iterations at most.
    warm_start : bool, default=True
        Start a refit from the previous MAP.
    bias_precision : float, default=1e-2
        Prior precision of the biases in the posterior (not in the fit).
    random_state : int or None, default=None
        Seed of ``sample_proba`` when it is given no generator.

    Attributes
    ----------
    precision_cholesky_ : numpy.ndarray of shape ((d + 1) * K, (d + 1) * K)
        Lower Cholesky factor of the posterior precision over ``weights_.ravel()``.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 500, warm_start: bool = True,
                 bias_precision: float = 1e-2, random_state=None):
        super().__init__(C=C, max_iter=max_iter, warm_start=warm_start)
        self.bias_precision = bias_precision
        self.random_state = random_state

    def fit(self, X, y):
        """Fit the MAP, then factor the Hessian of the objective there."""
        if not self.bias_precision > 0:
            raise ValueError(f"bias_precision must be positive, got {self.bias_precision!r}.")
        super().fit(X, y)
        X1 = np.hstack([np.asarray(X, dtype=np.float64), np.ones((len(X), 1))])
        self.precision_cholesky_ = cholesky(self._precision(X1), lower=True)
        return self

    def _precision(self, X1):
        """Hessian of the objective at ``weights_`` (with the biases' prior),
        over the row-major ``weights_.ravel()``."""
        return self._hessian(X1, softmax(X1 @ self.weights_, axis=1), bias_precision=self.bias_precision)

    def sample_proba(self, X, T: int = 20, *, rng=None):
        """Probabilities under T weight draws from the Laplace posterior, (T, n, n_classes_seen).

        Parameters
        ----------
        X : array-like of shape (n, d)
        T : int, default=20
            Number of draws.
        rng : numpy.random.Generator, optional
            Source of the draws; a generator seeded with ``random_state`` when None.

        Returns
        -------
        numpy.ndarray of shape (T, n, n_classes_seen)
        """
        X, T, rng = _sampling_inputs(X, T, rng, self.random_state)
        noise = rng.standard_normal((self.weights_.size, T))
        # w = w_map + L^-T z has covariance (L L^T)^-1, the posterior covariance.
        offsets = solve_triangular(self.precision_cholesky_, noise, lower=True, trans="T")
        weights = self.weights_[None] + offsets.T.reshape(T, *self.weights_.shape)
        logits = np.einsum("nd,tdk->tnk", X, weights[:, :-1]) + weights[:, None, -1]
        return softmax(logits, axis=2)
