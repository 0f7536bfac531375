"""Benchmarks for the gradient, error-reduction and Bayesian strategies.

Prints each alcore figure beside a plain reference run in the same process,
with one BLAS thread (as the loop runs them). Nothing here asserts a time.

    python bench/bench_bayesian.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import entr, softmax
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alcore.batch import badge, batchbald, softmax_gradient_embedding  # noqa: E402
from alcore.bayes import MCDropoutMLP  # noqa: E402
from alcore.data import make_dataset  # noqa: E402
from alcore.models import SoftmaxRegression, TaskModel  # noqa: E402
from alcore.scores import bald, expected_error_reduction, expected_gradient_length  # noqa: E402
from bench.common import load_average  # noqa: E402


class Timing(float):
    """Wall-clock seconds of the fastest run, with its CPU seconds beside it
    (on a shared machine the CPU time shows the cost without the waiting)."""

    def __new__(cls, wall, cpu):
        timing = super().__new__(cls, wall)
        timing.cpu = cpu
        return timing


def best_of(function, repeat=3):
    """The fastest of ``repeat`` runs as a Timing, and the last result."""
    best = Timing(np.inf, np.inf)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        run = Timing(time.perf_counter() - wall, time.process_time() - cpu)
        best = min(best, run)
    return best, result


def row(name, seconds, reference=None, note=""):
    ratio = f"{reference / seconds:8.1f}x" if reference is not None else " " * 9
    ref = f"{reference:9.3f} s" if reference is not None else " " * 11
    print(f"  {name:<44} {seconds:7.3f} s ({seconds.cpu:6.3f} s) {ref} {ratio}  {note}")


# -- plain references ---------------------------------------------------------------

def egl_per_example(probs, X):
    """EGL one example and one label at a time, forming each gradient matrix."""
    out = np.empty(len(X))
    for i in range(len(X)):
        x1 = np.append(X[i], 1.0)
        total = 0.0
        for label in range(probs.shape[1]):
            residual = probs[i].copy()
            residual[label] -= 1.0
            total += probs[i, label] * np.linalg.norm(np.outer(residual, x1))
        out[i] = total
    return out


def badge_plain(embeddings, k, rng):
    """k-means++ seeding as in BADGE's reference code: distances to each new centre by cdist."""
    picks = [int(np.argmax(np.linalg.norm(embeddings, axis=1)))]
    min_sq = cdist(embeddings, embeddings[picks[-1:]], "sqeuclidean").ravel()
    for _ in range(k - 1):
        picks.append(int(rng.choice(len(embeddings), p=min_sq / min_sq.sum())))
        min_sq = np.minimum(min_sq, cdist(embeddings, embeddings[picks[-1:]], "sqeuclidean").ravel())
    return np.array(picks)


def batchbald_plain(mc, k, rng, n_configs=128):
    """The same greedy estimate in float64, the whole (configs, n, C) tensor at once."""
    n_draws, n, n_classes = mc.shape
    conditional = entr(mc).sum(axis=2).mean(axis=0)
    log_joint, weights, picks = np.zeros((1, n_draws)), np.ones(1), []
    for step in range(k):
        mix = softmax(log_joint, axis=1)
        given_c = np.einsum("mt,tnc->mnc", mix, mc)
        gain = weights @ entr(given_c).sum(axis=2) - conditional
        gain[picks] = -np.inf
        pick = int(np.argmax(gain))
        picks.append(pick)
        if step == k - 1:
            break
        weights = (weights[:, None] * (mix @ mc[:, pick])).ravel()
        log_pick = np.log(np.maximum(mc[:, pick], 1e-300)).T
        log_joint = (log_joint[:, None, :] + log_pick[None]).reshape(-1, n_draws)
        if weights.size > n_configs:
            kept = rng.choice(weights.size, size=n_configs, p=weights / weights.sum())
            log_joint, weights = log_joint[kept], np.full(n_configs, 1.0 / n_configs)
    return np.array(picks)


def eer_cold(X_labeled, y_labeled, X_candidates, X_eval, n_classes):
    """EER (0/1 loss) with a fresh, cold fit for every (candidate, label)."""
    def fit(X, y):
        return TaskModel(SoftmaxRegression(warm_start=False), n_classes).fit(X, y)

    def risk(model):
        return np.mean(1.0 - model.predict_proba(X_eval).max(axis=1))

    model = fit(X_labeled, y_labeled)
    now = risk(model)
    out = []
    for x, p in zip(X_candidates, model.predict_proba(X_candidates)):
        expected = 0.0
        for label in np.flatnonzero(p > 0):
            expected += p[label] * risk(fit(np.vstack([X_labeled, x]), np.append(y_labeled, label)))
        out.append(now - expected)
    return np.array(out)


