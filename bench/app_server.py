"""Start `streamlit run app.py` on a free loopback port for benchmarks and browser tests.

    with running_app() as url:
        ...  # url is "http://127.0.0.1:<port>"

    with running_app(root="/tmp/old") as url:   # another checkout of the app (a git worktree)
        ...

The server is stopped (its process group ended) when the block exits.
:func:`start_app` and :func:`stop_app` do the same in two steps, for a
caller that needs the server's process (its CPU time, its memory).

:func:`start_deploy` starts ``deploy/serve.sh`` instead: app processes behind
HAProxy, on free loopback ports; :func:`stop_app` stops it too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# In a page of the app, a verdict is there: its container holds a verdict sentence (an alert that is not an error) and no
# progress bar of a measurement still running.
VERDICT_READY_JS = """() => {
  const box = document.querySelector('.st-key-verdict');
  return !!box && !box.querySelector('[role=progressbar]')
    && !!box.querySelector('[data-testid^=stAlertContent]:not([data-testid=stAlertContentError])');
}"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int, attempts: int = 50) -> int:
    """The first of ``count`` consecutive TCP ports on 127.0.0.1 that nothing listens on now."""
    for _ in range(attempts):
        first = free_port()
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1 in {attempts} attempts")


def _wait_for_health(process: subprocess.Popen, url: str, timeout: float, what: str) -> None:
    """Wait until ``url``/_stcore/health answers 200; stop ``process`` and raise if it exits or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_app(process)
            raise RuntimeError(f"{what} did not answer on {url} within {timeout} s")
        time.sleep(0.2)


def start_app(port: int | None = None, timeout: float = 60.0, log_path: str | None = None,
              root: str | Path = ROOT, script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run script`` in ``root`` on 127.0.0.1; return (process, base URL) once it answers.

    Parameters
    ----------
    port : int, optional
        A free port is chosen when None.
    timeout : float
        Seconds to wait for the server's health check.
    log_path : str, optional
        Where the server's output goes (discarded when None).
    root : str or Path
        The checkout to serve (this one by default; another one, such as a
        ``git worktree`` of an older commit, to compare with it).
    script : str
        The app's script, relative to ``root``.
    """
    port = port or free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    if log is not subprocess.DEVNULL:
        log.close()  # the child keeps its own copy of the file
    url = f"http://127.0.0.1:{port}"
    _wait_for_health(process, url, timeout, "streamlit")
    return process, url


def start_deploy(processes: int, port: int | None = None, timeout: float = 180.0,
                 log_path: str | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``deploy/serve.sh``: ``processes`` app processes behind HAProxy on 127.0.0.1; return
    (serve.sh's process, the balancer's base URL) once the balancer answers.

    Parameters
    ----------
    processes : int
        App processes behind the balancer.
    port : int, optional
        The balancer's port (the app processes take the next ``processes`` ports); a free run of
        ports is chosen when None.
    timeout : float
        Seconds to wait for the balancer's health check (all app processes start before it listens).
    log_path : str, optional
        Where serve.sh's output goes (discarded when None).

    Stop it with :func:`stop_app`: serve.sh ends its app processes and HAProxy on SIGTERM.
    """
    port = port or free_ports(processes + 1)
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "serve.sh"), "--processes", str(processes), "--port", str(port),
         "--address", "127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHON": sys.executable},
    )
    if log is not subprocess.DEVNULL:
        log.close()
    url = f"http://127.0.0.1:{port}"
    _wait_for_health(process, url, timeout, "deploy/serve.sh")
    return process, url


def deploy_app_pids(process: subprocess.Popen, url: str) -> dict[str, int]:
    """The app processes of a deploy from :func:`start_deploy` (``process``, serving ``url``), by the name
    HAProxy's cookie gives them: ``{"s1": pid, "s2": pid, ...}``."""
    port = int(url.rsplit(":", 1)[1])
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    pids = {}
    for child in children:
        try:
            args = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"--server.port" in args:
            pids[f"s{int(args[args.index(b'--server.port') + 1]) - port}"] = int(child)
    return pids


def stop_app(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """End a server from :func:`start_app` or :func:`start_deploy` and its children (its process group);
    after ``timeout`` seconds, kill the group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running_app(port: int | None = None, timeout: float = 60.0, log_path: str | None = None,
                root: str | Path = ROOT, script: str = "app.py"):
    """Run the app on 127.0.0.1 and yield its base URL; stop it afterwards (see :func:`start_app`)."""
    process, url = start_app(port, timeout, log_path, root, script)
    try:
        yield url
    finally:
        stop_app(process)


@contextlib.contextmanager
def app_in_browser(width: int = 1440, height: int = 900):
    """Run the app (:func:`running_app`) and open a page of headless Debian chromium at this viewport;
    yields ``(url, page)``. Playwright drives the browser (no browser download)."""
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield url, browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()
