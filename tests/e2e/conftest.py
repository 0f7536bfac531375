"""Browser fixtures: Debian's chromium driven by Playwright (never a downloaded browser).

A missing chromium or Playwright skips these tests on a laptop, and fails them
when CI=true (CI must prove the browser path works).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app
from browser_pages import ARTIFACTS, whole_page_screenshot
from needs import missing


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} not found; install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def page(browser, request):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        whole_page_screenshot(page, ARTIFACTS / f"{request.node.name}.png")
    page.close()
