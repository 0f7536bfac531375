"""A room of a hundred through HAProxy: the same simulated users (bench/load_arena.py) on deploy/serve.sh
with 1 app process and then with 4, in one run, so the two figures are measured minutes apart.

For each process count the script starts ``bash deploy/serve.sh --processes N`` on free loopback ports,
lets the users arrive (each GETs ``/_stcore/health`` through the balancer, keeps the ``ALAB_SERVER``
cookie it is given and sends it on its websocket handshake, as a browser does), has them click Step about
once a second, prints median, p90, errors, clicks per second, the CPU and memory of the whole deploy
(serve.sh, HAProxy, the app processes and their workers) and the clicks per app process (read from each
user's cookie), then stops the deploy. Last, the ratio of each median to the first one's.

    python bench/load_balanced.py                               # 100 users, 10 clicks each, on 1 and 4 processes
    python bench/load_balanced.py --processes 1 2 4 --clicks 20
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_server import start_deploy, stop_app  # noqa: E402
from bench.common import load_average  # noqa: E402
from bench.load_arena import FOOTNOTE, HEADER, add_room_arguments, check_room_arguments, print_result, room  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 4], help="app processes, one deploy each")
    add_room_arguments(parser, users=[100])
    args = parser.parse_args()
    check_room_arguments(parser, args)
    if max(args.processes) > 16:
        parser.error("keep it bounded: at most 16 app processes")
    print(f"# page {args.page}, button {args.key}, {args.clicks} clicks per user ~{args.think:g} s apart, through "
          f"HAProxy (deploy/serve.sh); {load_average()} at the start")
    print(f"{'processes':>9s} {HEADER}")
    medians = {}
    for processes in args.processes:
        deploy, url = start_deploy(processes)
        try:
            for n_users in args.users:
                result = asyncio.run(room(url.replace("http://", "ws://"), args, n_users, deploy.pid))
                print_result(result, first=f"{processes:9d} ")
                medians[processes, n_users] = result["median_ms"]
        finally:
            stop_app(deploy)
    print(FOOTNOTE + " Server MB and CPU: the whole deploy (serve.sh, HAProxy, every app process and its workers).")
    for (processes, n_users), median in medians.items():
        base = medians[args.processes[0], n_users]
        print(f"# {n_users} users, {processes} processes: median {median:.0f} ms, "
              f"{median / base:.2f} of {args.processes[0]} process(es)' {base:.0f} ms")


if __name__ == "__main__":
    main()
