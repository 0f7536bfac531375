"""Browser time per label click on /oracle, in Debian's chromium (prints figures, asserts nothing).

Starts `streamlit run app.py` on a free loopback port, opens /oracle in headless
chromium (driven by Playwright, no browser download), clicks the answer
buttons and measures, inside the page, the time from the click to:

- updated: the next digit's picture is in the page and the learning curve's
  line for "You" has its new point, plus one frame for the paint;
- settled: the last change to the page after the click (found after a 400 ms
  quiet window).

    python bench/bench_oracle_browser.py [--clicks 30] [--query batch=1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import app_in_browser  # noqa: E402

# In-page measurement: click an answer, then watch the digit and the curve until both changed and the page
# is quiet. The curve's first line is the visitor's learner (in batch mode it moves once per ten answers, so
# only the digit is watched).
MEASURE_JS = """
async ([digit, quietMs, needLine]) => {
  const picture = () => { const img = document.querySelector('[data-testid=stImage] img');
                          return img ? img.getAttribute('src') : ''; };
  const line = () => { const path = document.querySelector('.js-plotly-plot .scatterlayer path.js-line');
                       return path ? path.getAttribute('d') : ''; };
  const before = [picture(), line()];
  const button = document.querySelector(`.st-key-oracle-answer-${digit} button`);
  if (!button || button.disabled) { return {error: 'no answer button'}; }
  const root = document.querySelector('[data-testid=stMain]') || document.body;
  let last = performance.now();
  const observer = new MutationObserver(() => { last = performance.now(); });
  observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  const start = performance.now();
  button.click();
  return await new Promise((resolve) => {
    let updated = null;
    const check = () => {
      const now = performance.now();
      if (updated === null && picture() !== before[0] && (!needLine || line() !== before[1])) {
        updated = -1;  // one more frame, so the measurement includes the paint
        requestAnimationFrame(() => setTimeout(() => { updated = performance.now(); }, 0));
      }
      if (updated > 0 && now - last > quietMs) {
        observer.disconnect();
        resolve({updated: updated - start, settled: Math.max(last, updated) - start});
        return;
      }
      if (now - start > 20000) { observer.disconnect(); resolve({error: 'timeout'}); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--query", default="", help="extra query string, e.g. 'batch=1'")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot after the clicks")
    args = parser.parse_args()
    with app_in_browser(1440, 900) as (url, page):
        started = time.perf_counter()
        page.goto(f"{url}/oracle?{args.query}")
        page.wait_for_function("() => /labels from you/.test(document.body.innerText)", timeout=120_000)
        page.wait_for_selector(".js-plotly-plot .scatterlayer path.js-line", state="attached", timeout=120_000)
        print(f"page ready in {time.perf_counter() - started:.1f} s")
        page.wait_for_timeout(1500)
        need_line = "batch=1" not in args.query
        page.evaluate(MEASURE_JS, [0, 400, need_line])  # warm-up click
        updated, settled = [], []
        for click in range(args.clicks):
            result = page.evaluate(MEASURE_JS, [(3 * click + 1) % 10, 400, need_line])  # mistakes count too
            if "error" in result:
                print("measurement failed:", result["error"])
                continue
            updated.append(result["updated"])
            settled.append(result["settled"])
        print(f"answer click -> next digit{' and updated curve' if need_line else ''}, {len(updated)} clicks: median "
              f"{statistics.median(updated):.0f} ms, min {min(updated):.0f}, max {max(updated):.0f}"
              + (f" ({args.query})" if args.query else ""))
        print(f"answer click -> page settled (last change): median {statistics.median(settled):.0f} ms, "
              f"max {max(settled):.0f}")
        print(f"  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.screenshot:
            page.screenshot(path=str(args.screenshot))


if __name__ == "__main__":
    main()
