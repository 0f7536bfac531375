"""AppTest for the synthesis lab (/synthesis): both tabs open from their link and step; every control moves;
the 2-D tab draws where the made-up queries land; on the digits tab a visitor labels a blend or says "can't
tell", and the page counts it; each tab keeps its learners when the other's settings change; the verdict is
the measurement's; the link reproduces the tab, the settings and the round.

Measurements run in a thread of the test process (``in_process_jobs``) over 3 seeds."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page
from test_app_arena import page_text, query, verdict_box
from test_app_stream import alerts, ok

from alcore.registry import DATASETS
from alcore.stats import estimate
from alcore.synthesis import far_from_data
from ui import jobs
from ui.labs import synthesis as spec
from ui.measure import MIXED
from ui.params import parse
from ui.verdicts import mixed_sentence, outside_sentence, synthesis_verdicts

pytestmark = pytest.mark.usefixtures("in_process_jobs")

SMALL = dict(pool=200, seeds=3, budget=30)
PARAMS = {param.name: param for param in spec.PARAMS}


def synthesis(**query_) -> AppTest:
    return ok(open_page("synthesis", **{**SMALL, **query_}))


def race(at: AppTest, tab: str):
    return lab_state(at, "synthesis").slots[tab].race


def click(at: AppTest, tab: str, action: str) -> AppTest:
    return ok(at.button(key=f"synthesis.{tab}.run.{action}").click().run())


def answer(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=f"synthesis.digits.answer.{key}").click().run())


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Open a tab as a click would (AppTest sets the tab without its callback: the sidebar follows one run later)."""
    at.session_state["synthesis.tabs"] = spec.LABELS[tab]
    return ok(ok(at.run()).run())


