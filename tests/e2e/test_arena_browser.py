"""End to end in Debian's chromium: the shell's pages open, the Arena steps and its charts change."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SMALL = "pool=300&seeds=3&budget=20"


def live_signature(page) -> str:
    """The live figure's panel image and curve lines: changes when a step is drawn."""
    return page.evaluate("""() => {
      const plot = document.querySelector('.js-plotly-plot');
      if (!plot) return '';
      const img = plot.querySelector('image');
      const href = img ? img.getAttribute('href') : '';
      const lines = Array.from(plot.querySelectorAll('.scatterlayer path.js-line')).map(p => p.getAttribute('d')).join('|');
      return href.length + ':' + href.slice(-80) + '#' + lines;
    }""")


def test_home_links_to_every_lab(page, app_url):
    page.goto(app_url + "/")
    page.get_by_role("heading", name="Active learning, hands on").wait_for(timeout=30_000)
    for path, words in (("/batch", "Label this batch"), ("/failures?tab=cold_start&seeds=3", "four classic ways")):
        page.goto(app_url + path)
        page.get_by_text(words).first.wait_for(timeout=30_000)
    page.goto(app_url + "/")
    page.get_by_role("link", name="Open").first.click()
    page.wait_for_url("**/arena**", timeout=30_000)


def test_arena_step_changes_the_charts(page, app_url):
    page.goto(f"{app_url}/arena?{SMALL}")
    step = page.get_by_role("button", name="Step", exact=True)
    step.wait_for(timeout=60_000)
    page.get_by_text("Round 0 ·").wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot image') !== null", timeout=30_000)
    before = live_signature(page)
    step.click()
    page.get_by_text("Round 1 ·").wait_for(timeout=30_000)
    page.wait_for_function("(before) => { const p = document.querySelector('.js-plotly-plot');"
                           " const img = p && p.querySelector('image');"
                           " return img && (img.getAttribute('href').length + ':' + img.getAttribute('href').slice(-80))"
                           " !== before.split('#')[0]; }", arg=before, timeout=30_000)
    after = live_signature(page)
    assert after and after != before
    assert "n=1" in page.url  # the round is in the link
    page.get_by_text("Labels A saves over B").wait_for(timeout=60_000)  # the multi-seed view rendered


def test_arena_scores_toggle_redraws(page, app_url):
    page.goto(f"{app_url}/arena?{SMALL}&n=2")
    page.get_by_text("Round 2 ·").wait_for(timeout=60_000)
    page.get_by_text("Labels A saves over B").wait_for(timeout=60_000)  # the whole page has run
    page.wait_for_function("() => document.querySelector('.js-plotly-plot image') !== null", timeout=30_000)
    before = live_signature(page)
    page.locator("label").filter(has=page.get_by_role("switch", name="Show acquisition scores")).click()
    page.wait_for_function("(before) => { const p = document.querySelector('.js-plotly-plot');"
                           " const img = p && p.querySelector('image');"
                           " return img && (img.getAttribute('href').length + ':' + img.getAttribute('href').slice(-80))"
                           " !== before.split('#')[0]; }", arg=before, timeout=30_000)
    page.get_by_text("where it will ask next").first.wait_for(timeout=30_000)
    assert "scores=1" in page.url
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("Round 3 ·").wait_for(timeout=30_000)
    page.get_by_text("scores that picked the ringed point").first.wait_for(timeout=30_000)


def test_arena_play_advances_by_itself_and_pause_stops(page, app_url):
    # a budget Play cannot use up before the test clicks Pause, even on a loaded machine
    page.goto(f"{app_url}/arena?pool=300&seeds=3&budget=80&speed=fast")
    page.get_by_text("Labels A saves over B").wait_for(timeout=60_000)
    page.get_by_role("button", name="Play").click()
    page.get_by_text("Round 3 ·").wait_for(timeout=60_000)  # st.fragment(run_every=...) steps on its own
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    round_now = page.get_by_text("Round ").first.inner_text()
    page.wait_for_timeout(1500)
    assert page.get_by_text("Round ").first.inner_text() == round_now  # paused: no more steps