def main():
    rng = np.random.default_rng(0)
    print(f"One BLAS thread; {load_average()}.")

    print("Models")
    moons = make_dataset("moons", n_pool=2000, n_test=10)
    seconds, _ = best_of(lambda: MCDropoutMLP(random_state=0).fit(moons.X_pool, moons.y_pool))
    row("MCDropoutMLP fit, 2,000 2-D points", seconds)

    print(f"\n  {'':<44} {'alcore wall (cpu)':>20} {'reference':>11} {'ratio':>9}")
    print("Expected gradient length, 100,000 x 64, 10 classes")
    X = rng.normal(size=(100_000, 64))
    probs = softmax(3 * rng.normal(size=(100_000, 10)), axis=1)
    checked, utilities = best_of(lambda: expected_gradient_length(probs, X))
    unchecked, _ = best_of(lambda: expected_gradient_length(probs, X, check_input=False))
    sub = 2_000
    loop_seconds, reference = best_of(lambda: egl_per_example(probs[:sub], X[:sub]), repeat=1)
    extrapolated = loop_seconds * len(X) / sub
    agree = np.allclose(reference, utilities[:sub], rtol=1e-9)
    row("expected_gradient_length (checked input)", checked, extrapolated,
        f"per-example loop on {sub:,}, extrapolated; agree={agree}")
    row("expected_gradient_length (check_input=False)", unchecked, extrapolated)

    print("BADGE, N = 10,000, d = 64, 10 classes, k = 100")
    X = rng.normal(size=(10_000, 64))
    probs = softmax(2 * rng.normal(size=(10_000, 10)), axis=1)
    embed_seconds, embeddings = best_of(lambda: softmax_gradient_embedding(probs, X))
    pick_seconds, picks = best_of(lambda: badge(embeddings, 100, np.random.default_rng(1)))
    embeddings64 = embeddings.astype(np.float64)
    plain_seconds, _ = best_of(lambda: badge_plain(embeddings64, 100, np.random.default_rng(1)), repeat=1)
    row("embeddings + badge", Timing(embed_seconds + pick_seconds, embed_seconds.cpu + pick_seconds.cpu),
        embed_seconds + plain_seconds,
        f"embeddings {embed_seconds:.3f} s; reference: cdist per pick, float64; "
        f"{np.unique(picks).size} unique")

    print("BatchBALD, N = 10,000, T = 20, 10 classes, k = 10")
    mc = softmax(rng.normal(size=(1, 10_000, 10)) + 1.5 * rng.normal(size=(20, 10_000, 10)), axis=2)
    seconds, picks = best_of(lambda: batchbald(mc, 10, np.random.default_rng(2)), repeat=1)
    plain_seconds, plain_picks = best_of(lambda: batchbald_plain(mc, 10, np.random.default_rng(2)), repeat=1)
    bald_seconds, _ = best_of(lambda: bald(mc))
    row("batchbald (128 configurations)", seconds, plain_seconds,
        f"float64 one-tensor reference; same picks={np.array_equal(picks, plain_picks)}; "
        f"BALD alone {bald_seconds:.3f} s")

    print("Expected error reduction, 300-point pool, logistic regression, 10 labels")
    data = make_dataset("blobs", n_pool=300, n_test=10, random_state=0)
    labeled = np.concatenate([np.flatnonzero(data.y_pool == c)[:5] for c in range(2)])
    X_labeled, y_labeled = data.X_pool[labeled], data.y_pool[labeled]
    X_pool = np.delete(data.X_pool, labeled, axis=0)
    model = TaskModel(SoftmaxRegression(), 2).fit(X_labeled, y_labeled)
    sub = 30
    cold_seconds, cold = best_of(lambda: eer_cold(X_labeled, y_labeled, X_pool[:sub], X_pool, 2), repeat=1)
    cold_full = cold_seconds * len(X_pool) / sub
    exact_seconds, exact = best_of(lambda: expected_error_reduction(model, X_labeled, y_labeled, X_pool),
                                   repeat=1)
    sub_seconds, _ = best_of(lambda: expected_error_reduction(
        model, X_labeled, y_labeled, X_pool, candidate_subsample=30, pool_subsample=100,
        rng=np.random.default_rng(3)))
    row("exact (warm-started refits)", exact_seconds, cold_full,
        f"cold refits on {sub} candidates, extrapolated")
    row("candidate_subsample=30, pool_subsample=100", sub_seconds, cold_full)
    print(f"  cold reference agrees with the exact utilities of its {sub} candidates: "
          f"{np.allclose(cold, exact[:sub], atol=1e-5)}")
    print(f"{load_average()} at the end")


if __name__ == "__main__":
    with threadpool_limits(limits=1, user_api="blas"):
        main()
