"""A session's memory stays bounded: pool size capped, history compact (no pool utilities kept), the
slot's per-round memo forgotten at every round and its data replaced, not piled up. Sizes are pickled
bytes of the lab's state in the session (not wall time)."""

from __future__ import annotations

import io
import pickle
import types

from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page, race


class _Sizer(pickle.Pickler):
    """Pickles an object's data; functions (strategies hold lambdas) count as a reference."""

    def persistent_id(self, obj):
        if isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType)):
            return "function"
        return None


def nbytes(obj) -> int:
    buffer = io.BytesIO()
    _Sizer(buffer, protocol=5).dump(obj)
    return buffer.tell()


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_arena_100_steps_grow_the_session_by_its_history_only():
    at = open_page("arena", pool=1000, budget=110, init=4, seeds=3)
    at.toggle(key="arena.scores").set_value(True).run()  # the score maps of the last pick are kept too
    at = click(at, "arena.run.step")
    before = nbytes(lab_state(at, "arena"))
    for _ in range(10):
        at = click(at, "arena.run.run10")
    the_race, slot = race(at), lab_state(at, "arena").slots[""]
    assert [loop.n_labeled for loop in the_race.loops.values()] == [105, 105]
    growth = nbytes(lab_state(at, "arena")) - before
    rounds = 100 * len(the_race.loops)
    # What the history records per round and learner: one Round (labels, accuracy, the queried index)
    # and one labeled index and label: tens of pickled bytes. A pool vector of utilities per round
    # (1,000 float32) would be 4,000 bytes more; a score map per round 14,400.
    assert growth / rounds < 600, growth / rounds
    history = the_race.loops["A: Margin"].history
    assert the_race.keep_utilities == 0 and all(r.utilities is None for r in history)
    assert nbytes(history[1:]) / 100 < 400  # and the history itself is compact
    assert set(slot.data) == {"grid", "pool_alpha", "pick_scores"}  # replaced each round, not piled up
    assert list(slot.data["pick_scores"]) == ["A: Margin"] and not slot.memo


def test_arena_pool_is_capped():
    at = open_page("arena", pool=10**9, budget=10, seeds=3)
    assert race(at).dataset.X_pool.shape[0] == 5000
    assert any("pool size" in w.value for w in at.warning)


def test_the_slot_memo_keeps_one_round_only():
    at = open_page("batch", pool=400, batch=10, init=10, budget=40, seeds=5)
    at = click(at, "batch.run.step")
    slot = lab_state(at, "batch").slots[""]
    one_round = set(slot.memo)
    assert one_round and all(key[0] in race(at, "batch").loops for key in one_round)
    sizes = []
    for _ in range(10):
        at.slider(key="batch.alpha").set_value(0.3).run()  # a second alpha's batch this round
        assert set(lab_state(at, "batch").slots[""].memo) > one_round
        at.slider(key="batch.alpha").set_value(0.5).run()
        at = click(at, "batch.run.step")
        slot = lab_state(at, "batch").slots[""]
        assert set(slot.memo) == one_round  # only the current round's batches, scores, maps
        sizes.append(nbytes(slot.memo))
    assert all(loop.n_labeled == 120 for loop in race(at, "batch").loops.values())
    assert max(sizes) < 1.2 * min(sizes), sizes  # the memo does not grow with the rounds
