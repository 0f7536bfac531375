"""A first visitor's wait for each lab's verdict on a freshly started server, in Debian's chromium
(prints figures, asserts nothing).

    python bench/bench_first_visit.py [--repeats 3]

Each repeat starts a new server with an empty measurement cache, then one visitor opens each lab in
turn at its default settings (the first page also pays the server's warm-up: imports, the lab store)
and we time from navigation to the verdict in its container with no progress bar left. The defaults'
verdicts come from the lab store (ui/labs/measured.json), so nothing is measured. For reference, the
same visitor then opens the Arena at a setting that is not stored (pool 300), which is measured live.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, VERDICT_READY_JS, running_app  # noqa: E402
from bench.common import load_average  # noqa: E402

LABS = ("/arena", "/batch", "/failures", "/stream", "/synthesis", "/zoo", "/oracle")
UNSTORED = "/arena?pool=300&seeds=20"



def seconds_to_verdict(browser, url: str) -> float:
    """Seconds from navigating a new page to ``url`` until its verdict is on screen."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    started = time.monotonic()
    page.goto(url)
    page.wait_for_function(VERDICT_READY_JS, timeout=300_000, polling=50)
    seconds = time.monotonic() - started
    page.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="fresh servers, one after the other")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    found = {path: [] for path in LABS + (UNSTORED,)}
    print(f"# {load_average()} at the start")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory(prefix="alab-first-") as cache:
                os.environ["ALAB_CACHE_DIR"] = cache  # read by the server process when it starts
                with running_app() as url:
                    for path in found:
                        found[path].append(seconds_to_verdict(browser, url + path))
        browser.close()
    for path, seconds in found.items():
        label = f"{path} (not stored: measured live)" if path == UNSTORED else path
        print(f"{label:52s} median {statistics.median(seconds):4.1f} s, max {max(seconds):4.1f} s "
              f"over {len(seconds)} fresh servers")
    print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
