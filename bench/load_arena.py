"""Simulated workshop room: N users click a button on a page of a local
`streamlit run`, speaking Streamlit's websocket protocol like a browser does.

Each user opens its own session and loads the page (all users first, as a
room arrives), then clicks the button (by default the Arena's Step, key
``arena.run.step``) every ~1 s of think time. A click is sent as the browser
sends it: the button's trigger, and the id of the fragment it sits in, so the
server reruns only the live fragment. As a browser does, a user first GETs
``/_stcore/health`` and carries the cookies it was given on its websocket
handshake: behind HAProxy (deploy/serve.sh) that cookie, ``ALAB_SERVER``,
keeps the user on one app process and names it, so clicks are counted per
process (bench/load_balanced.py). The script prints, per room size:
median and p90 click latency (click sent -> script finished), errors
(exceptions shown on the page, dropped connections, lost clicks), clicks per
second, the server's CPU time per click (clicks only: the page loads are
counted before the clicks start) and its peak memory. Loopback only; every
loop is bounded in clicks and time and the server it started is stopped at
the end.

    python bench/load_arena.py --users 30 --clicks 10
    python bench/load_arena.py                          # 1, 10 and 30 users
    python bench/load_arena.py --url ws://127.0.0.1:8501  # a server you started (CPU and memory not measured)
    python bench/load_arena.py --page batch --key batch.run.step
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import http.cookies
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import start_app, stop_app  # noqa: E402
from bench.common import load_average  # noqa: E402


def family(pid: int) -> list[int]:
    """A process and its descendants (the server and its measurement workers; serve.sh, its app processes,
    their workers and HAProxy)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [member for child in children for member in family(int(child))]


def first_cookies(http_url: str, timeout: float) -> dict[str, str]:
    """GET ``/_stcore/health`` as a browser's first request would; the cookies it sets, by name."""
    with urllib.request.urlopen(f"{http_url}/_stcore/health", timeout=timeout) as response:
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total = 0
    for candidate in family(pid):
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants, in seconds."""
    total = 0.0
    for candidate in family(pid):
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, IndexError):
            pass
    return total


class User:
    """One browser session: its websocket, the page's button and its timings."""

    def __init__(self, url: str, page: str, key: str, timeout: float):
        self.url, self.page, self.key, self.timeout = url, page, key, timeout
        self.socket = None
        self.page_hash = ""
        self.button_id = None
        self.fragment_id = ""
        self.load_seconds = float("nan")
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.server = ""  # the app process behind the balancer (the ALAB_SERVER cookie); "" without one

    async def _run_until_finished(self, client_state) -> None:
        message = BackMsg()
        message.rerun_script.CopyFrom(client_state)
        await self.socket.send(message.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), timeout=max(0.1, deadline - time.monotonic()))
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = forward.new_session.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    self.errors.append(element.exception.message[:200])
                elif which == "button" and element.button.id.endswith(f"-{self.key}"):
                    # a keyed widget's id ends with its key ("$$ID-<hash>-arena.run.step")
                    self.button_id = element.button.id
                    self.fragment_id = forward.delta.fragment_id
            elif kind == "script_finished":
                return

    def _state(self, click: bool) -> ClientState:
        state = ClientState(page_script_hash=self.page_hash, page_name=self.page)
        if click:
            widget = state.widget_states.widgets.add()
            widget.id = self.button_id
            widget.trigger_value = True
            state.fragment_id = self.fragment_id
        return state

    async def open(self) -> None:
        """Connect and load the page (a first visit)."""
        try:
            cookies = await asyncio.to_thread(first_cookies, self.url.replace("ws://", "http://", 1), self.timeout)
            self.server = cookies.get("ALAB_SERVER", "")
            header = "; ".join(f"{name}={value}" for name, value in cookies.items())
            self.socket = await websockets.connect(f"{self.url}/_stcore/stream", subprotocols=["streamlit"],
                                                   additional_headers={"Cookie": header} if header else None,
                                                   max_size=None, open_timeout=self.timeout)
            started = time.perf_counter()
            await self._run_until_finished(self._state(click=False))
            self.load_seconds = time.perf_counter() - started
            if self.button_id is None:
                self.errors.append(f"no button with key {self.key!r} on page {self.page!r}")
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as error:
            self.errors.append(f"{type(error).__name__} while loading: {error}")

    async def click(self, clicks: int, think: float) -> None:
        """Click the button ``clicks`` times, ``think`` seconds apart (give or take 30%)."""
        if self.socket is None or self.button_id is None:
            return
        try:
            for _ in range(clicks):
                await asyncio.sleep(think * random.uniform(0.7, 1.3))
                started = time.perf_counter()
                await self._run_until_finished(self._state(click=True))
                self.latencies.append(time.perf_counter() - started)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as error:
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            await self.socket.close()


