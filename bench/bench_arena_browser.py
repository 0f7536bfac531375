"""Browser time per Step on the Arena, in Debian's chromium (prints figures, asserts nothing).

Starts `streamlit run app.py` on a free loopback port, opens /arena?pool=2000
in headless chromium (driven by Playwright, no browser download), clicks Step
repeatedly and measures, inside the page, the time from the click to:

- updated: the live chart (one figure: the two pool panels and the learning
  curve) shows the new round (its panel image and curve line changed), plus
  one frame for the paint;
- settled: the last DOM change in the page after the click (any redraw the
  chart library or Streamlit does later), found after a 400 ms quiet window.

With --trace, it also records a Chromium performance trace over a few clicks
and prints where the renderer's main thread spent its time.

    python bench/bench_arena_browser.py [--clicks 15] [--pool 2000] [--trace trace.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# In-page measurement: click Step, then watch the charts until both changed and the page is quiet.
MEASURE_JS = """
async (quietMs) => {
  const plots = () => Array.from(document.querySelectorAll('.js-plotly-plot'));
  const signature = (plot) => {
    const img = plot.querySelector('image');
    const href = img ? (img.getAttribute('href') || '') : '';
    const lines = Array.from(plot.querySelectorAll('.scatterlayer path.js-line'))
      .map(p => (p.getAttribute('d') || '').length).join(',');
    return href.length + ':' + href.slice(-64) + '|' + lines;
  };
  const live = () => { const p = plots()[0]; return p ? signature(p) : ''; };
  const before = live();
  const button = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim() === 'Step');
  if (!button) { return {error: 'no Step button'}; }
  const root = document.querySelector('[data-testid="stMain"]') || document.body;
  let last = performance.now();
  let stale = null, chartIn = null;
  const observer = new MutationObserver((mutations) => {
    last = performance.now();
    for (const m of mutations) {
      if (stale === null && m.type === 'attributes' && m.attributeName === 'data-stale') { stale = last; }
      if (chartIn === null && m.type === 'childList' && stale !== null &&
          Array.from(m.addedNodes).some(n => n.nodeType === 1 && (n.matches('.js-plotly-plot, .stPlotlyChart, [data-testid="stPlotlyChart"]') || n.querySelector && n.querySelector('.js-plotly-plot, [data-testid="stPlotlyChart"]')))) { chartIn = last; }
    }
  });
  observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  const start = performance.now();
  button.click();
  return await new Promise((resolve) => {
    let updated = null;
    const check = () => {
      const now = performance.now();
      if (updated === null) {
        if (live() !== before) {
          // one more frame, so the measurement includes the paint of the new charts
          requestAnimationFrame(() => setTimeout(() => { updated = performance.now(); }, 0));
          updated = -1;
        }
      }
      if (updated > 0 && now - last > quietMs) {
        observer.disconnect();
        resolve({updated: updated - start, settled: Math.max(last, updated) - start,
                 stale: stale === null ? null : stale - start, chartIn: chartIn === null ? null : chartIn - start});
        return;
      }
      if (now - start > 20000) { observer.disconnect(); resolve({error: 'timeout'}); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}
"""


def summarise_trace(path: Path, top: int = 14) -> None:
    """Print the renderer main thread's time by event name (top-level tasks and their children)."""
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    renderer = {e["pid"] for e in events if e.get("name") == "thread_name"
                and e.get("args", {}).get("name") == "CrRendererMain"}
    main_tids = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name"
                 and e.get("args", {}).get("name") == "CrRendererMain"}
    by_name = collections.Counter()
    tasks = 0.0
    for e in events:
        if (e.get("pid"), e.get("tid")) not in main_tids or e.get("ph") != "X" or "dur" not in e:
            continue
        by_name[e["name"]] += e["dur"] / 1000.0
        if e["name"] == "RunTask":
            tasks += e["dur"] / 1000.0
    print(f"  renderer processes: {len(renderer)}; main-thread RunTask total {tasks:.0f} ms")
    for name, ms in by_name.most_common(top):
        print(f"  {name:40s} {ms:8.0f} ms (inclusive)")


def profile_clicks(page, clicks: int = 3, top: int = 12) -> None:
    """CPU-profile a few Step clicks with the DevTools protocol; print self time by script and function."""
    session = page.context.new_cdp_session(page)
    session.send("Profiler.enable")
    session.send("Profiler.setSamplingInterval", {"interval": 200})
    session.send("Profiler.start")
    for _ in range(clicks):
        page.evaluate(MEASURE_JS, 400)
    profile = session.send("Profiler.stop")["profile"]
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    self_ms = collections.Counter()
    by_script = collections.Counter()
    for sample, delta in zip(profile["samples"], deltas):
        frame = nodes[sample]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1] or f"({frame['functionName'] or 'native'})"
        name = frame["functionName"] or "(anonymous)"
        self_ms[f"{script} {name}:{frame['lineNumber']}"] += delta / 1000.0
        by_script[script] += delta / 1000.0
    idle = by_script.pop("(idle)", 0.0) + by_script.pop("(program)", 0.0) * 0
    print(f"  CPU profile of {clicks} clicks (self time per click, idle {idle / clicks:.0f} ms excluded):")
    for script, ms in by_script.most_common(top):
        print(f"    script {script:45s} {ms / clicks:7.1f} ms")
    for name, ms in self_ms.most_common(top):
        if not name.startswith("(idle)"):
            print(f"    fn {name[:70]:70s} {ms / clicks:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--query", default="", help="extra query string, e.g. 'scores=1'")
    parser.add_argument("--trace", type=Path, help="write a Chromium trace of 3 clicks here")
    parser.add_argument("--cpuprofile", action="store_true", help="print a JS CPU profile of 3 clicks")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot after the clicks")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        query = f"pool={args.pool}" + (f"&{args.query}" if args.query else "")
        started = time.perf_counter()
        page.goto(f"{url}/arena?{query}")
        page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
        page.get_by_text("Labels A saves over B").wait_for(timeout=300_000)  # the 20-seed view
        print(f"page ready (20-seed race included) in {time.perf_counter() - started:.1f} s")
        page.wait_for_timeout(1500)
        page.evaluate(MEASURE_JS, 400)  # warm-up click
        updated, settled, stale, chart_in = [], [], [], []
        for _ in range(args.clicks):
            result = page.evaluate(MEASURE_JS, 400)
            if "error" in result:
                print("measurement failed:", result["error"])
                continue
            updated.append(result["updated"])
            settled.append(result["settled"])
            if result.get("stale") is not None:
                stale.append(result["stale"])
            if result.get("chartIn") is not None:
                chart_in.append(result["chartIn"])
        print(f"Step click -> updated charts, {len(updated)} clicks at pool {args.pool}: "
              f"median {statistics.median(updated):.0f} ms, min {min(updated):.0f}, max {max(updated):.0f}")
        print(f"Step click -> page settled (last DOM change): median {statistics.median(settled):.0f} ms, "
              f"max {max(settled):.0f}")
        if stale:
            print(f"  click -> page marked stale (the server started the rerun): median "
                  f"{statistics.median(stale):.0f} ms")
        if chart_in:
            print(f"  click -> new chart element in the page: median {statistics.median(chart_in):.0f} ms; "
                  f"so drawing it took about {statistics.median(updated) - statistics.median(chart_in):.0f} ms")
        print(f"  load average: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
        if args.trace:
            browser.start_tracing(page=page, path=str(args.trace), categories=[
                "devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline", "blink",
                "toplevel"])
            for _ in range(3):
                page.evaluate(MEASURE_JS, 400)
            browser.stop_tracing()
            print(f"trace of 3 clicks written to {args.trace}")
            summarise_trace(args.trace)
        if args.cpuprofile:
            profile_clicks(page)
        if args.screenshot:
            page.screenshot(path=str(args.screenshot))
        browser.close()


if __name__ == "__main__":
    main()
