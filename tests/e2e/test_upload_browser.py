"""End to end in Debian's chromium: a CSV nobody here made (scikit-learn's own iris.csv) races in the Arena,
the page says how many rows it read, Step changes the pictures; then another file nobody here made
(scikit-learn's wine_data.csv, whose header has fewer columns than its rows) gets a clear message, with no
traceback, while the iris data, the race and its round stay."""

from __future__ import annotations

from pathlib import Path

import pytest
import sklearn

from browser_pages import (WAIT_MS, button, choose_file, pictures, round_number, wait_for_new_pictures,
                           wait_for_pictures, wait_for_setting, wait_for_status, wait_for_verdict)

pytestmark = pytest.mark.browser

SKLEARN_DATA = Path(sklearn.__file__).parent / "datasets" / "data"


def test_an_uploaded_csv_races_and_a_broken_one_is_refused_in_words(page, app_url):
    page.goto(f"{app_url}/arena?ds=upload&seeds=3&budget=20")
    page.get_by_text("Choose a CSV file").first.wait_for(timeout=WAIT_MS)
    choose_file(page, SKLEARN_DATA / "iris.csv")
    wait_for_status(page, r"Read iris\.csv: 150 rows")
    wait_for_pictures(page, 2)
    wait_for_verdict(page)  # measured privately, in this session
    wait_for_setting(page, "ds", "upload")
    assert "iris" not in page.url
    before = pictures(page)
    assert len(before) == 2
    button(page, "Step").click()
    wait_for_status(page, r"Round 1 ·")
    after = wait_for_new_pictures(page, before)

    choose_file(page, SKLEARN_DATA / "wine_data.csv")
    page.get_by_text("This file cannot be used. Line 2 has 14 values, but the header has 5 columns").wait_for(
        timeout=WAIT_MS)
    page.get_by_text("The previous data stay: iris.csv").wait_for(timeout=WAIT_MS)
    assert not page.locator("[data-testid=stException]").count()
    assert "Traceback" not in page.inner_text("body")
    assert round_number(page) == 1 and pictures(page) == after  # the same learners, not rebuilt
    wait_for_status(page, r"Read iris\.csv: 150 rows")
    wait_for_verdict(page)
