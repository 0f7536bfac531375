"""Server time per Step on the Arena, measured with AppTest (prints figures, asserts nothing).

Opens /arena at pool 2,000 with both panels and their heatmaps, then clicks
Step repeatedly. AppTest reruns the whole page for a click and compiles the
page script each time (a live server compiles it once and, for a click in a
browser, reruns only the live fragment: see bench/profile_server.py), so this
is an upper bound; the compile time is printed apart. With --race it also
times the multi-seed race (20 seeds to 100 labels) on a cold cache.

    python bench/bench_arena_server.py [--clicks 30] [--pool 2000] [--scores]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--scores", action="store_true", help="show the acquisition-score maps")
    parser.add_argument("--race", action="store_true", help="also time the 20-seed race (cold)")
    args = parser.parse_args()

    from streamlit.testing.v1 import AppTest

    from bench.page_timing import script_run_times

    script_ms = script_run_times()  # the script run itself (what the server does per click), apart from AppTest's

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for key, value in dict(pool=args.pool, budget=100, scores=int(args.scores)).items():
        at.query_params[key] = str(value)
    at.switch_page("app_pages/arena.py")
    started = time.perf_counter()
    at.run()
    # The 20-seed race runs in the page's background worker, which a browser polls; AppTest does not,
    # so rerun until it is done (timing clicks while it runs would time the race too).
    while any("Step the learners above meanwhile" in caption.value for caption in at.caption):
        time.sleep(0.2)
        at.run()
    print(f"first run and the 20-seed race to 100 labels at pool {args.pool}: "
          f"{time.perf_counter() - started:.1f} s")
    at.button(key="arena.run.step").click().run()  # warm-up
    times, cpu = [], []
    script_ms.clear()
    for _ in range(min(args.clicks, 90)):  # stay within the 100-label budget
        started, started_cpu = time.perf_counter(), time.process_time()
        at.button(key="arena.run.step").click().run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    assert not at.exception, [e.value for e in at.exception]
    print(f"AppTest, whole page per Step click at pool {args.pool} "
          f"({'score maps' if args.scores else 'probability maps'}): median {statistics.median(times):.1f} ms, "
          f"p90 {sorted(times)[int(0.9 * len(times))]:.1f} ms over {len(times)} clicks; "
          f"process CPU time per click: median {statistics.median(cpu):.1f} ms")
    print(f"script run (the page's own work, whole page) per click: median {statistics.median(script_ms):.1f} ms, "
          f"p90 {sorted(script_ms)[int(0.9 * len(script_ms))]:.1f} ms")
    source = (ROOT / "app_pages" / "arena.py").read_text()
    compiles = []
    for _ in range(20):
        started = time.perf_counter()
        compile(source, "arena.py", "exec")
        compiles.append((time.perf_counter() - started) * 1000)
    print(f"of which compiling the page script: median {statistics.median(compiles):.1f} ms (AppTest compiles "
          "it on every run; a live server compiles it once)")
    print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")

    if args.race:
        from alcore.data import make_dataset
        from alcore.loop import LoopConfig, race_curves

        configs = {"A": LoopConfig(strategy="margin"), "B": LoopConfig(strategy="random")}
        started = time.perf_counter()
        race_curves(lambda s: make_dataset("blobs", n_pool=1000, random_state=s), configs, range(20), 100)
        print(f"20-seed race to 100 labels (pool 1,000, logistic regression, cold): "
              f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
