"""Browser helpers for the batch page (its browser bench; an end-to-end test may share them).

Each learner's panel is a picture (``[data-testid="stImage"] img``, a JPEG
data URI drawn on the server) with its next batch ringed, and the status line
above them says the batch size ("next batch: 20 points"). A redraw is done
when the status line shows the new size and every panel picture has a new
``src`` and is decoded.
"""

from __future__ import annotations

# JavaScript: the panel pictures' sources, in page order (empty until they are drawn and decoded).
PANELS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const images = Array.from(main.querySelectorAll('[data-testid="stImage"] img'));
  return images.every(img => img.complete && img.naturalWidth > 0) ? images.map(img => img.src) : [];
}"""

# JavaScript: the batch size the status line announces ("next batch: 20 points"), or null.
BATCH_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  for (const block of main.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const found = /next batch: (\\d+) point/.exec(block.textContent);
    if (found) return Number(found[1]);
  }
  return null;
}"""

# JavaScript: remember when the next trusted key press reaches the page, and the pictures before it.
ARM_JS = """() => {
  window.__batchKeyAt = null;
  window.__batchPanels = (""" + PANELS_JS + """)();
  document.addEventListener('keydown', () => { window.__batchKeyAt = performance.now(); },
                            {capture: true, once: true});
}"""

# JavaScript: resolve with the ms from that key press until the status line says `want` and every
# panel picture is new and decoded, plus one painted frame.
WAIT_JS = """async (want) => {
  const panels = """ + PANELS_JS + """;
  const batch = """ + BATCH_JS + """;
  const before = window.__batchPanels;
  return await new Promise((resolve, reject) => {
    const limit = performance.now() + 30000;
    const tick = () => {
      const now = panels();
      if (window.__batchKeyAt !== null && batch() === want && now.length === before.length &&
          now.every((src, i) => src !== before[i])) {
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - window.__batchKeyAt), 0));
      } else if (performance.now() > limit) {
        reject(new Error(`panels did not redraw: batch ${batch()}, ${now.length} pictures`));
      } else {
        requestAnimationFrame(tick);
      }
    };
    tick();
  });
}"""


def wait_for_panels(page, timeout_ms: int = 60_000, steady_ms: int = 1000) -> int:
    """Wait until the panel pictures are drawn and decoded and their number has held for ``steady_ms``
    (Streamlit mounts an image only once its column has a width, so pictures arrive one by one);
    return how many panels there are."""
    page.wait_for_function(f"({PANELS_JS})().length > 0 && ({BATCH_JS})() !== null", timeout=timeout_ms)
    count, since = len(page.evaluate(PANELS_JS)), 0
    while since < steady_ms:
        page.wait_for_timeout(100)
        now = len(page.evaluate(PANELS_JS))
        count, since = now, (since + 100 if now == count else 0)
    return count


def press_batch_slider(page, key: str, want: int) -> float:
    """Press ``key`` ("End", "Home", ...) on the batch-size slider; ms until the panels show ``want``.

    Timed inside the page, from the key press to the first painted frame
    after every panel picture is new and decoded and the status line says
    ``want`` (server round trip, image decoding and layout included).
    """
    slider = page.get_by_role("slider", name="Batch size")
    slider.focus()
    page.evaluate(ARM_JS)
    page.keyboard.press(key)
    return page.evaluate(WAIT_JS, want)
