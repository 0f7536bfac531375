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
   size, so a restart or another process keeps what was measured;
3. the scheduler's memory (:mod:`ui.jobs`).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from alcore import lab
from alcore.data import make_dataset
from alcore.loop import LoopConfig, Race
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
ROUND_SECONDS = {"logreg": 0.0006, "poly_logreg": 0.0025, "svm_rbf": 0.025, "knn": 0.004, "forest": 0.09,
                 "mc_dropout": 0.06, "laplace_logreg": 0.002}
STRATEGY_FACTOR = {"vote_entropy": 4.0, "kl_disagreement": 4.0, "eer": 60.0, "egl": 1.2, "bald": 1.5}
SELECTOR_FACTOR = {"badge": 1.5, "batchbald": 3.0}


def round_seconds(config: dict, n_pool: int) -> float:
    """Estimated seconds for one round of a learner (a dict of :class:`LoopConfig` fields)."""
    base = ROUND_SECONDS.get(config["model"], 0.05) * max(n_pool, 200) / 1000
    return base * STRATEGY_FACTOR.get(config["strategy"], 1.0) * SELECTOR_FACTOR.get(config["selector"], 1.0)


def race_args(data: dict, configs: dict, budget: int, seed_size: int, n_seeds: int) -> tuple:
    """Key arguments of a race: the dataset's ``make_dataset`` arguments (no seed), the
    learners by name, the label budget, the seed-set size and the number of seeds."""
    return (freeze(data), tuple((name, config_args(config)) for name, config in configs.items()),
            int(budget), int(seed_size), int(n_seeds))


def _race_seed(args: tuple, seed: int) -> dict:
    data, learners, budget, seed_size, _ = args
    configs = {name: LoopConfig(**dict(config)) for name, config in learners}
    race = Race(make_dataset(**dict(data), random_state=seed), configs, seed=seed, seed_size=seed_size,
                budget=budget)
    race.advance(budget)
    return {name: loop.curve for name, loop in race.loops.items()}


def _race_combine(args: tuple, runs: list) -> tuple:
    """(labels, {learner: (n_seeds, n_points) accuracy}), as :func:`alcore.loop.race_curves` returns."""
    labels = max((curve[0] for run in runs for curve in run.values()), key=len)
    accuracy = {name: np.array([np.pad(run[name][1], (0, labels.size - run[name][1].size), mode="edge")
                                for run in runs]) for name, _ in args[1]}
    return labels, accuracy


def _race_cost(args: tuple) -> float:
    data, learners, budget, seed_size, _ = args
    n_pool = dict(data).get("n_pool", 1000)
    return sum(round_seconds(dict(config), n_pool) * max(1, (budget - seed_size) / dict(config)["batch_size"])
               for _, config in learners)


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


def _failure_cost(args: tuple) -> float:
    name, knob_value, condition, _ = args
    mode = lab.tuned(name, knob_value)
    config = asdict(lab.config(mode, condition))
    folds = 6.0 if config["temperature"] else 1.0  # temperature scaling refits on 5 folds per round
    return round_seconds(config, lab.N_POOL) * mode.n_queries * folds


# -- a person as the oracle (the oracle lab), answered by the dataset's labels -----------------------------

# A round on the digits (64 features, 10 classes) costs this many times a round of ROUND_SECONDS's 2-D
# pool; a run with a machine tier costs about as much as one without (its refits take hundreds of
# labels, but it runs out of points to ask sooner). Measured: `python bench/bench_oracle_server.py --costs`.
DIGITS_FACTOR = 12.0


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
        Kind("tiers", _tiers_seed, _stacked, lambda args: args[5], _oracle_cost),
        Kind("stopping", _stopping_seed, _stacked, lambda args: args[5], _oracle_cost),
    )
}


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


def _cache_path(text: str) -> Path:
    return CACHE_DIR / (hashlib.sha1(text.encode()).hexdigest() + ".json")


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
