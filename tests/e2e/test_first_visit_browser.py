"""End to end in Debian's chromium: on a freshly started server, the first visitor to each lab sees its
verdict at the default settings from the lab store (ui/labs/measured.json), without waiting for a
measurement: no progress bar ever shows in the verdict's box, and nothing is measured (the server's
empty cache stays empty). A default missing from the store makes this fail: that is the point. How many
seconds the first look takes is measured by `python bench/bench_first_visit.py`."""

from __future__ import annotations

import os
import tempfile

import pytest

from bench.app_server import VERDICT_READY_JS, running_app

pytestmark = pytest.mark.browser

LABS = ("/arena", "/batch", "/failures", "/oracle")

# Resolves true once the verdict is ready, false as soon as the verdict's box shows a progress bar
# (or after a minute without a verdict).
NO_PROGRESS_UNTIL_VERDICT_JS = """async () => {
  const isReady = """ + VERDICT_READY_JS + """;
  const start = performance.now();
  return await new Promise(resolve => {
    const tick = () => {
      if (document.querySelector('.st-key-verdict [role=progressbar]')) { resolve(false); return; }
      if (isReady()) { resolve(true); return; }
      if (performance.now() - start > 60000) { resolve(false); return; }
      requestAnimationFrame(tick);
    };
    tick();
  });
}"""


@pytest.fixture(scope="module")
def fresh_app():
    """A server of its own, started for this module, with an empty measurement cache: (url, cache dir)."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory(prefix="alab-fresh-") as cache:
        patch.setenv("ALAB_CACHE_DIR", cache)  # read by the server process when it starts
        with running_app() as url:
            yield url, cache


@pytest.mark.parametrize("path", LABS)
def test_the_first_visitor_sees_the_stored_verdict_without_a_measurement(page, fresh_app, path):
    url, cache = fresh_app
    page.goto(url + path)
    page.locator(".st-key-verdict").first.wait_for()
    assert page.evaluate(NO_PROGRESS_UNTIL_VERDICT_JS), (
        f"{path}: the verdict at the default settings was measured (is it in ui/labs/measured.json?)")
    assert os.listdir(cache) == [], f"{path}: the first visit measured {os.listdir(cache)}"
