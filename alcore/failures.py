"""The four failure modes of active learning, each with the scenario that shows
it, its fix, and the measurement of the fix over many seeds.

Every failure is a :class:`FailureMode` in :data:`FAILURES`: a scenario
dataset from :mod:`alcore.data`, a learner, a number of queries and the setting that
switches the fix on. :func:`run_failure` runs one learner: fix off, fix on,
or the random-sampling reference (the failing learner's model, random
queries, fix off). :func:`measure_failure` runs all three over many seeds,
paired (the same data and, except where the cold-start fix replaces it, the
same seed set), and returns per-seed figures for :mod:`alcore.stats`;
``bench/bench_failures.py`` prints them.

The defaults were chosen by measuring (``bench/bench_failures.py``): each
scenario is one where the failure shows with the fix off; whether the fix
then helps is whatever the measurement says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from alcore.data import make_dataset
from alcore.fixes import apply_temperature, expected_calibration_error
from alcore.loop import ActiveLoop, LoopConfig, Race


@dataclass(frozen=True)
class FailureMode:
    """A failure of active learning, the scenario that shows it, and its fix.

    Attributes
    ----------
    name : str
        Key in :data:`FAILURES`.
    label : str
        Short title for the UI.
    dataset : str
        Scenario key in ``alcore.data.DATASETS`` (drawn with its default noise).
    model, strategy : str
        The learner that fails.
    seed_size : int
        Initial labeled set size.
    seed_method : str
        How the seed set is chosen with the fix off.
    n_queries : int
        Queries a run makes after the seed set.
    fix : tuple of (str, value) pairs
        The setting that switches the fix on: ``LoopConfig`` fields, or
        ``seed_method`` for the cold start (a pair tuple keeps the record
        hashable; :attr:`fix_settings` gives it as a dict).
    cause : str
        One plain sentence on why active learning fails here.
    remedy : str
        One plain sentence on what the fix does.
    """

    name: str
    label: str
    dataset: str
    model: str
    strategy: str
    seed_size: int
    seed_method: str
    n_queries: int
    fix: tuple
    cause: str
    remedy: str

    @property
    def fix_settings(self) -> dict:
        """The fix as keyword arguments."""
        return dict(self.fix)

    def config(self, condition: str) -> LoopConfig:
        """The learner's config in a condition (see :data:`CONDITIONS`)."""
        condition = _check_condition(condition)
        config = LoopConfig(model=self.model, strategy="random" if condition == "random" else self.strategy)
        if condition != "on":
            return config
        return config.with_(**{key: value for key, value in self.fix if key != "seed_method"})

    def seed_method_for(self, condition: str) -> str:
        """How the seed set is chosen in a condition."""
        if _check_condition(condition) == "on":
            return self.fix_settings.get("seed_method", self.seed_method)
        return self.seed_method


# The three learners measure_failure compares: the failing learner with its fix
# off and on, and random sampling with the same model (fix off) for reference.
CONDITIONS = ("off", "on", "random")


def _check_condition(condition: str) -> str:
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {CONDITIONS}, got {condition!r}.")
    return condition


FAILURES: dict[str, FailureMode] = {
    mode.name: mode
    for mode in (
        FailureMode(
            "sampling_bias", "Sampling bias", "hidden_cluster", "poly_logreg", "entropy", 4, "per_class", 36,
            (("epsilon", 0.2),),
            "The learner only asks near its current boundary, so it never finds a group of points "
            "that it is wrongly sure about.",
            "Epsilon-greedy: each query is, with probability epsilon, a uniformly random point.",
        ),
        FailureMode(
            "outlier_attraction", "Outlier attraction", "outliers", "logreg", "kl_disagreement", 4,
            "per_class", 36, (("density_beta", 1.0),),
            "Far from the data the committee's members disagree most, so the learner spends its labels "
            "on isolated points whose labels are random.",
            "Density weighting: multiply each utility by the pool's density there, to the power beta.",
        ),
        FailureMode(
            "cold_start", "Cold start", "many_clusters", "poly_logreg", "margin", 12, "random", 20,
            (("seed_method", "cluster"),),
            "With a handful of random first labels the model knows few regions, and its uncertainty "
            "elsewhere means little.",
            "Clustered seed: k-means on the pool, and label the point nearest each centroid first.",
        ),
        FailureMode(
            "miscalibration", "Miscalibration", "overlap", "poly_logreg", "margin", 8, "per_class", 32,
            (("temperature", True),),
            "A flexible model trained on few labels is far more confident than it is right.",
            "Temperature scaling: divide the logits by a T fitted on held-out labeled points.",
        ),
    )
}

