"""End to end in Debian's chromium: on a freshly started server, the first visitor to each lab sees its
verdict at the default settings at once, from the lab store (ui/labs/measured.json), without waiting for
a measurement. A default missing from the store makes this fail: that is the point."""

from __future__ import annotations

import tempfile
import time

import pytest

from bench.app_server import running_app
from browser_pages import wait_for_verdict

pytestmark = pytest.mark.browser

FIRST_LOOK_SECONDS = 5.0  # the bound, from navigation to the verdict: generous for a stored result
LABS = ("/arena", "/batch", "/failures", "/oracle")  # in this order: the first visit also pays the server's warm-up


@pytest.fixture(scope="module")
def fresh_app_url():
    """A server of its own, started for this module, with an empty measurement cache: only the lab store
    can make a verdict quick."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory(prefix="alab-fresh-") as cache:
        patch.setenv("ALAB_CACHE_DIR", cache)  # read by the server process when it starts
        with running_app() as url:
            yield url


@pytest.mark.parametrize("path", LABS)
def test_the_first_visitor_sees_the_verdict_at_once(page, fresh_app_url, path):
    start = time.monotonic()
    page.goto(fresh_app_url + path)
    wait_for_verdict(page)
    seconds = time.monotonic() - start
    assert seconds <= FIRST_LOOK_SECONDS, (
        f"{path}: the verdict took {seconds:.1f} s on a fresh server (is its default in ui/labs/measured.json?)")
