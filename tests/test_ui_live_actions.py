"""ui.live for learners a person teaches (tests/pages/fake_person_lab.py): a lab shows only the run
buttons it declares, keeps no round in the link when it has no ``n`` setting, and runs its own buttons
through live.act (a new revision and memo per move; a refused move said in the live part)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state
from pages import fake_person_lab
from test_app_arena import query

PAGE = Path(__file__).resolve().parent / "pages" / "fake_person_lab.py"


def open_lab(**link) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    for key, value in link.items():
        at.query_params[key] = str(value)
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def slot(at: AppTest):
    return lab_state(at, fake_person_lab.NAME).slots[""]


def test_only_the_declared_run_buttons_and_no_round_in_the_link():
    at = open_lab(seed=3, n=5)
    assert [b.key for b in at.button if ".run." in (b.key or "")] == ["person.run.reset"]
    assert query(at) == {"init": "10", "seed": "3"}  # a link's round means nothing here, and none is written
    assert slot(at).race.rounds == 0


def test_a_labs_own_button_changes_the_learners_like_a_run_button():
    at = open_lab()
    revision = slot(at).revision
    assert "Memo of 0 answers; revision 1." in [m.value for m in at.markdown]
    at = ok(at.button(key="person.right").click().run())
    assert slot(at).race.person.n_people == 11 and slot(at).revision == revision + 1
    assert f"Memo of 1 answers; revision {revision + 1}." in [m.value for m in at.markdown]
    assert "n" not in query(at) and not at.error


def test_a_refused_move_is_said_in_the_live_part_and_changes_nothing():
    at = open_lab()
    revision = slot(at).revision
    at = ok(at.button(key="person.refuse").click().run())
    assert [e.value for e in at.error] == ["That did not work: the stand-in refuses this move"]
    assert slot(at).revision == revision and slot(at).race.person.answers == []
    at = ok(at.button(key="person.right").click().run())  # the next move clears the message
    assert not at.error and slot(at).race.person.n_people == 11


def test_reset_starts_the_person_again():
    at = open_lab()
    at = ok(at.button(key="person.right").click().run())
    at = ok(at.button(key="person.run.reset").click().run())
    assert slot(at).race.person.answers == [] and slot(at).race.rounds == 0
