"""What the browser tests read from a lab page, written once (JavaScript run in the page).

A lab page shows, under its run buttons, one column per learner (a bold
title, a subtitle, and the learner's panel picture: an ``st.image`` JPEG data
URI), learning curves (plotly) and, at the bottom, the multi-seed verdict in
the container with CSS class ``st-key-verdict``.
"""

from __future__ import annotations

from pathlib import Path

from bench.app_server import VERDICT_READY_JS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored: screenshots for people
WAIT_MS = 60_000  # generous: the machine is shared and a rerun may queue behind a measurement

# The panel pictures have loaded (decoded, with a natural size).
PICTURES_LOADED_JS = """(count) => {
  const imgs = Array.from(document.querySelectorAll('[data-testid=stImage] img'));
  return imgs.length >= count && imgs.every(img => img.complete && img.naturalWidth > 0);
}"""

# One short fingerprint per panel picture (a hash of its data URI): changes when a picture is redrawn.
PICTURES_JS = """() => Array.from(document.querySelectorAll('[data-testid=stImage] img')).map(img => {
  const src = img.getAttribute('src') || '';
  let hash = 2166136261;
  for (let i = 0; i < src.length; i++) { hash ^= src.charCodeAt(i); hash = Math.imul(hash, 16777619); }
  return src.length + ':' + (hash >>> 0).toString(16);
})"""

# The round in the status line ("Round 3 · ..."), or -1 before it is drawn.
ROUND_JS = r"""() => {
  const found = document.body.innerText.match(/Round (\d+) ·/);
  return found ? Number(found[1]) : -1;
}"""

# Layout checks at the current viewport width; returns a list of problems (empty when the layout holds):
# (a) no two panel titles overlap and no title overlaps a picture, (b) pictures keep their aspect ratio
# (and are at least `minWidth` px wide), (c) no button label is cut and every button is inside the viewport.
LAYOUT_JS = """(minWidth) => {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const shown = el => {
    const r = el.getBoundingClientRect();
    const sidebar = el.closest('[data-testid=stSidebar]');  // collapsed: moved out of the viewport
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && !(sidebar && (sidebar.dataset.collapsed === 'true' || sidebar.getBoundingClientRect().right <= 0));
  };
  const textBox = el => { const range = document.createRange(); range.selectNodeContents(el);
                          return range.getBoundingClientRect(); };
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                         && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const name = el => el.innerText.replace(/\\s+/g, ' ').trim().slice(0, 60);

  const pictures = Array.from(document.querySelectorAll('[data-testid=stImage] img')).filter(shown);
  const titles = pictures.map(img => {
    // two panels share st.columns; three or more sit in their own containers in a wrapping row
    const panel = img.closest('[data-testid=stColumn]') || img.closest('[data-testid=stVerticalBlock]');
    return panel && panel.querySelector('[data-testid=stMarkdownContainer]');
  });
  titles.forEach((title, i) => { if (!title) problems.push(`picture ${i} has no title above it`); });
  const present = titles.filter(Boolean);
  present.forEach((a, i) => present.slice(i + 1).forEach(b => {
    if (overlap(textBox(a), textBox(b))) problems.push(`titles overlap: "${name(a)}" and "${name(b)}"`);
  }));
  present.forEach(title => pictures.forEach((img, j) => {
    if (overlap(textBox(title), img.getBoundingClientRect()))
      problems.push(`title "${name(title)}" overlaps picture ${j}`);
  }));

  pictures.forEach((img, i) => {
    const r = img.getBoundingClientRect();
    const shape = (r.width / r.height) / (img.naturalWidth / img.naturalHeight);
    if (Math.abs(shape - 1) > 0.1)
      problems.push(`picture ${i} stretched: shown ${r.width.toFixed(0)}x${r.height.toFixed(0)}, ` +
                    `drawn ${img.naturalWidth}x${img.naturalHeight}`);
    if (r.width < minWidth) problems.push(`picture ${i} only ${r.width.toFixed(0)} px wide (< ${minWidth})`);
  });

  Array.from(document.querySelectorAll('button')).filter(shown).forEach(button => {
    const r = button.getBoundingClientRect();
    const what = name(button) || button.getAttribute('aria-label') || button.getAttribute('data-testid');
    if (r.left < -1 || r.right > viewport + 1)
      problems.push(`button "${what}" sticks out of the viewport: ${r.left.toFixed(0)} to ${r.right.toFixed(0)}`);
    const labels = [button, ...button.querySelectorAll('[data-testid=stMarkdownContainer], p')];
    labels.filter(shown).forEach(label => {
      if (label.scrollWidth > label.clientWidth + 1)
        problems.push(`button "${what}" label cut: ${label.scrollWidth} px of text in ${label.clientWidth} px`);
    });
  });
  return problems;
}"""

