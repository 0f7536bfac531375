"""End to end in Debian's chromium: on /stream, Step brings the next arrival and the rule's threshold replays
the stream to the same arrival; on /synthesis, a visitor labels a digit blend and says "can't tell", and the
layout holds on a phone."""

from __future__ import annotations

import pytest

from browser_pages import (WAIT_MS, button, layout_problems, open_lab, pictures, round_number,
                           wait_for_new_pictures, wait_for_setting, wait_for_status)

pytestmark = pytest.mark.browser


def test_step_is_the_next_arrival_and_a_new_threshold_replays_to_it(page, app_url):
    open_lab(page, f"{app_url}/stream?pool=200&seeds=3&budget=20")
    assert round_number(page) == 0
    before = pictures(page)
    button(page, "Step").click()
    wait_for_status(page, r"Round 1 · 1 of 200 arrivals · the last one asked: a starting label")
    before = wait_for_new_pictures(page, before, which=[0])
    button(page, "Run 10").click()
    wait_for_status(page, r"Round 11 · 11 of 200 arrivals")
    wait_for_setting(page, "n", "11")
    slider = page.get_by_role("slider", name="Ask threshold")
    slider.focus()
    page.keyboard.press("End")  # threshold 1: only coin tosses are asked from now on
    wait_for_setting(page, "threshold", "1")
    wait_for_status(page, r"Round 11 · 11 of 200 arrivals")


def test_a_visitor_labels_a_blend_and_can_say_cant_tell(page, app_url):
    open_lab(page, f"{app_url}/synthesis?tab=digits&seeds=3&budget=30", pictures=1)
    button(page, "3").click()
    wait_for_status(page, r"Your last blend: you said 3\.")
    button(page, "Can't tell").click()
    wait_for_status(page, r"Your last blend: you could not tell\.")
    wait_for_status(page, r"2 blends asked · you answered 1, can.t tell 1")
    page.get_by_text("1 of 2", exact=True).wait_for(timeout=WAIT_MS)


@pytest.mark.parametrize("path", ["/stream?seeds=3&drift=1", "/synthesis?seeds=3", "/synthesis?tab=digits&seeds=3"])
def test_the_new_labs_hold_their_layout_on_a_phone(browser, app_url, path):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        open_lab(page, app_url + path, pictures=1)
        assert layout_problems(page, min_picture_width=200) == []
    finally:
        page.close()
