"""The page script's own run time under AppTest, for the server benches.

    from bench.page_timing import script_run_times
    times = script_run_times()   # then every AppTest run appends its script's milliseconds

AppTest reruns the whole page per click and adds its own bookkeeping; this
times only the run of the page script (what the server does for a click),
by wrapping the function Streamlit runs a script through. The wrapper is
installed once; each call starts a new list, and later runs go into it.
"""

from __future__ import annotations

import time

_collecting: list[list] = []


def script_run_times() -> list:
    """Time every page script run from now on; returns the new list the times (ms) go into."""
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    if not _collecting:
        original = exec_code.exec_func_with_error_handling

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                _collecting[-1].append((time.perf_counter() - started) * 1000)

        script_runner.exec_func_with_error_handling = timed
    _collecting.append([])
    return _collecting[-1]
