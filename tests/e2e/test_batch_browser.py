"""End to end in Debian's chromium: the batch page redraws all three batches when the slider moves.

Uses the shared browser fixtures of tests/e2e/conftest.py (Playwright driving
/usr/bin/chromium, never a downloaded browser; a screenshot goes to
test-artifacts/ when a test fails).
"""

from __future__ import annotations

import pytest

from bench.batch_browser import RINGS_JS, press_batch_slider, wait_for_panels

pytestmark = pytest.mark.browser


def test_slider_redraws_all_three_batches(page, app_url):
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/batch?pool=2000")
    assert wait_for_panels(page) == [20, 20, 20]
    assert page.get_by_role("button", name="Label this batch").is_visible()
    press_batch_slider(page, "End", 100)
    assert page.evaluate(RINGS_JS) == [100, 100, 100]
    press_batch_slider(page, "Home", 1)
    assert page.evaluate(RINGS_JS) == [1, 1, 1]
    page.get_by_text("next batch: 1 points").wait_for()
    assert "batch=1" in page.url


def test_label_this_batch_adds_a_round(page, app_url):
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/batch?pool=500&batch=10")
    assert wait_for_panels(page) == [10, 10, 10]
    page.get_by_role("button", name="Label this batch").click()
    page.get_by_text("Round 1 · 20 labels each").wait_for()
    assert page.evaluate(RINGS_JS) == [10, 10, 10]
