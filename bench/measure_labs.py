"""Measure what every lab shows at its defaults and presets, and keep it in the lab store.

    python bench/measure_labs.py                # measure what is missing, write ui/labs/measured.json
    python bench/measure_labs.py --all          # measure everything again
    python bench/measure_labs.py --check 2      # recompute seeds 0-1 of every entry, compare with the store

A first visitor to a lab at its defaults, or to a preset, then sees the
verdict at once: the page reads the store (``ui.measure.LAB_STORE``) instead of
measuring. Each entry is the same measurement the page would make, keyed the
same way (``ui.measure.key_text``). Run it after changing the engine, a lab's
defaults or its presets; ``tests/test_lab_store.py`` fails when the store is
missing an entry or disagrees with a recomputation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from ui import measure  # noqa: E402
from ui.labs import arena, batch, failures, oracle, stream, synthesis, zoo  # noqa: E402

LABS = {"arena": arena, "batch": batch, "failures": failures, "oracle": oracle, "stream": stream,
        "synthesis": synthesis, "zoo": zoo}


def stored_keys(labs=LABS) -> list:
    """Every key the labs want stored, once each, in a stable order: each lab's measurement at its
    ``stored_settings()``, and the keys of its ``stored_keys()`` when it has one."""
    keys = {}
    for spec in labs.values():
        for values in spec.stored_settings():
            for key in spec.measurement(values).values():
                keys.setdefault(measure.key_text(key), key)
        for key in getattr(spec, "stored_keys", list)():  # tables a lab shows beside its settings' measurement
            keys.setdefault(measure.key_text(key), key)
    return list(keys.values())


def _measure(key):
    started = time.perf_counter()
    return key, measure.encode(measure.compute(key)), time.perf_counter() - started


def write(entries: dict) -> None:
    """The store as JSON, one entry per line (diffs stay readable), keys sorted."""
    lines = [f"{json.dumps(text)}: {json.dumps(entries[text], separators=(',', ':'))}" for text in sorted(entries)]
    measure.LAB_STORE.write_text("{\n" + ",\n".join(lines) + "\n}\n")


def check(keys: list, n_seeds: int) -> int:
    """Recompute the first seeds of every stored entry; returns how many disagree."""
    store = measure.lab_store()
    bad = 0
    for key in keys:
        text = measure.key_text(key)
        if text not in store:
            print(f"missing  {text}")
            bad += 1
            continue
        stored = measure.decode(store[text])
        for seed in range(n_seeds):
            if not same_seed(key, stored, seed):
                print(f"stale    {text} (seed {seed})")
                bad += 1
                break
    return bad


def same_seed(key, stored, seed: int) -> bool:
    """Whether one seed recomputed now equals that seed in a stored measurement."""
    kind = measure.kind_of(key)
    fresh = kind.combine(key[1], [kind.one_seed(key[1], seed)])
    if key[0] == "race":
        labels, accuracy = fresh
        return all(measure.np.array_equal(accuracy[name][0], stored[1][name][seed][:labels.size]) for name in accuracy)
    if key[0] == "zoo":
        size = fresh["labels"].size
        return (all(measure.np.array_equal(values[0], stored["accuracy"][name][seed][:size])
                    for name, values in fresh["accuracy"].items())
                and all(measure.np.array_equal(fresh[part][0], stored[part][seed], equal_nan=True)
                        for part in ("rho", "same")))
    return all(measure.np.array_equal(values[0], stored[name][seed], equal_nan=True) for name, values in fresh.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="measure every entry again")
    parser.add_argument("--check", type=int, metavar="SEEDS", help="recompute this many seeds per entry and compare")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    keys = stored_keys()
    if args.check:
        bad = check(keys, args.check)
        print(f"{len(keys) - bad} of {len(keys)} entries agree")
        sys.exit(1 if bad else 0)
    entries = {} if args.all else dict(measure.lab_store())
    wanted = {measure.key_text(k) for k in keys}
    entries = {text: value for text, value in entries.items() if text in wanted}  # drop what no lab asks for
    todo = sorted((k for k in keys if measure.key_text(k) not in entries), key=measure.estimated_seconds)
    print(f"{len(keys)} entries, {len(todo)} to measure (about {sum(map(measure.estimated_seconds, todo)):.0f} s "
          "of work, estimated)")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for key, encoded, seconds in pool.map(_measure, todo):
            entries[measure.key_text(key)] = encoded
            write(entries)
            print(f"{seconds:7.1f} s (estimated {measure.estimated_seconds(key):7.1f})  {measure.key_text(key)[:110]}",
                  flush=True)
    write(entries)
    print(f"done in {time.perf_counter() - started:.0f} s; {measure.LAB_STORE}: {measure.LAB_STORE.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
