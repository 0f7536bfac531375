"""Test-wide settings: measurements are cached in a fresh folder per test session, never in the
repository's .cache, so no test passes on what an earlier run left behind."""

import os
import tempfile

os.environ.setdefault("ALAB_CACHE_DIR", tempfile.mkdtemp(prefix="alab-cache-"))

import pytest  # noqa: E402


@pytest.fixture
def in_process_jobs(monkeypatch):
    """Measurements run in a thread of the test process (not in worker processes), so a test can swap
    a measurement's functions for stand-ins; the process's own scheduler comes back afterwards."""
    from ui import jobs

    scheduler = jobs.Scheduler(workers=0)
    monkeypatch.setattr(jobs, "_scheduler", scheduler)
    yield scheduler
    scheduler.close()


@pytest.fixture
def deploy():
    """``deploy/serve.sh --processes 2`` on free loopback ports: (serve.sh's process, the balancer's URL);
    stopped afterwards. Skipped where HAProxy is not installed, failed then when CI=true."""
    from bench.app_server import start_deploy, stop_app
    from needs import haproxy_path

    haproxy_path()
    process, url = start_deploy(2)
    try:
        yield process, url
    finally:
        stop_app(process)
