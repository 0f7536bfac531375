"""The Arena's settings, presets, learners and measurement (the page is app_pages/arena.py)."""

from __future__ import annotations

from typing import Optional

from alcore.data import Dataset, make_dataset
from alcore.loop import LoopConfig, Race
from alcore.registry import STRATEGIES
from alcore.stopping import StopRules
from ui.controls import (UPLOAD, data_params, dataset_kwargs, model_param, run_params, strategy_param,
                         two_d_datasets)
from ui.measure import race_args
from ui.params import Param, Preset, defaults

NAME = "arena"
MAX_POOL = 5000
#: The datasets: every 2-D one, the handwritten digits (drawn on a map of the images) and a visitor's file.
DATASETS = tuple(two_d_datasets()) + ("digits", UPLOAD)
PARAMS = data_params(init=4, max_pool=MAX_POOL, datasets=DATASETS) + (
    model_param(),
    strategy_param("a", "margin", "strategy A"),
    strategy_param("b", "random", "strategy B"),
    Param("budget", 100, low=10, high=300, label="label budget"),
    Param("batch", 1, low=1, high=20, label="batch size"),
    Param("scores", False, label="score map"),
    Param("target", 0.85, low=0.5, high=0.99, digits=2, label="target accuracy"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
) + run_params(n_high=300)

#: Settings that build new learners when they change.
REBUILD_ON = ("ds", "noise", "classes", "pool", "init", "model", "a", "b", "batch")

#: Presets: their words hold no numbers; the page adds what their measurement shows.
#: What the presets share: a pool of 1,000, one label per step, 100 labels, margin against random.
_RACE = dict(pool=1000, init=4, a="margin", b="random", budget=100, batch=1)

PRESETS = {
    "blobs": Preset(
        "Overlapping blobs",
        dict(_RACE, ds="blobs", noise=1.0, model="logreg", target=0.85),
        "The opening race: a straight boundary, logistic regression, margin against random."),
    "moons": Preset(
        "Curved boundary",
        dict(_RACE, ds="moons", noise=0.2, model="knn", target=0.95),
        "Two moons and a model that can bend (k-NN), margin against random."),
    "classes": Preset(
        "Many classes: margin vs entropy",
        dict(_RACE, ds="multiblobs", noise=0.6, classes=8, init=8, model="logreg", b="entropy", target=0.7),
        "Eight overlapping classes, margin (A) against entropy (B): does entropy spread its attention over "
        "classes that do not matter for the decision?"),
    "digits": Preset(
        "Handwritten digits",
        dict(_RACE, ds="digits", noise=0.0, init=10, model="logreg", budget=150, target=0.9),
        "Real images: 8x8 handwritten digits, ten classes, logistic regression on the 64 pixels, margin against "
        "random. The picture is a map of the images; beside it, the last digits each learner asked about."),
    "too_simple": Preset(
        "Too simple to profit",
        dict(_RACE, ds="rings", noise=0.1, model="logreg", target=0.75),
        "A straight line cannot separate a disk from the ring around it, so the best a line can do here is call "
        "everything ring. Random sampling shows the model the whole pool and it learns that; margin sampling "
        "keeps asking about the disk's edge, a sample that looks nothing like the data, and fits its line to "
        "that. Does asking where the model is unsure still pay when the model cannot draw the boundary? Switch "
        "the model to k-NN, which can bend, to compare."),
}


def names(values) -> tuple[str, str]:
    """The two learners' display names: "A: Margin", "B: Random"."""
    return f"A: {STRATEGIES[values['a']].label}", f"B: {STRATEGIES[values['b']].label}"


def configs(values) -> dict:
    """The two learners, by display name."""
    return {name: LoopConfig(model=values["model"], strategy=values[side], batch_size=int(values["batch"]))
            for name, side in zip(names(values), ("a", "b"))}


def build(values, seed: int, data: Optional[Dataset] = None) -> Race:
    """The race for the settings: both learners on one draw of the data (``data`` when given, a
    visitor's file say; else the settings' dataset), the same starting labels."""
    if data is None:
        data = make_dataset(**dataset_kwargs(values), random_state=int(seed))
    # keep_utilities=0: the page never reads past rounds' pool utilities, so a session grows by a few
    # numbers per round, not a pool vector.
    return Race(data, configs(values), seed=int(seed), seed_size=int(values["init"]), keep_utilities=0,
                budget=int(values["budget"]), stop_rules=StopRules())  # marks where each stopping rule fires


def measurement(values, upload=None) -> dict:
    """The race over seeds behind the verdict: a key, or for a visitor's file (``upload``, a
    :class:`ui.upload.Upload`) its private job, which keeps the data and the result in the session."""
    budget, seed_size, n_seeds = int(values["budget"]), int(values["init"]), int(values["seeds"])
    if values["ds"] == UPLOAD:
        return {"race": upload.race(configs(values), n_pool=int(values["pool"]), budget=budget, seed_size=seed_size,
                                    n_seeds=n_seeds)}
    return {"race": ("race", race_args(dataset_kwargs(values), configs(values), budget, seed_size, n_seeds))}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults and every preset."""
    return [defaults(PARAMS)] + [{**defaults(PARAMS), **preset.values} for preset in PRESETS.values()]
