"""Opening the app's pages in Streamlit's AppTest, shared by the page tests."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
WAITING = ("Measuring in the background", "Queued:")


def open_page(page: str = "arena", *, timeout: float = 120, wait: bool = True, **query) -> AppTest:
    """Run app.py on ``page`` (a file in app_pages/, or "home") with URL ``query``.

    The first run must show no exception; what else it shows is the caller's to check.
    It then waits for the page's measurement over seeds (:func:`settle`) unless ``wait`` is False.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = str(value)
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return settle(at) if wait else at


def measuring(at: AppTest) -> bool:
    """True while the page shows a measurement running or queued."""
    return any(any(words in bar.proto.text for words in WAITING) for bar in at.get("progress"))


def settle(at: AppTest, seconds: float = 180) -> AppTest:
    """Rerun until the page's measurement is no longer running in the background.

    In a browser the page looks at it twice a second; AppTest does not run
    timed fragments, so a test that needs the result reruns until it is there.
    """
    deadline = time.monotonic() + seconds
    while measuring(at):
        assert time.monotonic() < deadline, f"the measurement did not finish in {seconds:.0f} s"
        time.sleep(0.2)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def lab_state(at: AppTest, lab: str):
    """A lab's private state in the session (ui.session.LabState)."""
    return at.session_state[f"{lab}._lab"]


def race(at: AppTest, lab: str = "arena", variant: str = ""):
    """The learners a lab (variant) shows."""
    return lab_state(at, lab).slots[variant].race
