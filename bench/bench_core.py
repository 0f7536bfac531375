"""Engine-core benchmarks: figures printed against plain references run in the
same process, with single-threaded BLAS. Not a pass/fail test.

    python bench/bench_core.py            # full sizes (about a minute)
    python bench/bench_core.py --quick    # smaller, for a smoke run
    python bench/bench_core.py --entropy  # only the entropy section (seconds)
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

import numpy as np
from scipy.special import entr
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alcore import batch, scores  # noqa: E402
from alcore.data import make_dataset  # noqa: E402
from alcore.loop import LoopConfig, Race, race_curves  # noqa: E402
from bench.common import load_average  # noqa: E402


def best_of(function, repeats: int) -> float:
    """Best wall time of a few runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_k_center(X, X_labeled, k, utilities=None, alpha=None):
    """The plain float64 incremental reference: a running min-distance vector,
    one new distance column per pick, no pruning. With utilities it is the
    blog post's hybrid: distance and utility min-max scaled over all candidates
    (picked ones at distance 0 included, + 1e-10), picked candidates at -1."""
    sq = np.einsum("ij,ij->i", X, X)
    min_sq = np.full(X.shape[0], np.inf)
    for centre in X_labeled:
        min_sq = np.minimum(min_sq, sq - 2 * X @ centre + centre @ centre)
    remaining = np.ones(X.shape[0], dtype=bool)
    if utilities is not None:
        u = (utilities - utilities.min()) / (utilities.max() - utilities.min() + 1e-10)
    picks = []
    for _ in range(k):
        if utilities is None:
            score = np.where(remaining, min_sq, -np.inf)
        else:
            distance = np.sqrt(np.maximum(min_sq, 0))
            d = (distance - distance.min()) / (distance.max() - distance.min() + 1e-10)
            score = np.where(remaining, alpha * u + (1 - alpha) * d, -1.0)
        pick = int(np.argmax(score))
        picks.append(pick)
        remaining[pick] = False
        centre = X[pick]
        min_sq = np.minimum(min_sq, sq - 2 * X @ centre + centre @ centre)
        min_sq[pick] = 0.0
    return np.array(picks)


def bench_selectors(n, d, n_labeled, k, repeats):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(50, d)) * 3
    datasets = {
        "gaussian (no structure)": rng.normal(size=(n, d)),
        "50-cluster mixture": centres[rng.integers(0, 50, n)] + rng.normal(size=(n, d)),
    }
    utilities = rng.random(n)
    print(f"\nBatch selectors: N={n:,}, d={d}, {n_labeled} labeled, k={k} (seconds, best of {repeats})")
    print(f"{'data':26s} {'selector':10s} {'plain f64':>10s} {'alcore':>10s} {'speed-up':>9s} {'same picks':>11s}")
    for name, X in datasets.items():
        labeled = X[:n_labeled] + 0.01
        cases = {
            "k-center": (lambda: plain_k_center(X, labeled, k),
                         lambda: batch.k_center_greedy(X, labeled, k)),
            "hybrid": (lambda: plain_k_center(X, labeled, k, utilities, 0.5),
                       lambda: batch.hybrid(utilities, X, labeled, k, alpha=0.5)),
        }
        for selector, (plain, ours) in cases.items():
            reference_time = best_of(plain, repeats)
            our_time = best_of(ours, repeats)
            same = np.mean(plain() == ours())
            print(f"{name:26s} {selector:10s} {reference_time:10.3f} {our_time:10.3f} "
                  f"{reference_time / our_time:8.1f}x {same:10.1%}")


