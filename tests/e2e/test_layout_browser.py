"""End to end in Debian's chromium: the layouts hold from a phone to a laptop, and nothing jumps when a
measurement's result arrives.

Each page at each width also leaves a screenshot in test-artifacts/widths/ for people to look at.
"""

from __future__ import annotations

import pytest

from browser_pages import ARTIFACTS, boxes_while_measuring, layout_problems, open_lab, whole_page_screenshot

pytestmark = pytest.mark.browser

WIDTHS = (390, 768, 1024, 1440)
PHONE = 390
PHONE_PICTURE = 250  # px: on a phone the panels stack, so each picture takes (nearly) the full width
# page name -> (path, panel pictures): Batch with its fourth learner, the BADGE panel, on
LABS = {"arena": ("/arena", 2), "batch": ("/batch?badge=1", 4), "failures": ("/failures", 2), "oracle": ("/oracle", 1)}

# Settings outside the lab store, so the measurement runs in the background while the page is shown:
# enough seeds that it takes a few seconds, so the progress bar is there to be seen.
MEASURED_LATER = {"arena": "/arena?pool=300&seeds=30&budget=200", "failures": "/failures?tab=cold_start&seeds=30"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lab", LABS)
def test_the_layout_holds_at_this_width(page, app_url, lab, width):
    path, count = LABS[lab]
    page.set_viewport_size({"width": width, "height": 900})
    open_lab(page, app_url + path, pictures=count)
    problems = layout_problems(page, PHONE_PICTURE if width == PHONE else 0)
    whole_page_screenshot(page, ARTIFACTS / "widths" / f"{lab}-{width}.png")
    assert problems == []


def moved(boxes: list) -> float:
    """How far (px) any side of any box is from the first box; infinite if the element went missing."""
    if any(box is None for box in boxes):
        return float("inf")
    return max(abs(a - b) for box in boxes for a, b in zip(box, boxes[0]))


@pytest.mark.parametrize("lab", MEASURED_LATER)
def test_nothing_moves_when_the_result_arrives(page, app_url, lab):
    page.goto(app_url + MEASURED_LATER[lab])
    seen = boxes_while_measuring(page)
    assert seen is not None, "the result was there at once (kept from an earlier run?): no progress bar to watch"
    assert moved(seen["step"]) <= 1, f"the Step button moved: {seen['step']}"
    assert moved(seen["picture"]) <= 1, f"the first panel picture moved: {seen['picture']}"
