"""The acquisition zoo's settings, learner, maps and measurement (the page is app_pages/zoo.py).

One learner (dataset, model, starting labels and the labels Step added), and
every acquisition function of :mod:`alcore.zoo` scoring it: on the pool (the
point each would pick, how their rankings agree) and on a grid (its map).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from alcore import scores, zoo
from alcore.data import make_dataset
from alcore.loop import Race
from alcore.registry import MODELS, STRATEGIES, sampling_models
from alcore.stats import estimate, mean_interval
from ui import figures
from ui.controls import data_params, dataset_kwargs, model_param, run_params
from ui.measure import ROUND_SECONDS, zoo_args
from ui.params import Param, defaults

NAME = "zoo"
MAX_POOL = 2000
#: Labels Step may add after the starting ones (a change of settings replays them all).
MAX_ROUNDS = 100
#: The maps' grids: MAP_GRID x MAP_GRID points (the model's own picture's grid), but fewer for BALD, which
#: draws 20 models per point.
MAP_GRID, BALD_GRID = 60, 30
GRIDS = {"bald": BALD_GRID}
#: Functions shown where they scored the pool, not as a map: EER refits the model once per point and class,
#: so it scores a few candidates (alcore.zoo.EER_CANDIDATES), and a map would cost as many refits again.
POOL_ONLY = ("eer",)
#: Pixels of a map's longer side (a map is shown about 260 pixels wide).
PANEL_SIDE = 320

#: Short names for the agreement table's columns.
SHORT = {"least_confidence": "LC", "margin": "Margin", "entropy": "Entropy", "vote_entropy": "VE",
         "kl_disagreement": "KL", "egl": "EGL", "bald": "BALD", "eer": "EER", zoo.RANDOM: "Random"}
TITLES = {**{name: STRATEGIES[name].label for name in zoo.FUNCTIONS}, zoo.RANDOM: "Random"}


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 2 else f"{seconds:.1f} s"


def _with_defaults(params: tuple, **values) -> tuple:
    """The shared settings with this lab's own defaults."""
    return tuple(dataclasses.replace(p, default=values[p.name]) if p.name in values else p for p in params)


