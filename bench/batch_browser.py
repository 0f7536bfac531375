"""Browser helpers for the batch page (shared by its e2e test and its browser bench).

The panels are one plotly figure; the next batch of each panel is its trace
of open circles, so the batch sizes on screen are read straight from the
figure's data in the page.
"""

from __future__ import annotations

# JavaScript: ring counts of each panel in the panels figure (the one with background images).
RINGS_JS = """() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!gd.layout || !gd.layout.images || !gd.layout.images.length) continue;
    return gd.data.filter(t => t.marker && t.marker.symbol === 'circle-open').map(t => t.x.length);
  }
  return null;
}"""

# JavaScript: remember when the next trusted key press reaches the page.
ARM_JS = """() => {
  window.__batchKeyAt = null;
  document.addEventListener('keydown', () => { window.__batchKeyAt = performance.now(); },
                            {capture: true, once: true});
}"""

# JavaScript: resolve with the ms from that key press until the panels figure shows
# `want` rings per panel and the browser has painted a frame with it.
WAIT_JS = """async (want) => {
  const rings = """ + RINGS_JS + """;
  return await new Promise((resolve, reject) => {
    const limit = performance.now() + 30000;
    const tick = () => {
      const now = rings();
      if (window.__batchKeyAt !== null && now && now.length && now.every(n => n === want)) {
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - window.__batchKeyAt), 0));
      } else if (performance.now() > limit) {
        reject(new Error('panels did not redraw: ' + JSON.stringify(now)));
      } else {
        requestAnimationFrame(tick);
      }
    };
    tick();
  });
}"""


def wait_for_panels(page, timeout_ms: int = 60_000) -> list:
    """Wait until the panels figure is drawn; return its ring counts per panel."""
    page.wait_for_function(f"(({RINGS_JS})() || []).length > 0", timeout=timeout_ms)
    return page.evaluate(RINGS_JS)


def press_batch_slider(page, key: str, want: int) -> float:
    """Press ``key`` ("End", "Home", ...) on the batch-size slider; ms until the panels show ``want``.

    Timed inside the page, from the key press to the first painted frame after
    the figure holds the new batches (server round trip and plotly redraw included).
    """
    slider = page.get_by_role("slider", name="Batch size")
    slider.focus()
    page.evaluate(ARM_JS)
    page.keyboard.press(key)
    return page.evaluate(WAIT_JS, want)
