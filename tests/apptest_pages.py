"""Opening the app's pages in Streamlit's AppTest, shared by the page tests."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str = "arena", *, timeout: float = 120, wait: bool = True, **query) -> AppTest:
    """Run app.py on ``page`` (a file in app_pages/, or "home") with URL ``query``.

    The first run must show no exception; what else it shows is the caller's to check.
    On the Arena it then waits for the multi-seed race (:func:`settle`) unless ``wait`` is False.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = str(value)
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return settle(at) if page == "arena" and wait else at


def settle(at: AppTest, seconds: float = 120) -> AppTest:
    """Rerun until the Arena's multi-seed race is no longer running in the background.

    In a browser the page looks at it every half second; AppTest does not run
    timed fragments, so a test that needs the result reruns until it is there.
    """
    deadline = time.monotonic() + seconds
    while any("Step the learners above meanwhile" in c.value for c in at.caption) or \
            any("busy with" in i.value for i in at.info):
        assert time.monotonic() < deadline, f"the multi-seed race did not finish in {seconds:.0f} s"
        time.sleep(0.2)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at
