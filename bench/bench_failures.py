"""Each failure of active learning, its fix off against on, over many seeds.

    python bench/bench_failures.py                                  # all four, 20 seeds
    python bench/bench_failures.py --failure sampling_bias --knob 0.5 --seeds 40
    python bench/bench_failures.py --failure cold_start --knob 6     # the knob of cold start: starting labels

The failure lab's expander prints the command for what it shows. For each
failure (``alcore.failures.FAILURES``), with its knob at ``--knob`` (the
fix's setting, or the seed-set size: ``alcore.lab.tuned``), it measures fix
off, fix on and random sampling with the same model over the same seeds
(``alcore.lab.measure_condition``, one BLAS thread, as the page's workers do)
and prints, per figure, the mean and 95% interval of each, then the paired
difference (on - off) with its interval and the verdict of
``alcore.lab.compare``: "helps" or "hurts" only when the interval excludes 0.
It also prints how long each condition took beside the page's estimate
(``ui.measure.estimated_seconds``). A measurement, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from alcore import lab  # noqa: E402
from alcore.failures import CONDITIONS, FAILURES  # noqa: E402
from bench.common import load_average  # noqa: E402
from ui import measure  # noqa: E402
from ui.verdicts import metric_change, metric_value  # noqa: E402


def report(name: str, knob, n_seeds: int) -> None:
    """Measure one failure's three conditions and print its table."""
    mode = lab.tuned(name, knob)
    runs, seconds, estimates = {}, {}, {}
    for condition in CONDITIONS:
        key = ("failure", measure.failure_args(name, knob, condition, n_seeds))
        started = time.perf_counter()
        runs[condition] = lab.measure_condition(mode, condition, range(n_seeds))
        seconds[condition] = time.perf_counter() - started
        estimates[condition] = measure.estimated_seconds(key)
    timing = ", ".join(f"{c} {seconds[c]:.1f} s (estimated {estimates[c]:.1f})" for c in CONDITIONS)
    print(f"\n== {mode.label}: {mode.dataset}, {mode.model} + {mode.strategy}, {mode.seed_size} starting labels "
          f"({mode.seed_method}), {mode.n_queries} queries; fix: {mode.fix_text}; {n_seeds} seeds")
    print(f"   time: {timing}; {load_average()}")
    width = max(len(metric.name) for metric in mode.metrics)
    print(f"   {'figure':<{width}} {'fix off':>22} {'fix on':>22} {'random sampling':>22} {'on - off':>28}  verdict")
    for metric in mode.metrics:
        off, on = runs["off"][metric.key], runs["on"][metric.key]
        comparison = lab.compare(off, on, metric.higher_is_better)
        cells = [metric_value(metric, lab.summarise(runs[c][metric.key])) for c in CONDITIONS]
        print(f"   {metric.name:<{width}} {cells[0]:>22} {cells[1]:>22} {cells[2]:>22} "
              f"{metric_change(metric, comparison.difference):>28}  {comparison.verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20, help="paired runs per condition (default 20)")
    parser.add_argument("--failure", choices=sorted(FAILURES), action="append",
                        help="only this failure (repeatable); all four by default")
    parser.add_argument("--knob", type=float,
                        help="the failure's knob (its fix's setting, or the seed-set size); one --failure only")
    args = parser.parse_args()
    names = args.failure or list(FAILURES)
    knob = args.knob
    if knob is not None:
        if len(names) != 1:
            parser.error("--knob belongs to one failure: pass one --failure with it.")
        spec = FAILURES[names[0]].fix.knob
        if spec is None:
            parser.error(f"{names[0]}'s fix has no knob.")
        knob = int(knob) if spec.is_count else knob
    with threadpool_limits(1):
        for name in names:
            report(name, knob, args.seeds)


if __name__ == "__main__":
    main()
