"""Multi-seed measurements: what a lab's verdict is computed from, as pure functions of a key.

A key is ``(kind, args)``: the kind names a :class:`Kind` in :data:`KINDS`
and ``args`` are plain values (strings, numbers, booleans, nested tuples),
so a key can be cached, written to disk and computed in another process.
A measurement is split into one task per seed (:meth:`Kind.one_seed`), so a
scheduler can run cheap measurements before expensive ones, show progress
and stop one nobody waits for; :meth:`Kind.combine` puts the seeds together.

Results are kept at three levels, looked up in this order:

1. the lab store, ``ui/labs/measured.json``: committed, written by
   ``python bench/measure_labs.py`` for every lab's defaults and presets, so a
   first visitor sees those verdicts at once;
2. a disk cache (``ALAB_CACHE_DIR``, default ``.cache/measurements`` in the
   repository), shared by every app process on the machine and bounded in
   size, so a restart or another process keeps what was measured (entries
   are filed under a fingerprint of the engine's code, so a change of the
   engine never serves an old result);
3. the scheduler's memory (:mod:`ui.jobs`).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from alcore import lab, zoo
from alcore.data import DATASETS, make_dataset
from alcore.loop import LoopConfig, Race
from alcore.registry import EER_CANDIDATES
from alcore.models import single_threaded
from alcore.stream import StreamRace, make_stream, threshold_sweep
from alcore.synthesis import SynthesisRace, far_from_data
from alcore.oracle import on_grid, simulate

ROOT = Path(__file__).resolve().parents[1]
LAB_STORE = ROOT / "ui" / "labs" / "measured.json"
CACHE_DIR = Path(os.environ.get("ALAB_CACHE_DIR", ROOT / ".cache" / "measurements"))
MAX_CACHE_FILES = 2000  # about 30 KB each: at most about 60 MB on disk


# -- keys ------------------------------------------------------------------------------------------

def freeze(value):
    """A JSON-like value with lists turned into tuples, so it can be part of a hashable key."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in sorted(value.items()))
    if isinstance(value, np.generic):
        return value.item()
    return value


def key_text(key: tuple) -> str:
    """The canonical text of a key (the same key gives the same text in every process)."""
    return json.dumps(key, separators=(",", ":"))


def config_args(config: LoopConfig) -> tuple:
    """A learner's config as key arguments."""
    return freeze(asdict(config))


# -- the kinds ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """A kind of measurement.

    Attributes
    ----------
    name : str
    one_seed : callable
        ``one_seed(args, seed) -> result for that seed`` (plain values and arrays).
    combine : callable
        ``combine(args, [one result per seed]) -> the measurement``.
    n_seeds : callable
        ``n_seeds(args) -> number of seeds`` (seeds are 0 .. n - 1).
    cost : callable
        ``cost(args) -> estimated seconds per seed`` on this kind of machine
        (see :func:`round_seconds`), to put cheap work first and to say how long
        a wait will be.
    """

    name: str
    one_seed: Callable[[tuple, int], Any]
    combine: Callable[[tuple, list], Any]
    n_seeds: Callable[[tuple], int]
    cost: Callable[[tuple], float]


# Seconds per learner round on a pool of 1,000 points with an uncertainty strategy, by model,
# measured by `python bench/bench_costs.py` (single-threaded BLAS, the 2-core VM); a
# strategy that fits a committee or refits per candidate multiplies them.
ROUND_SECONDS = {"logreg": 0.00024, "poly_logreg": 0.0022, "svm_rbf": 0.0099, "knn": 0.0024, "forest": 0.041,
                 "mc_dropout": 0.023, "laplace_logreg": 0.00034}
STRATEGY_FACTOR = {"vote_entropy": 6.2, "kl_disagreement": 6.5, "egl": 1.2, "eer": 67.0, "bald": 9.2, "random": 0.86}
SELECTOR_FACTOR = {"badge": 3.0, "batchbald": 28.0}
# On wide data (the 64-pixel digits, ten classes) against the 2-D sets, same pool, single-threaded: linear
# models fit a weight per pixel and class; k-NN and the forest cost about the same or less (factor 1).
WIDE_FACTOR = {"logreg": 9.0, "laplace_logreg": 9.0, "svm_rbf": 2.0}


def round_seconds(config: dict, n_pool: int, wide: bool = False) -> float:
    """Estimated seconds for one round of a learner (a dict of :class:`LoopConfig` fields); ``wide``
    for data with more than two features."""
    base = ROUND_SECONDS.get(config["model"], 0.05) * max(n_pool, 200) / 1000
    if wide:
        base *= WIDE_FACTOR.get(config["model"], 1.0)
    return base * STRATEGY_FACTOR.get(config["strategy"], 1.0) * SELECTOR_FACTOR.get(config["selector"], 1.0)


def race_args(data: dict, configs: dict, budget: int, seed_size: int, n_seeds: int) -> tuple:
    """Key arguments of a race: the dataset's ``make_dataset`` arguments (no seed), the
    learners by name, the label budget, the seed-set size and the number of seeds."""
    return (freeze(data), tuple((name, config_args(config)) for name, config in configs.items()),
            int(budget), int(seed_size), int(n_seeds))


def race_seed(data, configs: dict, budget: int, seed_size: int, seed: int) -> dict:
    """One seed of a race on ``data`` (an :class:`alcore.data.Dataset`) to ``budget`` labels: each learner's curve."""
    race = Race(data, configs, seed=seed, seed_size=seed_size, budget=budget)
    race.advance(budget)
    return {name: loop.curve for name, loop in race.loops.items()}


