"""Does batch diversity save labels over top-k? The Batch explorer's claim table, printed.

The rows are the page's (``ui.labs.batch.claim_settings``): each dataset with
its model, batch sizes 10, 25 and 50, pool 1,000, 10 starting labels,
margin, hybrid alpha 0.5, budget 300, 20 seeds. Each row is the page's
measurement (``ui.labs.batch.measurement``: every selector and random
batches racing over the seeds) turned into the page's figures by
``ui.labs.batch.claim_row``: the target (99% of the best learner's mean
final accuracy) and the labels hybrid, k-centers and random batches save
over top-k to reach it (paired bootstrap 95% interval, over the seeds where
both reach it).

    python bench/bench_batch_diversity.py --stored        # read the lab store, as the page does (instant)
    python bench/bench_batch_diversity.py                 # measure every row again (minutes)
    python bench/bench_batch_diversity.py --data moons --batch 25

Measuring uses ``ui.measure.compute`` with one BLAS thread, as the page's
workers do, so a measured row equals its stored one. It prints figures; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from alcore.registry import DATASETS, MODELS  # noqa: E402
from bench.common import load_average  # noqa: E402
from ui import measure  # noqa: E402
from ui.labs import batch  # noqa: E402

COLUMNS = {"hybrid": "Hybrid saves", "k_center": "K-Centers saves", batch.REFERENCE: "Random batches save"}


def result_for(key, stored: bool):
    """(measurement or None, seconds it took): from the lab store, or computed now."""
    if stored:
        entry = measure.lab_store().get(measure.key_text(key))
        return (None if entry is None else measure.decode(entry)), 0.0
    started = time.perf_counter()
    with threadpool_limits(1):
        result = measure.compute(key)
    return result, time.perf_counter() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", action="store_true", help="read the lab store (ui/labs/measured.json)")
    parser.add_argument("--data", nargs="+", choices=[d for d, _ in batch.CLAIM_DATA], help="only these datasets")
    parser.add_argument("--batch", nargs="+", type=int, choices=batch.CLAIM_BATCHES, help="only these batch sizes")
    args = parser.parse_args(argv)
    rows = [values for values in batch.claim_settings()
            if (args.data is None or values["ds"] in args.data) and (args.batch is None or values["batch"] in args.batch)]
    source = "the lab store" if args.stored else "measured now, one BLAS thread"
    print(f"# {source}; {load_average()}")
    header = f"{'Data (model)':<42}{'Batch':>6}{'Target':>9}" + "".join(f"{title:>28}" for title in COLUMNS.values())
    print(header + ("" if args.stored else f"{'time':>8}"))
    for values in rows:
        result, seconds = result_for(batch.measurement(values)["race"], args.stored)
        name = f"{DATASETS[values['ds']].label} ({MODELS[values['model']].label})"
        if result is None:
            print(f"{name:<42}{values['batch']:>6}  not measured yet")
            continue
        target, savings = batch.claim_row(result)
        cells = "".join(f"{savings[m].format(0, 100, '%') + f' n={savings[m].n}':>28}" for m in COLUMNS)
        print(f"{name:<42}{values['batch']:>6}{target:>9.1%}{cells}" + ("" if args.stored else f"{seconds:>7.0f}s"),
              flush=True)
    print("# Target: 99% of the best learner's mean final accuracy. Saves: 1 - labels / Top-K's labels to reach it, "
          "paired bootstrap 95% interval, n = seeds where both reached it.")
    if not args.stored:
        print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
