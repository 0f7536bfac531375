"""One registry: names -> strategies, batch selectors, models, datasets and
failure modes, each with a label and a one-line description for the UI.
Other modules add strategies and selectors with :func:`register_strategy`
and :func:`register_selector`.

A strategy turns a :class:`alcore.loop.QueryContext` (the candidates, the
labeled set and the fitted model, with lazily computed probabilities and
committee outputs) into one utility per candidate, higher = ask first. A
selector turns those utilities and the context into ``k`` candidate indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from alcore import batch, scores
from alcore.bayes import LaplaceLogistic, MCDropoutMLP
from alcore.data import DATASETS, DatasetInfo  # noqa: F401  (the datasets' registry lives with their code)
from alcore.failures import FAILURES, FailureMode  # noqa: F401  (one record per failure, in alcore/failures/)
from alcore.models import RBFSVM, SoftmaxRegression

# Expected error reduction refits the model once per (candidate, label): the loop
# scores this many random candidates, and measures error on this many pool points.
EER_CANDIDATES = 50
EER_POOL = 200


@dataclass(frozen=True)
class Strategy:
    """An acquisition strategy.

    Attributes
    ----------
    name : str
        Registry key (used in URLs and configs).
    label : str
        Short name for the UI.
    description : str
        One plain sentence on what it asks for.
    utility : callable
        ``utility(context) -> (n_candidates,)`` utilities, higher = ask first.
    is_random : bool
        True for the random baseline, whose utilities are noise, not a picture.
    needs_samples : bool
        True when it reads posterior samples, so only models that can draw
        them (:func:`sampling_models`) work with it.
    """

    name: str
    label: str
    description: str
    utility: Callable[..., np.ndarray]
    is_random: bool = False
    needs_samples: bool = False


@dataclass(frozen=True)
class Selector:
    """A batch selector.

    Attributes
    ----------
    name : str
        Registry key.
    label : str
        Short name for the UI.
    description : str
        One plain sentence on how it builds a batch.
    select : callable
        ``select(utilities, context, k) -> indices`` into the candidates.
    needs_samples : bool
        True when it reads posterior samples (see :class:`Strategy`).
    """

    name: str
    label: str
    description: str
    select: Callable[..., np.ndarray]
    needs_samples: bool = False


STRATEGIES: dict[str, Strategy] = {}
SELECTORS: dict[str, Selector] = {}


def register_strategy(strategy: Strategy) -> Strategy:
    """Add a strategy to the registry (a name can be registered once)."""
    if strategy.name in STRATEGIES:
        raise ValueError(f"A strategy named {strategy.name!r} is already registered.")
    STRATEGIES[strategy.name] = strategy
    return strategy


def register_selector(selector: Selector) -> Selector:
    """Add a batch selector to the registry (a name can be registered once)."""
    if selector.name in SELECTORS:
        raise ValueError(f"A selector named {selector.name!r} is already registered.")
    SELECTORS[selector.name] = selector
    return selector


def get_strategy(name: str) -> Strategy:
    """Look a strategy up by name, with the valid names in the error."""
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {sorted(STRATEGIES)}, got {name!r}.")
    return STRATEGIES[name]


def get_selector(name: str) -> Selector:
    """Look a selector up by name, with the valid names in the error."""
    if name not in SELECTORS:
        raise ValueError(f"selector must be one of {sorted(SELECTORS)}, got {name!r}.")
    return SELECTORS[name]


def linear_features(model, X) -> np.ndarray:
    """Features as a fitted model's last, linear step sees them (after a pipeline's
    transforms, such as the cubic features): what expected gradient length and
    BADGE take, for a :class:`alcore.models.TaskModel` ``model``."""
    fitted = model.fitted_
    if isinstance(fitted, Pipeline):
        return fitted[:-1].transform(X)
    return X


def _linear_features(ctx) -> np.ndarray:
    """The candidates' features as the model's last, linear step sees them."""
    return linear_features(ctx.model, ctx.X_candidates)


def _expected_error_reduction(ctx) -> np.ndarray:
    """EER on a random subsample of candidates, error measured on the unlabeled pool."""
    loop = ctx.loop
    return scores.expected_error_reduction(
        ctx.model, ctx.X_labeled, ctx.y_labeled, ctx.X_candidates, X_eval=loop.X_pool[~loop.labeled_mask],
        candidate_subsample=EER_CANDIDATES, pool_subsample=EER_POOL, rng=ctx.rng, check_input=False,
    )


def _badge(utilities, ctx, k) -> np.ndarray:
    """BADGE on the gradient embeddings of the model's softmax-linear last step."""
    embeddings = batch.softmax_gradient_embedding(ctx.probs, _linear_features(ctx))
    return batch.badge(embeddings, k, ctx.rng)


