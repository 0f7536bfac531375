"""Server time per Step on the stream and synthesis labs, measured with AppTest (prints figures, asserts nothing).

Opens each page at its defaults (or the given link), waits for its verdict, then clicks Step repeatedly and
times the whole rerun AppTest does for the click, and the script run inside it (the page's own work; AppTest
also compiles the page script on every run, which a live server does once, and reruns the whole page where a
browser reruns only the live fragment: so these are upper bounds). The Arena, measured the same way in the
same process, is the reference.

    python bench/bench_lab_step_server.py [--clicks 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (name, page, link, Step button key)
PAGES = (
    ("stream (six classes, 500 arrivals)", "stream", {}, "stream.run.step"),
    ("stream, drifting, asking zone shown", "stream", dict(drift=1, zone=1), "stream.run.step"),
    ("synthesis, 2-D tab", "synthesis", {}, "synthesis.plane.run.step"),
    ("synthesis, digits tab", "synthesis", dict(tab="digits", budget=100), "synthesis.digits.run.step"),
    ("reference: arena (pool 1,000)", "arena", {}, "arena.run.step"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=30)
    args = parser.parse_args()

    from bench.page_timing import script_run_times
    from streamlit.testing.v1 import AppTest

    script_ms = script_run_times()
    print(f"# {args.clicks} Step clicks per page after one warm-up; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    for name, page, link, button in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        for key, value in link.items():
            at.query_params[key] = str(value)
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        while any("Step the learners above meanwhile" in caption.value for caption in at.caption):
            time.sleep(0.2)  # the measurement over seeds runs in the background: wait it out
            at.run()
        at.button(key=button).click().run()  # warm-up
        times = []
        script_ms.clear()
        for _ in range(args.clicks):
            started = time.perf_counter()
            at.button(key=button).click().run()
            times.append((time.perf_counter() - started) * 1000)
        assert not at.exception, [e.value for e in at.exception]
        print(f"{name:40s} whole rerun median {statistics.median(times):6.1f} ms (p90 "
              f"{sorted(times)[int(0.9 * len(times))]:6.1f}); script run median {statistics.median(script_ms):6.1f} ms")


if __name__ == "__main__":
    main()
