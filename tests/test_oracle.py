"""alcore.oracle: a person teaches a learner answer by answer (mistakes taught as given), skips, undoes
exactly, answers in batches, shares the work with a machine tier; the learners taught by the dataset's
labels keep the same label counts; the measurement helpers against examples worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alcore.data import make_dataset
from alcore.loop import LoopConfig
from alcore.oracle import Classroom, on_grid, simulate, summarize_tiers
from alcore.stopping import StopRules

DATA = make_dataset("digits", n_pool=150, n_test=100, random_state=1)
RULES = StopRules(stop_set=60, budget=20)


def classroom(**kwargs) -> Classroom:
    return Classroom(DATA, LoopConfig(strategy=kwargs.pop("strategy", "margin")), seed=2, seed_size=10,
                     stop_rules=RULES, **kwargs)


def state(room: Classroom) -> tuple:
    """Everything a replay must reproduce: the learners' histories and labels, the answers, the watch."""
    person = room.person
    return ([(r.n_labels, r.accuracy, r.queried.tolist()) for loop in room.loops.values() for r in loop.history],
            [loop.labels.tolist() for loop in room.loops.values()], person.answers, person.queue,
            sorted(person.skipped), person.watch.labels, np.nan_to_num(person.watch.kappa, nan=-9).tolist(),
            np.nan_to_num(person.watch.entropy, nan=-9).tolist(), person.machine_counts())


def test_the_person_is_the_oracle_and_mistakes_are_taught_as_given():
    room = classroom()
    asked = room.person.current
    guess, confidence = room.person.guess(asked)
    wrong = (int(DATA.y_pool[asked]) + 3) % 10
    answer = room.answer(wrong, when=123.0)
    assert (answer.index, answer.label, answer.truth, answer.guess, answer.when) == (asked, wrong,
                                                                                     DATA.y_pool[asked], guess, 123.0)
    assert answer.confidence == pytest.approx(confidence) and answer.disagrees and not answer.skipped
    assert room.person.loop.labels[-1] == wrong and room.person.loop.labeled_indices[-1] == asked
    assert room.person.n_people == 11 and room.rounds == 1 and room.person.current != asked
    truth = room.loops["truth"]  # the same strategy taught by the dataset asked the same first point
    assert truth.labeled_indices[-1] == asked and truth.labels[-1] == DATA.y_pool[asked]
    assert [loop.n_labeled for loop in room.loops.values()] == [11, 11, 11]


def test_batch_mode_refits_after_ten_answers():
    room = classroom(per_refit=10)
    batch = list(room.person.queue)
    assert len(batch) == 10
    guesses = [room.person.guess(i) for i in batch]
    for i in range(9):
        room.step()
        assert room.rounds == 0 and room.person.queue == batch[i + 1:] and len(room.person.pending) == i + 1
    assert [room.person.guess(i) for i in batch] == guesses  # the same model until the batch is answered
    room.step()
    assert room.rounds == 1 and room.person.n_people == 20 and not room.person.pending
    assert [loop.n_labeled for loop in room.loops.values()] == [20, 20, 20]
    assert sorted(room.person.loop.labeled_indices[-10:]) == sorted(batch)


def test_a_skipped_point_is_never_asked_again():
    room = classroom(per_refit=10)
    skipped = room.person.current
    room.skip()
    for _ in range(9):
        room.step()
    assert room.person.n_people == 19 and skipped not in room.person.loop.labeled_indices
    asked = set()
    for _ in range(30):
        asked.add(room.person.current)
        room.step()
    assert skipped not in asked and [loop.n_labeled for loop in room.loops.values()] == [49, 49, 49]


def test_skipping_a_whole_batch_asks_a_new_one_and_skipping_everything_finishes():
    room = classroom(per_refit=10)
    first = list(room.person.queue)
    for _ in range(10):
        room.skip()
    assert room.rounds == 0 and not set(room.person.queue) & set(first)
    while not room.finished:
        room.skip()
    assert room.person.current is None and len(room.person.skipped) == DATA.X_pool.shape[0] - 10
    with pytest.raises(ValueError, match="Nothing is left to ask"):
        room.step()


def test_undo_in_a_batch_and_across_a_refit_asks_the_same_point_again():
    room = classroom(per_refit=3)
    first = room.person.current
    room.answer(0)
    assert room.undo().index == first and room.person.current == first and room.rounds == 0
    for _ in range(3):
        room.step()
    assert room.rounds == 1
    last = room.person.answers[-1]
    assert room.undo() == last  # the refit and the others' rounds are taken back too
    assert room.rounds == 0 and room.person.current == last.index and len(room.person.pending) == 2
    assert [loop.n_labeled for loop in room.loops.values()] == [10, 10, 10]


def test_undo_has_limits():
    room = classroom(undo_depth=2)
    with pytest.raises(ValueError, match="Nothing to undo"):
        room.undo()
    for _ in range(3):
        room.step()
    room.undo(), room.undo()
    assert not room.person.can_undo
    with pytest.raises(ValueError, match="at most"):
        room.undo()


