"""Opening the app's pages in Streamlit's AppTest, shared by the page tests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page: str = "arena", *, timeout: float = 120, **query) -> AppTest:
    """Run app.py on ``page`` (a file in app_pages/, or "home") with URL ``query``.

    The first run must show no exception; what else it shows is the caller's to check.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = str(value)
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