PARAMS = _with_defaults(data_params(init=6, max_pool=MAX_POOL), ds="multiblobs", noise=0.9, classes=3) + (
    model_param("laplace_logreg"),
    Param("acq", "margin", choices=zoo.FUNCTIONS, label="function Step asks with",
          labels={name: TITLES[name] for name in zoo.FUNCTIONS}),
    Param("two", False, label="two classes"),
    Param("budget", 40, low=10, high=100, label="label budget"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
) + run_params(n_high=MAX_ROUNDS)

#: Settings that build the learner again; with the lab's replay on, it is rebuilt at the same number of
#: labels, all asked by the function now selected.
REBUILD_ON = ("ds", "noise", "classes", "pool", "init", "model", "acq")


def build(values, seed: int) -> Race:
    """The learner for the settings: the model on one draw of the data, taught the starting labels."""
    data = make_dataset(**dataset_kwargs(values), random_state=int(seed))
    return zoo.learners(data, values["model"], seed=int(seed), seed_size=int(values["init"]),
                        budget=int(values["init"]) + MAX_ROUNDS)


#: Seconds per refit (estimated by ui.measure.ROUND_SECONDS) above which expected error reduction is not drawn
#: live: it refits the model once per candidate and class, so with a slow model every Step would wait seconds.
LIVE_EER_REFIT = 0.005


def live_functions(model: str) -> tuple:
    """The functions the page draws for a model: those it serves, EER only if the model refits quickly."""
    served = zoo.functions_for(model)
    if ROUND_SECONDS.get(model, np.inf) <= LIVE_EER_REFIT:
        return served
    return tuple(name for name in served if name != "eer")


def eer_refits(n_classes: int) -> int:
    """Refits of the model behind EER's scores, per Step."""
    return zoo.EER_CANDIDATES * int(n_classes)


def notes(model: str, n_classes: int) -> list:
    """What the maps of this model leave out or read differently, in words."""
    said = []
    if "eer" not in live_functions(model):
        said.append(f"**Expected error reduction is not drawn live:** it refits the model for every candidate and "
                    f"every class, {eer_refits(n_classes):,} refits per Step here, and {MODELS[model].label} refits "
                    f"slowly (about {_duration(eer_refits(n_classes) * ROUND_SECONDS[model])} per Step, estimated), "
                    "so the page and its measurement leave it out.")
    if "bald" not in zoo.functions_for(model):
        able = " or ".join(MODELS[name].label for name in sampling_models())
        said.append(f"**BALD is not shown:** it reads posterior draws, and {MODELS[model].label} cannot draw them. "
                    f"Pick {able} to see it beside the others on the same model (a BALD map from another "
                    "model would compare two models, not two functions).")
    if not zoo.linear_last_step(model):
        said.append(f"**Expected gradient length** uses the closed form for a softmax-linear model (logistic "
                    f"regression); {MODELS[model].label} is not one, so its map is that formula on the raw "
                    "features: a proxy for how much the label would teach.")
    return said


# -- the maps ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Maps:
    """Every function at one state: utilities over the pool, picks, and maps.

    Attributes
    ----------
    functions : tuple of str
    pool : dict of str to numpy.ndarray
        Utilities over ``state.candidates`` (EER: NaN where not scored).
    picks : dict of str to int
        The pool index each function asks for.
    grids : dict of str to numpy.ndarray
        Each map, (n, n) with n from :data:`GRIDS` (else :data:`MAP_GRID`); rows y up. None for the
        functions of :data:`POOL_ONLY`.
    scored : dict of str to (numpy.ndarray, numpy.ndarray)
        For the functions of :data:`POOL_ONLY`: the pool indices they scored and their utilities.
    rho : numpy.ndarray of shape (F, F)
        :func:`alcore.zoo.rank_agreement` over the pool.
    """

    functions: tuple
    pool: dict
    picks: dict
    grids: dict
    scored: dict
    rho: np.ndarray


def grid_points(bounds, n: int) -> np.ndarray:
    """The points of an n x n map over the data's bounds (:func:`ui.figures.make_grid`)."""
    return figures.make_grid(bounds, n)[2]


def maps(state: zoo.State, bounds) -> Maps:
    """Every function the page draws (:func:`live_functions`) at the state: pool, picks, maps, agreement."""
    functions = live_functions(state.loop.config.model)
    pool = state.pool_scores(functions)
    mapped = [name for name in functions if name not in POOL_ONLY]
    grids = dict.fromkeys(functions)
    for size in sorted({GRIDS.get(name, MAP_GRID) for name in mapped}):
        named = [name for name in mapped if GRIDS.get(name, MAP_GRID) == size]
        grids.update({name: values.reshape(size, size)
                      for name, values in state.scores(grid_points(bounds, size), named).items()})
    scored = {}
    for name in functions:
        if name in POOL_ONLY:
            rows = np.flatnonzero(np.isfinite(pool[name]))
            scored[name] = (state.candidates[rows], pool[name][rows])
    picks = {name: state.pick(name) for name in functions}
    return Maps(functions, pool, picks, grids, scored, zoo.rank_agreement(pool))


def pictures(race: Race, maps: Maps, grid_probs: np.ndarray, pool_alpha: np.ndarray) -> dict:
    """Each function's map as a panel picture (:func:`ui.figures.panel_picture`), its pick ringed (a function
    of :data:`POOL_ONLY`: the candidates it scored, as squares coloured by score, on a blank map):
    {function: (h, w, 3) uint8}. ``grid_probs`` is the model on the page's grid, ``pool_alpha``
    :func:`ui.figures.pool_mask` at :data:`PANEL_SIDE`."""
    data, loop = race.dataset, race.loops["zoo"]
    edges = figures.boundary_edges(grid_probs, data.bounds, PANEL_SIDE)  # one model: one boundary for every map
    blank = np.zeros((2, 2))  # behind a function scored only at its squares: nothing but the boundary
    drawn = {}
    for name in maps.functions:
        indices, values = maps.scored.get(name, (None, None))
        drawn[name] = figures.panel_picture(
            grid_probs, data.bounds, X_labeled=data.X_pool[loop.labeled_indices], y_labeled=loop.labels,
            grid_scores=maps.grids[name] if indices is None else blank, pool_alpha=pool_alpha,
            X_new=data.X_pool[[maps.picks[name]]], long_side=PANEL_SIDE, edges=edges,
            X_scored=None if indices is None else data.X_pool[indices], scored=values)
    return drawn


def pick_groups(picks: dict) -> list:
    """Functions grouped by the point they pick, largest group first (ties: in the zoo's order)."""
    groups: dict = {}
    for name, index in picks.items():
        groups.setdefault(index, []).append(name)
    return sorted(groups.values(), key=lambda names: -len(names))


# -- the three-class example -------------------------------------------------------------------------

#: The post's two probability vectors.
POINTS = {"A": (0.34, 0.33, 0.33), "B": (0.50, 0.49, 0.01)}
#: The order check on two classes: p(class 1) in steps of 1 / TWO_CLASS_STEPS.
TWO_CLASS_STEPS = 1000
#: The order check on three classes: every vector of multiples of 1 / THREE_CLASS_STEPS.
THREE_CLASS_STEPS = 40


@lru_cache(maxsize=1)
def simplex_pictures() -> dict:
    """Each uncertainty measure coloured over the simplex, A and B ringed: {measure: JPEG data URI}."""
    probs = figures.simplex_points()
    return {name: figures.jpeg_data_uri(figures.simplex_picture(getattr(scores, name)(probs, check_input=False),
                                                                marks=POINTS))
            for name in zoo.UNCERTAINTY}


def point_scores() -> dict:
    """Each uncertainty measure at A and B: {measure: (at A, at B)}."""
    points = np.array(list(POINTS.values()))
    return {name: tuple(float(v) for v in getattr(scores, name)(points)) for name in zoo.UNCERTAINTY}


@lru_cache(maxsize=2)
def orders(n_classes: int) -> dict:
    """How often two measures order a pair of probability vectors differently:
    {(measure, measure): (pairs that differ, pairs)} over :func:`alcore.zoo.lattice`."""
    vectors = zoo.lattice(n_classes, TWO_CLASS_STEPS if n_classes == 2 else THREE_CLASS_STEPS)
    values = {name: getattr(scores, name)(vectors) for name in zoo.UNCERTAINTY}
    return {(a, b): zoo.order_disagreement(values[a], values[b])
            for i, a in enumerate(zoo.UNCERTAINTY) for b in zoo.UNCERTAINTY[i + 1:]}


def two_class_curves() -> tuple:
    """(p(class 1), {measure: its values on two classes, scaled to its largest}) for the toggle's chart."""
    vectors = zoo.lattice(2, 200)[::-1]
    named = {}
    for name in zoo.UNCERTAINTY:
        values = getattr(scores, name)(vectors)
        named[TITLES[name]] = values / values.max()
    return vectors[:, 0], named


# -- the measurement -----------------------------------------------------------------------------------

def measurement(values) -> dict:
    """Every function's learner and random's over seeds, and how the functions agree, behind the verdict."""
    return {"zoo": ("zoo", zoo_args(dataset_kwargs(values), values["model"], live_functions(values["model"]),
                                    int(values["init"]), int(values["budget"]), int(values["seeds"])))}


@dataclass(frozen=True)
class Summary:
    """What the zoo's measurement shows, for the selected function.

    Attributes
    ----------
    functions : tuple of str
    n_seeds : int
    labels : numpy.ndarray
        Label counts of the curves.
    bands : dict of str to (mean, low, high)
        Mean accuracy per label count with its 95% interval, per learner (random included).
    final : dict of str to Estimate
        Test accuracy at the budget.
    along : dict of str to Estimate
        Mean test accuracy along the curve (from the starting labels to the budget).
    over_random : dict of str to Estimate
        The same minus random's, paired by seed.
    rho : dict of str to Estimate
        Rank correlation of the selected function with each (mean over the looks of a seed).
    same : dict of str to Estimate
        Share of looks where the selected function and each pick the same point.
    """

    functions: tuple
    n_seeds: int
    labels: np.ndarray
    bands: dict
    final: dict
    along: dict
    over_random: dict
    rho: dict
    same: dict


def summarise(result: dict, selected: str) -> Summary:
    """The measurement's numbers, with 95% intervals over seeds."""
    functions, accuracy = tuple(result["functions"]), result["accuracy"]
    along = {name: acc.mean(axis=1) for name, acc in accuracy.items()}
    at = functions.index(selected)
    others = [name for name in functions if name != selected]
    return Summary(
        functions=functions, n_seeds=int(accuracy[zoo.RANDOM].shape[0]), labels=np.asarray(result["labels"]),
        bands={name: mean_interval(acc) for name, acc in accuracy.items()},
        final={name: estimate(acc[:, -1], 0.0, 1.0) for name, acc in accuracy.items()},
        along={name: estimate(values, 0.0, 1.0) for name, values in along.items()},
        over_random={name: estimate(along[name] - along[zoo.RANDOM]) for name in functions},
        rho={name: estimate(result["rho"][:, at, functions.index(name)], -1.0, 1.0) for name in others},
        same={name: estimate(result["same"][:, at, functions.index(name)], 0.0, 1.0) for name in others},
    )


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults."""
    return [defaults(PARAMS)]

