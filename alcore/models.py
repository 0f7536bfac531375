"""The models' own code: a numpy softmax regression, an RBF SVM with Platt
scaling, and the wrappers that make any scikit-learn classifier safe for
active learning: one probability column per class of the task, whatever the
labeled set has seen, and a bootstrap committee for query-by-committee.

The named models the app offers (``MODELS``, ``make_model``) are in
:mod:`alcore.registry`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np
from scipy.linalg.lapack import dposv
from scipy.optimize import minimize
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import SVC
from threadpoolctl import ThreadpoolController

from alcore._checks import as_float_array

_THREADPOOLS = ThreadpoolController()
_SINGLE_THREAD_DEPTH = threading.local()


@contextmanager
def single_threaded():
    """Context manager that limits BLAS and OpenMP to one thread.

    Small fits run several times faster without BLAS thread start-up, and a
    server with several sessions should not let one fit take every core: a
    k-NN race in the app's background worker, with scikit-learn's OpenMP
    threads on both cores, finished in 19-24 s and slowed a Step meanwhile to
    2.3 s; limited, 14 s and 1.7 s. Nested uses cost nothing: only the
    outermost one touches the thread pools.
    """
    depth = getattr(_SINGLE_THREAD_DEPTH, "value", 0)
    if depth:
        _SINGLE_THREAD_DEPTH.value = depth + 1
        try:
            yield
        finally:
            _SINGLE_THREAD_DEPTH.value = depth
        return
    with _THREADPOOLS.limit(limits=1):
        _SINGLE_THREAD_DEPTH.value = 1
        try:
            yield
        finally:
            _SINGLE_THREAD_DEPTH.value = 0


def _solve_positive_definite(matrix, vector):
    """Solve ``matrix @ x = vector`` for a symmetric positive definite matrix.

    Calls LAPACK's Cholesky solver directly: for the 3x3 systems of a 2-D
    logistic regression, ``numpy.linalg.solve``'s own checks cost five times
    the solve. Falls back to it should the matrix not be positive definite.
    """
    _, solution, info = dposv(matrix, vector)
    if info != 0:
        return np.linalg.solve(matrix, vector)
    return solution


class SoftmaxRegression(ClassifierMixin, BaseEstimator):
    """Multinomial logistic regression with an L2 penalty, in numpy and scipy.

    Minimises ``0.5 * |W|^2 + C * sum_i -log p(y_i | x_i)`` over one weight
    vector and one (unpenalised) bias per class, ``p = softmax(x W + b)``: the
    objective of scikit-learn's multinomial ``LogisticRegression`` (for two
    classes, scikit-learn keeps a single weight vector instead, which amounts to
    half this penalty). It is the softmax-linear model that the closed forms of
    expected gradient length and BADGE assume, and it warm-starts: a refit
    after one more label starts from the previous weights, which makes a loop
    round several times cheaper than a cold fit.

    Small problems (at most 120 parameters, such as 2-D data) are solved by
    Newton's method with a backtracking line search, which converges in one or
    two steps from a warm start; larger ones by L-BFGS.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength.
    max_iter : int, default=500
        Iterations at most.
    warm_start : bool, default=True
        Start a refit from the previous solution when the classes are the same.
    """

    _NEWTON_MAX_PARAMS = 120
    _GRADIENT_TOLERANCE = 1e-6  # L-BFGS: largest gradient entry at the optimum
    _DECREMENT_TOLERANCE = 1e-8  # Newton: loss above its minimum before the last step (~1e-16 after it)

    def __init__(self, C: float = 1.0, max_iter: int = 500, warm_start: bool = True):
        self.C = C
        self.max_iter = max_iter
        self.warm_start = warm_start

    def _loss_gradient(self, weights, X1, onehot):
        """Penalised loss, its gradient (D, K) and the probabilities (n, K)."""
        logits = X1 @ weights
        logits -= logits.max(axis=1, keepdims=True)
        exp_logits = np.exp(logits)
        normaliser = exp_logits.sum(axis=1, keepdims=True)
        probs = exp_logits / normaliser
        penalty = weights[:-1]
        # -sum log p(y|x) = sum(log normaliser) - sum(logit of the true class)
        loss = self.C * (np.log(normaliser).sum() - np.einsum("ij,ij->", onehot, logits))
        loss += 0.5 * np.einsum("ij,ij->", penalty, penalty)
        gradient = self.C * (X1.T @ (probs - onehot))
        gradient[:-1] += penalty
        return loss, gradient, probs

    def _hessian(self, X1, probs, bias_precision: float = 1e-9):
        """Hessian of the penalised loss over the row-major ``weights.ravel()``.

        The biases are unpenalised and the softmax ignores a shift shared by
        all classes, so the biases get a small ``bias_precision`` on the
        diagonal, which keeps the system solvable (and, for the Laplace
        posterior, makes it a proper prior).
        """
        n_features, n_classes = X1.shape[1], probs.shape[1]
        size = n_features * n_classes
        # d2 loss / dW[i,a] dW[j,b] = C sum_n x_ni x_nj (p_na [a == b] - p_na p_nb)
        curvature = -probs[:, :, None] * probs[:, None, :]
        curvature.reshape(len(probs), -1)[:, :: n_classes + 1] += probs
        hessian = self.C * np.einsum("ni,nj,nab->iajb", X1, X1, curvature).reshape(size, size)
        ridge = np.ones(size)
        ridge[-n_classes:] = bias_precision
        hessian.flat[:: size + 1] += ridge
        return hessian

    def _newton(self, start, objective, hessian):
        """Newton's method with a backtracking line search.

        ``objective(x) -> (loss, gradient, state)`` and ``hessian(x, state)``
        take parameters of any shape; the Hessian is over ``x.ravel()``. It
        stops when the Newton decrement ``g' H^-1 g / 2`` (about how far the
        loss is above its minimum) is below ``_DECREMENT_TOLERANCE``, after
        taking that last full step: from that close, a Newton step lands
        quadratically closer still, so the step needs no further evaluation.
        """
        x = start
        loss, gradient, state = objective(x)
        for _ in range(self.max_iter):
            step = _solve_positive_definite(hessian(x, state), gradient.ravel()).reshape(x.shape)
            decrease = float(np.vdot(gradient, step))
            if decrease <= 2.0 * self._DECREMENT_TOLERANCE:
                return x - step
            size = 1.0
            while True:
                trial = x - size * step
                trial_loss, trial_gradient, trial_state = objective(trial)
                if trial_loss <= loss - 1e-4 * size * decrease or size < 1e-8:
                    break
                size *= 0.5
            x, loss, gradient, state = trial, trial_loss, trial_gradient, trial_state
        return x

    def _binary_loss_gradient(self, w, X1, positive):
        """Two classes as one logistic regression on ``w = W[:, 1] - W[:, 0]``.

        With both class vectors penalised, the optimum has ``W[:, 0] = -W[:, 1]``,
        so the penalty ``0.5 |W|^2`` is ``0.25 |w|^2`` on the difference.
        """
        logits = X1 @ w
        # log(1 + e^z) - y z, computed without overflow
        loss = self.C * (np.logaddexp(0.0, logits).sum() - logits @ positive)
        loss += 0.25 * (w[:-1] @ w[:-1])
        probs = 0.5 * (1.0 + np.tanh(0.5 * logits))  # the sigmoid, without overflow
        gradient = self.C * (X1.T @ (probs - positive))
        gradient[:-1] += 0.5 * w[:-1]
        return loss, gradient, probs

    def _binary_hessian(self, w, X1, probs):
        hessian = self.C * ((X1 * (probs * (1.0 - probs))[:, None]).T @ X1)
        ridge = np.full(w.size, 0.5)
        ridge[-1] = 1e-9  # the unpenalised bias
        hessian.flat[:: w.size + 1] += ridge
        return hessian

    def _solve_small(self, weights, X1, onehot):
        """Newton on the smallest equivalent problem (one vector for two classes)."""
        if onehot.shape[1] == 2:
            positive = onehot[:, 1]
            w = self._newton(
                weights[:, 1] - weights[:, 0],
                lambda x: self._binary_loss_gradient(x, X1, positive),
                lambda x, probs: self._binary_hessian(x, X1, probs),
            )
            return np.column_stack([-0.5 * w, 0.5 * w])
        return self._newton(
            weights,
            lambda x: self._loss_gradient(x, X1, onehot),
            lambda x, probs: self._hessian(X1, probs),
        )

    def _lbfgs(self, weights, X1, onehot):
        def objective(flat):
            loss, gradient, _ = self._loss_gradient(flat.reshape(weights.shape), X1, onehot)
            return loss, gradient.ravel()

        result = minimize(objective, weights.ravel(), jac=True, method="L-BFGS-B",
                          options={"maxiter": self.max_iter, "gtol": self._GRADIENT_TOLERANCE})
        return result.x.reshape(weights.shape)

    def fit(self, X, y):
        """Fit on the penalised log-likelihood (Newton or L-BFGS, see above)."""
        X = as_float_array(X, "X", ndim=2)
        y = np.asarray(y)
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError("SoftmaxRegression needs at least two classes in y.")
        X1 = np.empty((X.shape[0], X.shape[1] + 1))  # features and a column of ones for the bias
        X1[:, :-1] = X
        X1[:, -1] = 1.0
        onehot = np.zeros((X.shape[0], classes.size))
        onehot[np.arange(X.shape[0]), np.searchsorted(classes, y)] = 1.0
        weights = np.zeros((X1.shape[1], classes.size))
        previous = getattr(self, "weights_", None)
        if self.warm_start and previous is not None and previous.shape == weights.shape \
                and (self.classes_ == classes).all():
            weights = previous.copy()
        if weights.size <= self._NEWTON_MAX_PARAMS:
            weights = self._solve_small(weights, X1, onehot)
        else:
            weights = self._lbfgs(weights, X1, onehot)
        self.classes_ = classes
        self.weights_ = weights
        self.coef_ = weights[:-1].T
        self.intercept_ = weights[-1]
        return self

    def decision_function(self, X):
        """Class scores ``x W + b``, shape (n, n_classes_seen)."""
        return np.asarray(X) @ self.coef_.T + self.intercept_

    def _class_major_scores(self, X):
        """Class scores as a (n_classes_seen, n) array: numpy reduces over a
        short leading axis many times faster than over a short last one."""
        return np.ascontiguousarray(self.decision_function(X).T)

    def predict_proba(self, X):
        """Softmax of the class scores, columns in the order of ``classes_``."""
        scores = self._class_major_scores(X)
        scores -= scores.max(axis=0)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=0)
        return scores.T

    def predict(self, X):
        """Most probable class."""
        return self.classes_[np.argmax(self._class_major_scores(X), axis=0)]


class RBFSVM(ClassifierMixin, BaseEstimator):
    """RBF-kernel SVM with probabilities from Platt scaling.

    Platt scaling is fitted by cross-validation once every class has at least
    two labeled examples; before that the probabilities are a softmax (or a
    sigmoid, for two classes) of the SVM's decision values, which ranks points
    the same way but is not calibrated.

    Parameters
    ----------
    C : float, default=1.0
        Regularisation strength of the SVM (larger = fits the labels harder).
    gamma : {'scale', 'auto'} or float, default='scale'
        RBF kernel width, as in :class:`sklearn.svm.SVC`.
    random_state : int or None, default=None
        Seed for the calibration folds.
    """

    def __init__(self, C: float = 1.0, gamma="scale", random_state=None):
        self.C = C
        self.gamma = gamma
        self.random_state = random_state

    def fit(self, X, y):
        """Fit the SVM (and its calibration, when there are enough labels)."""
        svm = SVC(kernel="rbf", C=self.C, gamma=self.gamma, random_state=self.random_state)
        self.classes_, counts = np.unique(y, return_counts=True)
        folds = int(min(3, counts.min()))
        if folds >= 2:
            self.model_ = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
        else:
            self.model_ = svm
        self.model_.fit(X, y)
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        if isinstance(self.model_, CalibratedClassifierCV):
            return self.model_.predict_proba(X)
        decision = self.model_.decision_function(X)
        if decision.ndim == 1:
            positive = expit(decision)
            return np.column_stack([1.0 - positive, positive])
        return softmax(decision, axis=1)

    def predict(self, X):
        """Most probable class."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class TaskModel:
    """A classifier that always answers with one probability column per class.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Any estimator with ``predict_proba``; it is cloned before each fit.
    n_classes : int
        Number of classes of the task; labels are ``0 .. n_classes - 1``.

    Attributes
    ----------
    note : str
        Empty after a normal fit; a plain-words explanation when the labeled
        set has a single class and the prediction is uniform.
    """

    def __init__(self, estimator, n_classes: int):
        if not hasattr(estimator, "predict_proba"):
            raise ValueError(
                f"{type(estimator).__name__} has no predict_proba; pass a probabilistic classifier."
            )
        if isinstance(n_classes, bool) or int(n_classes) != n_classes or n_classes < 2:
            raise ValueError(f"n_classes must be an integer of at least 2, got {n_classes!r}.")
        self.estimator = estimator
        self.n_classes = int(n_classes)
        self.note = ""
        self.fitted_ = None
        self.columns_ = None

    def fit(self, X, y) -> "TaskModel":
        """Fit on a labeled set (any subset of the task's classes)."""
        X = as_float_array(X, "X", ndim=2)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got shape {y.shape}.")
        if y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(f"y must hold integer labels in 0..{self.n_classes - 1}.")
        seen = np.flatnonzero(np.bincount(y, minlength=self.n_classes))
        if seen.size < 2:
            self.fitted_ = None
            self.columns_ = seen
            self.note = (
                "Only one class is labeled so far, so the model cannot tell classes apart yet: "
                "it predicts equal probabilities until a second class is labeled."
            )
            return self
        previous = self.fitted_
        if previous is not None and getattr(previous, "warm_start", False):
            estimator = previous  # refit in place, starting from the last solution
        else:
            estimator = clone(self.estimator)
        if hasattr(estimator, "n_neighbors"):  # k-NN needs at least k labeled points
            estimator.set_params(n_neighbors=min(self.estimator.n_neighbors, y.size))
        estimator.fit(X, y)
        self.fitted_ = estimator
        self.columns_ = np.asarray(estimator.classes_, dtype=np.intp)
        self.note = ""
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of shape (n, n_classes); classes never labeled get 0
        (or, before two classes are labeled, every class gets 1 / n_classes)."""
        if self.columns_ is None:
            raise ValueError("This TaskModel is not fitted yet; call fit(X, y) first.")
        X = np.asarray(X)
        if self.fitted_ is None:
            return np.full((X.shape[0], self.n_classes), 1.0 / self.n_classes)
        probs = np.zeros((X.shape[0], self.n_classes))
        probs[:, self.columns_] = self.fitted_.predict_proba(X)
        return probs

    def predict(self, X) -> np.ndarray:
        """Most probable class per row (class 0 before two classes are labeled).

        Asks the fitted estimator's own ``predict``, which for every registered
        model is the most probable class and skips building probabilities.
        """
        if self.columns_ is None:
            raise ValueError("This TaskModel is not fitted yet; call fit(X, y) first.")
        if self.fitted_ is None:
            return np.zeros(np.asarray(X).shape[0], dtype=np.intp)
        return np.asarray(self.fitted_.predict(X), dtype=np.intp)

    def sample_proba(self, X, T: int, *, rng: np.random.Generator) -> np.ndarray:
        """Posterior draws of the probabilities, shape (T, n, n_classes).

        Needs an estimator with ``sample_proba`` (see :mod:`alcore.bayes`).
        Classes never labeled get 0 in every draw; before two classes are
        labeled, every draw is uniform.

        Parameters
        ----------
        X : array-like of shape (n, d)
        T : int
            Number of draws.
        rng : numpy.random.Generator
            Source of the draws.

        Raises
        ------
        ValueError
            If the estimator cannot sample its posterior (the message lists
            the registered models that can).
        """
        if not hasattr(self.estimator, "sample_proba"):
            raise ValueError(
                f"{type(self.estimator).__name__} cannot sample its posterior, which BALD and "
                "BatchBALD need; pick one of alcore.registry.sampling_models()."
            )
        if self.columns_ is None:
            raise ValueError("This TaskModel is not fitted yet; call fit(X, y) first.")
        X = np.asarray(X)
        if self.fitted_ is None:
            return np.full((T, X.shape[0], self.n_classes), 1.0 / self.n_classes)
        draws = np.zeros((T, X.shape[0], self.n_classes))
        draws[:, :, self.columns_] = self.fitted_.sample_proba(X, T, rng=rng)
        return draws


class Committee:
    """Query-by-committee: M copies of a model, each fitted on a bootstrap sample.

    The bootstrap is drawn within each class, so every member sees every class
    the labeled set has (a member that saw one class could only vote for it).

    Parameters
    ----------
    estimator : scikit-learn classifier
        The base model, cloned for each member.
    n_classes : int
        Number of classes of the task.
    n_members : int, default=5
        Committee size M.
    rng : numpy.random.Generator
        Source of the bootstrap samples.
    """

    def __init__(self, estimator, n_classes: int, n_members: int = 5, *, rng: np.random.Generator):
        if isinstance(n_members, bool) or int(n_members) != n_members or n_members < 2:
            raise ValueError(f"n_members must be an integer of at least 2, got {n_members!r}.")
        self.estimator = estimator
        self.n_classes = int(n_classes)
        self.n_members = int(n_members)
        self.rng = rng
        self.members_: list[TaskModel] = []

    def fit(self, X, y) -> "Committee":
        """Fit every member on its own stratified bootstrap sample of (X, y)."""
        X = np.asarray(X)
        y = np.asarray(y)
        by_class = [np.flatnonzero(y == c) for c in np.unique(y)]
        self.members_ = []
        for _ in range(self.n_members):
            sample = np.concatenate([self.rng.choice(rows, size=rows.size) for rows in by_class])
            member = TaskModel(self.estimator, self.n_classes).fit(X[sample], y[sample])
            self.members_.append(member)
        return self

    def member_probs(self, X) -> np.ndarray:
        """Member probabilities, shape (M, n, n_classes)."""
        if not self.members_:
            raise ValueError("This Committee is not fitted yet; call fit(X, y) first.")
        return np.stack([member.predict_proba(X) for member in self.members_])

    def votes(self, X) -> np.ndarray:
        """Each member's predicted class, shape (M, n)."""
        return np.argmax(self.member_probs(X), axis=2)
