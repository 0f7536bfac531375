"""Server time per Step on the Arena, measured with AppTest (prints figures, asserts nothing).

Opens /arena at pool 2,000 (both panels as pictures, the learning curve),
waits until its measurement over seeds is done (the page's workers compute
it; timing clicks meanwhile would time it too), then clicks Step
(``arena.run.step``) repeatedly. AppTest reruns the whole page for a click
and compiles the page scripts each time (a live server compiles them once
and, for a click in a browser, reruns only the live fragment: see
bench/load_arena.py and bench/profile_server.py), so this is an upper
bound; the compile time is printed apart. With --race it also times the
Arena's default measurement (20 seeds to 100 labels, pool 1,000) computed
cold in this process with one BLAS thread, as a worker computes it, beside
the estimate the page shows (``ui.measure.estimated_seconds``).

    python bench/bench_arena_server.py [--clicks 30] [--pool 2000] [--scores] [--race] [--dataset digits]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import load_average, spread  # noqa: E402


def time_race() -> None:
    """The Arena's default measurement, cold, in this thread with one BLAS thread."""
    from threadpoolctl import threadpool_limits

    from ui import measure
    from ui.labs import arena
    from ui.params import defaults

    key = arena.measurement(defaults(arena.PARAMS))["race"]
    with threadpool_limits(1):
        started = time.perf_counter()
        measure.compute(key)
        seconds = time.perf_counter() - started
    print(f"the Arena's default measurement (20 seeds to 100 labels, pool 1,000, logistic regression, margin vs "
          f"random), cold, one process: {seconds:.1f} s; the page's estimate {measure.estimated_seconds(key):.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--scores", action="store_true", help="show the acquisition-score maps")
    parser.add_argument("--dataset", default="blobs", help="the Arena's dataset (blobs, digits...)")
    parser.add_argument("--race", action="store_true", help="also time the 20-seed measurement (cold)")
    args = parser.parse_args()

    from bench.page_timing import script_run_times

    from tests.apptest_pages import open_page

    script_ms = script_run_times()  # the page script's own run, apart from AppTest's bookkeeping

    started = time.perf_counter()
    at = open_page("arena", timeout=600, ds=args.dataset, pool=args.pool, budget=100, scores=int(args.scores))
    print(f"first run and the page's measurement over seeds at pool {args.pool}: "
          f"{time.perf_counter() - started:.1f} s (a warm disk cache makes it quick)")
    at.button(key="arena.run.step").click().run()  # warm-up
    times, cpu = [], []
    script_ms.clear()
    for _ in range(min(args.clicks, 90)):  # stay within the 100-label budget
        started, started_cpu = time.perf_counter(), time.process_time()
        at.button(key="arena.run.step").click().run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    assert not at.exception, [e.value for e in at.exception]
    print(f"AppTest, whole page per Step click on {args.dataset} at pool {args.pool} "
          f"({'score maps' if args.scores else 'probability maps'}): {spread(times)}; "
          f"process CPU per click: median {statistics.median(cpu):.0f} ms")
    print(f"script run (the page's own work, whole page) per click: {spread(script_ms)}")
    sources = [(ROOT / "app.py").read_text(), (ROOT / "app_pages" / "arena.py").read_text()]
    compiles = []
    for _ in range(20):
        started = time.perf_counter()
        for source in sources:
            compile(source, "page.py", "exec")
        compiles.append((time.perf_counter() - started) * 1000)
    print(f"of which compiling app.py and the page script: median {statistics.median(compiles):.1f} ms (AppTest "
          "compiles them on every run; a live server compiles them once)")
    print(f"{load_average()} while measuring")
    if args.race:
        time_race()
        print(f"{load_average()} after the race")


if __name__ == "__main__":
    main()
