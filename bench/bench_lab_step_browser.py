"""Browser time per Step on the stream and synthesis labs, in Debian's chromium (prints figures, asserts nothing).

Starts the app (bench/app_server.py), opens each page in headless chromium (Playwright, no browser download),
waits for its verdict, then clicks Step repeatedly and measures inside the page the time from the click until
the live part shows the new step: its first picture (the stream learner's panel, the synthesis learner's panel,
the next digit blend) and its first chart (outside the verdict) changed, plus one painted frame. For calibration it times a trivial page (a fragment with a Step button that
redraws one small picture and one line chart) the same way, in the same browser and under the same load.

    python bench/bench_lab_step_browser.py [--clicks 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

PAGES = (("stream", "/stream"), ("stream, drifting, asking zone", "/stream?drift=1&zone=1"),
         ("synthesis, 2-D tab", "/synthesis"), ("synthesis, digits tab", "/synthesis?tab=digits&budget=100"))

# Click Step; resolve with the ms until the first live picture and the first live chart changed and a frame was painted.
MEASURE_JS = """async () => {
  const live = el => !el.closest('.st-key-verdict');
  const fingerprint = () => {
    const img = Array.from(document.querySelectorAll('[data-testid=stImage] img')).filter(live)[0];
    const src = img ? (img.getAttribute('src') || '') : '';
    const picture = src.length + src.slice(-48);
    const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(live)[0];
    const lines = chart ? Array.from(chart.querySelectorAll('.scatterlayer path.js-line'))
      .map(p => p.getAttribute('d') || '').join('|') : '';
    return {picture, lines};
  };
  const before = fingerprint();
  const button = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim().endsWith('Step'));
  if (!button) { return {error: 'no Step button'}; }
  const start = performance.now();
  button.click();
  return await new Promise((resolve) => {
    const check = () => {
      const now = fingerprint();
      if (now.picture !== before.picture && now.lines !== before.lines) {
        requestAnimationFrame(() => setTimeout(() => resolve({updated: performance.now() - start}), 0));
        return;
      }
      if (performance.now() - start > 20000) { resolve({error: 'timeout'}); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}"""

TRIVIAL_APP = textwrap.dedent('''
    import base64, io
    import numpy as np
    import plotly.graph_objects as go
    import streamlit as st
    from PIL import Image

    @st.fragment
    def lab():
        n = st.session_state.setdefault("n", 0)
        if st.button("Step"):
            st.session_state["n"] = n = n + 1
        pixels = np.full((48, 48, 3), (n * 37) % 255, dtype=np.uint8)
        buffer = io.BytesIO(); Image.fromarray(pixels).save(buffer, format="PNG")
        st.image("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), width=48)
        st.plotly_chart(go.Figure(go.Scatter(x=list(range(n + 2)), y=[i % 3 for i in range(n + 2)])),
                        config={"staticPlot": True})

    lab()
''')


def report(name: str, values: list) -> None:
    values = sorted(values)
    print(f"{name:<40} median {statistics.median(values):6.0f} ms   quartiles {values[len(values) // 4]:4.0f}-"
          f"{values[(3 * len(values)) // 4]:4.0f}   max {values[-1]:5.0f}   n={len(values)}")


def clicks(page, n: int) -> list:
    page.evaluate(MEASURE_JS)  # warm-up
    times = []
    for _ in range(n):
        result = page.evaluate(MEASURE_JS)
        if "error" in result:
            print("  measurement failed:", result["error"])
        else:
            times.append(result["updated"])
    return times


def trivial_page(browser, n: int) -> list:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "app.py").write_text(TRIVIAL_APP)
        with running_app(root=Path(folder)) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_timeout(1000)
            times = clicks(page, n)
            page.close()
            return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"# chromium {browser.version}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for name, path in PAGES:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + path)
            page.locator(".st-key-verdict").first.wait_for(timeout=120_000)
            page.wait_for_function("() => !document.querySelector('.st-key-verdict [role=progressbar]')",
                                   timeout=300_000)
            page.wait_for_timeout(1500)
            report(f"{name}: Step -> new step painted", clicks(page, args.clicks))
            page.close()
        report("calibration: trivial fragment page", trivial_page(browser, args.clicks))
        browser.close()
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
