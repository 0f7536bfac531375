"""Server time of the Batch Diversity Explorer, measured with AppTest.

Pool 2,000, three panels (pictures with score maps). Times a full rerun for:
moving the batch-size slider to 100 (from 20, repeatedly), moving the alpha
slider, and clicking Step (``batch.run.step``) at batch size 100. A batch
size has its own measurement over seeds, which the page starts in its
workers: the bench waits for it after the first move to each size, so the
timed reruns find it done. Prints median and spread; asserts nothing.

AppTest compiles the page afresh on every run (a new ``ScriptCache`` per
run), which a real server does only once per script; a second pass shares
one cache across runs, as the server does, and so times what a visitor's
rerun costs. Both passes are printed. The machine's load average is printed
too: on a shared 2-core machine the figures are noisy.

    python bench/bench_batch_server.py [--repeats 15] [--pool 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from streamlit.testing.v1 import AppTest, app_test, local_script_runner
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

# CPU time of the script thread, per run: less sensitive than wall time to other
# processes on a shared machine (it still includes their cache and core contention).
_CPU = []
_run_thread = script_runner.ScriptRunner._run_script_thread


def _timed_thread(self, *args, **kwargs):
    started = time.thread_time()
    try:
        return _run_thread(self, *args, **kwargs)
    finally:
        _CPU.append(1000 * (time.thread_time() - started))


script_runner.ScriptRunner._run_script_thread = _timed_thread

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # the page imports alcore and ui from the repository root
PAGE = os.path.join(ROOT, "app_pages", "batch.py")

from bench.common import load_average  # noqa: E402
from tests.apptest_pages import settle  # noqa: E402


def timed(at: AppTest) -> tuple:
    """(wall ms, script-thread CPU ms) of one rerun."""
    started = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return 1000 * (time.perf_counter() - started), _CPU[-1]


def summary(name: str, pairs: list) -> None:
    wall = sorted(w for w, _ in pairs)
    cpu = sorted(c for _, c in pairs)
    print(f"{name:<42} wall median {statistics.median(wall):6.1f} ms (min {wall[0]:6.1f}, max {wall[-1]:6.1f})"
          f"   script CPU median {statistics.median(cpu):6.1f} ms   n={len(pairs)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pool", type=int, default=2000)
    args = parser.parse_args(argv)
    for shared in (False, True):
        if shared:
            cache = ScriptCache()
            # one bytecode cache for every run, as in `streamlit run`
            app_test.ScriptCache = local_script_runner.ScriptCache = lambda: cache
        print(f"\n# pool {args.pool}, three panels, "
              f"{'bytecode cached as on a server' if shared else 'plain AppTest (recompiles every run)'}; "
              f"{load_average()}")
        measure(args)


def measure(args) -> None:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["pool"] = str(args.pool)
    at.run()
    settle(at)  # the measurement at batch size 20
    at.slider(key="batch.batch").set_value(100)
    timed(at)  # warm-up: first draw at 100
    settle(at)  # and its measurement
    for value in (0.3, 0.6, 0.5):  # alpha changes hybrid's measurement too: measure each value first
        at.slider(key="batch.alpha").set_value(value)
        timed(at)
        settle(at)
    to_100, to_20, alpha, step = [], [], [], []
    for _ in range(args.repeats):
        at.slider(key="batch.batch").set_value(20)
        to_20.append(timed(at))
        at.slider(key="batch.batch").set_value(100)
        to_100.append(timed(at))
    for i in range(args.repeats):
        at.slider(key="batch.alpha").set_value(0.3 if i % 2 == 0 else 0.6)
        alpha.append(timed(at))
    for _ in range(min(args.repeats, 5)):
        at.button(key="batch.run.step").click()
        step.append(timed(at))
    summary("batch-size slider 20 -> 100", to_100)
    summary("batch-size slider 100 -> 20", to_20)
    summary("hybrid alpha slider (batch 100)", alpha)
    summary("Step (batch 100)", step)
    print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
