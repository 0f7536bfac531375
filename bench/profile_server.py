"""Where does the server's time go per click? `streamlit run app.py` with every
script run (full page or fragment) under cProfile, on loopback.

Start it, drive it with the load bench, stop it with Ctrl-C (or SIGTERM): it
prints the top functions by cumulative time over all script runs, and the
process CPU time per script run next to the script's own time, so the part
Streamlit spends outside the script (protobuf, websocket) shows too.

    python bench/profile_server.py --port 8599 &
    python bench/load_arena.py --url ws://127.0.0.1:8599 --users 10 --clicks 10
    kill -INT %1
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import os
import pstats
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", help="also save the merged profile here (pstats format)")
    args = parser.parse_args()

    from streamlit.runtime.scriptrunner import exec_code, script_runner

    lock = threading.Lock()
    merged: list[pstats.Stats] = []
    runs = {"n": 0, "wall": 0.0}
    original = exec_code.exec_func_with_error_handling

    def profiled(*a, **k):
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        try:
            return original(*a, **k)
        finally:
            profile.disable()
            with lock:
                runs["n"] += 1
                runs["wall"] += time.perf_counter() - started
                if merged:
                    merged[0].add(profile)
                else:
                    merged.append(pstats.Stats(profile))

    script_runner.exec_func_with_error_handling = profiled
    cpu_start = time.process_time()

    def report() -> None:
        cpu = time.process_time() - cpu_start
        out = io.StringIO()
        print(f"script runs: {runs['n']}; script wall time per run {1e3 * runs['wall'] / max(runs['n'], 1):.0f} ms; "
              f"process CPU per run (everything, page loads included) {1e3 * cpu / max(runs['n'], 1):.0f} ms; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", file=out)
        if merged:
            stats = merged[0]
            stats.stream = out
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            if args.out:
                stats.dump_stats(args.out)
        sys.stdout.write(out.getvalue())
        sys.stdout.flush()

    atexit.register(report)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    from streamlit.web import bootstrap

    os.chdir(ROOT)
    flags = {"server_address": "127.0.0.1", "server_port": args.port, "server_headless": True,
             "browser_gatherUsageStats": False}
    bootstrap.load_config_options(flag_options=flags)
    try:
        bootstrap.run(str(ROOT / "app.py"), False, [], flags)
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
