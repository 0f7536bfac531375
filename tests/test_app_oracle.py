"""AppTest for the oracle lab (app_pages/oracle.py, ui/labs/oracle.py): the visitor labels digits by
clicking, with mistakes, skips and undos; batch mode; the machine tier's live counts; the stopping
banner and marks; every control; the verdict from the lab store; two sessions never share labels."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page, race, settle
from test_app_arena import query, verdict_box

from ui import measure
from ui.labs import oracle as spec

DIGITS = [f"oracle.answer.{d}" for d in range(10)]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def room(at: AppTest):
    return race(at, "oracle")


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


def truth(at: AppTest) -> int:
    """The dataset's label of the digit asked about now (the test plays a person who knows it)."""
    classroom = room(at)
    return int(classroom.dataset.y_pool[classroom.person.current])


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def stand_in_oracle(monkeypatch, in_process_jobs):
    """Quick stand-ins for the two measurements (for settings outside the lab store): arrays of the
    right shapes, the same for every seed."""
    def tiers(args, seed):
        _, _, seed_size, per_refit, people, _, thresholds = args
        labels = np.arange(seed_size, people + 1, per_refit)
        ramp = np.linspace(0.5, 0.95, labels.size)
        return {"labels": labels, "accuracy": np.array([ramp - 0.01 * i for i in range(1 + len(thresholds))]),
                "machine": np.arange(1 + len(thresholds)) * 10, "wrong": np.arange(1 + len(thresholds))}

    def stopping(args, seed):
        _, _, seed_size, per_refit, people, _, _ = args
        labels = np.arange(seed_size, people + 1, per_refit)
        return {"labels": labels, "accuracy": np.minimum(0.95, 0.5 + labels / 200), "kappa": np.full(labels.size, 0.995),
                "entropy": np.linspace(0.9, 0.1, labels.size)}

    for name, seed_fn in (("tiers", tiers), ("stopping", stopping)):
        kind = measure.KINDS[name]
        monkeypatch.setitem(measure.KINDS, name, measure.Kind(name, lambda a, s, f=seed_fn: f(a, s), kind.combine,
                                                              kind.n_seeds, lambda args: 0.001))


# -- opening the page ------------------------------------------------------------------------------------------

def test_the_page_opens_with_a_digit_ten_answers_and_the_stored_verdict():
    at = ok(open_page("oracle"))
    assert status(at) == "Round 0 · 0 labels from you (10 starting labels from the dataset)"
    assert len(at.get("image")) == 1  # the digit; the galleries are empty so far
    assert [b.key for b in at.button if b.key and b.key.startswith("oracle.answer.")] == DIGITS
    assert at.button(key="oracle.undo").disabled and not at.button(key="oracle.skip").disabled
    assert {b.key for b in at.button if b.key and ".run." in b.key} == {"oracle.run.reset", "oracle.run.new_seed"}
    assert any(m.value.startswith("The model's guess: **") for m in at.markdown)
    box = verdict_box(at)
    assert box.subheader[0].value == "Over 20 seeds, the dataset's labels as the person"
    texts = " ".join(m.value for kind in ("markdown", "warning", "info", "success") for m in box.get(kind))
    assert "Two tiers." in texts and "When to stop." in texts and "poison" in texts
    assert not [b for b in at.button if b.key and b.key.endswith(".measure")]  # stored: no Run button
    assert "n" not in query(at) and query(at)["seed"] == "0"  # answers are not in the link


# -- labeling ---------------------------------------------------------------------------------------------------

