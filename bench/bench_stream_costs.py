"""What one seed of the stream and synthesis measurements costs, per model, against the cost model in ui.measure.

Runs one seed of each measurement kind in this process, single-threaded (as the workers do), and prints the
seconds per arrival (stream: the stream learner and random asking, the pool reference apart) and per round
(synthesis: synthesis, margin and random), beside ``ui.measure.ARRIVAL_SECONDS`` and
``SYNTHESIS_ROUND_SECONDS``: a ratio far from 1 means the constants need updating. Logistic regression is the
plain reference the others are read against.

    python bench/bench_stream_costs.py [--models logreg knn]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from threadpoolctl import threadpool_limits  # noqa: E402

from alcore.registry import MODELS  # noqa: E402
from ui import measure  # noqa: E402

SLOW = ("svm_rbf", "forest", "mc_dropout")  # measured on a shorter stream


def timed(key: tuple) -> float:
    started = time.perf_counter()
    measure.one_seed(key, 0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    threadpool_limits(1)
    print(f"{'model':15s} {'stream s/arrival':>17s} {'(model)':>8s} {'ratio':>6s}   {'synthesis s/round':>17s} "
          f"{'(model)':>8s} {'ratio':>6s}")
    for model in args.models:
        n = 300 if model in SLOW else 500
        data = dict(name="blobs", n_pool=n, noise=0.6)
        race = dict(model=model, measure="margin", threshold=0.5, budget=60, epsilon=0.0, n_start=4, drift=False,
                    angle=0.0)
        sweep = {k: v for k, v in race.items() if k != "threshold"}
        per_arrival = timed(("stream_sweep", measure.stream_sweep_args(data, sweep, (0.5,), 1))) / n
        settings = dict(model=model, ends="plane", oracle="posterior", seed_size=4, budget=44)
        per_round = timed(("synthesis", measure.synthesis_args(data, settings, 1))) / 40
        stream_model, synthesis_model = measure.ARRIVAL_SECONDS[model], measure.SYNTHESIS_ROUND_SECONDS[model]
        print(f"{model:15s} {per_arrival:17.5f} {stream_model:8.5f} {per_arrival / stream_model:6.2f}   "
              f"{per_round:17.4f} {synthesis_model:8.4f} {per_round / synthesis_model:6.2f}", flush=True)
    digits = dict(model="logreg", ends="pool", oracle="source", seed_size=10, budget=50)
    per_round = timed(("synthesis", measure.synthesis_args(dict(name="digits", n_pool=1000), digits, 1))) / 40
    model = measure.SYNTHESIS_ROUND_SECONDS["logreg"] * measure.DIGITS_FACTOR
    print(f"digits, logreg: synthesis {per_round:.4f} s/round against {model:.4f} (ratio {per_round / model:.2f})")


if __name__ == "__main__":
    main()
