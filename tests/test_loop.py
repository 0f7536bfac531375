"""The loop, races and multi-seed curves."""

import numpy as np
import pytest

from alcore.data import make_dataset
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle, Race, choose_seed_set, race_curves
from alcore.registry import SELECTORS, STRATEGIES


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", n_pool=300, n_test=200, random_state=1)


def new_loop(data, **config):
    return ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, LoopConfig(**config),
                      random_state=5)


def run(data, rounds, **config):
    loop = new_loop(data, **config)
    oracle = PoolOracle(data.y_pool)
    seed = choose_seed_set(data.y_pool, 4, np.random.default_rng(0))
    loop.teach(seed, oracle(seed))
    for _ in range(rounds):
        loop.step(oracle)
    return loop, oracle


def test_rounds_are_recorded(blobs):
    loop, oracle = run(blobs, 6, batch_size=3)
    assert loop.n_labeled == 4 + 18 and oracle.n_queries == 22
    assert [r.n_labels for r in loop.history] == [4, 7, 10, 13, 16, 19, 22]
    assert loop.history[0].utilities is None
    last = loop.history[-1]
    assert last.queried.shape == (3,) and 0 <= last.accuracy <= 1
    assert last.utilities.shape == (300,) and last.utilities.dtype == np.float32
    # Utilities are NaN exactly on points labeled before that round.
    labeled_before = loop.labeled_indices[:-3]
    assert np.all(np.isnan(last.utilities[labeled_before]))
    assert np.isfinite(np.delete(last.utilities, labeled_before)).all()
    # The queried points were the highest-utility candidates (top-k).
    assert set(last.queried) == set(np.argsort(np.nan_to_num(last.utilities, nan=-1))[-3:])


def test_loop_never_asks_for_a_labeled_point(blobs):
    loop, _ = run(blobs, 30, batch_size=2, strategy="margin", selector="hybrid")
    assert np.unique(loop.labeled_indices).size == loop.n_labeled


def test_same_seed_same_history_bit_for_bit(blobs):
    for config in ({"strategy": "vote_entropy"}, {"strategy": "random", "selector": "random", "batch_size": 4}):
        first, _ = run(blobs, 8, **config)
        second, _ = run(blobs, 8, **config)
        np.testing.assert_array_equal(first.labeled_indices, second.labeled_indices)
        for a, b in zip(first.history[1:], second.history[1:]):
            np.testing.assert_array_equal(a.utilities, b.utilities)
            assert a.accuracy == b.accuracy


def test_drawing_a_score_map_does_not_change_the_history(blobs):
    plain, _ = run(blobs, 5, strategy="kl_disagreement")
    loop = new_loop(blobs, strategy="kl_disagreement")
    oracle = PoolOracle(blobs.y_pool)
    seed = choose_seed_set(blobs.y_pool, 4, np.random.default_rng(0))
    loop.teach(seed, oracle(seed))
    grid = np.random.default_rng(0).normal(size=(50, 2))
    for _ in range(5):
        assert loop.scores(grid).shape == (50,)
        loop.step(oracle)
    np.testing.assert_array_equal(loop.labeled_indices, plain.labeled_indices)


def test_a_person_is_just_another_oracle(blobs):
    loop = new_loop(blobs)
    loop.teach(np.array([0, 1]), np.array([0, 1]))
    proposal = loop.propose(2)
    loop.teach(proposal, np.array([1, 0]))  # whatever the person says
    np.testing.assert_array_equal(loop.labels, [0, 1, 1, 0])


def test_batch_larger_than_the_pool_returns_what_is_left():
    data = make_dataset("blobs", n_pool=12, n_test=20)
    loop, _ = run(data, 0)
    assert loop.propose(50).size == 8
    loop.step(PoolOracle(data.y_pool), 50)
    assert loop.n_unlabeled == 0
    with pytest.raises(ValueError, match="exhausted"):
        loop.propose()


def test_one_class_labeled_gives_a_note_not_a_crash(blobs):
    loop = new_loop(blobs)
    only_zeros = np.flatnonzero(blobs.y_pool == 0)[:3]
    loop.teach(only_zeros, blobs.y_pool[only_zeros])
    assert "one class" in loop.note.lower()
    assert loop.propose(2).size == 2
    np.testing.assert_allclose(loop.predict_proba(blobs.X_test[:3]), 0.5)


@pytest.mark.parametrize("indices, labels, words", [
    ([0, 0], [0, 0], "repeat"),
    ([999], [0], "indices must lie"),
    ([1], [7], "labels must lie"),
    ([], [], "non-empty"),
    ([1, 2], [0], "one per index"),
])
def test_teach_rejects_bad_input(blobs, indices, labels, words):
    loop = new_loop(blobs)
    with pytest.raises(ValueError, match=words):
        loop.teach(np.array(indices, dtype=int), np.array(labels, dtype=int))


def test_teach_rejects_a_labeled_point(blobs):
    loop = new_loop(blobs)
    loop.teach(np.array([3]), np.array([0]))
    with pytest.raises(ValueError, match="labeled already"):
        loop.teach(np.array([3]), np.array([0]))


@pytest.mark.parametrize("kwargs, words", [
    ({"strategy": "psychic"}, "strategy must be one of"),
    ({"selector": "best"}, "selector must be one of"),
    ({"model": "oracle"}, "model must be one of"),
    ({"batch_size": 0}, "batch_size"),
    ({"alpha": 2.0}, "alpha"),
    ({"n_members": 1}, "n_members"),
])
def test_config_rejects_bad_values(kwargs, words):
    with pytest.raises(ValueError, match=words):
        LoopConfig(**kwargs)