def _race_seed(args: tuple, seed: int) -> dict:
    data, learners, budget, seed_size, _ = args
    configs = {name: LoopConfig(**dict(config)) for name, config in learners}
    return race_seed(make_dataset(**dict(data), random_state=seed), configs, budget, seed_size, seed)


def curves_over_seeds(runs: list, names) -> tuple:
    """Learning curves of many seeds as arrays: (labels, {name: (n_seeds, n_points) accuracy}).

    ``runs`` holds one ``{name: (labels, accuracy)}`` per seed; a curve that
    stopped early (its pool used up) keeps its last value, as in
    :func:`alcore.loop.race_curves`.
    """
    labels = max((curve[0] for run in runs for curve in run.values()), key=len)
    accuracy = {name: np.array([np.pad(run[name][1], (0, labels.size - run[name][1].size), mode="edge")
                                for run in runs]) for name in names}
    return labels, accuracy


def _race_combine(args: tuple, runs: list) -> tuple:
    """(labels, {learner: (n_seeds, n_points) accuracy}), as :func:`alcore.loop.race_curves` returns."""
    return curves_over_seeds(runs, [name for name, _ in args[1]])


def race_seconds(configs: dict, n_pool: int, budget: int, seed_size: int, wide: bool = False) -> float:
    """Estimated seconds for one seed of a race (learners as dicts of :class:`LoopConfig` fields; ``wide``
    for data with more than two features)."""
    return sum(round_seconds(config, n_pool, wide) * max(1, (budget - seed_size) / config["batch_size"])
               for config in configs.values())


def _race_cost(args: tuple) -> float:
    data, learners, budget, seed_size, _ = args
    data = dict(data)
    return race_seconds({name: dict(config) for name, config in learners}, data.get("n_pool", 1000), budget,
                        seed_size, wide=not DATASETS[data["name"]].two_d)


def failure_args(mode_name: str, knob_value, condition: str, n_seeds: int) -> tuple:
    """Key arguments of one condition of a failure: its name, its knob's value (None: the
    record's own), the condition and the number of seeds."""
    return (mode_name, knob_value, condition, int(n_seeds))


def _failure_seed(args: tuple, seed: int) -> dict:
    name, knob_value, condition, _ = args
    mode = lab.tuned(name, knob_value)
    return lab.failure_metrics(mode, lab.run_failure(mode, seed, condition))


