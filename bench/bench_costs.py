"""The cost model of the measurement queue, measured: seconds per learner round.

``ui.measure`` estimates how long a measurement takes (to run cheap work
first, to say how long a wait is, and to put measurements above 20 s behind
a button) from three tables: ``ROUND_SECONDS`` (one round of a learner with
an uncertainty strategy on a 1,000-point pool, by model), ``STRATEGY_FACTOR``
(strategies that fit a committee or refit per candidate) and
``SELECTOR_FACTOR`` (batch selectors that cost more than top-k). This bench
measures them, with one BLAS thread as the page's workers run:

- by model (every model in ``alcore.registry.MODELS``): margin, batch 1, on
  blobs with a 1,000-point pool, the mean round from 4 starting labels to
  ``--labels`` labels (the Arena's default race goes to 100); random
  sampling's round beside it, since most measurements race a learner against
  random sampling and its labeled sets make some models fit slower;
- strategy factors: each strategy's round against margin's with the same
  model (``--strategy-model``, a model that can sample, so BALD runs too);
- selector factors: each selector's round against top-k's at batch
  ``--batch`` up to ``--batch-labels`` labels (the Batch explorer's default
  budget), margin, the same sampling model (so BatchBALD runs too).

Times are CPU seconds of this process (one thread does all the work), which
other work on a shared machine disturbs far less than wall time; each figure
is the median of ``--repeats`` runs. It prints the tables and
the constants to paste into ui/measure.py, then checks them: for each
model, a whole small measurement (``ui.measure.compute`` of a race, margin
against random, ``--check-seeds`` seeds to ``--check-budget`` labels) timed
against ``ui.measure.estimated_seconds``, with the constants there now and
with the ones printed.

    python bench/bench_costs.py
    python bench/bench_costs.py --labels 30 --repeats 1 --check-seeds 1   # a quick look
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from alcore.data import make_dataset  # noqa: E402
from alcore.loop import LoopConfig, Race  # noqa: E402
from alcore.registry import MODELS  # noqa: E402
from bench.common import load_average  # noqa: E402
from ui import measure  # noqa: E402

POOL = 1000
SEED_SIZE = 4
STRATEGIES = ("margin", "random", "vote_entropy", "kl_disagreement", "egl", "eer", "bald")
SELECTORS = ("top_k", "k_center", "hybrid", "badge", "batchbald")


def seconds_per_round(config: LoopConfig, labels: int, repeats: int) -> float:
    """Median over ``repeats`` runs of the mean seconds per round of one learner, from the seed set to
    ``labels`` labels."""
    rounds = max(1, (labels - SEED_SIZE) // config.batch_size)
    runs = []
    for repeat in range(repeats):
        data = make_dataset("blobs", n_pool=POOL, random_state=repeat)
        race = Race(data, {"learner": config}, seed=repeat, seed_size=SEED_SIZE)
        started = time.process_time()
        race.advance(rounds)
        runs.append((time.process_time() - started) / rounds)
    return statistics.median(runs)


def constant(value: float) -> float:
    """A measured figure rounded to two significant digits, for the tables in ui/measure.py."""
    return float(f"{value:.2g}")


def check(models, proposed: dict, seeds: int, budget: int) -> None:
    """Whole small measurements per model against the estimate, with the current and the proposed tables."""
    current = (measure.ROUND_SECONDS, measure.STRATEGY_FACTOR, measure.SELECTOR_FACTOR)
    print(f"\nA whole measurement per model (margin vs random, blobs, pool {POOL:,}, {seeds} seeds to {budget} labels):")
    print(f"{'model':16s} {'CPU s':>7s} {'wall s':>7s} {'estimate now':>13s} {'ratio':>6s} {'estimate new':>13s} {'ratio':>6s}")
    for model in models:
        key = ("race", measure.race_args(dict(name="blobs", n_pool=POOL), {
            "A": LoopConfig(model=model, strategy="margin"), "B": LoopConfig(model=model, strategy="random")},
            budget, SEED_SIZE, seeds))
        started, started_cpu = time.perf_counter(), time.process_time()
        measure.compute(key)
        seconds, wall = time.process_time() - started_cpu, time.perf_counter() - started
        now = measure.estimated_seconds(key)
        measure.ROUND_SECONDS, measure.STRATEGY_FACTOR, measure.SELECTOR_FACTOR = proposed.values()
        new = measure.estimated_seconds(key)
        measure.ROUND_SECONDS, measure.STRATEGY_FACTOR, measure.SELECTOR_FACTOR = current
        print(f"{model:16s} {seconds:7.2f} {wall:7.2f} {now:13.2f} {seconds / now:6.2f} {new:13.2f} {seconds / new:6.2f}")
    print("(ratio = CPU seconds / estimate: above 1, the page says less than it takes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, default=100, help="labels a timed run goes to (batch 1)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (their median is kept)")
    parser.add_argument("--strategy-model", default="laplace_logreg", help="the model of the factors (can sample)")
    parser.add_argument("--batch", type=int, default=20, help="batch size of the selector factors")
    parser.add_argument("--batch-labels", type=int, default=200, help="labels a selector's run goes to")
    parser.add_argument("--check-seeds", type=int, default=2)
    parser.add_argument("--check-budget", type=int, default=100)
    args = parser.parse_args()
    if not MODELS[args.strategy_model].samples_posterior:
        parser.error(f"--strategy-model must be able to sample (BALD needs it); pick one of "
                     f"{[name for name, spec in MODELS.items() if spec.samples_posterior]}.")
    print(f"# one BLAS thread; blobs, pool {POOL:,}, {SEED_SIZE} starting labels; "
          f"median of {args.repeats} runs; {load_average()}")
    with threadpool_limits(1):
        print(f"\nCPU milliseconds per round by model (batch 1, to {args.labels} labels):")
        print(f"  {'model':16s} {'margin':>8s} {'now':>8s} {'random':>8s} {'random / margin':>16s}")
        rounds = {}
        for model in MODELS:
            rounds[model] = seconds_per_round(LoopConfig(model=model, strategy="margin"), args.labels, args.repeats)
            random = seconds_per_round(LoopConfig(model=model, strategy="random"), args.labels, args.repeats)
            print(f"  {model:16s} {rounds[model] * 1e3:8.2f} {measure.ROUND_SECONDS.get(model, float('nan')) * 1e3:8.2f} "
                  f"{random * 1e3:8.2f} {random / rounds[model]:16.2f}")

        model = args.strategy_model
        print(f"\nStrategy factors with {model} (a strategy's round / margin's, batch 1):")
        strategy = {name: seconds_per_round(LoopConfig(model=model, strategy=name), args.labels, args.repeats)
                    for name in STRATEGIES}
        for name in STRATEGIES[1:]:
            print(f"  {name:16s} {strategy[name] * 1e3:9.2f} ms   factor {strategy[name] / strategy['margin']:6.2f}   "
                  f"(now {measure.STRATEGY_FACTOR.get(name, 1.0):g})")

        print(f"\nSelector factors with {model}, margin, batch {args.batch} (a selector's round / top-k's):")
        selector = {name: seconds_per_round(LoopConfig(model=model, strategy="margin", selector=name,
                                                       batch_size=args.batch), args.batch_labels, args.repeats)
                    for name in SELECTORS}
        for name in SELECTORS[1:]:
            print(f"  {name:16s} {selector[name] * 1e3:9.2f} ms   factor {selector[name] / selector['top_k']:6.2f}   "
                  f"(now {measure.SELECTOR_FACTOR.get(name, 1.0):g})")

        proposed = {
            "ROUND_SECONDS": {name: constant(seconds) for name, seconds in rounds.items()},
            "STRATEGY_FACTOR": {name: constant(strategy[name] / strategy["margin"]) for name in STRATEGIES[1:]},
            "SELECTOR_FACTOR": {name: constant(selector[name] / selector["top_k"]) for name in ("badge", "batchbald")},
        }
        print("\n# To paste into ui/measure.py:")
        for name, table in proposed.items():
            print(f"{name} = {table}")
        check(MODELS, proposed, args.check_seeds, args.check_budget)
    print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
