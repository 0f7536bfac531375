"""Does batch diversity save labels over top-k? Measured on this app's data.

For each dataset and batch size, four learners race over 20 seeds (same pool,
same starting labels, same test set per seed): top-k, k-centers, hybrid
(alpha 0.5) and random batches, all with the margin strategy. For each we
print the labels needed to first reach a target accuracy (mean and 95%
interval over seeds) and the saving of hybrid, k-centers and random over
top-k (``alcore.stats.paired_saving``: 1 - mean(method) / mean(top-k), paired
bootstrap interval over the seeds where both reach the target).

The target is 99% of the best learner's mean accuracy at the end of the
budget (printed), so it is reachable on every dataset. Labels are counted
in whole batches, as a labeling team pays for them.

    python bench/bench_batch_diversity.py                 # the full table (minutes)
    python bench/bench_batch_diversity.py --seeds 5 --batch 10 --data blobs

It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from alcore.data import make_dataset  # noqa: E402
from alcore.loop import LoopConfig, race_curves  # noqa: E402
from alcore.stats import estimate, labels_to_reach, paired_saving  # noqa: E402

SETTINGS = {
    # name: (dataset, model, noise, extra make_dataset kwargs)
    "blobs": ("blobs", "logreg", 1.0, {}),
    "multiblobs": ("multiblobs", "logreg", 0.9, {"n_classes": 4}),
    "moons": ("moons", "knn", 0.2, {}),
    "xor": ("xor", "knn", 0.5, {}),
}
METHODS = {"top-k": "top_k", "k-centers": "k_center", "hybrid": "hybrid", "random": "random"}


def run(setting: str, batch: int, seeds: int, budget: int, pool: int, seed_size: int, strategy: str,
        alpha: float):
    name, model, noise, extra = SETTINGS[setting]
    configs = {label: LoopConfig(model=model, strategy=strategy, selector=selector, batch_size=batch,
                                 alpha=alpha) for label, selector in METHODS.items()}

    def make(seed):
        return make_dataset(name, n_pool=pool, noise=noise, random_state=seed, **extra)

    started = time.perf_counter()
    labels, accuracy = race_curves(make, configs, range(seeds), budget, seed_size=seed_size)
    elapsed = time.perf_counter() - started
    best_final = max(acc[:, -1].mean() for acc in accuracy.values())
    target = np.floor(0.99 * best_final * 200) / 200  # round down to 0.005
    needed = {label: labels_to_reach(labels, acc, target) for label, acc in accuracy.items()}
    return target, needed, elapsed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--batch", nargs="+", type=int, default=[10, 25, 50])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--pool", type=int, default=1000)
    parser.add_argument("--seed-size", type=int, default=10)
    parser.add_argument("--strategy", default="margin")
    parser.add_argument("--alpha", type=float, default=0.5)
    args = parser.parse_args(argv)
    print(f"# {args.seeds} seeds, pool {args.pool}, {args.seed_size} starting labels, budget {args.budget}, "
          f"strategy {args.strategy}, hybrid alpha {args.alpha}; load average {os.getloadavg()[0]:.1f}")
    print("# labels to reach the target: mean (95% interval); saving vs top-k: "
          "1 - mean/mean(top-k) (paired bootstrap 95% interval), n = seeds where both reached it")
    header = (f"{'data (model)':<24}{'batch':>6}{'target':>8}  " + "".join(f"{m:>20}" for m in METHODS)
              + "".join(f"{'save ' + m:>26}" for m in ("hybrid", "k-centers", "random")) + f"{'time':>8}")
    print(header)
    for setting in args.data:
        for batch in args.batch:
            target, needed, elapsed = run(setting, batch, args.seeds, args.budget, args.pool, args.seed_size,
                                          args.strategy, args.alpha)
            name, model = SETTINGS[setting][:2]
            row = f"{name + ' (' + model + ')':<24}{batch:>6}{target:>8.3f}  "
            for method in METHODS:
                e = estimate(needed[method])
                reached = int(np.isfinite(needed[method]).sum())
                row += f"{e.format(0) + ('' if reached == args.seeds else f' [{reached}]'):>20}"
            for method in ("hybrid", "k-centers", "random"):
                s = paired_saving(needed[method], needed["top-k"])
                row += f"{s.format(0, 100, '%') + f' n={s.n}':>26}"
            print(row + f"{elapsed:>7.0f}s", flush=True)


if __name__ == "__main__":
    main()