async def room(url: str, args, n_users: int, pid: int | None) -> dict:
    """N users load the page, then click; their figures and the server's.

    Parameters
    ----------
    url : str
        ``ws://`` base URL of the app (or of the balancer in front of it).
    args : argparse.Namespace
        The room's options (:func:`add_room_arguments`).
    n_users : int
    pid : int or None
        The server's process (its descendants count too) for CPU and memory; None: not measured.

    Returns
    -------
    dict
        Latency, throughput, errors, CPU and memory figures, and ``per_server`` / ``users_per_server``:
        clicks and users by the app process their ``ALAB_SERVER`` cookie names ("" without a balancer).
    """
    users = [User(url, args.page, args.key, args.timeout) for _ in range(n_users)]
    peak = [rss_mb(pid) if pid else float("nan")]

    async def watch_memory():
        while True:
            await asyncio.sleep(0.5)
            peak.append(rss_mb(pid))

    watcher = asyncio.create_task(watch_memory()) if pid else None

    async def arrive(user):  # users arrive over the first second, as a room does
        await asyncio.sleep(random.uniform(0, 1))
        await user.open()

    await asyncio.gather(*(arrive(user) for user in users))
    cpu_start = cpu_seconds(pid) if pid else float("nan")
    started = time.perf_counter()
    await asyncio.gather(*(user.click(args.clicks, args.think) for user in users))
    elapsed = time.perf_counter() - started
    cpu = (cpu_seconds(pid) - cpu_start) if pid else float("nan")
    if watcher:
        watcher.cancel()
    latencies = np.array([t for user in users for t in user.latencies])
    lost = n_users * args.clicks - latencies.size
    per_server = collections.Counter()
    for user in users:
        per_server[user.server] += len(user.latencies)
    return {
        "users": n_users,
        "clicks": latencies.size,
        "load_ms": float(np.nanmedian([user.load_seconds for user in users]) * 1e3),
        "median_ms": float(np.median(latencies) * 1e3) if latencies.size else float("nan"),
        "p90_ms": float(np.percentile(latencies, 90) * 1e3) if latencies.size else float("nan"),
        "throughput": latencies.size / elapsed,
        "errors": [e for user in users for e in user.errors],
        "lost": lost,
        "peak_mb": max(peak),
        "cpu_ms": cpu * 1e3 / max(latencies.size, 1),
        "load": load_average(),
        "per_server": dict(sorted(per_server.items())),
        "users_per_server": dict(sorted(collections.Counter(user.server for user in users).items())),
    }


def add_room_arguments(parser: argparse.ArgumentParser, users: list[int]) -> None:
    """The options of a room (users, clicks, think time, timeout, page and button), ``users`` by default."""
    parser.add_argument("--users", type=int, nargs="+", default=users)
    parser.add_argument("--clicks", type=int, default=10, help="clicks per user (bounded)")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a user's clicks")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a click counts as lost")
    parser.add_argument("--page", default="arena")
    parser.add_argument("--key", default="arena.run.step", help="the button's widget key")


def check_room_arguments(parser: argparse.ArgumentParser, args) -> None:
    """Refuse a room that is not bounded."""
    if args.clicks > 200 or max(args.users) > 200:
        parser.error("keep it bounded: at most 200 users and 200 clicks per user")


HEADER = (f"{'users':>5s} {'clicks':>6s} {'load ms':>8s} {'median ms':>10s} {'p90 ms':>8s} {'clicks/s':>9s} "
          f"{'errors':>6s} {'server MB':>10s} {'CPU ms/click':>12s}  load average")
FOOTNOTE = ("# load ms: a user's first page load (median). errors: exceptions on the page, dropped connections "
            "and clicks not answered. CPU ms/click: the server's CPU (with its workers) over the clicking "
            "phase, per click. The machine has 2 cores; other work on it inflates latency.")


def print_result(result: dict, first: str = "") -> None:
    """One row of :data:`HEADER` for a room's result (after ``first``, a leading column), then the clicks
    per app process (when the users carried a balancer's cookie) and the first distinct errors."""
    errors = len(result["errors"]) + result["lost"]
    print(f"{first}{result['users']:5d} {result['clicks']:6d} {result['load_ms']:8.0f} {result['median_ms']:10.0f} "
          f"{result['p90_ms']:8.0f} {result['throughput']:9.2f} {errors:6d} "
          f"{result['peak_mb']:10.0f} {result['cpu_ms']:12.1f}  {result['load']}")
    if any(result["per_server"]):
        print("      clicks (users) per process: " + ", ".join(
            f"{server} {clicks} ({result['users_per_server'][server]})"
            for server, clicks in result["per_server"].items()))
    for error in sorted(set(result["errors"]))[:5]:
        print(f"      error: {error}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_room_arguments(parser, users=[1, 10, 30])
    parser.add_argument("--url", help="ws://127.0.0.1:PORT of a running server (default: start one)")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("ws://127.", "ws://localhost")):
        parser.error("--url must be a loopback address (ws://127.x.x.x or ws://localhost)")
    check_room_arguments(parser, args)
    server, url = None, args.url
    if url is None:
        server, http = start_app()
        url = http.replace("http://", "ws://")
    try:
        print(f"# page {args.page}, button {args.key}, {args.clicks} clicks per user ~{args.think:g} s apart; "
              f"{load_average()} at the start")
        print(HEADER)
        for n_users in args.users:
            print_result(asyncio.run(room(url, args, n_users, server.pid if server else None)))
        print(FOOTNOTE)
    finally:
        if server:
            stop_app(server)


if __name__ == "__main__":
    main()