def _stacked(args: tuple, runs: list) -> dict:
    """Per-seed dicts of arrays as one dict of arrays, the seed first."""
    return {key: np.array([run[key] for run in runs]) for key in runs[0]}


def _mode_cost(mode, condition: str) -> float:
    config = asdict(lab.config(mode, condition))
    folds = 6.0 if config["temperature"] else 1.0  # temperature scaling refits on 5 folds per round
    return round_seconds(config, lab.N_POOL) * mode.n_queries * folds


def _failure_cost(args: tuple) -> float:
    name, knob_value, condition, _ = args
    return _mode_cost(lab.tuned(name, knob_value), condition)


def variant_args(scenario: str, condition: str, n_seeds: int, *, strategy: Optional[str] = None,
                 selector: Optional[str] = None, fix: Optional[str] = None) -> tuple:
    """Key arguments of a failure's scenario run by another learner or with another failure's fix
    (:func:`alcore.lab.variant`; None keeps the record's own), in a condition, over seeds."""
    return (scenario, strategy, selector, fix, condition, int(n_seeds))


def _variant_mode(args: tuple):
    scenario, strategy, selector, fix, _, _ = args
    return lab.variant(scenario, strategy=strategy, selector=selector, fix=fix)


def _variant_seed(args: tuple, seed: int) -> dict:
    mode = _variant_mode(args)
    return lab.failure_metrics(mode, lab.run_failure(mode, seed, args[4]))
# -- the stream and synthesis labs -----------------------------------------------------------------

#: Seconds per arrival for the stream learner and random asking together (single-threaded, the 2-core VM,
#: refits included), and per round of a synthesis race (synthesis, margin and random on a 2-D pool of 500);
#: printed by `python bench/bench_stream_costs.py`. Digits' 64 features and 10 classes cost DIGITS_FACTOR more.
ARRIVAL_SECONDS = {"logreg": 0.0001, "poly_logreg": 0.0007, "svm_rbf": 0.006, "knn": 0.0015, "forest": 0.02,
                   "mc_dropout": 0.0012, "laplace_logreg": 0.00012}
SYNTHESIS_ROUND_SECONDS = {"logreg": 0.0012, "poly_logreg": 0.008, "svm_rbf": 0.04, "knn": 0.013, "forest": 0.15,
                           "mc_dropout": 0.06, "laplace_logreg": 0.0015}
DIGITS_FACTOR = 12.0
WITH_POOL = 1.45  # a stream race with the pool-based reference, against one without


def stream_args(data: dict, settings: dict, n_seeds: int) -> tuple:
    """Key arguments of a stream race: the dataset's ``make_dataset`` arguments (no seed), the
    :class:`alcore.stream.StreamRace` settings with ``drift`` (bool) and ``angle``, and the number of seeds."""
    return freeze(data), freeze(settings), int(n_seeds)


def stream_sweep_args(data: dict, settings: dict, thresholds, n_seeds: int) -> tuple:
    """Key arguments of a threshold sweep: as :func:`stream_args` without ``threshold``, and the thresholds."""
    return freeze(data), freeze(settings), tuple(float(t) for t in thresholds), int(n_seeds)


def _stream_of(data: tuple, settings: dict, seed: int):
    """The seed's stream; takes ``drift`` and ``angle`` out of ``settings``."""
    dataset = make_dataset(**dict(data), random_state=seed)
    drift_at = dataset.X_pool.shape[0] // 2 if settings.pop("drift") else None
    return make_stream(dataset, drift_at=drift_at, angle=float(settings.pop("angle")), random_state=seed)


def _stream_seed(args: tuple, seed: int) -> dict:
    data, settings, _ = args
    settings = dict(settings)
    stream = _stream_of(data, settings, seed)
    with single_threaded():
        return StreamRace(stream, **settings, random_state=seed).run().summary()


def _sweep_seed(args: tuple, seed: int) -> dict:
    data, settings, thresholds, _ = args
    settings = dict(settings)
    stream = _stream_of(data, settings, seed)
    with single_threaded():
        return threshold_sweep(stream, thresholds, **settings, random_state=seed)


