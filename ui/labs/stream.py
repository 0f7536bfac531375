"""The stream lab's settings, presets, learners and measurement (page: app_pages/stream.py)."""

from __future__ import annotations

from dataclasses import replace

from alcore.data import make_dataset
from alcore.registry import STRATEGIES
from alcore.stream import MEASURES, StreamRace, make_stream
from ui.controls import data_params, dataset_kwargs, model_param, run_params
from ui.measure import stream_args, stream_sweep_args
from ui.params import Param, Preset, defaults

NAME = "stream"
MAX_POOL = 2000
#: The thresholds of the trade-off measurement (the current one is measured on its own too).
THRESHOLDS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98)


def _data_params() -> tuple:
    """The shared data settings, with this lab's defaults: six classes that overlap a little, a shorter stream."""
    shared = {param.name: param for param in data_params(init=4, max_pool=MAX_POOL)}
    shared["ds"] = replace(shared["ds"], default="multiblobs")
    shared["classes"] = replace(shared["classes"], default=6)
    shared["noise"] = replace(shared["noise"], default=0.6)
    shared["pool"] = replace(shared["pool"], default=500, low=100, label="stream length")
    return tuple(shared.values())


PARAMS = _data_params() + (
    model_param(),
    Param("measure", "margin", choices=tuple(MEASURES), label="uncertainty measure",
          labels={name: STRATEGIES[name].label for name in MEASURES}),
    Param("threshold", 0.5, low=0.0, high=1.0, digits=2, label="threshold"),
    Param("budget", 80, low=5, high=300, label="label budget"),
    Param("epsilon", 0.0, low=0.0, high=0.5, digits=2, label="epsilon"),
    Param("drift", False, label="drifting stream"),
    Param("angle", 90, low=15, high=180, label="drift angle"),
    Param("zone", False, label="asking zone"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
) + run_params(n_high=MAX_POOL)

#: Settings that build new learners when they change (replayed to the same arrival).
REBUILD_ON = ("ds", "noise", "classes", "pool", "init", "model", "measure", "threshold", "budget", "epsilon",
              "drift", "angle")

#: Presets: their words hold no numbers; the page adds what their measurement shows.
_TWO_BLOBS = dict(ds="blobs", noise=0.6, budget=60)
PRESETS = {
    "still": Preset("A still stream", {},
                    "Six classes arrive in random order; the learner asks when its top two classes are close."),
    "early": Preset("Drift: budget spent early", dict(_TWO_BLOBS, drift=True, angle=90, threshold=0.2),
                    "A low threshold asks about almost everything, so the budget is gone before the boundary "
                    "turns."),
    "shy": Preset("Drift: too few questions", dict(_TWO_BLOBS, drift=True, angle=180, threshold=0.9),
                  "A high threshold saves its budget, but after the picture turns over the model is confidently "
                  "wrong, so the new points look certain and it hardly asks."),
}


def drift_at(values) -> int | None:
    """The first drifted arrival (half-way through), or None for a still stream."""
    return int(values["pool"]) // 2 if values["drift"] else None


def settings(values) -> dict:
    """The race's settings (what :class:`alcore.stream.StreamRace` takes, with ``drift`` and ``angle``)."""
    return dict(model=values["model"], measure=values["measure"], threshold=round(float(values["threshold"]), 2),
                budget=int(values["budget"]), epsilon=round(float(values["epsilon"]), 2), n_start=int(values["init"]),
                drift=bool(values["drift"]), angle=float(values["angle"]) if values["drift"] else 0.0)


def build(values, seed: int) -> StreamRace:
    """The three learners on one stream: the pool drawn for ``seed``, arriving in a seeded order."""
    stream = make_stream(make_dataset(**dataset_kwargs(values), random_state=int(seed)), drift_at=drift_at(values),
                         angle=float(values["angle"]), random_state=int(seed))
    race = settings(values)
    race.pop("drift"), race.pop("angle")
    return StreamRace(stream, **race, random_state=int(seed))


def measurement(values) -> dict:
    """The race over seeds, and the stream learner at every threshold of :data:`THRESHOLDS` (shared by all
    thresholds, so moving the threshold measures only the race)."""
    race = settings(values)
    sweep = {name: value for name, value in race.items() if name != "threshold"}
    data, seeds = dataset_kwargs(values), int(values["seeds"])
    return {"race": ("stream", stream_args(data, race, seeds)),
            "sweep": ("stream_sweep", stream_sweep_args(data, sweep, THRESHOLDS, seeds))}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults and every preset."""
    return [{**defaults(PARAMS), **preset.values} for preset in PRESETS.values()]