for _strategy in (
    Strategy("random", "Random", "Every unlabeled point is equally likely: the baseline to beat.",
             lambda ctx: ctx.rng.random(ctx.n_candidates), is_random=True),
    Strategy("least_confidence", "Least confidence",
             "Ask where the most likely class is least probable: 1 - max p.",
             lambda ctx: scores.least_confidence(ctx.probs, check_input=False)),
    Strategy("margin", "Margin", "Ask where the top two classes are closest: 1 - (p1 - p2).",
             lambda ctx: scores.margin(ctx.probs, check_input=False)),
    Strategy("entropy", "Entropy", "Ask where the predicted distribution is most spread: -sum p log p.",
             lambda ctx: scores.entropy(ctx.probs, check_input=False)),
    Strategy("vote_entropy", "QBC: vote entropy",
             "A committee of models trained on resamples votes; ask where the votes split most.",
             lambda ctx: scores.vote_entropy(ctx.votes, ctx.n_classes, check_input=False)),
    Strategy("kl_disagreement", "QBC: average KL",
             "Ask where committee members' probabilities differ most from their average.",
             lambda ctx: scores.kl_disagreement(ctx.member_probs, check_input=False)),
    Strategy("egl", "Expected gradient length",
             "Ask where the answer would move a logistic model's weights most, averaged over the "
             "likely answers.",
             lambda ctx: scores.expected_gradient_length(ctx.probs, _linear_features(ctx),
                                                         check_input=False)),
    Strategy("eer", "Expected error reduction",
             f"Refit on each possible answer and ask where the pool's expected errors drop most "
             f"({EER_CANDIDATES} random candidates checked per round).",
             _expected_error_reduction),
    Strategy("bald", "BALD",
             "Ask where plausible versions of the model are each sure but disagree (needs MC dropout "
             "or Bayesian logistic regression).",
             lambda ctx: scores.bald(ctx.mc_probs, check_input=False), needs_samples=True),
):
    register_strategy(_strategy)

for _selector in (
    Selector("top_k", "Top-k", "The k highest utilities, even if they sit side by side.",
             lambda utilities, ctx, k: batch.top_k(utilities, k)),
    Selector("k_center", "K-centers", "Greedy core-set: each pick is the point farthest from all "
             "labeled and picked points; ignores utility.",
             lambda utilities, ctx, k: batch.k_center_greedy(ctx.X_candidates, ctx.X_labeled, k)),
    Selector("hybrid", "Hybrid", "Each pick maximises alpha x utility + (1 - alpha) x distance "
             "to the labeled and picked points.",
             lambda utilities, ctx, k: batch.hybrid(utilities, ctx.X_candidates, ctx.X_labeled, k,
                                                    alpha=ctx.config.alpha)),
    Selector("random", "Random batch", "k points drawn uniformly, ignoring utility.",
             lambda utilities, ctx, k: batch.random_batch(ctx.n_candidates, k, ctx.rng)),
    Selector("badge", "BADGE", "k-means++ over what each label would teach the model: unsure points "
             "that differ from one another; ignores utility.", _badge),
    Selector("batchbald", "BatchBALD", "Grows the batch whose labels together tell most about the model, "
             "so picks do not repeat each other (needs a sampling model); ignores utility.",
             lambda utilities, ctx, k: batch.batchbald(ctx.mc_probs, k, ctx.rng, check_input=False),
             needs_samples=True),
):
    register_selector(_selector)


# -- models ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelSpec:
    """A named model the app and the loop can build.

    Attributes
    ----------
    name : str
        Registry key.
    label : str
        Short name for the UI.
    description : str
        One line on what it is and when it suits.
    build : callable
        ``build(random_state) -> unfitted scikit-learn classifier``.
    samples_posterior : bool
        True when the model can draw posterior samples (``sample_proba``),
        which BALD and BatchBALD need.
    max_features : int, optional
        The most features it takes (None: any number); the loop refuses
        wider data with a ValueError that says so.
    """

    name: str
    label: str
    description: str
    build: Callable[[int], BaseEstimator]
    samples_posterior: bool = False
    max_features: Optional[int] = None


def sampling_models() -> list[str]:
    """Names of the registered models that can sample their posterior."""
    return [name for name, spec in MODELS.items() if spec.samples_posterior]


def _logreg(random_state):
    return SoftmaxRegression(C=1.0)


def _poly_logreg(random_state):
    return make_pipeline(
        StandardScaler(), PolynomialFeatures(degree=3), SoftmaxRegression(C=10.0, warm_start=False)
    )


def _svm(random_state):
    return RBFSVM(C=1.0, random_state=random_state)


def _knn(random_state):
    return KNeighborsClassifier(n_neighbors=5, weights="distance")


def _forest(random_state):
    return RandomForestClassifier(n_estimators=50, min_samples_leaf=1, random_state=random_state)


def _mc_dropout(random_state):
    return MCDropoutMLP(hidden_layer_sizes=(64,), dropout=0.2, random_state=random_state)


def _laplace_logreg(random_state):
    return LaplaceLogistic(C=1.0, random_state=random_state)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("logreg", "Logistic regression", "A straight boundary; fast and well behaved.", _logreg),
        ModelSpec(
            "poly_logreg",
            "Curved logistic regression",
            "Logistic regression on cubic features: a boundary that can bend.",
            _poly_logreg,
            max_features=10,  # every product of up to three features: 286 columns for 10, 47,905 for 64 pixels
        ),
        ModelSpec("svm_rbf", "RBF SVM", "A kernel SVM with Platt-scaled probabilities; bends freely.", _svm),
        ModelSpec("knn", "k-nearest neighbours", "Votes of the 5 nearest labeled points, by distance.", _knn),
        ModelSpec("forest", "Random forest", "50 trees; blocky boundaries, confident far from data.", _forest),
        ModelSpec(
            "mc_dropout",
            "Neural net (MC dropout)",
            "A small neural network trained with dropout; dropout left on gives many plausible nets.",
            _mc_dropout,
            samples_posterior=True,
        ),
        ModelSpec(
            "laplace_logreg",
            "Bayesian logistic regression",
            "Logistic regression with a Gaussian spread over its weights (Laplace approximation).",
            _laplace_logreg,
            samples_posterior=True,
        ),
    )
}


def make_model(name: str, random_state: int = 0) -> BaseEstimator:
    """Build an unfitted classifier by registry name.

    Parameters
    ----------
    name : str
        One of :data:`MODELS`.
    random_state : int, default=0
        Seed for models that use randomness.

    Returns
    -------
    sklearn.base.BaseEstimator
    """
    if name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {name!r}.")
    return MODELS[name].build(random_state)