def test_loop_rejects_bad_data(blobs):
    with pytest.raises(ValueError, match="X_pool contains NaN"):
        ActiveLoop(np.full((3, 2), np.nan), blobs.X_test, blobs.y_test, 2)
    with pytest.raises(ValueError, match="X_pool is empty"):
        ActiveLoop(np.zeros((0, 2)), blobs.X_test, blobs.y_test, 2)
    with pytest.raises(ValueError, match="features"):
        ActiveLoop(blobs.X_pool, np.zeros((3, 5)), np.zeros(3, dtype=int), 2)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_every_registered_strategy_and_selector_runs(strategy, selector):
    """A template in the spirit of scikit-activeml's: a new registry entry is tested here at once."""
    data = make_dataset("multiblobs", n_pool=120, n_test=60, n_classes=3, random_state=2)
    # The Laplace model samples posteriors (for BALD and BatchBALD) and is softmax-linear (for EGL, BADGE).
    config = LoopConfig(model="laplace_logreg", strategy=strategy, selector=selector, batch_size=3)
    race = Race(data, {"learner": config}, seed=0, seed_size=6)
    for _ in range(3):
        race.step()
    loop = race.loops["learner"]
    assert loop.n_labeled == 15
    assert np.unique(loop.labeled_indices).size == 15
    assert race.oracle.n_queries == 15


def test_seed_sets():
    y = np.repeat([0, 1, 2], 10)
    rng = np.random.default_rng(0)
    per_class = choose_seed_set(y, 6, rng)
    assert sorted(np.bincount(y[per_class])) == [2, 2, 2]
    assert choose_seed_set(y, 2, rng).size == 2
    assert np.unique(choose_seed_set(y, 100, rng)).size == 30
    assert choose_seed_set(y, 5, rng, method="random").size == 5
    with pytest.raises(ValueError, match="method"):
        choose_seed_set(y, 5, rng, method="magic")


def test_race_shares_seed_set_and_test_split(blobs):
    race = Race(blobs, {"a": LoopConfig(strategy="entropy"), "b": LoopConfig(strategy="random")}, seed=3)
    a, b = race.loops["a"], race.loops["b"]
    np.testing.assert_array_equal(a.labeled_indices, b.labeled_indices)
    assert a.history[0].accuracy == b.history[0].accuracy
    race.step()
    assert a.n_labeled == b.n_labeled == 5
    with pytest.raises(ValueError, match="configs is empty"):
        Race(blobs, {})


def test_race_curves_shapes_progress_and_determinism():
    def make_data(seed):
        return make_dataset("blobs", n_pool=150, n_test=100, random_state=seed)

    configs = {"active": LoopConfig(strategy="margin", batch_size=2), "random": LoopConfig(strategy="random")}
    seen = []
    labels, accuracy = race_curves(make_data, configs, [0, 1, 2], budget=15, progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert labels[0] == 4 and labels[-1] == 15
    assert accuracy["random"].shape == (3, labels.size)
    again = race_curves(make_data, configs, [0, 1, 2], budget=15)[1]
    np.testing.assert_array_equal(again["active"], accuracy["active"])
    with pytest.raises(ValueError, match="seeds is empty"):
        race_curves(make_data, configs, [], budget=15)


def test_cached_properties_of_different_loops_do_not_wait_for_each_other():
    """Before Python 3.12, functools.cached_property locks across all instances: sessions of the
    app, each in its own thread, would queue behind one another's predictions. Here every
    computation waits until all four are inside at once, which a shared lock never allows."""
    import threading

    from alcore.loop import cached_property

    all_inside = threading.Barrier(4, timeout=10)
    failures = []

    class Slow:
        calls = 0

        @cached_property
        def value(self):
            Slow.calls += 1
            all_inside.wait()
            return Slow.calls

    def read(instance):
        try:
            instance.value
        except threading.BrokenBarrierError as error:
            failures.append(error)

    objects = [Slow() for _ in range(4)]
    threads = [threading.Thread(target=read, args=(o,)) for o in objects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, "the four computations could not run at once"
    first = objects[0].value
    assert objects[0].value == first and Slow.calls == 4  # computed once per instance


@pytest.mark.parametrize("keep", [0, 1, 3])
def test_keep_utilities_bounds_what_the_history_holds(keep):
    from alcore.data import make_dataset
    from alcore.loop import Race

    data = make_dataset("blobs", n_pool=300, n_test=100)
    configs = {"m": LoopConfig(strategy="margin")}
    bounded = Race(data, configs, seed=1, keep_utilities=keep)
    full = Race(data, configs, seed=1)
    for _ in range(8):
        bounded.step()
        full.step()
    b, f = bounded.loops["m"].history, full.loops["m"].history
    assert [r.utilities is not None for r in b] == [False] * (len(b) - keep) + [True] * keep
    for rb, rf in zip(b, f):  # everything else is the same, bit for bit
        assert rb.n_labels == rf.n_labels and rb.accuracy == rf.accuracy
        np.testing.assert_array_equal(rb.queried, rf.queried)
    for rb, rf in zip(b[len(b) - keep:], f[len(f) - keep:]):
        np.testing.assert_array_equal(rb.utilities, rf.utilities)
    assert all(r.utilities is not None for r in f[1:])  # the default keeps them all


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_keep_utilities_must_be_a_count(bad):
    from alcore.data import make_dataset

    data = make_dataset("blobs", n_pool=50, n_test=20)
    with pytest.raises(ValueError, match="keep_utilities"):
        ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, keep_utilities=bad)
