"""Measure the Arena's presets over 20 seeds, exactly as the page's multi-seed view does.

Prints, per preset: accuracy of each learner at a few label counts with the
paired difference and its 95% interval, labels to reach the preset's target,
and the label saving with its interval. Run it before writing any sentence
about a preset:

    python bench/measure_presets.py [--seeds 20] [preset ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alcore.data import make_dataset  # noqa: E402
from alcore.loop import LoopConfig, race_curves  # noqa: E402
from alcore.stats import estimate, labels_to_reach, paired_saving  # noqa: E402

# Same values as PRESETS in app_pages/arena.py (kept in step by tests/test_app_arena.py).
PRESETS = {
    "blobs": dict(ds="blobs", noise=1.0, pool=1000, init=4, model="logreg", a="margin", b="random",
                  budget=100, batch=1, target=0.85),
    "moons": dict(ds="moons", noise=0.2, pool=1000, init=4, model="knn", a="margin", b="random",
                  budget=100, batch=1, target=0.95),
    "classes": dict(ds="multiblobs", noise=0.6, classes=8, pool=1000, init=8, model="logreg", a="margin",
                    b="entropy", budget=100, batch=1, target=0.7),
}


def measure(name: str, p: dict, n_seeds: int) -> None:
    kwargs = dict(name=p["ds"], n_pool=p["pool"], noise=p["noise"])
    if p["ds"] == "multiblobs":
        kwargs["n_classes"] = p["classes"]
    configs = {side: LoopConfig(model=p["model"], strategy=p[side], batch_size=p["batch"]) for side in "ab"}
    started = time.perf_counter()
    labels, acc = race_curves(lambda s: make_dataset(**kwargs, random_state=s), configs, range(n_seeds),
                              p["budget"], seed_size=p["init"])
    elapsed = time.perf_counter() - started
    print(f"== {name}: {p}  ({n_seeds} seeds, {elapsed:.1f} s)")
    for n in (10, 20, 30, 50, 75, labels[-1]):
        i = int(np.searchsorted(labels, n))
        if i >= labels.size:
            continue
        diff = estimate(acc["a"][:, i] - acc["b"][:, i])
        print(f"  {labels[i]:4d} labels: A {acc['a'][:, i].mean():.1%}  B {acc['b'][:, i].mean():.1%}  "
              f"A-B {diff.format(1, 100)} pts")
    for target in sorted({p["target"], p["target"] - 0.05, min(0.99, p["target"] + 0.05)}):
        need_a, need_b = labels_to_reach(labels, acc["a"], target), labels_to_reach(labels, acc["b"], target)
        saving = paired_saving(need_a, need_b)
        print(f"  target {target:.0%}: A needs {estimate(need_a).format(1)} (reached {np.isfinite(need_a).sum()}"
              f"/{n_seeds}), B {estimate(need_b).format(1)} (reached {np.isfinite(need_b).sum()}/{n_seeds}); "
              f"A saves {saving.format(0, 100, '%')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("presets", nargs="*", default=list(PRESETS))
    args = parser.parse_args()
    for name in args.presets:
        measure(name, PRESETS[name], args.seeds)


if __name__ == "__main__":
    main()
