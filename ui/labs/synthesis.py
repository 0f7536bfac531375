"""The synthesis lab's settings, learners and measurement (page: app_pages/synthesis.py).

Two variants (tabs): ``plane``, 2-D data whose true class probabilities are
known, so any point can be labeled; and ``digits``, real 8x8 images, where a
query is a blend of two of them and a person (or the ground truth: the image
the blend is mostly made of) answers.
"""

from __future__ import annotations

from dataclasses import replace

from alcore.data import make_dataset
from alcore.synthesis import ENDS, SynthesisRace
from ui.controls import data_params, dataset_kwargs, model_param, run_params
from ui.measure import synthesis_args
from ui.params import Param, defaults

NAME = "synthesis"
VARIANTS = ("plane", "digits")
LABELS = {"plane": "2-D: queries on the boundary", "digits": "Digits: can you label a blend?"}
MIXTURES = ("blobs", "multiblobs", "xor")  # 2-D sets with known class probabilities: any point has an answer
DIGITS = dict(name="digits", n_pool=1000)
DIGITS_SEED = 10  # one starting image per class
DIGITS_MODEL = "logreg"


def _data_params() -> tuple:
    shared = {param.name: param for param in data_params(init=4, max_pool=2000, datasets=MIXTURES)}
    shared["pool"] = replace(shared["pool"], default=500)
    return tuple(shared.values())


PARAMS = (Param("tab", VARIANTS[0], choices=VARIANTS, label="tab", labels=LABELS),) + _data_params() + (
    model_param(),
    Param("ends", "plane", choices=tuple(ENDS), label="end points", labels=ENDS),
    Param("budget", 40, low=20, high=150, label="label budget"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
) + run_params(n_high=150)

#: Settings that build new learners when they change, per variant (the digits' answers survive a 2-D change).
REBUILD_ON = {"plane": ("ds", "noise", "classes", "pool", "init", "model", "ends"), "digits": ()}


def settings(values) -> tuple[dict, dict]:
    """The data (``make_dataset`` arguments, no seed) and the :class:`alcore.synthesis.SynthesisRace`
    settings of the open variant."""
    budget = int(values["budget"])
    if values["tab"] == "digits":
        return dict(DIGITS), dict(model=DIGITS_MODEL, ends="pool", oracle="source", seed_size=DIGITS_SEED,
                                  budget=budget)
    return dataset_kwargs(values), dict(model=values["model"], ends=values["ends"], oracle="posterior",
                                        seed_size=int(values["init"]), budget=budget)


def build(values, seed: int) -> SynthesisRace:
    """The synthesis learner and pool-based margin sampling, from the same starting labels."""
    data, race = settings(values)
    return SynthesisRace(make_dataset(**data, random_state=int(seed)), **race, strategies=("margin",),
                         random_state=int(seed))


def measurement(values) -> dict:
    """Synthesis, margin and random sampling to the budget, over seeds."""
    data, race = settings(values)
    return {"race": ("synthesis", synthesis_args(data, race, int(values["seeds"])))}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: each tab at its defaults, and the 2-D tab with
    end points between real points."""
    base = defaults(PARAMS)
    return [{**base, "tab": "plane"}, {**base, "tab": "plane", "ends": "pool"}, {**base, "tab": "digits"}]
