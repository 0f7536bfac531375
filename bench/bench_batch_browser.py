"""Browser redraw time of the Batch Diversity Explorer in Debian's chromium.

Starts the app (bench/app_server.py), opens /batch at pool 2,000 and presses
End / Home on the batch-size slider (20 -> 100 -> 1 -> 100 ...), timing inside
the page from the key press to the first painted frame in which every panel
shows the new batch (server round trip included). For calibration it also
times a trivial page (one slider and one line of text in a fragment) the
same way, in the same browser and under the same load. Prints medians;
asserts nothing.

    python bench/bench_batch_browser.py [--repeats 15] [--pool 2000] [--rounds 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, free_port, running_app  # noqa: E402
from bench.batch_browser import press_batch_slider, wait_for_panels  # noqa: E402

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
    from bench.batch_browser import ARM_JS
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "app.py").write_text(TRIVIAL_APP)
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
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
        finally:
            process.terminate()
            process.wait(timeout=10)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=0,
                        help="click 'Label this batch & retrain' this often first (learning curves drawn)")
    args = parser.parse_args(argv)
    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/batch?pool={args.pool}")
        wait_for_panels(page)
        for done in range(1, args.rounds + 1):
            page.get_by_role("button", name="Label this batch").click()
            page.get_by_text(f"Round {done} ·").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        press_batch_slider(page, "End", 100)   # warm-up: first draw of each size
        press_batch_slider(page, "Home", 1)
        up, down = [], []
        for _ in range(args.repeats):
            up.append(press_batch_slider(page, "End", 100))
            down.append(press_batch_slider(page, "Home", 1))
        print(f"# /batch at pool {args.pool}, three panels, after {args.rounds} labeled batches; chromium {browser.version}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        report("batch-size slider -> 100 (key to painted)", up)
        report("batch-size slider -> 1 (key to painted)", down)
        page.close()
        report("calibration: trivial fragment page", trivial_page(browser, args.repeats))
        browser.close()
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
