"""Browser time per Step on the acquisition zoo, in Debian's chromium (prints figures, asserts nothing).

Starts the app (bench/app_server.py), opens /zoo at its defaults (or the
settings given), clicks Step repeatedly and measures, inside the page, the
time from the click to the first frame in which every map picture shows the
new round (server round trip and the pictures' decoding included), plus one
frame for the paint. For reference, the same run times the Arena's Step (two
panels and the learning curves) the same way, in the same browser.

    python bench/bench_zoo_browser.py [--clicks 15] [--query "model=logreg"]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from bench.bench_zoo_server import report  # noqa: E402

# Click Step, then wait until the first `count` pictures all differ from before, and one more frame.
STEP_JS = """
async (count) => {
  const shots = () => Array.from(document.querySelectorAll('[data-testid=stImage] img')).slice(0, count)
    .map(img => img.complete && img.naturalWidth > 0 ? (img.getAttribute('src') || '').slice(-80) : '');
  const before = shots();
  const button = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim().endsWith('Step'));
  if (!button) { return {error: 'no Step button'}; }
  const start = performance.now();
  button.click();
  return await new Promise((resolve) => {
    const check = () => {
      const now = shots();
      if (now.length === before.length && now.every((shot, i) => shot && shot !== before[i])) {
        requestAnimationFrame(() => setTimeout(() => resolve({ms: performance.now() - start}), 0));
        return;
      }
      if (performance.now() - start > 20000) { resolve({error: 'timeout'}); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
"""


def time_steps(page, url: str, count: int, clicks: int) -> list:
    """Milliseconds from a Step click to the new pictures painted, per click (after a warm-up click)."""
    page.goto(url)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=120_000)
    page.wait_for_function("(n) => document.querySelectorAll('[data-testid=stImage] img').length >= n",
                           arg=count, timeout=120_000)
    page.wait_for_timeout(1500)
    page.evaluate(STEP_JS, count)
    found = []
    for _ in range(clicks):
        result = page.evaluate(STEP_JS, count)
        if "error" in result:
            print("measurement failed:", result["error"])
            continue
        found.append(result["ms"])
        page.wait_for_timeout(300)  # let the page settle before the next click, as a person would
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--query", default="", help="zoo settings as a query string, e.g. 'model=logreg'")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from ui.labs import zoo as spec
    from ui.params import read_params

    values, _ = read_params(spec.PARAMS, dict(part.split("=", 1) for part in args.query.split("&") if part))
    maps = len(spec.live_functions(values["model"]))
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        print(f"# chromium {browser.version}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"zoo settings: {args.query or 'defaults'} ({maps} maps)")
        report("zoo: Step click -> every map redrawn and painted",
               time_steps(page, f"{url}/zoo?{args.query}", maps, args.clicks))
        report("reference, Arena at pool 1,000: Step -> both panels",
               time_steps(page, f"{url}/arena?pool=1000&budget=100", 2, args.clicks))
        browser.close()
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
