"""Where does the server's time go per click? `streamlit run app.py` with every
script run (full page or fragment) under cProfile, on loopback.

Start it, drive it with the load bench, stop it with Ctrl-C (or SIGINT /
SIGTERM to its process id): it prints the top functions by cumulative time
over all script runs, and the process CPU time per script run next to the
script's own time, so the part Streamlit spends outside the script
(protobuf, websocket) shows too. A Step click in a browser reruns only the
live fragment, so "fragment runs" is the server's time per Step. The
measurements over seeds run in worker processes (ui.jobs), outside this
profile.

    python bench/profile_server.py --port 8765 --no-profile &   # any free port
    python bench/load_arena.py --url ws://127.0.0.1:8765 --users 1 --clicks 30
    kill -INT $!
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
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one, printed)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", help="also save the merged profile here (pstats format)")
    parser.add_argument("--main", action="store_true",
                        help="also profile the main thread (the event loop: protobuf, websocket sends)")
    parser.add_argument("--no-profile", action="store_true",
                        help="only time each run (thread CPU): cProfile inflates Python-heavy code 2-3x")
    args = parser.parse_args()

    from streamlit.runtime.scriptrunner import exec_code, script_runner

    lock = threading.Lock()
    merged: dict[str, pstats.Stats] = {}
    runs = {"fragment": [0, 0.0, 0.0], "full page": [0, 0.0, 0.0]}  # runs, wall s, thread CPU s
    original = exec_code.exec_func_with_error_handling

    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    def profiled(*a, **k):
        # Thread CPU time, not wall time: with 30 sessions, wall time is mostly waiting for the GIL.
        profile = None if args.no_profile else cProfile.Profile(time.thread_time)
        started, started_cpu = time.perf_counter(), time.thread_time()
        if profile:
            profile.enable()
        try:
            return original(*a, **k)
        finally:
            if profile:
                profile.disable()
            ctx = get_script_run_ctx()
            kind = "fragment" if ctx is not None and ctx.fragment_ids_this_run else "full page"
            with lock:
                runs[kind][0] += 1
                runs[kind][1] += time.perf_counter() - started
                runs[kind][2] += time.thread_time() - started_cpu
                if profile is None:
                    pass
                elif kind in merged:
                    merged[kind].add(profile)
                else:
                    merged[kind] = pstats.Stats(profile)

    script_runner.exec_func_with_error_handling = profiled

    # Streamlit runs gc.collect(2) after every script run (runner.postScriptGC): time it too.
    import gc
    import types

    gc_time = {"n": 0, "cpu": 0.0}

    def timed_collect(*a):
        started = time.thread_time()
        try:
            return gc.collect(*a)
        finally:
            with lock:
                gc_time["n"] += 1
                gc_time["cpu"] += time.thread_time() - started

    script_runner.gc = types.SimpleNamespace(collect=timed_collect)
    cpu_start = time.process_time()

    def report() -> None:
        cpu = time.process_time() - cpu_start
        out = io.StringIO()
        total = sum(r[0] for r in runs.values())
        for thread in threading.enumerate():  # the server's own threads (event loop: protobuf, websocket)
            try:
                used = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except (OSError, TypeError):
                continue
            if used > 0.5:
                print(f"thread {thread.name}: {used:.1f} s CPU", file=out)
        print(f"process CPU over all {total} script runs: {cpu:.1f} s; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", file=out)
        for kind, (n, wall, thread_cpu) in runs.items():
            if n:
                print(f"{kind} runs: {n}; per run: wall {1e3 * wall / n:.0f} ms, "
                      f"script thread CPU {1e3 * thread_cpu / n:.0f} ms", file=out)
        if gc_time["n"]:
            print(f"gc.collect(2) after script runs: {gc_time['n']} calls, "
                  f"{1e3 * gc_time['cpu'] / gc_time['n']:.0f} ms CPU each", file=out)
        for kind, stats in merged.items():
            print(f"\n==== {kind} runs (thread CPU time) ====", file=out)
            stats.stream = out
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top // 2)
            if args.out:
                stats.dump_stats(f"{args.out}.{kind.replace(' ', '_')}")
        sys.stdout.write(out.getvalue())
        sys.stdout.flush()

    main_profile = cProfile.Profile(time.thread_time) if args.main else None

    def report_main() -> None:
        if main_profile is not None:
            main_profile.disable()
            out = io.StringIO()
            print("\n==== main thread (event loop), thread CPU time ====", file=out)
            stats = pstats.Stats(main_profile, stream=out)
            stats.sort_stats("tottime").print_stats(args.top // 2)
            stats.sort_stats("cumulative").print_stats(args.top)
            sys.stdout.write(out.getvalue())

    atexit.register(report_main)
    atexit.register(report)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    from streamlit.web import bootstrap

    sys.path.insert(0, str(ROOT))
    from bench.app_server import free_port

    args.port = args.port or free_port()
    print(f"serving on ws://127.0.0.1:{args.port}", flush=True)
    os.chdir(ROOT)
    flags = {"server_address": "127.0.0.1", "server_port": args.port, "server_headless": True,
             "browser_gatherUsageStats": False}
    bootstrap.load_config_options(flag_options=flags)
    if main_profile is not None:
        main_profile.enable()
    try:
        bootstrap.run(str(ROOT / "app.py"), False, [], flags)
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
