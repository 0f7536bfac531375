"""What some tests need from the machine (a browser, HAProxy): where it is missing, those tests are
skipped on a laptop and fail when CI=true (CI must prove those paths work)."""

from __future__ import annotations

import os
import shutil

import pytest


def missing(reason: str) -> None:
    """Skip the test for ``reason``, or fail it when the environment variable CI is ``true``."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


def haproxy_path() -> str:
    """HAProxy's executable (Debian puts it in /usr/sbin, which a user's PATH may lack); skips or fails
    the test (:func:`missing`) where it is not installed."""
    path = shutil.which("haproxy", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")
    if path is None:
        missing("haproxy is not installed; install it with `apt-get install haproxy`")
    return path