MOVES = st.lists(st.sampled_from(["right", "wrong", "skip", "undo"]), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None)
@given(MOVES, st.sampled_from([1, 4]), st.sampled_from([None, 0.6]))
def test_any_moves_with_undo_equal_the_moves_that_were_kept(moves, per_refit, threshold):
    """Undo is exact: any sequence of answers, skips and undos leaves the learners (and the others, the
    machine tier, the stopping rules' record) as the answers it kept, given to a fresh classroom."""
    room = classroom(per_refit=per_refit, threshold=threshold, strategy="random")
    kept = []
    for move in moves:
        if move == "undo":
            if room.person.can_undo:
                room.undo()
                kept.pop()
            continue
        if room.finished:
            break
        index = room.person.current
        label = None if move == "skip" else int(DATA.y_pool[index] + (move == "wrong")) % 10
        room.skip() if label is None else room.answer(label)
        kept.append(label)
    replay = classroom(per_refit=per_refit, threshold=threshold, strategy="random")
    for label in kept:
        replay.skip() if label is None else replay.answer(label)
    assert state(room) == state(replay)


def test_the_machine_tier_labels_what_the_model_is_sure_of_and_the_person_the_rest():
    room = classroom(threshold=0.5)
    labeled_by_person = set()
    for _ in range(25):
        sure = set(room.person.confident().tolist())
        assert room.person.current not in sure  # the person is asked only where the model is unsure
        labeled_by_person.add(room.person.current)
        room.step()
        if room.finished:
            break
    indices, labels = room.person.machine_labeled
    assert indices.size and not set(indices.tolist()) & labeled_by_person
    count, wrong = room.person.machine_counts()
    assert count == indices.size and wrong == int(np.sum(labels != DATA.y_pool[indices]))
    assert room.person.loop.n_labeled == room.person.n_people + count  # the machine's labels are taught too
    assert room.loops["truth"].n_labeled == room.person.n_people  # the others count labels from people only
    assert classroom().person.machine_counts() == (0, 0)


def test_when_the_machine_tier_takes_every_point_left_nothing_is_asked():
    room = classroom(threshold=0.01)  # sure enough of everything: the machine labels the whole pool
    assert room.finished and room.person.loop.n_unlabeled == 0 and room.person.n_people == 10
    assert room.person.machine_counts()[0] == DATA.X_pool.shape[0] - 10


def test_threshold_is_a_probability_or_none():
    room = classroom()
    for bad in (0.0, 1.5, True):
        with pytest.raises(ValueError, match="threshold"):
            room.person.threshold = bad
    room.person.threshold = 0.9
    assert room.person.threshold == 0.9


def test_answers_are_class_labels():
    room = classroom()
    for bad in (-1, 10, 2.0, True, "3"):
        with pytest.raises(ValueError, match="label must be a class"):
            room.answer(bad)


def test_the_dataset_answering_is_what_simulate_measures():
    room = classroom(per_refit=4, threshold=0.7)
    while room.person.n_people < 30:
        room.step()
    alone = simulate(DATA, LoopConfig(strategy="margin"), seed=2, seed_size=10, per_refit=4, people=30,
                     threshold=0.7, stop_rules=RULES)
    assert np.array_equal(alone.curve[0], room.person.curve[0]) and np.array_equal(alone.curve[1], room.person.curve[1])
    assert alone.machine_counts() == room.person.machine_counts()


def test_the_budget_rule_counts_labels_from_people():
    room = classroom()
    room.budget = 13
    for _ in range(3):
        room.step()
    assert room.person.stops()["budget"].n_labels == 13
    room.budget = None
    assert "budget" not in room.person.stops()


def test_on_grid_by_hand():
    assert np.allclose(on_grid([10, 11, 11, 12], [0.5, 0.6, 0.7, 0.8], [10, 11, 12, 13]), [0.5, 0.7, 0.8, 0.8])
    assert np.isnan(on_grid([10, 11], [0.5, 0.6], [9])[0])


def test_summarize_tiers_by_hand():
    labels = [10, 20, 30]
    # two seeds; conditions: no machine tier, threshold 0.9
    accuracy = [[[0.5, 0.8, 0.9], [0.7, 0.85, 0.9]],
                [[0.6, 0.7, 0.85], [0.6, 0.8, 0.8]]]
    machine = [[0, 50], [0, 40]]
    wrong = [[0, 5], [0, 8]]
    off, tier = summarize_tiers([None, 0.9], labels, accuracy, machine, wrong, target=0.8)
    assert off.threshold is None and tier.threshold == 0.9
    assert off.needed.mean == 25 and off.reached == 2             # 20 and 30 labels
    assert tier.needed.mean == 20 and tier.reached == 2           # 20 and 20
    assert tier.saving.mean == pytest.approx(1 - 20 / 25)
    assert tier.machine.mean == 45 and tier.error.mean == pytest.approx((0.1 + 0.2) / 2)
    assert np.isnan(off.error.mean)                                # no machine labels, no error rate
    assert tier.final.mean == pytest.approx(0.85) and tier.change.mean == pytest.approx((0.0 - 0.05) / 2)
    with pytest.raises(ValueError, match="start with None"):
        summarize_tiers([0.9], labels, accuracy, machine, wrong, 0.8)
