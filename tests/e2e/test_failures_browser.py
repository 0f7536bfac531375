"""End to end in Debian's chromium: the failure lab opens each failure by link and by its tab, steps
both learners, and replays them when the fix is switched."""

from __future__ import annotations

import pytest

from alcore.failures import FAILURES
from browser_pages import (WAIT_MS, button, open_lab, pictures, round_number, wait_for_new_pictures,
                           wait_for_pictures, wait_for_setting, wait_for_status, wait_for_these_pictures)

pytestmark = pytest.mark.browser

SEEDS = "seeds=3"  # a quick measurement


def wait_for_failure(page, name: str) -> None:
    """Wait until a failure's tab is the open one and shows its fix switch and both learners."""
    page.get_by_role("tab", name=FAILURES[name].label, selected=True).wait_for(timeout=WAIT_MS)
    page.get_by_text(f"{FAILURES[name].fix.toggle} on the right-hand learner").wait_for(timeout=WAIT_MS)
    wait_for_pictures(page, 2)


@pytest.mark.parametrize("name", list(FAILURES))
def test_a_failure_opens_by_link(page, app_url, name):
    page.goto(f"{app_url}/failures?tab={name}&{SEEDS}")
    wait_for_failure(page, name)
    assert round_number(page) == 0


def test_each_failure_opens_by_its_tab(page, app_url):
    names = list(FAILURES)
    page.goto(f"{app_url}/failures?tab={names[0]}&{SEEDS}")
    wait_for_failure(page, names[0])
    for name in names[1:] + names[:1]:  # every tab in turn, and back to the first
        before = pictures(page)
        page.get_by_role("tab", name=FAILURES[name].label).click()
        wait_for_failure(page, name)
        wait_for_setting(page, "tab", name)
        wait_for_new_pictures(page, before)


def test_step_and_the_fix_switch_replays_both_learners(page, app_url):
    mode = FAILURES["sampling_bias"]
    open_lab(page, f"{app_url}/failures?tab=sampling_bias&{SEEDS}")
    page.get_by_text(f"Fix on: + {mode.fix_text}", exact=True).wait_for(timeout=WAIT_MS)
    before = pictures(page)
    button(page, "Step").click()
    wait_for_status(page, r"Round 1 ·")
    stepped = wait_for_new_pictures(page, before)
    wait_for_setting(page, "n", "1")

    switch = page.locator("label").filter(
        has=page.get_by_role("switch", name=f"{mode.fix.toggle} on the right-hand learner"))
    switch.click()  # off: the right-hand learner is replayed without its fix, to the same round
    wait_for_setting(page, mode.fix.link, "0")
    page.get_by_text("Fix switched off: same as left", exact=True).wait_for(timeout=WAIT_MS)
    page.get_by_text("The fix is switched off").wait_for(timeout=WAIT_MS)
    wait_for_these_pictures(page, [stepped[0], stepped[0]])  # the left learner, and the same learner again
    assert round_number(page) == 1

    switch.click()  # on again: replayed with the fix, to the same round
    wait_for_setting(page, mode.fix.link, "1")
    page.get_by_text(f"Fix on: + {mode.fix_text}", exact=True).wait_for(timeout=WAIT_MS)
    wait_for_these_pictures(page, stepped)  # exactly what both showed before the switch
    assert round_number(page) == 1
    assert page.locator(".st-key-verdict").get_by_text("Measured over 3 seeds").is_visible()