def cards(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("tab", spec.VARIANTS)
def test_each_tab_opens_from_its_link_and_its_buttons_work(tab):
    at = synthesis(tab=tab)
    assert race(at, tab).rounds == 0 and query(at)["tab"] == tab
    at = click(at, tab, "step")
    assert race(at, tab).rounds == 1 and {loop.n_labeled for loop in race(at, tab).loops.values()} == \
        {race(at, tab).synthesis.seed_indices.size + 1}
    at = click(at, tab, "run10")
    assert race(at, tab).rounds == 11 and query(at)["n"] == "11"
    at = click(at, tab, "play")
    assert lab_state(at, "synthesis").slots[tab].playing
    at = click(at, tab, "pause")
    at = click(at, tab, "reset")
    assert race(at, tab).rounds == 0 and query(at)["seed"] == "0"
    at = click(at, tab, "new_seed")
    assert query(at)["seed"] != "0"


def test_the_plane_tab_marks_the_made_up_queries_and_counts_those_outside_the_data():
    at = click(synthesis(), "plane", "run10")
    learners = race(at, "plane")
    outside = int(far_from_data(learners.synthesis.queries, learners.dataset.X_pool).sum())
    assert f"{outside} of 10 queries outside the data" in page_text(at)
    assert len(at.get("image")) == 2


def test_the_end_points_and_every_sidebar_control_move():
    at = click(synthesis(), "plane", "run10")
    at.button_group(key="synthesis.ends").set_value("pool")
    at = ok(at.run())
    assert race(at, "plane").synthesis.ends == "pool" and race(at, "plane").rounds == 0
    assert at.selectbox(key="synthesis.ds").options == [DATASETS[name].label for name in spec.MIXTURES]
    at.selectbox(key="synthesis.ds").set_value("multiblobs")
    at = ok(at.run())
    for key, value in (("synthesis.classes", 5), ("synthesis.noise", 0.7), ("synthesis.pool", 300),
                       ("synthesis.init", 6), ("synthesis.budget", 30), ("synthesis.seeds", 4)):
        at.slider(key=key).set_value(value)
        at = ok(at.run())
    learners = race(at, "plane")
    assert learners.dataset.n_classes == 5 and learners.dataset.X_pool.shape[0] == 300
    assert learners.synthesis.seed_indices.size == 6 and learners.budget == 30
    at.selectbox(key="synthesis.model").set_value("knn")
    at = ok(at.run())
    at.button_group(key="synthesis.speed").set_value("slow")
    assert query(ok(at.run()))["speed"] == "slow"


def test_a_visitor_labels_blends_or_cannot_tell_and_the_page_counts_it():
    at = synthesis(tab="digits")
    learners = race(at, "digits")
    pending = learners.synthesis.propose()
    at = answer(at, "3")
    assert learners.synthesis.y_labeled[-1] == 3 and learners.synthesis.history[-1].query is pending
    assert learners.loops["margin"].n_labeled == learners.synthesis.n_labeled
    at = answer(at, "none")
    assert len(learners.synthesis.skipped) == 1 and learners.rounds == 2
    assert learners.loops["margin"].n_labeled == learners.synthesis.n_labeled + 1  # it still asked its question
    assert cards(at)["Can't tell"] == "1 of 2"
    truth = learners.synthesis.answer(pending)
    assert cards(at)["Agreed with the ground truth"] == f"{int(truth == 3)} of 1"
    assert "you answered 1, can't tell 1" in next(m.value for m in at.markdown if m.value.startswith("Round "))
    assert any(m.value.startswith("**Your last blend:** you could not tell.") for m in at.markdown)


def test_the_answer_buttons_stop_when_the_budget_is_used():
    at = synthesis(tab="digits", budget=20)
    for _ in range(10):  # 10 starting images + 10 answers
        at = answer(at, "1")
    assert race(at, "digits").synthesis_done
    assert at.button(key="synthesis.digits.answer.1").disabled
    assert at.button(key="synthesis.digits.answer.none").disabled


def test_each_tab_keeps_its_learners_when_the_other_tabs_settings_change():
    at = answer(synthesis(tab="digits"), "7")
    digits = race(at, "digits")
    at = open_tab(at, "plane")
    at.slider(key="synthesis.noise").set_value(0.7)
    at = ok(at.run())
    at = open_tab(at, "digits")
    assert race(at, "digits") is digits and cards(at)["Can't tell"] == "0 of 1"


@pytest.mark.parametrize("tab", spec.VARIANTS)
def test_the_verdict_is_built_from_the_measurement(tab):
    at = synthesis(tab=tab)
    values = {name: parse(PARAMS[name], raw)[0] for name, raw in query(at).items()}
    result, _ = jobs.request(spec.measurement(values)["race"], start=False)
    final = {name: estimate(result[f"{name}.accuracy"][:, -1], 0.0, 1.0) for name in ("synthesis", "margin", "random")}
    paired = [estimate(result["synthesis.accuracy"][:, -1] - result[f"{name}.accuracy"][:, -1])
              for name in ("margin", "random")]
    expected = [v.text for v in synthesis_verdicts(final, *paired, 3, 30)]
    expected.append(outside_sentence(estimate(result["far"], 0.0, 1.0)) if tab == "plane" else
                    mixed_sentence(estimate(result["mixed"], 0.0, 1.0), MIXED))
    assert alerts(verdict_box(at)) == expected


def test_a_link_reproduces_the_tab_the_settings_and_the_round():
    at = synthesis(tab="digits", n=4, seed=9)
    assert race(at, "digits").rounds == 4 and query(at)["seed"] == "9"
    again = synthesis(**query(at))
    np.testing.assert_array_equal(race(again, "digits").synthesis.y_labeled, race(at, "digits").synthesis.y_labeled)


def test_a_dataset_without_known_probabilities_is_refused_with_a_note():
    at = synthesis(ds="moons")
    notes = " ".join(w.value for w in at.warning)
    assert "dataset" in notes and "not one of the choices" in notes and query(at)["ds"] == "blobs"