def test_thirty_labels_with_mistakes_skips_and_undos():
    at = ok(open_page("oracle"))
    given = []  # (pool index, answer) the learner should have been taught, in order
    skipped = []
    for i in range(30):
        index, right = room(at).person.current, truth(at)
        if i % 7 == 3:
            at = click(at, "oracle.skip")
            skipped.append(index)
            continue
        answer = (right + 1) % 10 if i % 5 == 0 else right  # a mistake every fifth answer
        if i % 9 == 4:  # a slip, taken back
            at = click(at, DIGITS[(right + 4) % 10])
            assert room(at).person.current != index
            at = click(at, "oracle.undo")
            assert room(at).person.current == index  # asked again
        at = click(at, DIGITS[answer])
        given.append((index, answer))
    at = click(at, "oracle.undo")  # the last answer, taken back
    given.pop()
    person = room(at).person
    assert person.loop.labeled_indices[10:].tolist() == [i for i, _ in given]
    assert person.loop.labels[10:].tolist() == [a for _, a in given]
    assert not set(skipped) & set(person.loop.labeled_indices.tolist())
    assert status(at).startswith(f"Round {len(given)} · {len(given)} labels from you")
    assert [loop.n_labeled for loop in room(at).loops.values()] == [10 + len(given)] * 3
    mistakes = sum(answer != room(at).dataset.y_pool[index] for index, answer in given)
    assert metric(at, "Your mistakes") == str(mistakes) == "5" and len(given) == 25 and len(skipped) == 4
    assert any(f"**{mistakes} differ from the dataset's label**" in m.value for m in at.markdown)
    chart = at.get("plotly_chart")[0].proto.spec
    assert all(name in chart for name in ('"You"', "Same strategy, dataset's labels", "Random, dataset's labels"))
    rows = list(csv.DictReader(io.StringIO(spec.labels_csv(room(at)))))
    source = room(at).dataset.source
    assert [(int(r["image"]), int(r["your_label"])) for r in rows] == [(int(source[i]), a) for i, a in given]


def test_batch_mode_answers_ten_then_refits():
    at = ok(open_page("oracle", batch=1))
    for i in range(9):
        at = click(at, DIGITS[truth(at)])
        assert status(at).startswith(f"Round 0 · 0 labels from you") and f"batch: {i + 1} of 10 answered" in status(at)
    at = click(at, DIGITS[truth(at)])
    assert status(at).startswith("Round 1 · 10 labels from you") and "batch:" in status(at)
    at = click(at, "oracle.undo")  # back into the batch: the refit is taken back
    assert status(at).startswith("Round 0 · 0 labels from you") and "batch: 9 of 10 answered" in status(at)


def test_the_machine_tier_counts_its_labels_and_mistakes_live():
    at = ok(open_page("oracle", tiers=1, threshold=0.5))
    for _ in range(8):
        at = click(at, DIGITS[truth(at)])
    saved, wrong = room(at).person.machine_counts()
    assert saved > 0 and metric(at, "Labels saved") == str(saved)
    assert metric(at, "Machine tier's error rate") == f"{wrong / saved:.1%}"
    at = ok(at.toggle(key="oracle.tiers").set_value(False).run())
    assert room(at).person.threshold is None and room(at).person.machine_counts() == (saved, wrong)  # no rebuild
    assert any("The machine tier is off" in m.value for m in at.markdown)


def test_you_could_stop_here_when_a_rule_fires_with_its_mark_on_the_curve():
    at = ok(open_page("oracle", budget=20))
    for _ in range(9):
        at = click(at, DIGITS[truth(at)])
    assert not [s for s in at.success if "You could stop here" in s.value]
    at = click(at, DIGITS[truth(at)])
    banner = next(s.value for s in at.success if "You could stop here" in s.value)
    accuracy = room(at).person.curve[1][-1]
    assert f"budget reached at 20 labels (test accuracy then {accuracy:.1%})" in banner.lower()
    assert "a real team would not have" in banner
    assert "budget reached" in at.get("plotly_chart")[0].proto.spec
    assert any("Marks: where a stopping rule would have stopped" in c.value for c in at.caption)
    at = ok(at.slider(key="oracle.budget").set_value(40).run())  # the rule follows the budget, no rebuild
    assert not [s for s in at.success if "You could stop here" in s.value] and room(at).person.n_people == 20


