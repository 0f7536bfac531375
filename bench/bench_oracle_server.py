"""Server time per label click on /oracle, measured with AppTest (prints figures, asserts nothing).

Opens /oracle at its defaults and clicks the answer buttons (the dataset's
label, every fifth answer a mistake). For each click it records the page
script's own run time (what the server does for the click; AppTest reruns the
whole page, where a browser click reruns only the live part, so this is an
upper bound) and AppTest's whole time. The reference in the same run: the
engine alone answering the same way (the visitor's learner and the two taught
by the dataset's labels: refit, evaluation, the next proposal).

With --costs it also times one seed of each of the lab's measurements at its
defaults, against ui.measure's estimate (what DIGITS_FACTOR is set from).

    python bench/bench_oracle_server.py [--clicks 40] [--batch] [--costs]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def answers(y_pool, current, count: int):
    """The answer for each click: the dataset's label, every fifth one wrong."""
    return (int(y_pool[current]) + (1 if count % 5 == 4 else 0)) % 10


def summary(name: str, values: list) -> str:
    values = sorted(values)
    return (f"{name}: median {statistics.median(values):.1f} ms, p90 {values[int(0.9 * len(values))]:.1f} ms "
            f"over {len(values)} clicks")


def page_clicks(clicks: int, batch: bool) -> tuple[list, list]:
    """(script run ms, AppTest ms) per click."""
    from streamlit.testing.v1 import AppTest

    from bench.page_timing import script_run_times

    script_ms = script_run_times()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["batch"] = "1" if batch else "0"
    at.switch_page("app_pages/oracle.py")
    at.run()
    room = at.session_state["oracle._lab"].slots[""].race
    whole = []
    for count in range(clicks + 1):
        digit = answers(room.dataset.y_pool, room.person.current, count)
        started = time.perf_counter()
        at.button(key=f"oracle.answer.{digit}").click().run()
        whole.append((time.perf_counter() - started) * 1000)
        room = at.session_state["oracle._lab"].slots[""].race
    assert not at.exception, [e.value for e in at.exception]
    return script_ms[-clicks:], whole[1:]  # the first click warms up


def engine_clicks(clicks: int, batch: bool) -> list:
    """ms per answer for the engine alone, answering as the page test does."""
    from ui.labs import oracle as spec
    from ui.params import defaults

    room = spec.build({**defaults(spec.PARAMS), "batch": batch}, 0)
    times = []
    for count in range(clicks + 1):
        digit = answers(room.dataset.y_pool, room.person.current, count)
        started = time.perf_counter()
        room.answer(digit, when=time.time())
        times.append((time.perf_counter() - started) * 1000)
    return times[1:]


def costs() -> None:
    """One seed of each measurement at the defaults, against its estimate."""
    from ui import measure
    from ui.labs import oracle as spec
    from ui.params import defaults

    for part, key in spec.measurement(defaults(spec.PARAMS)).items():
        started = time.perf_counter()
        measure.one_seed(key, 0)
        seconds = time.perf_counter() - started
        print(f"one seed of {part!r} at the defaults: {seconds:.1f} s (estimated "
              f"{measure.kind_of(key).cost(key[1]):.1f} s with DIGITS_FACTOR {measure.DIGITS_FACTOR:g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--batch", action="store_true", help="batch mode: ten answers per refit")
    parser.add_argument("--costs", action="store_true", help="also time one seed of each measurement")
    args = parser.parse_args()
    script, whole = page_clicks(args.clicks, args.batch)
    engine = engine_clicks(args.clicks, args.batch)
    mode = "batch mode" if args.batch else "a refit per answer"
    print(summary(f"page script per answer click ({mode}, whole page)", script))
    print(summary("AppTest per answer click (its own bookkeeping included)", whole))
    print(summary("reference: the engine alone per answer (three learners)", engine))
    print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.costs:
        costs()


if __name__ == "__main__":
    main()