def _arrival_seconds(data: tuple, settings: tuple) -> float:
    """Seconds for a whole stream, stream learner and random asking (more classes, slower fits and predictions:
    about 2.3 times two classes' cost with six, measured)."""
    data = dict(data)
    classes = (data.get("n_classes", 2) / 2) ** 0.75
    return data.get("n_pool", 1000) * ARRIVAL_SECONDS.get(dict(settings)["model"], 0.02) * classes


def _stream_cost(args: tuple) -> float:
    return _arrival_seconds(*args[:2]) * WITH_POOL


def _sweep_cost(args: tuple) -> float:
    return _arrival_seconds(*args[:2]) * len(args[2])


def synthesis_args(data: dict, settings: dict, n_seeds: int) -> tuple:
    """Key arguments of a synthesis race: the dataset's ``make_dataset`` arguments (no seed), the
    :class:`alcore.synthesis.SynthesisRace` settings (``model``, ``ends``, ``oracle``, ``seed_size``,
    ``budget``) and the number of seeds."""
    return freeze(data), freeze(settings), int(n_seeds)


MIXED = 0.25  # a blend with at least this share of its second image is "mixed"


def _synthesis_seed(args: tuple, seed: int) -> dict:
    data, settings, _ = args
    dataset = make_dataset(**dict(data), random_state=seed)
    with single_threaded():
        race = SynthesisRace(dataset, **dict(settings), strategies=("margin", "random"), random_state=seed)
        race.advance(race.budget)
    out = {f"{name}.accuracy": loop.curve[1] for name, loop in race.loops.items()}
    out["labels"] = race.synthesis.curve[0]
    weights = np.array([min(r.query.t, 1 - r.query.t) for r in race.synthesis.history])
    out["mixed"] = float(np.mean(weights >= MIXED)) if weights.size else np.nan
    out["far"] = (float(np.mean(far_from_data(race.synthesis.queries, dataset.X_pool)))
                  if dataset.bounds is not None and weights.size else np.nan)
    return out


def _synthesis_cost(args: tuple) -> float:
    data, settings, _ = args
    data, settings = dict(data), dict(settings)
    rounds = max(1, settings["budget"] - settings["seed_size"])
    seconds = SYNTHESIS_ROUND_SECONDS.get(settings["model"], 0.1) * rounds
    return seconds * (DIGITS_FACTOR if data["name"] == "digits" else 1.0)


# -- a person as the oracle (the oracle lab), answered by the dataset's labels -----------------------------

# A round on the digits (64 features, 10 classes) costs this many times a round of ROUND_SECONDS's 2-D
# pool; a run with a machine tier costs about as much as one without (its refits take hundreds of
# labels, but it runs out of points to ask sooner). Measured: `python bench/bench_oracle_server.py --costs`.


def oracle_args(data: dict, config: LoopConfig, seed_size: int, per_refit: int, people: int, n_seeds: int,
                thresholds: tuple = ()) -> tuple:
    """Key arguments of a measurement of the oracle lab's learner with the dataset's labels as the person:
    ``make_dataset`` arguments (no seed), the learner, starting labels, answers per refit, labels from
    people each run goes to, the number of seeds, and (for ``"tiers"``) the machine tier's thresholds."""
    return (freeze(data), config_args(config), int(seed_size), int(per_refit), int(people), int(n_seeds),
            tuple(float(t) for t in thresholds))


def _person(args: tuple, seed: int, threshold=None):
    data, config, seed_size, per_refit, people, _, _ = args
    return simulate(make_dataset(**dict(data), random_state=seed), LoopConfig(**dict(config)), seed=seed,
                    seed_size=seed_size, per_refit=per_refit, people=people, threshold=threshold)


def _tiers_seed(args: tuple, seed: int) -> dict:
    """No machine tier, then each threshold: accuracy at each count of labels from people, and the
    machine tier's labels and mistakes."""
    _, _, seed_size, per_refit, people, _, thresholds = args
    grid = np.arange(seed_size, people + 1, per_refit)
    runs = [_person(args, seed, threshold) for threshold in (None,) + thresholds]
    return {"labels": grid, "accuracy": np.array([on_grid(*run.curve, grid) for run in runs]),
            "machine": np.array([run.machine_counts()[0] for run in runs]),
            "wrong": np.array([run.machine_counts()[1] for run in runs])}


