"""End to end in Debian's chromium: a visitor's link values stay plain text, and no page asks anything of
another server (the page icon, fonts and icons are the app's own files)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser_pages import WAIT_MS, open_lab

pytestmark = pytest.mark.browser

# Markdown that would be a link and a picture (fetched from a port nothing listens on) if the page
# rendered link values as markdown.
LINK = "[open](http://example.com/x)"
PICTURE = "![](http://127.0.0.1:9/p.png)"
HOSTS = ("example.com", "127.0.0.1:9")


def record_requests(page) -> list[str]:
    """Every address the page asks for from now on (documents, scripts, pictures, fonts, websockets)."""
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("websocket", lambda socket: asked.append(socket.url))
    return asked


def open_with_markdown_in_the_link(page, app_url) -> tuple[list[str], str]:
    """Open the Arena with markdown as link values; the requests made and the note's text."""
    asked = record_requests(page)
    open_lab(page, f"{app_url}/arena?ds={LINK}&model={PICTURE}")
    note = page.locator("[data-testid=stAlert]").filter(has_text="Some values in the link were adjusted")
    note.wait_for(timeout=WAIT_MS)
    return asked, note.inner_text()


def test_link_values_show_as_characters_and_fetch_nothing(page, app_url):
    asked, note = open_with_markdown_in_the_link(page, app_url)
    assert LINK in note and PICTURE in note  # shown literally, brackets and all
    assert not [url for url in asked if urlsplit(url).netloc in HOSTS]
    pictures = page.evaluate("() => Array.from(document.querySelectorAll('img')).map(img => img.src)")
    assert not [src for src in pictures if "127.0.0.1:9" in src]


def test_link_values_make_no_links(page, app_url):
    open_with_markdown_in_the_link(page, app_url)
    links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    assert not [href for href in links if urlsplit(href).netloc in HOSTS]


@pytest.mark.parametrize("path", ["/", "/arena", "/batch", "/failures"])
def test_a_page_asks_nothing_of_another_server(page, app_url, path):
    asked = record_requests(page)
    if path == "/":
        page.goto(app_url + path)
        page.get_by_role("link", name="Open").first.wait_for(timeout=WAIT_MS)
    else:
        open_lab(page, app_url + path)
    page.wait_for_load_state("networkidle")  # fonts and icons asked for once the page is drawn
    own = urlsplit(app_url).netloc
    assert asked
    assert [url for url in asked if not url.startswith("data:") and urlsplit(url).netloc != own] == []
