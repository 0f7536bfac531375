"""A session's memory stays bounded: pool size capped, history compact, per-round caches
forgotten. Sizes are measured as pickled bytes of the session's objects (not wall time)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from apptest_pages import open_page

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def session_bytes(at: AppTest, prefix: str) -> dict:
    """Pickled size of each of the page's session-state values (those that pickle)."""
    sizes = {}
    for key in list(at.session_state.keys()):
        if key.startswith(prefix):
            try:
                sizes[key] = len(pickle.dumps(at.session_state[key], protocol=5))
            except Exception:  # widgets' internals and callbacks do not pickle; they do not grow
                pass
    return sizes


def test_arena_100_steps_grow_the_session_by_its_history_only():
    at = open_page("arena", pool=1000, budget=110, init=4, seeds=3)
    at.button(key="arena.run.step").click().run()
    before = session_bytes(at, "arena.")
    for _ in range(10):
        at.button(key="arena.run.run10").click().run()
    assert not at.exception
    race = at.session_state["arena.race"]
    assert [loop.n_labeled for loop in race.loops.values()] == [105, 105]
    after = session_bytes(at, "arena.")
    growth = sum(after.values()) - sum(before.values())
    rounds = 100 * len(race.loops)
    # What the history records per round and learner: one Round (labels, accuracy, the queried
    # index) and one labeled index and label: a few hundred pickled bytes. A pool vector of
    # utilities per round (1,000 float32) would be 4,000 bytes more.
    assert growth / rounds < 600, (growth / rounds, {k: after[k] - before.get(k, 0) for k in after})
    history = race.loops["A: Margin"].history
    assert all(r.utilities is None for r in history)
    assert len(pickle.dumps(history[1:])) / 100 < 400  # and the history itself is compact


def test_arena_pool_is_capped():
    at = open_page("arena", pool=10**9, budget=10, seeds=3)
    assert at.session_state["arena.race"].dataset.X_pool.shape[0] <= 5000
    assert any("pool size" in w.value for w in at.warning)


def test_batch_page_keeps_one_round_of_its_per_round_memo():
    at = open_page("batch", pool=400, batch=10, init=10, budget=20)
    sizes = []
    for _ in range(12):
        at.button(key="batch.label").click().run()
        assert not at.exception
        sizes.append(sum(session_bytes(at, "batch.").values()))
        cache = at.session_state["batch.cache"]
        rounds = {key[1] for key in cache}
        assert len(rounds) == 1, sorted(rounds)  # only the current round's batches, scores, images
    # 12 rounds of 10 labels: the learners' records grow a little; the memo does not pile up.
    assert sizes[-1] - sizes[1] < 40_000, sizes
