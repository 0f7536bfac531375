"""End to end in Debian's chromium: the batch page redraws all three batches when the slider moves.

Playwright drives /usr/bin/chromium (never a downloaded browser). A screenshot
is saved to test-artifacts/ when a test fails.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app
from bench.batch_browser import RINGS_JS, press_batch_slider, wait_for_panels

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture
def page(app_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


@contextlib.contextmanager
def screenshot_on_failure(page, name: str):
    """Save a full-page screenshot to test-artifacts/<name>.png if the block fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise


def test_slider_redraws_all_three_batches(app_url, page):
    with screenshot_on_failure(page, "batch_slider"):
        _slider_redraws(app_url, page)


def _slider_redraws(app_url, page):
    page.goto(f"{app_url}/batch?pool=2000")
    assert wait_for_panels(page) == [20, 20, 20]
    assert page.get_by_role("button", name="Label this batch").is_visible()
    press_batch_slider(page, "End", 100)
    assert page.evaluate(RINGS_JS) == [100, 100, 100]
    press_batch_slider(page, "Home", 1)
    assert page.evaluate(RINGS_JS) == [1, 1, 1]
    page.get_by_text("next batch: 1 points").wait_for()
    assert "batch=1" in page.url


def test_label_this_batch_adds_a_round(app_url, page):
    with screenshot_on_failure(page, "batch_label"):
        _label_adds_a_round(app_url, page)


def _label_adds_a_round(app_url, page):
    page.goto(f"{app_url}/batch?pool=500&batch=10")
    assert wait_for_panels(page) == [10, 10, 10]
    page.get_by_role("button", name="Label this batch").click()
    page.get_by_text("Round 1 · 20 labels each").wait_for()
    assert page.evaluate(RINGS_JS) == [10, 10, 10]
