"""ActiveLoop.undo takes back a teach exactly; propose(exclude=...) never proposes an excluded point;
a Race with stopping rules watches every learner after every round."""

from __future__ import annotations

import numpy as np
import pytest

from alcore.data import make_dataset
from alcore.loop import ActiveLoop, LoopConfig, PoolOracle, Race
from alcore.stopping import StopRules


def digits(n_pool: int = 200, seed: int = 0):
    return make_dataset("digits", n_pool=n_pool, n_test=100, random_state=seed)


def fresh(data, config: LoopConfig, undo_depth: int = 5) -> tuple[ActiveLoop, PoolOracle]:
    loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, data.n_classes, config, random_state=3,
                      undo_depth=undo_depth)
    oracle = PoolOracle(data.y_pool)
    seed = np.arange(12)
    loop.teach(seed, oracle(seed))
    return loop, oracle


def stepped(data, config: LoopConfig, steps: int) -> tuple[ActiveLoop, PoolOracle]:
    """A fresh loop after ``steps`` steps."""
    loop, oracle = fresh(data, config)
    for _ in range(steps):
        loop.step(oracle)
    return loop, oracle


def history(loop: ActiveLoop) -> list:
    return [(r.n_labels, r.accuracy, r.queried.tolist()) for r in loop.history]


@pytest.mark.parametrize("config", [LoopConfig(strategy="margin"), LoopConfig(strategy="random", batch_size=3),
                                    LoopConfig(strategy="vote_entropy", n_members=3),
                                    LoopConfig(strategy="entropy", temperature=True),
                                    LoopConfig(strategy="margin", epsilon=0.5)])
def test_undo_then_the_same_steps_give_the_same_history_bit_for_bit(config):
    data = digits()
    straight, _ = stepped(data, config, 6)
    undone, oracle = stepped(data, config, 4)
    wrong = undone.propose()
    undone.teach(wrong, (data.y_pool[wrong] + 1) % 10)  # a mistake, taken back below
    assert np.array_equal(undone.undo().queried, wrong)
    fourth = undone.undo()  # and a good round: the loop is as just before it was taught
    assert undone.n_labeled == 12 + 3 * config.batch_size and undone.undoable == 3
    undone.teach(fourth.queried, oracle(fourth.queried))
    for _ in range(2):
        undone.step(oracle)
    assert history(undone) == history(straight)
    assert np.array_equal(undone.labels, straight.labels) and np.array_equal(undone.labeled_mask, straight.labeled_mask)
    assert np.array_equal(undone.predict_proba(data.X_test), straight.predict_proba(data.X_test))
    assert np.array_equal(undone.propose(), straight.propose())  # the random generators are back too


def test_undo_gives_back_the_round_and_its_labels():
    data = digits()
    loop, oracle = fresh(data, LoopConfig(strategy="margin", batch_size=2))
    before = (loop.labeled_indices.copy(), loop.labels.copy(), loop.curve[1].copy())
    record = loop.step(oracle)
    assert loop.undo() is record  # the round taken back
    assert np.array_equal(loop.labeled_indices, before[0]) and np.array_equal(loop.labels, before[1])
    assert np.array_equal(loop.curve[1], before[2]) and loop.n_labeled == 12
    assert not loop.labeled_mask[record.queried].any()


def test_undo_restores_the_utilities_keep_utilities_dropped():
    data = digits()
    loop = ActiveLoop(data.X_pool, data.X_test, data.y_test, 10, LoopConfig(strategy="margin"), keep_utilities=1,
                      undo_depth=2)
    oracle = PoolOracle(data.y_pool)
    loop.teach(np.arange(12), oracle(np.arange(12)))
    loop.step(oracle)
    kept = loop.history[1].utilities
    loop.step(oracle)
    assert loop.history[1].utilities is None  # out of the window of one
    loop.undo()
    assert loop.history[1].utilities is kept


def test_undo_depth_bounds_what_can_be_taken_back():
    data = digits()
    loop, oracle = fresh(data, LoopConfig(strategy="margin"), undo_depth=2)
    for _ in range(4):
        loop.step(oracle)
    assert loop.undoable == 2
    loop.undo(), loop.undo()
    with pytest.raises(ValueError, match="Nothing to undo"):
        loop.undo()
    loop.step(oracle)
    loop.undo_depth = 0  # lowering it forgets the copies at once
    assert loop.undoable == 0
    with pytest.raises(ValueError, match="undo_depth must be an integer"):
        loop.undo_depth = -1


def test_no_undo_by_default():
    data = digits()
    loop, oracle = fresh(data, LoopConfig(), undo_depth=0)
    loop.step(oracle)
    with pytest.raises(ValueError, match="Nothing to undo"):
        loop.undo()


def test_propose_never_picks_an_excluded_point():
    data = digits(60)
    loop, _ = fresh(data, LoopConfig(strategy="margin"))
    first = loop.propose(5)
    excluded = np.concatenate([first, [40, 41]])
    again = loop.propose(5, exclude=excluded)
    assert not np.isin(again, excluded).any() and np.unique(again).size == 5
    everything_left = np.flatnonzero(~loop.labeled_mask)
    with pytest.raises(ValueError, match="all excluded"):
        loop.propose(1, exclude=everything_left)
    assert loop.propose(1, exclude=[]).size == 1
    for bad in ([-1], [60], [[1, 2]], [0.5]):
        with pytest.raises(ValueError, match="exclude must be"):
            loop.propose(1, exclude=bad)


def test_a_race_with_stopping_rules_watches_every_learner_every_round():
    race = Race(make_dataset("moons", n_pool=300), {"A": LoopConfig(model="knn", strategy="margin"),
                                                  "B": LoopConfig(model="knn", strategy="random")},
                stop_rules=StopRules(stop_set=100), budget=30)
    race.advance(100)
    for name, watch in race.watches.items():
        assert watch.rounds == len(race.loops[name].history) and watch.labels == list(race.loops[name].curve[0])
        assert watch.stop_set.size == 100
    stops = race.stops()
    assert stops["A"]["budget"].n_labels == 30 and stops["B"]["budget"].n_labels == 30
    race.budget = 20  # the race's budget is the rule's
    assert race.stops()["A"]["budget"].n_labels == 20
    assert Race(make_dataset("moons", n_pool=100), {"A": LoopConfig()}).watches == {}


@pytest.mark.parametrize("config", [LoopConfig(strategy="random", batch_size=2), LoopConfig(strategy="vote_entropy",
                                                                                           n_members=3)])
def test_undo_with_the_proposal_lets_a_step_repeat_exactly(config):
    data = digits()
    straight, _ = stepped(data, config, 3)
    undone, oracle = stepped(data, config, 3)
    undone.undo(proposal=True), undone.undo(proposal=True)
    for _ in range(2):
        undone.step(oracle)
    assert history(undone) == history(straight)
    assert np.array_equal(undone.propose(), straight.propose())


def test_undo_with_the_proposal_needs_a_round_taught_as_proposed():
    data = digits()
    loop, oracle = fresh(data, LoopConfig(strategy="margin"))
    proposed = loop.propose(2)
    loop.teach(proposed[:1], oracle(proposed[:1]))  # only part of it (a person skipped the other)
    with pytest.raises(ValueError, match="did not teach the points it proposed"):
        loop.undo(proposal=True)
    loop.undo()
    assert loop.n_labeled == 12
