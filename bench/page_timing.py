"""The page script's own run time under AppTest, for the server benches.

    from bench.page_timing import script_run_times
    times = script_run_times()   # then every AppTest run appends its script's milliseconds

AppTest reruns the whole page per click and adds its own bookkeeping; this
times only the run of the page script (what the server does for a click),
by wrapping the function Streamlit runs a script through.
"""

from __future__ import annotations

import time


def script_run_times() -> list:
    """Start timing every page script run from now on; returns the list the times (ms) go into."""
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    times = []
    original = exec_code.exec_func_with_error_handling

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    script_runner.exec_func_with_error_handling = timed
    return times