def _stopping_seed(args: tuple, seed: int) -> dict:
    """What the stopping rules read after every refit, and the test accuracy, up to the horizon (kappa
    and entropy to 6 decimals: a third of the bytes in the lab store, and no threshold of the page is
    finer)."""
    watch = _person(args, seed).watch
    return {"labels": np.array(watch.labels), "accuracy": np.array(watch.accuracy),
            "kappa": np.round(watch.kappa, 6), "entropy": np.round(watch.entropy, 6)}


def _oracle_cost(args: tuple) -> float:
    data, config, seed_size, per_refit, people, _, thresholds = args
    rounds = max(1, (people - seed_size) / per_refit)
    return round_seconds(dict(config), dict(data).get("n_pool", 1000)) * DIGITS_FACTOR * rounds * (1 + len(thresholds))


KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (
        Kind("race", _race_seed, _race_combine, lambda args: args[-1], _race_cost),
        Kind("failure", _failure_seed, _stacked, lambda args: args[-1], _failure_cost),
        Kind("failure_variant", _variant_seed, _stacked, lambda args: args[-1],
             lambda args: _mode_cost(_variant_mode(args), args[4])),
        Kind("stream", _stream_seed, _stacked, lambda args: args[-1], _stream_cost),
        Kind("stream_sweep", _sweep_seed, _stacked, lambda args: args[-1], _sweep_cost),
        Kind("synthesis", _synthesis_seed, _stacked, lambda args: args[-1], _synthesis_cost),
        Kind("tiers", _tiers_seed, _stacked, lambda args: args[5], _oracle_cost),
        Kind("stopping", _stopping_seed, _stacked, lambda args: args[5], _oracle_cost),
    )
}


# -- the zoo: every acquisition function on one model (alcore.zoo) ---------------------------------

def zoo_args(data: dict, model: str, functions, seed_size: int, budget: int, n_seeds: int) -> tuple:
    """Key arguments of the zoo's measurement: the dataset's ``make_dataset`` arguments (no
    seed), the model, the functions compared, the seed-set size, the label budget and the number of seeds."""
    return (freeze(data), str(model), tuple(functions), int(seed_size), int(budget), int(n_seeds))


def _zoo_seed(args: tuple, seed: int) -> dict:
    data, model, functions, seed_size, budget, _ = args
    return zoo.run_seed(make_dataset(**dict(data), random_state=seed), model, seed=seed, seed_size=seed_size,
                        budget=budget, functions=functions)


def _zoo_combine(args: tuple, runs: list) -> dict:
    """``labels``, ``accuracy`` ({learner: (n_seeds, n_points)}), ``functions`` and, per seed over its
    looks along random's path, ``rho`` (mean rank correlation) and ``same`` (share of the same pick),
    each (n_seeds, F, F)."""
    functions = runs[0]["functions"]
    labels, accuracy = curves_over_seeds([run["curves"] for run in runs], functions + (zoo.RANDOM,))
    with warnings.catch_warnings():  # a pair with no correlation at any look stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        rho = np.array([np.nanmean(run["rho"], axis=0) for run in runs])
    same = np.array([run["same"].mean(axis=0) for run in runs])
    return dict(labels=labels, accuracy=accuracy, functions=functions, rho=rho, same=same)


def _zoo_cost(args: tuple) -> float:
    data, model, functions, seed_size, budget, _ = args
    n_pool = dict(data).get("n_pool", 1000)
    rounds = max(1, budget - seed_size)
    # EER scores zoo.EER_CANDIDATES candidates, not the registry strategy's EER_CANDIDATES
    seconds = {name: round_seconds(dict(model=model, strategy=name, selector="top_k"), n_pool)
               * (zoo.EER_CANDIDATES / EER_CANDIDATES if name == "eer" else 1.0) for name in functions}
    looks = rounds // 10 + 1
    return sum(seconds.values()) * (rounds + looks) + round_seconds(dict(model=model, strategy="random",
                                                                         selector="top_k"), n_pool) * rounds


