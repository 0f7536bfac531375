"""End to end in Debian's chromium: a measurement that waits for its Run button starts when the button is
clicked and its verdict arrives (a click inside the verdict's fragment must rerun the whole page, which
AppTest, always rerunning the whole script, cannot show)."""

from __future__ import annotations

import tempfile

import pytest

from bench.app_server import running_app
from browser_pages import wait_for_verdict

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def eager_button_url():
    """A server of its own on which every measurement waits for its button."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory(prefix="alab-button-") as cache:
        patch.setenv("ALAB_CACHE_DIR", cache)
        patch.setenv("ALAB_EXPENSIVE_SECONDS", "0.001")
        with running_app() as url:
            yield url


def test_the_run_button_starts_the_measurement(page, eager_button_url):
    page.goto(f"{eager_button_url}/arena?pool=300&seeds=4&budget=30")
    button = page.get_by_role("button", name="Run it")
    button.wait_for(timeout=60_000)
    button.click()
    wait_for_verdict(page)
    assert "Labels A saves over B" in page.locator(".st-key-verdict").inner_text()
