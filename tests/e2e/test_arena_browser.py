"""End to end in Debian's chromium: the home page links to every lab; the Arena steps, shows its score
maps, plays and pauses, and draws its verdict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_pages import (WAIT_MS, button, open_lab, pictures, round_number, wait_for_new_pictures,
                           wait_for_round, wait_for_setting, wait_for_status)

pytestmark = pytest.mark.browser

SMALL = "pool=300&seeds=3&budget=20"  # a quick race and a quick measurement, shared by the tests below

LABS = {"arena": "Arena: active vs random", "batch": "Batch diversity", "failures": "When active learning fails",
        "zoo": "Acquisition zoo", "oracle": "You are the oracle"}
LABS.update(stream="Stream: ask now or never", synthesis="Query synthesis: the learner asks its own questions")


def test_home_links_to_every_lab(page, app_url):
    page.goto(app_url + "/")
    links = page.get_by_role("link", name="Open")
    expect(links).to_have_count(len(LABS), timeout=WAIT_MS)
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs) == sorted(LABS)
    for i, href in enumerate(hrefs):
        if i:
            page.goto(app_url + "/")
        links.nth(i).click()
        lab = href.rstrip("/").rsplit("/", 1)[-1]
        page.wait_for_url(f"**/{lab}**", timeout=WAIT_MS)
        page.get_by_role("heading", name=LABS[lab]).wait_for(timeout=WAIT_MS)


def test_arena_step_changes_the_pictures_and_the_round(page, app_url):
    open_lab(page, f"{app_url}/arena?{SMALL}")
    assert round_number(page) == 0
    before = pictures(page)
    assert len(before) == 2  # one picture per learner
    button(page, "Step").click()
    wait_for_status(page, r"Round 1 ·")
    wait_for_new_pictures(page, before)
    wait_for_setting(page, "n", "1")  # the round is in the link
    assert page.locator(".st-key-verdict").get_by_text("Labels A saves over B").is_visible()


def test_arena_score_map_toggle_redraws(page, app_url):
    open_lab(page, f"{app_url}/arena?{SMALL}&n=2")
    assert round_number(page) == 2
    before = pictures(page)
    page.locator("label").filter(has=page.get_by_role("switch", name="Show acquisition scores")).click()
    wait_for_new_pictures(page, before, which=[0])  # A's scores; B is random, with no scores to show
    page.get_by_text("where it will ask next").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("random: no preference").first.wait_for(timeout=WAIT_MS)
    wait_for_setting(page, "scores", "1")
    button(page, "Step").click()
    wait_for_status(page, r"Round 3 ·")
    page.get_by_text("scores that picked the ringed point").first.wait_for(timeout=WAIT_MS)


def test_arena_play_advances_by_itself_and_pause_stops_it(page, app_url):
    # a budget Play cannot use up before the test clicks Pause, even on a loaded machine
    open_lab(page, f"{app_url}/arena?pool=300&seeds=3&budget=80&speed=fast")
    button(page, "Play").click()
    wait_for_round(page, 3)  # st.fragment(run_every=...) steps on its own
    button(page, "Pause").click()
    button(page, "Play").wait_for(timeout=WAIT_MS)
    paused_at = round_number(page)
    page.wait_for_timeout(2_000)  # several Play ticks at the fast speed
    assert round_number(page) == paused_at
    assert "playing" not in page.get_by_text("Round ").first.inner_text()