# Every animation frame from the first sight of a measurement's progress bar, once the Step button and the
# first panel picture are drawn too (a loaded first run may show the bar a frame before the picture), until
# its verdict is there: the boxes of the Step button and of the first panel picture. Resolves with the
# distinct boxes seen ([left, top, width, height], or null when the element went missing), or with null
# if no progress bar was ever seen.
BOXES_WHILE_MEASURING_JS = """async (limit) => {
  const isReady = """ + VERDICT_READY_JS + """;
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                      return [r.left, r.top, r.width, r.height]; };
  const step = () => Array.from(document.querySelectorAll('button')).find(
    b => b.offsetWidth > 0 && b.innerText.trim().endsWith('Step'));
  const seen = { step: new Map(), picture: new Map() };
  let sawProgress = false;
  const start = performance.now();
  return await new Promise((resolve, reject) => {
    const tick = () => {
      sawProgress = sawProgress || (!!document.querySelector('.st-key-verdict [role=progressbar]')
        && !!step() && !!document.querySelector('[data-testid=stImage] img'));
      if (sawProgress) {
        for (const [key, el] of [['step', step()], ['picture', document.querySelector('[data-testid=stImage] img')]]) {
          const b = box(el); seen[key].set(JSON.stringify(b), b);
        }
      }
      if (isReady()) {
        resolve(sawProgress ? { step: [...seen.step.values()], picture: [...seen.picture.values()] } : null);
      } else if (performance.now() - start > limit) {
        reject(new Error('no verdict in time'));
      } else {
        requestAnimationFrame(tick);
      }
    };
    tick();
  });
}"""

# Height of the whole page: the main area and the open sidebar scroll inside their own boxes (a collapsed
# sidebar has no width, so its text stands in a tall thin column nobody sees).
PAGE_HEIGHT_JS = """() => Math.max(...['[data-testid=stMain]', '[data-collapsed=false] [data-testid=stSidebarContent]']
  .map(selector => { const el = document.querySelector(selector); return el ? el.scrollHeight : 0; }))"""


def wait_for_pictures(page, count: int = 1) -> None:
    """Wait until at least ``count`` panel pictures are on the page and loaded."""
    page.wait_for_function(PICTURES_LOADED_JS, arg=count, timeout=WAIT_MS)


def wait_for_verdict(page, timeout: float = WAIT_MS) -> None:
    """Wait until the verdict is in its container and no measurement is running there."""
    page.wait_for_function(VERDICT_READY_JS, timeout=timeout, polling=100)


def open_lab(page, url: str, pictures: int = 2) -> None:
    """Go to a lab page and wait for its panel pictures and its verdict."""
    page.goto(url)
    wait_for_pictures(page, pictures)
    wait_for_verdict(page)


def choose_file(page, path: Path) -> None:
    """Put a file in the sidebar's file uploader (the page uploads it to its server)."""
    page.locator("[data-testid=stSidebar] input[type=file]").set_input_files(str(path))


def button(page, name: str):
    """A button by its label (the accessible name leaves out the Material icon's ligature)."""
    return page.get_by_role("button", name=name, exact=True)


def pictures(page) -> list[str]:
    """Fingerprints of the panel pictures, in page order."""
    return page.evaluate(PICTURES_JS)


def wait_for_new_pictures(page, before: list[str], which: list[int] | None = None) -> list[str]:
    """Wait until the panel pictures ``which`` (all by default) differ from ``before``; return the new ones."""
    which = list(range(len(before))) if which is None else which
    page.wait_for_function(f"""([before, which]) => {{
      const now = ({PICTURES_JS})();
      return now.length === before.length && which.every(i => now[i] !== before[i]);
    }}""", arg=[before, which], timeout=WAIT_MS)
    return pictures(page)


def wait_for_these_pictures(page, want: list[str]) -> None:
    """Wait until the panel pictures are exactly ``want`` (fingerprints from :func:`pictures`)."""
    page.wait_for_function(f"(want) => JSON.stringify(({PICTURES_JS})()) === JSON.stringify(want)",
                           arg=want, timeout=WAIT_MS)


def round_number(page) -> int:
    """The round in the status line."""
    return page.evaluate(ROUND_JS)


def wait_for_round(page, at_least: int) -> int:
    """Wait until the status line shows round ``at_least`` or later; return the round shown."""
    page.wait_for_function(f"() => ({ROUND_JS})() >= {int(at_least)}", timeout=WAIT_MS, polling=100)
    return round_number(page)


def wait_for_status(page, pattern: str) -> None:
    """Wait until the page's text matches the regular expression ``pattern``."""
    page.wait_for_function("(pattern) => new RegExp(pattern).test(document.body.innerText)",
                           arg=pattern, timeout=WAIT_MS, polling=100)


def wait_for_setting(page, name: str, value: str) -> None:
    """Wait until the address says ``name=value`` (the page writes its settings into the link)."""
    page.wait_for_function("([name, value]) => new URLSearchParams(location.search).get(name) === value",
                           arg=[name, value], timeout=WAIT_MS, polling=100)


def layout_problems(page, min_picture_width: int = 0) -> list[str]:
    """What breaks the layout at the current width (see LAYOUT_JS); empty when it holds."""
    return page.evaluate(LAYOUT_JS, min_picture_width)


def boxes_while_measuring(page) -> dict | None:
    """The distinct boxes of the Step button and the first picture, from the progress bar to the verdict.

    Returns ``{"step": [...], "picture": [...]}`` (each box ``[left, top, width, height]`` in px, or None
    for a frame without the element), or None if the result came before any progress bar showed.
    """
    return page.evaluate(BOXES_WHILE_MEASURING_JS, WAIT_MS)


def whole_page_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page at the current width (Streamlit scrolls inside its own boxes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": max(600, int(page.evaluate(PAGE_HEIGHT_JS)))})
    page.wait_for_timeout(500)  # plotly redraws its charts for the new size after a debounce
    page.screenshot(path=str(path))
