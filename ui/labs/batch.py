"""The Batch diversity explorer's settings, presets, learners and measurement (page: app_pages/batch.py)."""

from __future__ import annotations

import numpy as np

from alcore.data import make_dataset
from alcore.loop import LoopConfig, Race
from alcore.registry import DATASETS
from alcore.stats import labels_to_reach, paired_saving
from ui.controls import data_params, dataset_kwargs, model_param, run_params, strategy_param
from ui.figures import LEARNER_COLOURS
from ui.measure import race_args
from ui.params import Param, Preset, defaults

NAME = "batch"
MAX_BATCH = 100
MAX_POOL = 3000

#: The learners, in panel order: one per batch selector. ``greedy``: its picks have an order worth
#: numbering; ``prefix``: a batch of k is the first k picks of a larger batch (tests hold them to it).
METHODS = {
    "top_k": dict(title="Top-K", greedy=False, prefix=True),
    "k_center": dict(title="K-Centers", greedy=True, prefix=True),
    "hybrid": dict(title="Hybrid", greedy=True, prefix=True),
    "badge": dict(title="BADGE", greedy=True, prefix=False),
}
#: The measurement adds random batches of the same size: does diversity beat mere luck?
REFERENCE = "random"
TITLES = {**{m: meta["title"] for m, meta in METHODS.items()}, REFERENCE: "Random batches"}
COLOURS = dict(zip(TITLES, LEARNER_COLOURS))

PARAMS = data_params(init=10, max_pool=MAX_POOL) + (
    model_param(),
    strategy_param("acq", "margin", "acquisition function", include_random=False),
    Param("batch", 20, low=1, high=MAX_BATCH, label="batch size"),
    Param("alpha", 0.5, low=0.0, high=1.0, digits=2, label="hybrid alpha"),
    Param("badge", False, label="BADGE panel"),
    Param("scores", True, label="score map"),
    Param("target", 0.85, low=0.5, high=0.99, digits=3, label="target accuracy"),
    Param("seeds", 20, low=5, high=50, label="number of seeds"),
    Param("budget", 200, low=20, high=500, label="label budget"),
) + run_params(n_high=MAX_POOL)

#: Settings that build new learners when they change (batch size and alpha do not: they change the
#: batch each learner shows, not what it has learned).
REBUILD_ON = ("ds", "noise", "classes", "pool", "init", "model", "acq", "badge")

PRESETS = {
    "blobs": Preset(
        "Straight boundary",
        dict(ds="blobs", noise=1.0, pool=1000, init=10, model="logreg", acq="margin", batch=20, alpha=0.5,
             target=0.85, budget=200),
        "Overlapping blobs and logistic regression: Top-K's batch is a tight band on the boundary."),
    "moons": Preset(
        "Curved boundary",
        dict(ds="moons", noise=0.2, pool=1000, init=10, model="knn", acq="margin", batch=25, alpha=0.5,
             target=0.95, budget=200),
        "Two moons and k-nearest neighbours: the boundary bends, so a batch must look in many places."),
}


def methods(values) -> list:
    """The learners shown: the three selectors, and BADGE when its panel is on."""
    return [m for m in METHODS if m != "badge" or values["badge"]]


def build(values, seed: int) -> Race:
    """One learner per batch selector on one draw of the data, all from the same starting labels."""
    data = make_dataset(**dataset_kwargs(values), random_state=int(seed))
    configs = {m: LoopConfig(model=values["model"], strategy=values["acq"], selector=m,
                             alpha=float(values["alpha"])) for m in methods(values)}
    return Race(data, configs, seed=int(seed), seed_size=int(values["init"]), keep_utilities=0)


def measurement(values) -> dict:
    """Every learner and random batches, labeling batches of the chosen size up to the budget, over seeds.

    Alpha matters to hybrid only: the others keep the default, so their runs are shared across alphas.
    """
    configs = {m: LoopConfig(model=values["model"], strategy=values["acq"], selector=m,
                             batch_size=int(values["batch"]),
                             alpha=float(values["alpha"]) if m == "hybrid" else 0.5)
               for m in (*methods(values), REFERENCE)}
    return {"race": ("race", race_args(dataset_kwargs(values), configs, int(values["budget"]), int(values["init"]),
                                      int(values["seeds"])))}


#: The claim's table, measured for the page (`python bench/measure_labs.py` stores it): pool 1,000,
#: 10 starting labels, margin, hybrid alpha 0.5, budget 300, 20 seeds; each dataset with its model.
CLAIM_DATA = (("moons", "knn"), ("xor", "knn"), ("blobs", "logreg"), ("multiblobs", "logreg"))
CLAIM_BATCHES = (10, 25, 50)
CLAIM_COMPARED = ("hybrid", "k_center", REFERENCE)


def claim_settings() -> list:
    """The settings of each row of the claim's table, in order."""
    return [{**defaults(PARAMS), "ds": dataset, "model": model, "batch": batch, "noise": DATASETS[dataset].default_noise,
             "pool": 1000, "init": 10, "acq": "margin", "alpha": 0.5, "budget": 300, "seeds": 20, "badge": False}
            for dataset, model in CLAIM_DATA for batch in CLAIM_BATCHES]


def claim_row(result) -> tuple:
    """(target, {method: saving over Top-K}) for one row's measurement.

    The target is 99% of the best learner's mean final accuracy, rounded down
    to 0.005, so every learner can reach it; the saving is
    :func:`alcore.stats.paired_saving` of the labels each needs to reach it.
    """
    labels, accuracy = result
    best_final = max(acc[:, -1].mean() for acc in accuracy.values())
    target = float(np.floor(0.99 * best_final * 200) / 200)
    needed = {m: labels_to_reach(labels, acc, target) for m, acc in accuracy.items()}
    return target, {m: paired_saving(needed[m], needed["top_k"]) for m in CLAIM_COMPARED}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults, every preset and the claim's table."""
    return ([defaults(PARAMS)] + [{**defaults(PARAMS), **preset.values} for preset in PRESETS.values()]
            + claim_settings())