def bench_scores(n, repeats):
    rng = np.random.default_rng(1)
    raw = rng.random((n, 10))
    probs = raw / raw.sum(axis=1, keepdims=True)
    votes = rng.integers(0, 10, size=(5, n))
    plain = {
        "least_confidence": lambda: 1 - probs.max(axis=1),
        "margin": lambda: 1 - np.diff(np.sort(probs, axis=1)[:, -2:], axis=1)[:, 0],
        "entropy": lambda: -(probs * np.log(probs)).sum(axis=1),
        "vote_entropy": lambda: entr(np.stack([(votes == c).mean(axis=0) for c in range(10)], 1)).sum(1),
    }
    ours = {
        "least_confidence": lambda check: scores.least_confidence(probs, check_input=check),
        "margin": lambda check: scores.margin(probs, check_input=check),
        "entropy": lambda check: scores.entropy(probs, check_input=check),
        "vote_entropy": lambda check: scores.vote_entropy(votes, 10, check_input=check),
    }
    print(f"\nScores on {n:,} x 10 probabilities (5 x {n:,} votes), milliseconds, best of {repeats}")
    print(f"{'score':18s} {'plain numpy':>12s} {'alcore':>10s} {'unchecked':>10s}")
    for name in plain:
        print(f"{name:18s} {best_of(plain[name], repeats) * 1e3:12.2f} "
              f"{best_of(lambda: ours[name](True), repeats) * 1e3:10.2f} "
              f"{best_of(lambda: ours[name](False), repeats) * 1e3:10.2f}")


def per_call(function, number, repeats) -> float:
    """Best time per call over ``repeats`` timeit runs of ``number`` calls, in seconds."""
    return min(timeit.repeat(function, number=number, repeat=repeats)) / number


def bench_entropy(repeats):
    rng = np.random.default_rng(2)
    print(f"\nentropy (default call, input checked) vs plain -einsum('ij,ij->i', p, log p), "
          f"microseconds per call, best of {repeats}")
    print(f"{'probabilities':16s} {'plain einsum':>13s} {'entropy':>10s} {'ratio':>7s}")
    for n, n_classes, number in ((100_000, 10, 20), (2_000, 2, 2_000)):
        raw = rng.random((n, n_classes))
        probs = raw / raw.sum(axis=1, keepdims=True)
        plain = per_call(lambda: -np.einsum("ij,ij->i", probs, np.log(probs)), number, repeats)
        ours = per_call(lambda: scores.entropy(probs), number, repeats)
        print(f"{f'{n:,} x {n_classes}':16s} {plain * 1e6:13.1f} {ours * 1e6:10.1f} {ours / plain:6.2f}x")


def bench_loop(rounds, seeds):
    data = make_dataset("blobs", n_pool=2000, n_test=500)
    print("\nActiveLoop rounds on 2,000 2-D points (milliseconds per round, median)")
    for config in (LoopConfig(strategy="entropy"), LoopConfig(strategy="vote_entropy"),
                   LoopConfig(strategy="margin", selector="hybrid", batch_size=5)):
        loop = Race(data, {"learner": config}, seed=0).loops["learner"]
        oracle = lambda indices: data.y_pool[indices]  # noqa: E731
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            loop.step(oracle)
            times.append(time.perf_counter() - start)
        print(f"  {config.strategy:14s} {config.selector:7s} batch {config.batch_size}: "
              f"{np.median(times) * 1e3:6.2f}")
    configs = {"active": LoopConfig(strategy="entropy"), "random": LoopConfig(strategy="random")}
    start = time.perf_counter()
    race_curves(lambda seed: make_dataset("blobs", n_pool=2000, n_test=500, random_state=seed),
                configs, range(seeds), budget=100)
    print(f"\n{seeds}-seed race, entropy vs random, to 100 labels on 2,000 points: "
          f"{time.perf_counter() - start:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a smoke run")
    parser.add_argument("--entropy", action="store_true", help="only entropy against plain numpy")
    args = parser.parse_args()
    print(f"# one BLAS thread; {load_average()}")
    with threadpool_limits(limits=1, user_api="blas"):
        if args.entropy:
            bench_entropy(repeats=15)
        elif args.quick:
            bench_selectors(n=5_000, d=16, n_labeled=20, k=50, repeats=1)
            bench_scores(n=10_000, repeats=3)
            bench_entropy(repeats=5)
            bench_loop(rounds=20, seeds=2)
        else:
            bench_selectors(n=100_000, d=64, n_labeled=100, k=500, repeats=2)
            bench_scores(n=100_000, repeats=7)
            bench_entropy(repeats=15)
            bench_loop(rounds=100, seeds=20)
    print(f"# {load_average()} at the end")


if __name__ == "__main__":
    main()
