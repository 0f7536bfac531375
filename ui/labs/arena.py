"""The Arena's settings, presets, learners and measurement (the page is app_pages/arena.py)."""

from __future__ import annotations

from alcore.data import make_dataset
from alcore.loop import LoopConfig, Race
from alcore.registry import STRATEGIES
from alcore.stopping import StopRules
from ui.controls import data_params, dataset_kwargs, model_param, run_params, strategy_param
from ui.measure import race_args
from ui.params import Param, Preset, defaults

NAME = "arena"
MAX_POOL = 5000
PARAMS = data_params(init=4, max_pool=MAX_POOL) + (
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
PRESETS = {
    "blobs": Preset(
        "Overlapping blobs",
        dict(ds="blobs", noise=1.0, pool=1000, init=4, model="logreg", a="margin", b="random", budget=100, batch=1,
             target=0.85),
        "The opening race: a straight boundary, logistic regression, margin against random."),
    "moons": Preset(
        "Curved boundary",
        dict(ds="moons", noise=0.2, pool=1000, init=4, model="knn", a="margin", b="random", budget=100, batch=1,
             target=0.95),
        "Two moons and a model that can bend (k-NN), margin against random."),
    "classes": Preset(
        "Many classes: margin vs entropy",
        dict(ds="multiblobs", noise=0.6, classes=8, pool=1000, init=8, model="logreg", a="margin", b="entropy",
             budget=100, batch=1, target=0.7),
        "Eight overlapping classes, margin (A) against entropy (B): does entropy spread its attention over "
        "classes that do not matter for the decision?"),
}


def names(values) -> tuple[str, str]:
    """The two learners' display names: "A: Margin", "B: Random"."""
    return f"A: {STRATEGIES[values['a']].label}", f"B: {STRATEGIES[values['b']].label}"


def configs(values) -> dict:
    """The two learners, by display name."""
    return {name: LoopConfig(model=values["model"], strategy=values[side], batch_size=int(values["batch"]))
            for name, side in zip(names(values), ("a", "b"))}


def build(values, seed: int) -> Race:
    """The race for the settings: both learners on one draw of the data, the same starting labels."""
    data = make_dataset(**dataset_kwargs(values), random_state=int(seed))
    # keep_utilities=0: the page never reads past rounds' pool utilities, so a session grows by a few
    # numbers per round, not a pool vector.
    return Race(data, configs(values), seed=int(seed), seed_size=int(values["init"]), keep_utilities=0,
                budget=int(values["budget"]), stop_rules=StopRules())  # marks where each stopping rule fires


def measurement(values) -> dict:
    """The race over seeds behind the verdict."""
    return {"race": ("race", race_args(dataset_kwargs(values), configs(values), int(values["budget"]),
                                      int(values["init"]), int(values["seeds"])))}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults and every preset."""
    return [defaults(PARAMS)] + [{**defaults(PARAMS), **preset.values} for preset in PRESETS.values()]
