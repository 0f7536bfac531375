"""Server time per Step on the acquisition zoo, measured with AppTest (prints figures, asserts nothing).

Opens /zoo at its defaults (or the settings given) and clicks Step repeatedly,
timing the whole page per click as AppTest runs it (an upper bound: a browser
click reruns only the live fragment, and AppTest compiles the page script every
run). The same run times, for reference, the Arena's Step at pool 1,000 (two
panels), and splits a zoo Step into its parts outside Streamlit: scoring every
function on the pool and on the maps, and drawing the pictures.

    python bench/bench_zoo_server.py [--clicks 30] [--query "model=logreg&pool=2000"]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def clicks(page: str, key: str, n: int, query: dict) -> tuple[list, list]:
    """(wall ms, script ms) per Step click on a page, after a warm-up click."""
    from bench.page_timing import script_run_times
    from streamlit.testing.v1 import AppTest

    script_ms = script_run_times()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for name, value in query.items():
        at.query_params[name] = str(value)
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    at.button(key=key).click().run()  # warm-up
    wall = []
    script_ms.clear()
    for _ in range(n):
        started = time.perf_counter()
        at.button(key=key).click().run()
        wall.append((time.perf_counter() - started) * 1000)
    assert not at.exception, [e.value for e in at.exception]
    return wall, list(script_ms)


def parts(query: dict, n: int) -> dict:
    """Milliseconds per state for the zoo's own work, outside Streamlit."""
    from alcore import zoo
    from ui import figures
    from ui.labs import zoo as spec
    from ui.params import read_params

    values, _ = read_params(spec.PARAMS, {k: str(v) for k, v in query.items()})
    race = spec.build(values, 0)
    grid = figures.make_grid(race.dataset.bounds, 60)[2]
    mask = figures.pool_mask(race.dataset.X_pool, race.dataset.bounds, spec.PANEL_SIDE)
    found = {"pool scores": [], "map scores": [], "pictures": []}
    for _ in range(n):
        loop = race.loops["zoo"]
        state = zoo.State(loop, race.seed)
        started = time.perf_counter()
        state.pool_scores(zoo.functions_for(values["model"]))
        found["pool scores"].append(time.perf_counter() - started)
        started = time.perf_counter()
        maps = spec.maps(state, race.dataset.bounds)
        found["map scores"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for picture in spec.pictures(race, maps, loop.predict_proba(grid).reshape(60, 60, -1), mask).values():
            figures.jpeg_data_uri(picture)
        found["pictures"].append(time.perf_counter() - started)
        zoo.step(race, values["acq"], state)
    return {name: 1000 * statistics.median(times) for name, times in found.items()}


def report(name: str, values: list) -> None:
    values = sorted(values)
    print(f"{name:<58} median {statistics.median(values):6.1f} ms   p90 {values[int(0.9 * len(values))]:6.1f} ms   "
          f"n={len(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--query", default="", help="zoo settings as a query string, e.g. 'model=logreg'")
    args = parser.parse_args()
    query = dict(parse_qsl(args.query))
    n = min(args.clicks, 90)
    print(f"# load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"zoo settings: {query or 'defaults'}")
    wall, script = clicks("zoo", "zoo.run.step", n, query)
    report("zoo: AppTest, whole page per Step click", wall)
    report("zoo: script run (the page's own work) per click", script)
    wall, script = clicks("arena", "arena.run.step", n, dict(pool=1000, budget=100))
    report("reference, Arena at pool 1,000: AppTest per Step click", wall)
    report("reference, Arena: script run per click", script)
    for name, ms in parts(query, n).items():
        print(f"  zoo Step part, {name:<42} median {ms:6.1f} ms")
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
