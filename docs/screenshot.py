"""Make the README's picture: the Arena after a few steps, at a laptop's width, in Debian's chromium.

    python docs/screenshot.py            # writes docs/arena.png

It starts the app on a free loopback port (bench/app_server.py), opens
/arena, steps it, waits for the multi-seed verdict and saves the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

OUT = ROOT / "docs" / "arena.png"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1120}, device_scale_factor=1)
        page.goto(f"{url}/arena?n=12&scores=0")
        page.locator(".st-key-verdict").wait_for(timeout=60_000)
        page.get_by_text("Round 12 ·").wait_for(timeout=60_000)
        page.wait_for_function("() => { const pictures = document.querySelectorAll('[data-testid=stImage] img');"
                               " return pictures.length === 2 && Array.from(pictures).every(p => p.complete)"
                               " && document.querySelectorAll('.js-plotly-plot').length === 2; }", timeout=60_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