KINDS["zoo"] = Kind("zoo", _zoo_seed, _zoo_combine, lambda args: args[-1], _zoo_cost)


def kind_of(key: tuple) -> Kind:
    """The kind of a key, or a ValueError that names the kinds."""
    if key[0] not in KINDS:
        raise ValueError(f"measurement kind must be one of {sorted(KINDS)}, got {key[0]!r}.")
    return KINDS[key[0]]


def one_seed(key: tuple, seed: int):
    """One seed of a measurement (what a worker runs)."""
    return kind_of(key).one_seed(key[1], seed)


def compute(key: tuple, progress: Optional[Callable[[float], None]] = None):
    """A whole measurement, seed after seed, in this thread (for scripts and the lab store)."""
    kind = kind_of(key)
    n = kind.n_seeds(key[1])
    runs = []
    for seed in range(n):
        runs.append(kind.one_seed(key[1], seed))
        if progress is not None:
            progress((seed + 1) / n)
    return frozen(kind.combine(key[1], runs))


def estimated_seconds(key: tuple) -> float:
    """Estimated seconds for the whole measurement."""
    kind = kind_of(key)
    return kind.cost(key[1]) * kind.n_seeds(key[1])


# -- results as JSON ---------------------------------------------------------------------------------

def frozen(value):
    """The value with every array read-only, so sessions can share it without copying."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, dict):
        for item in value.values():
            frozen(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            frozen(item)
    return value


def encode(value):
    """A result as JSON-ready values (arrays keep their dtype; tuples stay tuples)."""
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return {"float": repr(value)}
    return value


def decode(value):
    """The inverse of :func:`encode` (arrays come back read-only)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "array" in value:
        return frozen(np.array(value["array"], dtype=value["dtype"]))
    if "dict" in value:
        return {decode(k): decode(v) for k, v in value["dict"]}
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    return float(value["float"])


# -- the lab store and the disk cache ------------------------------------------------------------------

_lab_store: Optional[dict] = None
_lab_store_lock = threading.Lock()


def lab_store() -> dict:
    """The committed measurements, by key text (read once per process)."""
    global _lab_store
    with _lab_store_lock:
        if _lab_store is None:
            _lab_store = json.loads(LAB_STORE.read_text()) if LAB_STORE.exists() else {}
        return _lab_store


def _engine_version() -> str:
    """A fingerprint of the code a measurement runs (alcore and this module): a result measured by
    other code is never read back from the disk cache."""
    digest = hashlib.sha1()
    for path in sorted((ROOT / "alcore").rglob("*.py")) + [Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ENGINE_VERSION = _engine_version()


def _cache_path(text: str) -> Path:
    return CACHE_DIR / (hashlib.sha1((ENGINE_VERSION + text).encode()).hexdigest() + ".json")


def stored(key: tuple):
    """The measurement for a key from the lab store or the disk cache, or None."""
    text = key_text(key)
    entry = lab_store().get(text)
    if entry is not None:
        return decode(entry)
    path = _cache_path(text)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != text:
        return None
    return decode(data["result"])


def keep(key: tuple, result) -> None:
    """Write a measurement to the disk cache: atomically (two processes finishing the same
    key at once write the same file whole), then trim the cache to its bound."""
    text = key_text(key)
    handle = None
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=CACHE_DIR, suffix=".tmp", delete=False) as handle:
            json.dump({"key": text, "result": encode(result)}, handle, separators=(",", ":"))
        os.replace(handle.name, _cache_path(text))
        files = sorted(CACHE_DIR.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[:max(0, len(files) - MAX_CACHE_FILES)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs a re-measurement later
    finally:
        if handle is not None and os.path.exists(handle.name):  # a write that failed half-way
            os.unlink(handle.name)