def test_the_gallery_shows_what_random_sampling_asked_instead():
    at = ok(open_page("oracle"))
    for _ in range(3):
        at = click(at, DIGITS[truth(at)])
    assert len(at.get("image")) == 2  # the digit and the gallery of what was asked (no mistakes yet)
    asked = lab_state(at, "oracle").slots[""].memo["asked"]
    at = ok(at.toggle(key="oracle.random").set_value(True).run())
    assert query(at)["random"] == "1" and lab_state(at, "oracle").slots[""].memo["random"] != asked
    assert room(at).loops["random"].n_labeled == 13


# -- every control --------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("stand_in_oracle")
def test_every_control_moves_without_an_exception():
    at = ok(open_page("oracle"))
    at = click(at, DIGITS[truth(at)])
    for key, value in (("oracle.strategy", "entropy"), ("oracle.model", "knn")):
        at = ok(at.selectbox(key=key).set_value(value).run())
        assert room(at).person.n_people == 10  # a new learner: the labeling starts again
    assert at.slider(key="oracle.threshold").disabled  # until the machine tier is on
    for key in ("oracle.batch", "oracle.tiers", "oracle.random"):
        at = ok(at.toggle(key=key).set_value(True).run())
    for key, value in (("oracle.init", 12), ("oracle.budget", 50), ("oracle.uncertainty", 0.5),
                       ("oracle.threshold", 0.8)):
        at = ok(at.slider(key=key).set_value(value).run())
    assert room(at).person.per_refit == 10 and room(at).person.threshold == 0.8
    at = click(at, DIGITS[truth(at)])
    seed = room(at).seed
    at = click(at, "oracle.run.reset")
    assert room(at).seed == seed and room(at).person.answers == []
    at = click(at, "oracle.run.new_seed")
    assert query(at)["seed"] == str(room(at).seed)
    at = ok(settle(at))  # other settings: measured (by the stand-ins) in the background
    at = ok(verdict_box(at).slider[0].set_value(0.8).run())
    assert query(at)["target"] == "0.8"
    assert query(at) == {**query(at), "model": "knn", "strategy": "entropy", "init": "12", "batch": "1", "tiers": "1"}


# -- your labels are yours ---------------------------------------------------------------------------------------------

def test_two_sessions_label_on_their_own():
    one, two = ok(open_page("oracle")), ok(open_page("oracle"))
    assert room(one) is not room(two) and room(one).person is not room(two).person
    first = room(two).person.current
    for _ in range(4):
        one = click(one, DIGITS[(truth(one) + 1) % 10])  # one visitor gets every digit wrong
    two = ok(two.run())
    assert room(two).person.answers == [] and room(two).person.current == first
    two = click(two, DIGITS[truth(two)])
    one = ok(one.run())
    assert len(room(one).person.answers) == 4 and all(a.disagrees for a in room(one).person.answers)
    assert [a.disagrees for a in room(two).person.answers] == [False]
    csv_one, csv_two = spec.labels_csv(room(one)), spec.labels_csv(room(two))
    assert len(csv_one.splitlines()) == 5 and len(csv_two.splitlines()) == 2
    assert metric(one, "Your mistakes") == "4" and metric(two, "Your mistakes") == "0"
    assert room(one).dataset is not room(two).dataset  # nothing shared to write to, not even the data


def test_curved_logistic_regression_is_not_offered_and_a_link_asking_for_it_says_so():
    at = ok(open_page("oracle", model="poly_logreg"))
    assert "poly_logreg" not in at.selectbox(key="oracle.model").options
    assert "Curved logistic regression" not in at.selectbox(key="oracle.model").options
    assert room(at).person.loop.config.model == "logreg" and query(at)["model"] == "logreg"
    assert any("model" in w.value and "adjusted" in w.value for w in at.warning)
