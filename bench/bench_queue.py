"""The measurement queue under load, in Debian's chromium (prints figures, asserts nothing).

    python bench/bench_queue.py [--clicks 15]

On a freshly started server, two visitors start expensive 50-seed races (a
random forest and an MC-dropout net, each from its Run button); while they
run, a third visitor opens a cheap setting that is not stored (logistic
regression, pool 300) and we time how long until its verdict is on screen;
then a fourth clicks Step repeatedly and we time each click to new panel
pictures, in the page. Figures: the cheap verdict's wait (seconds), Step's
median and p90 (ms) while the races run, the same Step figure with nothing
running (the plain reference, same run), and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, VERDICT_READY_JS, running_app  # noqa: E402

# Click Step in the page and resolve when every panel picture is new and decoded, plus one frame.
STEP_JS = """
async () => {
  const pictures = () => Array.from(document.querySelectorAll('[data-testid=stImage] img'));
  const before = pictures().map(p => p.src).join('|');
  const find = () => Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim().endsWith('Step'));
  while (!find()) { await new Promise(r => setTimeout(r, 20)); }  // the page may be between two runs
  const step = find();
  const start = performance.now();
  step.click();
  return await new Promise(resolve => {
    const look = () => {
      const now = pictures();
      if (now.map(p => p.src).join('|') !== before && now.every(p => p.complete && p.naturalWidth > 0)) {
        requestAnimationFrame(() => resolve(performance.now() - start));
      } else { setTimeout(look, 2); }
    };
    look();
  });
}
"""


def step_times(page, clicks: int) -> list:
    times = []
    for _ in range(clicks):
        times.append(page.evaluate(STEP_JS))
        page.wait_for_timeout(250)
    return times


def summary(times: list) -> str:
    ordered = sorted(times)
    return f"median {statistics.median(ordered):.0f} ms, p90 {ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms"


def start_expensive(browser, url: str, query: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/arena?{query}")
    button = page.get_by_role("button", name="Run it")
    button.wait_for(timeout=60_000)
    button.click()
    page.locator(".st-key-verdict [role=progressbar]").wait_for(timeout=60_000)
    return page


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=15)
    args = parser.parse_args()
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stepper = browser.new_page(viewport={"width": 1280, "height": 900})
        stepper.goto(f"{url}/arena?pool=2000&budget=300")
        stepper.wait_for_function(VERDICT_READY_JS, timeout=60_000)
        quiet = step_times(stepper, args.clicks)
        print(f"Step, nothing else running:       {summary(quiet)}")
        busy = [start_expensive(browser, url, "model=forest&seeds=50"),
                start_expensive(browser, url, "model=mc_dropout&seeds=50")]
        time.sleep(3)
        cheap = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.monotonic()
        cheap.goto(f"{url}/arena?pool=300&seeds=20&budget=60&noise=1.2")
        cheap.wait_for_function(VERDICT_READY_JS, timeout=300_000)
        print(f"a cheap race's verdict while two 50-seed races run: {time.monotonic() - started:.1f} s after "
              "opening the page")
        loaded = step_times(stepper, args.clicks)
        print(f"Step while the two races run:      {summary(loaded)}")
        still = [page.locator(".st-key-verdict [role=progressbar]").count() > 0 for page in busy]
        print(f"the expensive races still running at the end: {sum(still)} of 2")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        browser.close()


if __name__ == "__main__":
    main()
