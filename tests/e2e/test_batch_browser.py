"""End to end in Debian's chromium: Batch diversity labels the batches it shows, and the batch-size
slider redraws every learner's next batch without a new round."""

from __future__ import annotations

import pytest

from browser_pages import (WAIT_MS, button, open_lab, pictures, round_number, wait_for_new_pictures,
                           wait_for_setting, wait_for_status)

pytestmark = pytest.mark.browser


def test_step_labels_the_shown_batches_and_the_slider_moves_the_rings(page, app_url):
    open_lab(page, f"{app_url}/batch?pool=500&batch=10&seeds=5&budget=60", pictures=3)
    assert round_number(page) == 0
    page.get_by_text("10 labels each · next batch: 10 points").wait_for(timeout=WAIT_MS)
    before = pictures(page)
    assert len(before) == 3  # Top-K, K-Centers, Hybrid

    button(page, "Step").click()  # every learner labels the 10 points it showed
    wait_for_status(page, r"Round 1 · 20 labels each · next batch: 10 points")
    after_step = wait_for_new_pictures(page, before)
    wait_for_setting(page, "n", "1")

    slider = page.get_by_role("slider", name="Batch size")
    slider.focus()
    page.keyboard.press("End")  # the largest batch: new rings on every panel, the same learners
    wait_for_status(page, r"Round 1 · 20 labels each · next batch: 100 points")
    wait_for_new_pictures(page, after_step)
    wait_for_setting(page, "batch", "100")
    assert round_number(page) == 1
