"""End to end in Debian's chromium through HAProxy (deploy/serve.sh, two app processes). Ten visitors in a
row, each a browser of its own (its own cookies) behind one address: each one's CSV upload reaches the
process that holds their session and races, and each one's labels download (media, served from that
process's memory) arrives, while the visitors spread over both processes. Then a killed app process
makes only its own visitors reconnect: the others keep their connection and their race.

Skipped where HAProxy is not installed, failed then when CI=true (tests/needs.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import sklearn

from bench.app_server import deploy_app_pids
from browser_pages import WAIT_MS, button, choose_file, wait_for_pictures, wait_for_round, wait_for_status

pytestmark = pytest.mark.browser

IRIS = Path(sklearn.__file__).parent / "datasets" / "data" / "iris.csv"


@pytest.fixture
def visitors(browser):
    """``visitors(n)``: n visitors, each a browser context of its own (cookies are per context), with the
    websockets each page opened; all closed afterwards."""
    contexts = []

    def open_visitors(n: int) -> list:
        pages = []
        for _ in range(n):
            contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True))
            page = contexts[-1].new_page()
            page.sockets = sockets = []
            page.on("websocket", lambda socket, sockets=sockets: sockets.append(socket))
            pages.append(page)
        return pages

    yield open_visitors
    for context in contexts:
        context.close()


def wait_for_sockets(page, count: int) -> None:
    """Wait until the page has opened ``count`` websockets (Playwright delivers events while it waits)."""
    for _ in range(WAIT_MS // 100):
        if len(page.sockets) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the page opened {len(page.sockets)} websockets, not {count}")


def server_of(page) -> str:
    """The app process the balancer's cookie names for this visitor ("s1", "s2")."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "ALAB_SERVER")


def test_ten_visitors_in_a_row_upload_and_download_through_the_balancer(deploy, visitors):
    _, url = deploy
    servers = []
    for page in visitors(10):
        page.goto(f"{url}/arena?ds=upload&seeds=3&budget=20")
        page.get_by_text("Choose a CSV file").first.wait_for(timeout=WAIT_MS)
        choose_file(page, IRIS)  # an HTTP upload to the session's process
        wait_for_status(page, r"Read iris\.csv: 150 rows")
        wait_for_pictures(page, 2)
        button(page, "Step").click()
        wait_for_round(page, 1)

        page.goto(f"{url}/oracle")
        page.locator(".st-key-oracle-answer-3 button").click()
        page.wait_for_function("() => /\\b1 label from you/.test(document.body.innerText)", timeout=WAIT_MS)
        page.get_by_role("tab", name="Your labels").click()
        with page.expect_download(timeout=WAIT_MS) as download:  # a media file from the session's process
            page.get_by_role("button", name="Download your labels (CSV)").click()
        rows = Path(download.value.path()).read_text().splitlines()
        assert rows[0] == "image,your_label,dataset_label,when" and rows[1].split(",")[1] == "3"
        servers.append(server_of(page))
    assert sorted(set(servers)) == ["s1", "s2"]


def test_a_killed_process_makes_only_its_own_visitors_reconnect(deploy, visitors):
    process, url = deploy
    pages = visitors(4)
    for page in pages:
        page.goto(f"{url}/arena")
        wait_for_pictures(page, 2)
        button(page, "Step").click()
        wait_for_round(page, 1)
        page.evaluate("() => { window.visitorMark = 1; }")  # gone if the page reloads
    on_dead = [page for page in pages if server_of(page) == "s1"]
    on_live = [page for page in pages if server_of(page) == "s2"]
    assert len(on_dead) == len(on_live) == 2

    os.killpg(deploy_app_pids(process, url)["s1"], signal.SIGKILL)  # the app process and its workers
    for page in on_dead:  # they lose their connection, open another one and work again
        wait_for_sockets(page, 2)
        wait_for_pictures(page, 2)
        button(page, "Step").click()
        wait_for_round(page, 2)  # the link kept the round; the live process rebuilt the race to it
        assert server_of(page) == "s2"  # the balancer gave them the live process's cookie
    for page in on_live:  # the same connection, page and race: Step goes on from round 1
        button(page, "Step").click()
        wait_for_round(page, 2)
        assert page.evaluate("() => window.visitorMark") == 1
        assert len(page.sockets) == 1 and not page.sockets[0].is_closed()
