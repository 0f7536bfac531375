"""End to end in Debian's chromium: on /oracle a visitor labels digits by clicking (and by keys), skips
and undoes; on a laptop the digit, its ten answer buttons and the accuracy are in view without
scrolling; on a phone the layout holds. Screenshots go to test-artifacts/widths/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_pages import ARTIFACTS, WAIT_MS, layout_problems, whole_page_screenshot

pytestmark = pytest.mark.browser

# Whether the digit, the ten answer buttons and the accuracy card are wholly inside the viewport.
IN_VIEW_JS = """() => {
  const inView = el => { if (!el) return false; const r = el.getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; };
  const metric = Array.from(document.querySelectorAll('[data-testid=stMetric]'))
    .find(m => m.innerText.includes('Test accuracy, you'));
  return {digit: inView(document.querySelector('[data-testid=stImage] img')),
          buttons: [...Array(10).keys()].map(d => inView(document.querySelector(`.st-key-oracle-answer-${d} button`))),
          accuracy: inView(metric)};
}"""


def labels_from_you(page) -> int:
    found = re.search(r"(\d+) labels? from you", page.inner_text("body"))
    return int(found.group(1)) if found else -1


def wait_for_labels(page, count: int) -> None:
    page.wait_for_function(f"() => /\\b{count} labels? from you/.test(document.body.innerText)", timeout=WAIT_MS,
                           polling=100)


def open_oracle(page, url: str) -> None:
    page.goto(url)
    wait_for_labels(page, 0)
    page.wait_for_function("() => !!document.querySelector('[data-testid=stImage] img')?.naturalWidth",
                           timeout=WAIT_MS)


def answer(page, digit: int) -> None:
    page.locator(f".st-key-oracle-answer-{digit} button").click()


def digit_src(page) -> str:
    """The picture of the digit asked about now (a PNG data URI)."""
    return page.locator("[data-testid=stImage] img").first.get_attribute("src")


def wait_for_another_digit(page, before: str) -> None:
    page.wait_for_function("(before) => document.querySelector('[data-testid=stImage] img')?.getAttribute('src') "
                           "!== before", arg=before, timeout=WAIT_MS, polling=100)


def test_a_visitor_labels_digits_by_clicking(page, app_url):
    open_oracle(page, f"{app_url}/oracle")
    for count, digit in enumerate((3, 1, 4, 1, 5), start=1):
        before = digit_src(page)
        answer(page, digit)
        wait_for_labels(page, count)
        wait_for_another_digit(page, before)
    page.get_by_role("button", name=re.compile("Undo")).click()
    wait_for_labels(page, 4)
    before = digit_src(page)
    page.get_by_role("button", name=re.compile("Skip")).click()
    wait_for_another_digit(page, before)
    assert labels_from_you(page) == 4  # a skip is not a label
    page.keyboard.press("7")  # the digit keys answer too
    wait_for_labels(page, 5)
    page.get_by_role("tab", name="How well you teach").click()
    page.get_by_text(re.compile(r"You answered 5 digits")).wait_for(timeout=WAIT_MS)
    assert "n" not in dict(part.split("=", 1) for part in page.url.split("?", 1)[1].split("&"))  # answers: not in the link


@pytest.mark.parametrize("width, height", [(1440, 900), (1024, 768)])
def test_on_a_laptop_the_digit_the_buttons_and_the_accuracy_need_no_scrolling(page, app_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_oracle(page, f"{app_url}/oracle")
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=WAIT_MS)
    try:  # once the page has settled (while Streamlit redraws, old and new elements can both be there)
        page.wait_for_function(f"() => {{ const seen = ({IN_VIEW_JS})(); "
                               "return seen.digit && seen.accuracy && seen.buttons.every(Boolean); }",
                               timeout=10_000, polling=100)
    except PlaywrightTimeout:
        pass  # said below, with what was seen
    seen = page.evaluate(IN_VIEW_JS)
    page.screenshot(path=str(ARTIFACTS / "widths" / f"oracle-{width}x{height}.png"))
    assert seen == {"digit": True, "buttons": [True] * 10, "accuracy": True}, seen


def test_on_a_phone_the_layout_holds(page, app_url):
    page.set_viewport_size({"width": 390, "height": 844})
    open_oracle(page, f"{app_url}/oracle")
    answer(page, 2)
    wait_for_labels(page, 1)
    problems = layout_problems(page)
    whole_page_screenshot(page, ARTIFACTS / "widths" / "oracle-390.png")
    assert problems == []
    box = page.locator("[data-testid=stImage] img").first.bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1) and box["width"] >= 200  # square, large
