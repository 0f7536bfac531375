"""deploy/serve.sh: app processes behind HAProxy. Visitors from one address are spread over the processes
by HAProxy's cookie, each visitor's websocket session runs and clicks on the process its cookie names, a
dead process's visitors are sent to a live one, and stopping serve.sh stops every process it started.

Skipped where HAProxy is not installed, failed then when CI=true (tests/needs.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.app_server import deploy_app_pids, start_deploy, stop_app
from bench.load_arena import User, family
from needs import haproxy_path

WAIT_SECONDS = 60.0


def visit(url: str, cookie: str = "") -> tuple[int, str]:
    """GET /_stcore/health through the balancer (with ``cookie``, or as a first visit); returns the status and
    the ALAB_SERVER cookie the balancer set ("" when it set none)."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        names = [header.split(";")[0] for header in response.headers.get_all("Set-Cookie") or []]
        return response.status, next((name.split("=", 1)[1] for name in names if name.startswith("ALAB_SERVER=")), "")


def moved(url: str, cookie: str) -> tuple[int, str]:
    """:func:`visit`, with an error status (a request caught by a dying process) as a status too."""
    try:
        return visit(url, cookie)
    except urllib.error.HTTPError as error:
        return error.code, ""


async def load_and_click(url: str, n_users: int) -> list[User]:
    """``n_users`` visitors in turn load the Arena over the websocket (carrying their cookie), then each
    clicks Step once."""
    users = [User(url.replace("http://", "ws://"), "arena", "arena.run.step", WAIT_SECONDS) for _ in range(n_users)]
    for user in users:
        await user.open()
    await asyncio.gather(*(user.click(1, think=0.0) for user in users))
    return users


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def assert_gone(pids: list[int]) -> None:
    """Within 10 s, none of ``pids`` is running."""
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in pids if alive(pid)]
    assert not left, subprocess.run(["ps", "-o", "pid,cmd", "-p", ",".join(map(str, left))],
                                    capture_output=True, text=True).stdout


def test_visitors_from_one_address_spread_over_both_processes_and_run_there(deploy):
    _, url = deploy
    assert sorted(visit(url)[1] for _ in range(4)) == ["s1", "s1", "s2", "s2"]
    assert visit(url, "ALAB_SERVER=s2") == (200, "")  # a visitor with a cookie keeps it: no new one

    users = asyncio.run(load_and_click(url, 4))
    assert [user.errors for user in users] == [[]] * 4
    assert sorted(user.server for user in users) == ["s1", "s1", "s2", "s2"]
    assert [len(user.latencies) for user in users] == [1] * 4  # each Step answered on its own process


def test_a_dead_process_sends_its_visitors_to_the_live_one_and_stopping_stops_everything(deploy):
    process, url = deploy
    apps = deploy_app_pids(process, url)
    assert sorted(apps) == ["s1", "s2"]
    started = family(process.pid)

    os.killpg(apps["s1"], signal.SIGKILL)  # the app process and its workers
    deadline = time.monotonic() + WAIT_SECONDS
    while moved(url, "ALAB_SERVER=s1") != (200, "s2"):  # answered by s2, with a new cookie for it
        assert time.monotonic() < deadline, "the balancer still sends s1's visitors to the dead process"
        time.sleep(0.5)
    users = asyncio.run(load_and_click(url, 2))
    assert [user.errors for user in users] == [[], []] and {user.server for user in users} == {"s2"}

    process.send_signal(signal.SIGTERM)  # serve.sh alone, as `kill` would: it stops the rest
    assert process.wait(timeout=WAIT_SECONDS) == 128 + signal.SIGTERM
    assert_gone(started)


def test_ctrl_c_stops_everything():
    haproxy_path()
    process, _ = start_deploy(1)
    try:
        started = family(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to serve.sh's group (and HAProxy)
        assert process.wait(timeout=WAIT_SECONDS) == 128 + signal.SIGINT
    finally:
        stop_app(process)
    assert_gone(started)
