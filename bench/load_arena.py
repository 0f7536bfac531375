"""Simulated workshop room: N users click a button on a page of a local
`streamlit run`, speaking Streamlit's websocket protocol like a browser does.

Each user opens its own session, waits for the page, then clicks the button
(by default the Arena's "Step") every ~1 s of think time. The script prints
median and p90 click latency (click sent -> script finished), throughput,
errors (exceptions shown on the page, dropped connections) and the server's
peak memory, for each room size. Loopback only; every loop is bounded in
clicks and time and the server it started is stopped at the end.

    python bench/load_arena.py                      # 1, 10 and 30 users
    python bench/load_arena.py --users 5 --clicks 5 # a quick look
    python bench/load_arena.py --url ws://127.0.0.1:8501  # a server you started
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """Start `streamlit run app.py` on loopback and wait until it answers."""
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for candidate in [pid] + [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children, in seconds."""
    total = 0.0
    for candidate in [pid] + [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, IndexError):
            pass
    return total


class User:
    """One browser session: its websocket, the page's widgets and its timings."""

    def __init__(self, url: str, page: str, button: str):
        self.url, self.page, self.button = url, page, button
        self.page_hash = ""
        self.button_id = None
        self.fragment_id = ""
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def _run_until_finished(self, socket_, client_state, timeout: float) -> None:
        message = BackMsg()
        message.rerun_script.CopyFrom(client_state)
        await socket_.send(message.SerializeToString())
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(socket_.recv(), timeout=max(0.1, deadline - time.monotonic()))
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
                elif which == "button" and element.button.label == self.button:
                    self.button_id = element.button.id
                    self.fragment_id = forward.delta.fragment_id
            elif kind == "script_finished":
                return

    def _state(self, click: bool):
        from streamlit.proto.ClientState_pb2 import ClientState

        state = ClientState(page_script_hash=self.page_hash, page_name=self.page)
        if click:
            widget = state.widget_states.widgets.add()
            widget.id = self.button_id
            widget.trigger_value = True
            state.fragment_id = self.fragment_id
        return state

    async def session(self, clicks: int, think: float, timeout: float) -> None:
        try:
            async with websockets.connect(f"{self.url}/_stcore/stream", subprotocols=["streamlit"],
                                          max_size=None, open_timeout=timeout) as socket_:
                await self._run_until_finished(socket_, self._state(click=False), timeout)
                if self.button_id is None:
                    self.errors.append(f"no button labelled {self.button!r} on page {self.page!r}")
                    return
                for _ in range(clicks):
                    await asyncio.sleep(think * random.uniform(0.7, 1.3))
                    start = time.perf_counter()
                    await self._run_until_finished(socket_, self._state(click=True), timeout)
                    self.latencies.append(time.perf_counter() - start)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as error:
            self.errors.append(f"{type(error).__name__}: {error}")


async def room(url: str, page: str, button: str, n_users: int, clicks: int, think: float,
               timeout: float, pid: int | None) -> dict:
    users = [User(url, page, button) for _ in range(n_users)]
    peak = [rss_mb(pid) if pid else float("nan")]

    async def watch_memory():
        while True:
            await asyncio.sleep(0.5)
            peak.append(rss_mb(pid))

    watcher = asyncio.create_task(watch_memory()) if pid else None
    cpu_start = cpu_seconds(pid) if pid else float("nan")
    start = time.perf_counter()
    # Users arrive over the first second, as a room does.
    await asyncio.gather(*(asyncio.sleep(random.uniform(0, 1)) for _ in users))
    await asyncio.gather(*(user.session(clicks, think, timeout) for user in users))
    elapsed = time.perf_counter() - start
    cpu = (cpu_seconds(pid) - cpu_start) if pid else float("nan")
    if watcher:
        watcher.cancel()
    latencies = np.array([t for user in users for t in user.latencies])
    errors = [e for user in users for e in user.errors]
    return {
        "users": n_users,
        "clicks": latencies.size,
        "median_ms": float(np.median(latencies) * 1e3) if latencies.size else float("nan"),
        "p90_ms": float(np.percentile(latencies, 90) * 1e3) if latencies.size else float("nan"),
        "throughput": latencies.size / elapsed,
        "errors": errors,
        "peak_mb": max(peak),
        # the server's CPU per click, its users' page loads included (one per user)
        "cpu_ms": cpu * 1e3 / max(latencies.size, 1),
        "load": os.getloadavg()[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--clicks", type=int, default=10, help="clicks per user (bounded)")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a user's clicks")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a click counts as lost")
    parser.add_argument("--page", default="arena")
    parser.add_argument("--button", default="Step")
    parser.add_argument("--url", help="ws://127.0.0.1:PORT of a running server (default: start one)")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("ws://127.", "ws://localhost")):
        parser.error("--url must be a loopback address (ws://127.x.x.x or ws://localhost)")
    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_server(port)
        url = f"ws://127.0.0.1:{port}"
    try:
        print(f"{'users':>5s} {'clicks':>6s} {'median ms':>10s} {'p90 ms':>8s} {'clicks/s':>9s} "
              f"{'errors':>6s} {'server MB':>10s} {'CPU ms/click':>12s} {'load avg':>8s}")
        for n_users in args.users:
            result = asyncio.run(room(url, args.page, args.button, n_users, args.clicks, args.think,
                                      args.timeout, server.pid if server else None))
            print(f"{result['users']:5d} {result['clicks']:6d} {result['median_ms']:10.0f} "
                  f"{result['p90_ms']:8.0f} {result['throughput']:9.2f} {len(result['errors']):6d} "
                  f"{result['peak_mb']:10.0f} {result['cpu_ms']:12.0f} {result['load']:8.2f}")
            for error in sorted(set(result["errors"]))[:5]:
                print(f"      error: {error}")
        print(f"load average now: {os.getloadavg()[0]:.2f} (2 cores; other work on the machine inflates latency; "
              "CPU ms/click includes each user's first page load)")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
