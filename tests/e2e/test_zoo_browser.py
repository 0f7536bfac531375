"""End to end in Debian's chromium: the acquisition zoo draws every function's map, Step redraws every map
(and leaves the three-class triangles alone), the two-class switch swaps the triangles for a chart, and the
layout holds from a phone to a laptop."""

from __future__ import annotations

import pytest

from browser_pages import (ARTIFACTS, WAIT_MS, button, layout_problems, open_lab, pictures, wait_for_new_pictures,
                           wait_for_setting, wait_for_status, wait_for_these_pictures, whole_page_screenshot)

pytestmark = pytest.mark.browser

SMALL = "pool=300&seeds=3&budget=20"  # a quick measurement
MAPS, TRIANGLES = 8, 3


def test_step_redraws_every_map_and_the_switch_shows_two_classes(page, app_url):
    open_lab(page, f"{app_url}/zoo?{SMALL}", pictures=MAPS + TRIANGLES)
    before = pictures(page)
    assert len(before) == MAPS + TRIANGLES
    page.get_by_text("Margin · Step asks this").wait_for(timeout=WAIT_MS)
    button(page, "Step").click()
    wait_for_status(page, r"Round 1 · 7 labels: 6 starting \+ 1 asked by Margin")
    after = wait_for_new_pictures(page, before, which=list(range(MAPS)))
    assert after[MAPS:] == before[MAPS:]  # the triangles do not depend on the learner
    wait_for_setting(page, "n", "1")
    page.locator("label").filter(has=page.get_by_role("switch", name="Two classes")).click()
    wait_for_setting(page, "two", "1")
    page.get_by_text("not one pair differs").wait_for(timeout=WAIT_MS)
    wait_for_these_pictures(page, after[:MAPS])  # the maps stay; the triangles give way to the chart
    assert page.locator(".stPlotlyChart, [data-testid=stPlotlyChart]").count() >= 2


@pytest.mark.parametrize("width", (390, 1024, 1440))
def test_the_zoo_layout_holds(page, app_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_lab(page, f"{app_url}/zoo?{SMALL}", pictures=MAPS + TRIANGLES)
    problems = layout_problems(page, 250 if width == 390 else 0)
    whole_page_screenshot(page, ARTIFACTS / "widths" / f"zoo-{width}.png")
    assert problems == []