# What measure_failure reports for each failure, besides final accuracy.
METRICS: dict[str, str] = {
    "hidden_never_labeled": "share of runs that never label the hidden cluster",
    "outlier_query_share": "share of queries that hit an outlier",
    "mean_accuracy_first_20": "mean test accuracy over the first 20 queries",
    "ece": "calibration error (ECE) of the probabilities used",
    "ece_raw": "calibration error (ECE) before temperature scaling",
    "accuracy": "test accuracy after the last query",
}


def get_failure(mode) -> FailureMode:
    """A failure mode by name (with the valid names in the error), or a FailureMode as is.

    Pass your own ``FailureMode`` (for example
    ``dataclasses.replace(FAILURES["sampling_bias"], fix=(("epsilon", 0.5),))``)
    to measure other settings.
    """
    if isinstance(mode, FailureMode):
        return mode
    if mode not in FAILURES:
        raise ValueError(f"failure must be a FailureMode or one of {sorted(FAILURES)}, got {mode!r}.")
    return FAILURES[mode]


def run_failure(mode, seed: int, condition: str, *, seed_size: Optional[int] = None,
                n_pool: int = 1000, n_test: int = 500) -> Race:
    """One learner on a failure's scenario, run for its ``n_queries``.

    Parameters
    ----------
    mode : str or FailureMode
        Key in :data:`FAILURES`, or a failure mode (see :func:`get_failure`).
    seed : int
        Seed of the data, the seed set and the learner.
    condition : {'off', 'on', 'random'}
        Fix off, fix on, or random sampling (fix off).
    seed_size : int, optional
        Seed-set size; the failure's own when None.
    n_pool, n_test : int
        Scenario sizes.

    Returns
    -------
    Race
        A race with one learner, ``"learner"``, that has made its queries.
    """
    mode = get_failure(mode)
    data = make_dataset(mode.dataset, n_pool=n_pool, n_test=n_test, random_state=seed)
    race = Race(data, {"learner": mode.config(condition)}, seed=seed,
                seed_size=mode.seed_size if seed_size is None else seed_size,
                seed_method=mode.seed_method_for(condition))
    for _ in range(mode.n_queries):
        race.step()
    return race


def failure_metrics(mode, race: Race) -> dict:
    """The figures that show a failure, for one finished run (see :data:`METRICS`)."""
    mode = get_failure(mode)
    loop: ActiveLoop = race.loops["learner"]
    data = race.dataset
    n_seed = loop.history[0].queried.size
    queried = loop.labeled_indices[n_seed:]
    counts, accuracy = loop.curve
    figures = {}
    if mode.name == "sampling_bias":
        figures["hidden_never_labeled"] = float(not data.marked[loop.labeled_indices].any())
    elif mode.name == "outlier_attraction":
        figures["outlier_query_share"] = float(data.marked[queried].mean())
    elif mode.name == "cold_start":
        figures["mean_accuracy_first_20"] = float(accuracy[(counts > n_seed) & (counts <= n_seed + 20)].mean())
    else:
        raw = loop.predict_proba(data.X_test)
        figures["ece_raw"] = expected_calibration_error(raw, data.y_test)
        figures["ece"] = expected_calibration_error(apply_temperature(raw, loop.temperature), data.y_test)
    figures["accuracy"] = float(accuracy[-1])
    return figures


def measure_failure(mode, seeds: Sequence[int], *, seed_size: Optional[int] = None, n_pool: int = 1000,
                    n_test: int = 500, progress: Optional[Callable[[float], None]] = None) -> dict:
    """Fix off, fix on and random sampling, over many seeds.

    Parameters
    ----------
    mode : str or FailureMode
        Key in :data:`FAILURES`, or a failure mode (see :func:`get_failure`).
    seeds : sequence of int
        One run per condition per seed.
    seed_size : int, optional
        Seed-set size; the failure's own when None.
    n_pool, n_test : int
        Scenario sizes.
    progress : callable, optional
        Called with the fraction done (0 to 1) after each seed.

    Returns
    -------
    dict
        ``{condition: {metric: array}}`` for each of :data:`CONDITIONS`, one
        value per seed; summarise with :func:`alcore.stats.estimate`.
    """
    mode = get_failure(mode)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed.")
    runs = {condition: [] for condition in CONDITIONS}
    for done, seed in enumerate(seeds, start=1):
        for condition in runs:
            race = run_failure(mode, seed, condition, seed_size=seed_size, n_pool=n_pool, n_test=n_test)
            runs[condition].append(failure_metrics(mode, race))
        if progress is not None:
            progress(done / len(seeds))
    return {condition: {key: np.array([row[key] for row in rows]) for key in rows[0]}
            for condition, rows in runs.items()}
