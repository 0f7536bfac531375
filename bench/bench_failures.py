"""Each failure of active learning, its fix off against on, over many seeds.

    python bench/bench_failures.py                 # all four, 20 seeds
    python bench/bench_failures.py --seeds 40 --failure sampling_bias --fix-value 0.5
    python bench/bench_failures.py --failure cold_start --seed-size 6

For each failure (``alcore.failures.FAILURES``) it prints, per figure, the
mean and 95% interval with the fix off, with it on, and for random sampling
with the same model (a reference: is the failure worse than not choosing at
all?), then the paired difference (on - off) with its interval. The verdict says "helps" or "hurts" only when
the interval of the difference excludes 0; otherwise "no clear effect".
This is a measurement, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from alcore.failures import FAILURES, METRICS, measure_failure
from alcore.lab import HIGHER_IS_BETTER
from alcore.stats import estimate


def verdict(difference, higher_is_better: bool) -> str:
    """'helps', 'hurts' or 'no clear effect', from the paired difference's interval."""
    if np.isnan(difference.low) or difference.low <= 0 <= difference.high:
        return "no clear effect"
    improved = (difference.mean > 0) == higher_is_better
    return "helps" if improved else "hurts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20, help="paired runs per failure (default 20)")
    parser.add_argument("--failure", choices=sorted(FAILURES), action="append",
                        help="only this failure (repeatable); all four by default")
    parser.add_argument("--seed-size", type=int, help="seed-set size (default: each failure's own)")
    parser.add_argument("--fix-value", type=float,
                        help="value of the fix's setting (epsilon, density_beta), instead of the default")
    parser.add_argument("--n-pool", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=500)
    args = parser.parse_args()
    for name in args.failure or list(FAILURES):
        mode = FAILURES[name]
        if args.fix_value is not None:
            ((key, value),) = mode.fix
            if isinstance(value, (bool, str)):
                parser.error(f"--fix-value applies to a numeric fix; {name}'s fix is {key}={value!r}.")
            mode = dataclasses.replace(mode, fix=((key, args.fix_value),))
        start = time.perf_counter()
        runs = measure_failure(mode, range(args.seeds), seed_size=args.seed_size, n_pool=args.n_pool,
                               n_test=args.n_test)
        fix = ", ".join(f"{key}={value}" for key, value in mode.fix)
        print(f"\n== {mode.label}: {mode.dataset}, {mode.model} + {mode.strategy}, seed set "
              f"{args.seed_size or mode.seed_size} ({mode.seed_method}), {mode.n_queries} queries; fix: {fix}; "
              f"{args.seeds} seeds, {time.perf_counter() - start:.0f} s")
        print(f"{'figure':<52} {'fix off':>22} {'fix on':>22} {'random sampling':>22} {'on - off':>25}  verdict")
        for key in runs["off"]:
            off, on = runs["off"][key], runs["on"][key]
            difference = estimate(on - off)
            print(f"{METRICS[key]:<52} {estimate(off).format(3):>22} {estimate(on).format(3):>22} "
                  f"{estimate(runs['random'][key]).format(3):>22} {difference.format(3):>25}  "
                  f"{verdict(difference, HIGHER_IS_BETTER[key])}")


if __name__ == "__main__":
    main()
