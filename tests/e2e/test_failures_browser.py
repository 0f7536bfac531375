"""End to end in Debian's chromium: the failure lab flips a fix live and steps both learners."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SMALL = "tab=sampling_bias&seeds=3"

PANEL_IMAGES = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  if (!plot) return '';
  return Array.from(plot.querySelectorAll('image')).map(i => {
    const h = i.getAttribute('href') || ''; return h.length + ':' + h.slice(-60); }).join('|');
}"""


def test_failure_lab_flips_a_fix_and_steps(page, app_url):
    page.goto(f"{app_url}/failures?{SMALL}")
    step = page.get_by_role("button", name="Step", exact=True)
    step.wait_for(timeout=60_000)
    page.get_by_text("Round 0 ·").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Sampling bias", selected=True).wait_for(timeout=10_000)

    page.get_by_text("Epsilon-greedy on the right-hand learner").click()  # switch the fix off
    page.get_by_text("The fix is switched off").wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('eps_on=0')", timeout=30_000)
    page.get_by_text("Fix switched off: same as left").first.wait_for(timeout=30_000)

    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot image').length >= 2", timeout=30_000)
    before = page.evaluate(PANEL_IMAGES)
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("Round 1 ·").wait_for(timeout=30_000)
    page.wait_for_function(f"(before) => ({PANEL_IMAGES})() !== before", arg=before, timeout=30_000)
    assert "n=1" in page.url

    page.get_by_text("Epsilon-greedy on the right-hand learner").click()  # and on again: replayed to round 1
    page.wait_for_function("() => location.search.includes('eps_on=1')", timeout=30_000)
    page.get_by_text("Fix on: + epsilon-greedy (epsilon 0.2)").first.wait_for(timeout=30_000)
    page.get_by_text("Round 1 ·").wait_for(timeout=30_000)
    page.get_by_text("Measured over 3 seeds").wait_for(timeout=30_000)
