"""Browser redraw time of the Batch Diversity Explorer in Debian's chromium.

Starts the app (bench/app_server.py), opens /batch at pool 2,000 and presses
End / Home on the batch-size slider (20 -> 100 -> 1 -> 100 ...), timing inside
the page from the key press to the first painted frame in which the status
line shows the new size and every panel picture is new and decoded (server
round trip included; see bench/batch_browser.py). A batch size changes the
page's measurement over seeds, so the bench waits until no measurement runs
before it times anything. For calibration it also
times a trivial page (one slider and one line of text in a fragment) the
same way, in the same browser and under the same load. Prints medians;
asserts nothing.

    python bench/bench_batch_browser.py [--repeats 15] [--pool 2000] [--rounds 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from bench.batch_browser import ARM_JS, press_batch_slider, wait_for_panels  # noqa: E402
from bench.common import load_average  # noqa: E402

TRIVIAL_APP = textwrap.dedent("""
    import streamlit as st

    @st.fragment
    def lab():
        k = st.slider("Batch size", 1, 100, 20)
        st.html(f"<div id='value'>{k}</div>")

    lab()
""")
TRIVIAL_WAIT_JS = """async (want) => await new Promise((resolve) => {
  const tick = () => {
    const el = document.getElementById('value');
    if (window.__batchKeyAt !== null && el && el.textContent === String(want)) {
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - window.__batchKeyAt), 0));
    } else { requestAnimationFrame(tick); }
  };
  tick();
})"""


def report(name: str, values: list) -> None:
    values = sorted(values)
    print(f"{name:<46} median {statistics.median(values):6.0f} ms   "
          f"quartiles {values[len(values) // 4]:4.0f}-{values[(3 * len(values)) // 4]:4.0f}   "
          f"min {values[0]:4.0f}  max {values[-1]:5.0f}   n={len(values)}")


def trivial_page(browser, repeats: int) -> list:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "app.py").write_text(TRIVIAL_APP)
        with running_app(root=folder) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/")
            page.wait_for_selector("#value", timeout=60_000)
            page.wait_for_timeout(1000)
            times = []
            for i in range(2 * repeats):
                key, want = ("End", 100) if i % 2 == 0 else ("Home", 1)
                page.get_by_role("slider", name="Batch size").focus()
                page.evaluate(ARM_JS)
                page.keyboard.press(key)
                times.append(page.evaluate(TRIVIAL_WAIT_JS, want))
            page.close()
            return times


def wait_for_quiet(page) -> None:
    """Wait until the page shows no measurement running (none of its progress bars)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stProgress\"]')", timeout=600_000)
    page.wait_for_timeout(1000)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=0,
                        help="click Step this often first (learning curves drawn)")
    args = parser.parse_args(argv)
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/batch?pool={args.pool}")
        n_panels = wait_for_panels(page)
        for done in range(1, args.rounds + 1):
            page.locator(".st-key-batch-run-step button").click()  # key batch.run.step
            page.get_by_text(f"Round {done} ·").wait_for(timeout=60_000)
        press_batch_slider(page, "End", 100)   # warm-up: first draw of each size, and its measurement
        wait_for_quiet(page)
        press_batch_slider(page, "Home", 1)
        wait_for_quiet(page)
        up, down = [], []
        for _ in range(args.repeats):
            up.append(press_batch_slider(page, "End", 100))
            down.append(press_batch_slider(page, "Home", 1))
        print(f"# /batch at pool {args.pool}, {n_panels} panels, after {args.rounds} Steps; chromium {browser.version}; "
              f"{load_average()}")
        report("batch-size slider -> 100 (key to painted)", up)
        report("batch-size slider -> 1 (key to painted)", down)
        page.close()
        report("calibration: trivial fragment page", trivial_page(browser, args.repeats))
        browser.close()
    print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
