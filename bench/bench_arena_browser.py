"""Browser time per Step on the Arena, in Debian's chromium (prints figures, asserts nothing).

Starts `streamlit run app.py` on a free loopback port, opens /arena?pool=2000
in headless chromium (driven by Playwright, no browser download), waits for
the page's 20-seed verdict (so no measurement runs meanwhile), then clicks
Step from JavaScript again and again and measures, inside the page
(``performance.now()``), the time from the click to:

- panels: every panel picture (``[data-testid="stImage"] img``, a data URI)
  has a new ``src`` and is decoded (``complete`` and ``naturalWidth``), plus
  one animation frame for the paint;
- curve: the learning-curve chart (plotly) is redrawn with the new round,
  plus one animation frame.

With ``--repo PATH`` it runs the same measurement on another checkout too
(``git worktree add /tmp/old 9f8b8f1`` gives the app before the live-lab
refactor), both servers up at once and blocks of clicks alternating between
them, so both see the same minutes of a noisy machine. The page's DOM says
which app it is, and each is measured with its own rule: the old app drew
the panels and the curve in one plotly figure (panel images are ``<image>``
elements in its SVG), so there "panels" is its first image changing and
"curve" its curve lines changing.

    python bench/bench_arena_browser.py [--clicks 20] [--pool 2000]
    python bench/bench_arena_browser.py --repo /tmp/old --clicks 40 --block 5
    python bench/bench_arena_browser.py --cpuprofile   # where the page's JavaScript spends a click
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app, stop_app  # noqa: E402
from bench.common import load_average, spread  # noqa: E402

# Which app is on the page: "pictures" (panels as <img>, since the live-lab refactor) or "plotly"
# (panels drawn as images inside one plotly figure, before it).
DOM_JS = """() => {
  if (document.querySelector('[data-testid="stMain"] [data-testid="stImage"] img')) return 'pictures';
  if (document.querySelector('[data-testid="stMain"] .js-plotly-plot image')) return 'plotly';
  return null;
}"""

# In-page measurement of one Step click: resolves with ms from the click to each "updated" moment.
MEASURE_JS = """
async ({timeoutMs}) => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const dom = (""" + DOM_JS + """)();
  const firstPlot = () => main.querySelector('.js-plotly-plot');
  const lines = (plot) => plot ? Array.from(plot.querySelectorAll('.scatterlayer path.js-line, .shapelayer path'))
    .map(p => p.getAttribute('d') || '').join('|') : '';
  let panels, panelsReady;
  if (dom === 'pictures') {
    const images = () => Array.from(main.querySelectorAll('[data-testid="stImage"] img'));
    const before = images().map(img => img.src);
    panels = before;
    panelsReady = () => {
      const now = images();
      return now.length === before.length &&
        now.every((img, i) => img.src !== before[i] && img.complete && img.naturalWidth > 0);
    };
  } else {
    const href = () => { const img = firstPlot() && firstPlot().querySelector('image');
                         return img ? (img.getAttribute('href') || '') : ''; };
    const before = href();
    panels = [before];
    panelsReady = () => { const now = href(); return now !== '' && now !== before; };
  }
  // The curve: the first plotly chart (the live one, above the verdict) in the new app; the one
  // figure in the old app. Redrawn = its lines differ and it has lines (a remount empties it first).
  const curveBefore = lines(firstPlot());
  const curveReady = () => { const now = lines(firstPlot()); return now !== '' && now !== curveBefore; };
  const button = Array.from(main.querySelectorAll('button'))
    .find(b => b.innerText.trim().endsWith('Step') && b.getBoundingClientRect().width > 0);
  if (!dom || !button || !panels.length) { return {error: `dom ${dom}, Step button ${!!button}`}; }
  const start = performance.now();
  button.click();
  return await new Promise((resolve) => {
    const done = {panels: null, curve: null};
    const mark = (name) => {  // one more frame, so the time includes the paint
      done[name] = -1;
      requestAnimationFrame(() => setTimeout(() => { done[name] = performance.now() - start; }, 0));
    };
    const check = () => {
      if (done.panels === null && panelsReady()) mark('panels');
      if (done.curve === null && curveReady()) mark('curve');
      if (done.panels > 0 && done.curve > 0) { resolve({dom, ...done}); return; }
      if (performance.now() - start > timeoutMs) { resolve({error: 'timeout', dom, ...done}); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
"""

# What "updated" means for each DOM (printed beside the figures).
RULES = {
    "pictures": {"panels": "every panel picture has a new src and is decoded, + 1 frame",
                 "curve": "the learning-curve chart's lines redrawn, + 1 frame"},
    "plotly": {"panels": "old DOM: the figure's first panel image changed, + 1 frame",
               "curve": "old DOM: the figure's curve lines redrawn, + 1 frame"},
}


class Arena:
    """One app (this checkout or another) served and open in a chromium page."""

    def __init__(self, browser, root: Path, pool: int, query: str):
        self.process, url = start_app(root=root)
        self.page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        started = time.perf_counter()
        self.page.goto(f"{url}/arena?pool={pool}" + (f"&{query}" if query else ""))
        self.wait_for_verdict()
        self.page.wait_for_function(f"({DOM_JS})() !== null", timeout=60_000)
        self.dom = self.page.evaluate(DOM_JS)
        self.ready_seconds = time.perf_counter() - started
        self.page.wait_for_timeout(1500)
        self.results = collections.defaultdict(list)
        self.errors = []
        self.click()  # warm-up: the first redraw after the page load
        self.results.clear()

    def wait_for_verdict(self, timeout: float = 600) -> None:
        """Wait for the multi-seed verdict (then no measurement runs in the background); start the
        measurement where the page asks for a click first (settings estimated to take long)."""
        verdict = self.page.get_by_text("Labels A saves over B")
        run_it = self.page.get_by_role("button", name=re.compile("Run it"))
        deadline = time.monotonic() + timeout
        while not verdict.is_visible():
            if time.monotonic() > deadline:
                raise RuntimeError(f"no verdict on the page within {timeout:.0f} s")
            if run_it.count() and run_it.first.is_visible():
                run_it.first.click()
            self.page.wait_for_timeout(500)

    def click(self) -> None:
        result = self.page.evaluate(MEASURE_JS, {"timeoutMs": 20_000})
        if "error" in result:
            self.errors.append(result["error"])
            return
        for name in ("panels", "curve"):
            self.results[name].append(result[name])

    def close(self) -> None:
        self.page.context.close()
        stop_app(self.process)


def profile_clicks(page, clicks: int = 3, top: int = 12) -> None:
    """CPU-profile a few Step clicks with the DevTools protocol; print self time by script and function."""
    session = page.context.new_cdp_session(page)
    session.send("Profiler.enable")
    session.send("Profiler.setSamplingInterval", {"interval": 200})
    session.send("Profiler.start")
    for _ in range(clicks):
        page.evaluate(MEASURE_JS, {"timeoutMs": 20_000})
    profile = session.send("Profiler.stop")["profile"]
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_ms, by_script, idle = collections.Counter(), collections.Counter(), 0.0
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        frame = nodes[sample]["callFrame"]
        name = frame["functionName"] or "(anonymous)"
        if name == "(idle)":
            idle += delta / 1000.0
            continue
        script = frame["url"].rsplit("/", 1)[-1] or "(native)"  # (program): the browser's own work
        self_ms[f"{script} {name}:{frame['lineNumber']}"] += delta / 1000.0
        by_script[script] += delta / 1000.0
    print(f"  JavaScript CPU profile of {clicks} clicks (self time per click; idle {idle / clicks:.0f} ms left out):")
    for script, ms in by_script.most_common(top):
        print(f"    script {script:45s} {ms / clicks:7.1f} ms")
    for name, ms in self_ms.most_common(top):
        print(f"    fn {name[:70]:70s} {ms / clicks:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=20, help="measured clicks per app (at most 90)")
    parser.add_argument("--block", type=int, default=5, help="clicks in a row on one app before the other's turn")
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--query", default="", help="extra query string, e.g. 'scores=1'")
    parser.add_argument("--repo", type=Path, help="another checkout of the app to measure alongside this one")
    parser.add_argument("--cpuprofile", action="store_true", help="print a JS CPU profile of 3 clicks per app")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of this app's page after the clicks")
    args = parser.parse_args()
    clicks = min(args.clicks, 90)  # within the default label budget (100 labels, 4 to start, one warm-up)

    from playwright.sync_api import sync_playwright

    roots = {"this checkout": ROOT} | ({f"{args.repo}": args.repo.resolve()} if args.repo else {})
    print(f"# /arena?pool={args.pool}{'&' + args.query if args.query else ''}; {load_average()} at the start")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        apps = {}
        try:
            for name, root in roots.items():
                apps[name] = Arena(browser, root, args.pool, args.query)
                print(f"{name}: {apps[name].dom} DOM; page and its 20-seed verdict ready in "
                      f"{apps[name].ready_seconds:.1f} s")
            loads, done, order = [], 0, list(apps.values())
            while done < clicks:  # blocks of clicks, alternating between the apps (A B B A A B ...)
                block = min(args.block, clicks - done)
                for app in order:
                    for _ in range(block):
                        app.click()
                order.reverse()
                loads.append(load_average())
                done += block
            print(f"# chromium {browser.version}; Step click -> updated, {clicks} clicks per app"
                  + (f" in blocks of {args.block}, alternating" if len(apps) > 1 else ""))
            for name, app in apps.items():
                for what in ("panels", "curve"):
                    if app.results[what]:
                        print(f"{name:>15s} {what:<6s} {spread(app.results[what])}   [{RULES[app.dom][what]}]")
                if app.errors:
                    print(f"{name:>15s} failed clicks: {dict(collections.Counter(app.errors))}")
            if len(apps) == 2:
                (_, this), (other_name, other) = apps.items()
                for what in ("panels", "curve"):
                    if this.results[what] and other.results[what]:
                        ratio = statistics.median(this.results[what]) / statistics.median(other.results[what])
                        print(f"median {what}, this checkout / {other_name}: {ratio:.2f}")
            print(f"# {loads[0]} after the first block; {loads[-1]} at the end")
            for name, app in apps.items():
                if args.cpuprofile:
                    print(f"{name}:")
                    profile_clicks(app.page)
            if args.screenshot:
                apps["this checkout"].page.screenshot(path=str(args.screenshot), full_page=True)
        finally:
            for app in apps.values():
                app.close()
            browser.close()


if __name__ == "__main__":
    main()
